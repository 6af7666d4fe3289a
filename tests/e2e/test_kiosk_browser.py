"""A kiosk tablet at a meeting: a council member unlocks it, residents answer one after another."""

import pytest

from participatie.peilingen.tables import Antwoord
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.peilingen.test_domain import make_peiling

pytestmark = pytest.mark.browser


async def _nothing_of_the_council_or_a_resident(page, naam: str) -> None:
    text = await page.locator("body").inner_text()
    assert naam not in text
    assert "Uitloggen" not in text
    assert "Link voor inwoners" not in text and "Uitslag" not in text
    assert await page.locator("input:checked").count() == 0
    for field in await page.locator("textarea, input[type=text]").all():
        assert "Persoon" not in await field.input_value()


async def test_kiosk_back_shows_no_previous_answers_and_no_council_page(
    live_server, browser, mensen, settings
):
    peiling_id = await make_peiling(mensen)
    await make_gebruiker(
        settings, "raadslid", "beverwijk", email="kiosk@beverwijk.example", naam="Kees Kiosk"
    )
    context = await browser.new_context(viewport={"width": 800, "height": 1100}, locale="nl-NL")
    tablet = await context.new_page()
    await log_in(tablet, live_server, "kiosk@beverwijk.example", PASSWORD)
    await tablet.goto(f"{live_server}/raad/beverwijk/peilingen/{peiling_id}")
    assert "Kees Kiosk" in await tablet.locator("body").inner_text()

    await tablet.get_by_role("button", name="Kiosk starten op dit apparaat").click()
    await tablet.wait_for_url(f"{live_server}/kiosk")
    await _nothing_of_the_council_or_a_resident(tablet, "Kees Kiosk")
    await assert_accessible(tablet)
    for person in range(2):
        await tablet.get_by_label("Ja, goed").check()
        await tablet.get_by_label("Website").check()
        await tablet.get_by_label("5 – Heel makkelijk").check()
        await tablet.get_by_label("Wat zou helpen?").fill(f"Persoon {person}")
        await tablet.get_by_role("button", name="Versturen").click()
        await tablet.wait_for_url(f"{live_server}/kiosk?klaar=1")
        assert "Nu is de volgende aan de beurt." in await tablet.get_by_role("status").inner_text()
        await _nothing_of_the_council_or_a_resident(tablet, "Kees Kiosk")
    # "Opnieuw beginnen" wipes what someone started to fill in.
    await tablet.get_by_label("Nee").first.check()
    await tablet.get_by_role("button", name="Opnieuw beginnen").click()
    await tablet.wait_for_url(f"{live_server}/kiosk?")
    await _nothing_of_the_council_or_a_resident(tablet, "Kees Kiosk")

    # Back, all the way to where the tablet's history starts: never a previous resident's
    # answers, never a council page (those now ask to log in).
    visited = []
    for _ in range(10):
        if await tablet.go_back() is None:
            break
        visited.append(tablet.url.removeprefix(live_server))
        await _nothing_of_the_council_or_a_resident(tablet, "Kees Kiosk")
    assert all(url.startswith(("/kiosk", "/inloggen")) for url in visited)
    assert any(url.startswith("/inloggen") for url in visited)
    await tablet.goto(f"{live_server}/kiosk")
    storage = await tablet.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert "Persoon" not in storage
    cookies = {c["name"] for c in await context.cookies()}
    assert "participatie_sessie" not in cookies
    assert "participatie_kiosk" in cookies
    await context.close()

    assert await Antwoord.select(Antwoord.bron) == [{"bron": "kiosk"}] * 2


async def test_kiosk_page_fits_a_320px_screen(live_server, phone, mensen, settings):
    peiling_id = await make_peiling(mensen)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="smal@beverwijk.example")
    await log_in(phone, live_server, "smal@beverwijk.example", PASSWORD)
    await phone.goto(f"{live_server}/raad/beverwijk/peilingen/{peiling_id}")

    await phone.get_by_role("button", name="Kiosk starten op dit apparaat").click()
    await phone.wait_for_url(f"{live_server}/kiosk")

    await assert_fits_width(phone)
    await assert_accessible(phone)
