import pytest
from playwright.async_api import expect

from participatie.peilingen import domain
from participatie.peilingen.tables import Adreswachtrij, Antwoord, Peiling
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
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
    assert "Geef hier een antwoord." in await phone_without_js.locator(".foutmelding").first.inner_text()
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
    await desktop.get_by_label("Soort vraag").select_option("enkel")
    await desktop.get_by_label("De vraag", exact=True).fill("Waar mist u een bankje?")
    await desktop.get_by_label("Antwoorden om uit te kiezen").fill(
        "Bij de bushalte\nIn het park\nBij de winkels"
    )
    await desktop.get_by_role("button", name="Vraag toevoegen").click()
    await desktop.get_by_label("Soort vraag").select_option("janee")
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
    assert "Status: open" in await desktop.locator("main").inner_text()
    await assert_accessible(desktop)

    await desktop.get_by_role("link", name="Voorbeeld bekijken").click()
    assert "Vraag 1 van 2" in await desktop.locator("main").inner_text()
    await assert_accessible(desktop)
    formulier = await domain.load_formulier(peiling_id=(await Peiling.select(Peiling.id).first())["id"])
    assert [i.tekst for i in formulier.items] == ["Zit u graag buiten?", "Waar mist u een bankje?"]
