import pytest

from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width

pytestmark = pytest.mark.browser


async def test_raadslid_logs_in_on_a_320px_phone(live_server, phone, settings):
    await make_gebruiker(
        settings, "raadslid", "velsen", email="dorine@velsen.example", naam="Dorine Vermeulen"
    )

    await phone.goto(live_server + "/inloggen")
    await assert_fits_width(phone)
    await assert_accessible(phone)
    await phone.get_by_label("E-mailadres").fill("dorine@velsen.example")
    await phone.get_by_label("Wachtwoord").fill(PASSWORD)
    await phone.get_by_role("button", name="Inloggen").click()

    await phone.wait_for_url(live_server + "/raad/velsen")
    assert await phone.get_by_role("heading", level=1).inner_text() == "Participatieraad Velsen"
    assert await phone.locator(".kop__wie").inner_text() == "Dorine Vermeulen"
    await assert_fits_width(phone)
    await assert_accessible(phone)
    # The skip link is the first thing a keyboard reaches, and it is visible then.
    await phone.keyboard.press("Tab")
    assert await phone.evaluate("document.activeElement.textContent") == "Ga direct naar de inhoud"


async def test_wrong_password_is_shown_next_to_the_form(live_server, phone, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")

    await phone.goto(live_server + "/inloggen")
    await phone.get_by_label("E-mailadres").fill("dorine@velsen.example")
    await phone.get_by_label("Wachtwoord").fill("niet het goede wachtwoord")
    await phone.get_by_role("button", name="Inloggen").click()

    alert = phone.get_by_role("alert")
    assert await alert.inner_text() == "Het e-mailadres of het wachtwoord klopt niet."
    await assert_accessible(phone)


async def test_beheer_pages_are_accessible(live_server, browser, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    await page.goto(live_server + "/inloggen")
    await page.get_by_label("E-mailadres").fill("beheer@test.example")
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(live_server + "/beheer/gebruikers")
    await assert_accessible(page)

    await page.get_by_role("link", name="Nieuw account").click()
    await page.get_by_role("button", name="Opslaan").click()  # empty form: errors shown
    assert "Vul een naam in." in await page.locator(".foutsamenvatting").inner_text()
    await assert_accessible(page)
    await context.close()
