from datetime import timedelta

import pytest

from participatie.vragen import domain
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.vragen.test_domain import _aanvraag, _ingelogd

FUTURE = (domain.today() + timedelta(days=30)).isoformat()

pytestmark = pytest.mark.browser


async def test_raadslid_trechtert_a_vraag_on_a_phone_and_the_pages_are_accessible(
    live_server, phone, settings
):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@beverwijk.example")
    ambtenaar = await _ingelogd(settings, "ambtenaar", "beverwijk", "marja@beverwijk.example")
    vraag_id = await _aanvraag(ambtenaar)

    await phone.goto(live_server + "/inloggen")
    await phone.get_by_label("E-mailadres").fill("kees@beverwijk.example")
    await phone.get_by_label("Wachtwoord").fill(PASSWORD)
    await phone.get_by_role("button", name="Inloggen").click()
    await phone.get_by_role("link", name="Naar de vragen").click()
    await assert_fits_width(phone)
    await assert_accessible(phone)

    await phone.get_by_role("link", name="Minimaregelingen").click()
    await phone.get_by_label("Heel de IJmond (alle drie de raden)").check()
    await phone.get_by_label("Thema").select_option("minimabeleid")
    await phone.get_by_label("Prioriteit").select_option("hoog")
    await phone.get_by_role("button", name="Trechteren opslaan").click()
    await phone.wait_for_url(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    await phone.get_by_label("Nieuwe stap").select_option("concretiseren")
    await phone.get_by_role("button", name="Stap wijzigen").click()

    await phone.wait_for_url(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    assert "stap Concretiseren" in await phone.locator("main").inner_text()
    assert "de precieze vraag (de vraag achter de vraag)" in await phone.locator(".melding").inner_text()
    await assert_fits_width(phone)
    await assert_accessible(phone)


async def test_ambtenaar_submits_and_raadslid_takes_it_through_trechteren_and_concretiseren(
    live_server, phone, desktop, settings, tmp_path
):
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example", naam="Marja")
    await make_gebruiker(
        settings, "raadslid", "beverwijk", email="kees@beverwijk.example", naam="Kees Bakker"
    )
    nota = tmp_path / "nota.pdf"
    nota.write_bytes(b"%PDF-1.7\n%%EOF\n")

    # The ambtenaar, on a phone.
    await log_in(phone, live_server, "marja@beverwijk.example", PASSWORD)
    await phone.get_by_role("link", name="Advies aanvragen").click()
    await assert_accessible(phone)
    await phone.get_by_label("Korte titel").fill("Toegankelijkheid stadhuis")
    await phone.get_by_label("Beleidsterrein").select_option("toegankelijkheid")
    await phone.get_by_label("Uw vraag aan de raad").fill("Hoe maken we het stadhuis beter bereikbaar?")
    await phone.get_by_label("Advies gewenst vóór").fill(FUTURE)
    await phone.get_by_label("Bijlagen").set_input_files(str(nota))
    await phone.get_by_role("button", name="Aanvraag versturen").click()
    await phone.wait_for_url("**/aanvragen/*?ingediend=1")
    assert "Uw aanvraag is verstuurd" in await phone.locator("main").inner_text()
    await assert_fits_width(phone)
    await assert_accessible(phone)

    # The raadslid, at a desk: trechteren, concretiseren, then the card moves with htmx.
    await log_in(desktop, live_server, "kees@beverwijk.example", PASSWORD)
    await desktop.goto(live_server + "/raad/beverwijk/vragen")
    await desktop.get_by_role("link", name="Toegankelijkheid stadhuis").click()
    await desktop.get_by_role("link", name="nota.pdf").wait_for()
    await desktop.get_by_label("Alleen gemeente Beverwijk").check()
    await desktop.get_by_label("Thema").select_option("toegankelijkheid")
    await desktop.get_by_label("Prioriteit").select_option("normaal")
    await desktop.get_by_role("button", name="Trechteren opslaan").click()
    await desktop.get_by_label("Nieuwe stap").select_option("concretiseren")
    await desktop.get_by_role("button", name="Stap wijzigen").click()
    await desktop.get_by_label("Wat is precies de vraag?").fill("Waar lopen mensen met een beperking vast?")
    await desktop.get_by_label("Hoe stellen we de vraag?").fill("Een schouw met ervaringsdeskundigen")
    await desktop.get_by_label("Aan welke doelgroep?").fill("Inwoners met een beperking")
    await desktop.get_by_label("Planning").fill("Schouw in januari, advies in maart")
    await desktop.get_by_label("bezoek op locatie").check()
    await desktop.get_by_label("Deadline").fill(FUTURE)
    await desktop.get_by_label("Verantwoordelijk raadslid").select_option(label="Kees Bakker")
    await desktop.get_by_role("button", name="Concretisering opslaan").click()
    await desktop.wait_for_load_state()
    assert await desktop.locator(".melding").count() == 0  # nothing missing for voorleggen any more
    await assert_accessible(desktop)

    await desktop.goto(live_server + "/raad/beverwijk/vragen")
    await desktop.evaluate("window.geenHerlaad = true")
    card = desktop.locator(".vraagkaart", has_text="Toegankelijkheid stadhuis")
    await card.get_by_label("Verplaats vraag").select_option("voorleggen")
    await card.get_by_role("button", name="Verplaats").click()
    await desktop.get_by_role("status").get_by_text("staat nu in de stap voorleggen").wait_for()
    assert await desktop.evaluate("window.geenHerlaad") is True  # swapped in place, not reloaded
    voorleggen = desktop.locator("section", has=desktop.locator("#kolom-voorleggen"))
    assert "Toegankelijkheid stadhuis" in await voorleggen.inner_text()
    await assert_accessible(desktop)

    # Back on the phone, the ambtenaar sees the step.
    await phone.reload()
    current = phone.locator('.stappen li[aria-current="step"]')
    assert (await current.inner_text()).split()[0] == "Voorleggen"


async def test_resident_sends_an_idea_on_an_old_phone_without_javascript(live_server, phone_without_js):
    await phone_without_js.goto(live_server + "/idee/velsen")
    await phone_without_js.get_by_role("button", name="Versturen").click()
    assert "Vul uw vraag of idee in." in await phone_without_js.locator(".foutsamenvatting").inner_text()

    await phone_without_js.get_by_label("Uw vraag of idee").fill(
        "Een bankje bij de bushalte aan de Lange Nieuwstraat"
    )
    await phone_without_js.get_by_role("button", name="Versturen").click()

    await phone_without_js.wait_for_url(live_server + "/idee/velsen/bedankt")
    assert "Bedankt voor uw vraag of idee" in await phone_without_js.locator("h1").inner_text()
    await assert_fits_width(phone_without_js)
