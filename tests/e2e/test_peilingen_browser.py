import pytest
from playwright.async_api import Browser, Page, expect

from participatie.accounts import domain as accounts
from participatie.peilingen import domain
from participatie.peilingen.tables import Adreswachtrij, Antwoord, Peiling
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.e2e.test_kiosk_browser import shot
from tests.peilingen.test_domain import _vraag_in_voorleggen, make_peiling

pytestmark = pytest.mark.browser


async def _answer(page, base: str, sleutel: str) -> None:
    await page.goto(f"{base}/p/{sleutel}")
    await assert_fits_width(page)
    await assert_accessible(page)
    # First without the required answers: the errors sit next to their items.
    await page.get_by_role("button", name="Versturen").click()
    assert "Nog niet alles is goed ingevuld" in await page.locator(".foutsamenvatting").inner_text()
    await assert_accessible(page)
    await page.get_by_label("Een beetje").check()
    await page.get_by_label("Buren").check()
    await page.get_by_label("Huisarts").check()
    await page.get_by_label("4", exact=True).check()
    await page.get_by_label("Wat zou helpen?").fill("Eén formulier voor alles")
    await page.get_by_role("button", name="Versturen").click()
    await page.wait_for_url(f"{base}/p/{sleutel}/bedankt")
    await assert_accessible(page)
    await page.get_by_label("Uw e-mailadres").fill("inwoner@example.org")
    await page.get_by_role("button", name="Stuur mij het rapport").click()
    await page.wait_for_url(f"{base}/p/{sleutel}/bedankt?adres=1")
    assert "Uw e-mailadres is opgeslagen." in await page.locator("main").inner_text()


async def test_resident_answers_on_a_320px_phone_with_javascript(live_server, phone, mensen):
    peiling_id = await make_peiling(mensen)
    sleutel = (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]

    await _answer(phone, live_server, sleutel)

    assert await Antwoord.count() == 1
    assert await Adreswachtrij.count() == 1  # waiting for a batch of responses (adressen.py)


async def test_resident_answers_on_an_old_phone_without_javascript(live_server, phone_without_js, mensen):
    peiling_id = await make_peiling(mensen)
    sleutel = (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]

    await phone_without_js.goto(f"{live_server}/p/{sleutel}")
    await phone_without_js.get_by_role("button", name="Versturen").click()
    # The message names the question it is about: the list at the top shows it on its own.
    assert (
        await phone_without_js.locator(".foutsamenvatting li").first.inner_text()
        == "Kies een antwoord bij vraag 1: Kent u de regeling?"
    )
    await phone_without_js.get_by_label("Nee").first.check()
    await phone_without_js.get_by_label("Krant").check()
    await phone_without_js.get_by_label("2", exact=True).check()
    await phone_without_js.get_by_role("button", name="Versturen").click()
    await phone_without_js.wait_for_url(f"{live_server}/p/{sleutel}/bedankt")
    await assert_fits_width(phone_without_js)

    assert await Antwoord.count() == 1


async def test_council_member_builds_and_publishes_a_poll(live_server, desktop, mensen, settings):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="bouwer@beverwijk.example")
    await log_in(desktop, live_server, "bouwer@beverwijk.example", PASSWORD)

    await desktop.goto(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    await desktop.get_by_role("link", name="Een peiling maken").click()
    await desktop.get_by_label("Titel").fill("Bankjes in de wijk")
    await desktop.get_by_label("Korte uitleg voor inwoners").fill("Twee korte vragen over bankjes.")
    await desktop.get_by_role("button", name="Peiling maken").click()
    await assert_accessible(desktop)
    # Nothing to publish yet, and the page says why.
    assert await desktop.get_by_role("button", name="Publiceren").count() == 0
    assert "Voeg eerst een vraag toe." in await desktop.locator("#publiceren-nog").inner_text()
    await desktop.get_by_label("Eén antwoord kiezen").check()
    await desktop.get_by_role("button", name="Verder").click()
    # htmx swaps the kind's form in place, puts the address in the history, and moves the focus.
    await expect(desktop.locator("#gekozen-soort")).to_be_focused()
    assert desktop.url.endswith("?soort=enkel")
    assert await desktop.get_by_label("Wat betekent 1?").count() == 0
    await desktop.get_by_label("De vraag", exact=True).fill("Waar mist u een bankje?")
    await desktop.get_by_label("Antwoorden om uit te kiezen").fill(
        "Bij de bushalte\nIn het park\nBij de winkels"
    )
    await desktop.get_by_role("button", name="Vraag toevoegen").click()
    await desktop.get_by_label("Ja of nee").check()
    await desktop.get_by_role("button", name="Verder").click()
    await expect(desktop.locator("#gekozen-soort")).to_be_focused()
    assert await desktop.get_by_label("Antwoorden om uit te kiezen").count() == 0
    await desktop.get_by_label("De vraag", exact=True).fill("Zit u graag buiten?")
    await desktop.get_by_role("button", name="Vraag toevoegen").click()
    await desktop.get_by_role("button", name="Omhoog : Zit u graag buiten?").click()
    # expect() waits for the page that the click loads; reading at once raced the reload.
    await expect(desktop.locator(".items .item strong")).to_have_text(
        ["Zit u graag buiten?", "Waar mist u een bankje?"]
    )
    await desktop.get_by_label("Sluit op").fill("2099-12-31T17:00")
    await desktop.get_by_role("button", name="Instellingen opslaan").click()
    await desktop.get_by_role("button", name="Publiceren").click()
    await expect(desktop.locator(".utrecht-badge-status").first).to_have_text("Open: inwoners kunnen meedoen")
    await assert_accessible(desktop)

    await desktop.get_by_role("link", name="Voorbeeld bekijken").click()
    assert "Vraag 1 van 2" in await desktop.locator("main").inner_text()
    await assert_accessible(desktop)
    formulier = await domain.load_formulier(peiling_id=(await Peiling.select(Peiling.id).first())["id"])
    assert [i.tekst for i in formulier.items] == ["Zit u graag buiten?", "Waar mist u een bankje?"]


async def _peiling_van(settings, gemeente: str) -> int:
    """A published poll of this council, built by its own raadslid and ambtenaar."""
    await make_gebruiker(settings, "raadslid", gemeente, email=f"raad@{gemeente}.example")
    await make_gebruiker(settings, "ambtenaar", gemeente, email=f"ambt@{gemeente}.example")
    return await make_peiling(
        {
            "raadslid": await accounts.acting_as(f"raad@{gemeente}.example"),
            "ambtenaar": await accounts.acting_as(f"ambt@{gemeente}.example"),
        }
    )


async def _page(browser: Browser, breedte: int, *, javascript: bool = True) -> Page:
    context = await browser.new_context(
        viewport={"width": breedte, "height": 900}, locale="nl-NL", java_script_enabled=javascript
    )
    return await context.new_page()


async def _sleutel(peiling_id: int) -> str:
    return (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]


@pytest.mark.parametrize("breedte", [320, 1280])
async def test_the_public_poll_wears_its_councils_colour(live_server, browser, database, settings, breedte):
    kleuren = {"velsen": "rgb(0, 84, 140)", "heemskerk": "rgb(0, 102, 61)"}
    for gemeente, kleur in kleuren.items():
        page = await _page(browser, breedte)
        sleutel = await _sleutel(await _peiling_van(settings, gemeente))

        await page.goto(f"{live_server}/p/{sleutel}")

        assert await page.locator(".kop").evaluate("e => getComputedStyle(e).backgroundColor") == kleur
        await shot(page, f"peiling-{gemeente}")
        await assert_fits_width(page)
        await page.get_by_role("button", name="Versturen").click()
        assert await page.locator(".kop").evaluate("e => getComputedStyle(e).backgroundColor") == kleur
        await shot(page, f"peiling-{gemeente}-fouten")


@pytest.mark.parametrize("breedte", [320, 1280])
async def test_back_after_a_mistyped_address_never_asks_to_send_the_form_again(
    live_server, browser, mensen, breedte
):
    sleutel = await _sleutel(await make_peiling(mensen))
    page = await _page(browser, breedte)
    await page.goto(f"{live_server}/p/{sleutel}")
    await page.get_by_label("Een beetje").check()
    await page.get_by_label("Buren").check()
    await page.get_by_label("3", exact=True).check()
    await page.get_by_role("button", name="Versturen").click()
    await page.wait_for_url(f"{live_server}/p/{sleutel}/bedankt")

    await page.get_by_label("Uw e-mailadres").fill("inwoner@example,org")
    await page.get_by_label("Stuur mij later ook").check()
    await page.get_by_role("button", name="Stuur mij het rapport").click()
    await page.wait_for_url(f"{live_server}/p/{sleutel}/bedankt?adres=fout")
    await shot(page, "bedankt-na-fout")
    await assert_accessible(page)
    await assert_fits_width(page)

    async def shows_the_typo() -> None:
        assert "Dit e-mailadres klopt niet." in await page.locator(".foutsamenvatting").inner_text()
        assert await page.get_by_label("Uw e-mailadres").input_value() == "inwoner@example,org"
        assert await page.get_by_label("Stuur mij later ook").is_checked()

    await shows_the_typo()
    # Away and Back: a page of its own (GET), not the browser's "send the form again?".
    await page.get_by_role("link", name="Alle rapporten van de Participatieraad Beverwijk").click()
    await page.wait_for_url(f"{live_server}/rapporten/beverwijk")
    response = await page.go_back()
    assert response is not None and response.request.method == "GET" and response.status == 200
    assert page.url == f"{live_server}/p/{sleutel}/bedankt?adres=fout"
    await shows_the_typo()
    await page.reload()
    await shows_the_typo()

    await page.get_by_label("Uw e-mailadres").fill("inwoner@example.org")
    await page.get_by_role("button", name="Stuur mij het rapport").click()
    await page.wait_for_url(f"{live_server}/p/{sleutel}/bedankt?adres=1")
    response = await page.go_back()
    assert response is not None and response.request.method == "GET" and response.status == 200
    assert await page.locator("h1").inner_text() == "Dank u wel!"
    assert "klopt niet" not in await page.locator("main").inner_text()
    assert await Adreswachtrij.count() == 1
