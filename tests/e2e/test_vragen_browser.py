import pytest

from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width
from tests.vragen.test_domain import _aanvraag, _ingelogd

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
