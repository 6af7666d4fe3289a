"""A kiosk tablet at a meeting: a council member unlocks it, residents answer one after another."""

import asyncio
import os
from pathlib import Path

import pytest
from playwright.async_api import Page

from participatie.peilingen.tables import Antwoord
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.peilingen.test_domain import make_peiling

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=/some/dir to keep a picture of the kiosk's states.
SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)


async def shot(page: Page, naam: str) -> None:
    """A full-page picture named for the state and the viewport's width, when asked for."""
    if SCREENSHOTS:
        width = page.viewport_size["width"] if page.viewport_size else 0
        await page.screenshot(path=str(Path(SCREENSHOTS) / f"{naam}-{width}.png"), full_page=True)


async def _unlock(page: Page, base: str, email: str, peiling_id: int) -> None:
    await log_in(page, base, email, PASSWORD)
    await page.goto(f"{base}/raad/beverwijk/peilingen/{peiling_id}")
    await page.get_by_role("button", name="Kiosk starten op dit apparaat").click()
    await page.wait_for_url(f"{base}/kiosk")


async def _nothing_filled_in(page: Page) -> None:
    assert await page.locator("input:checked").count() == 0
    for field in await page.locator("textarea, input[type=text], input[type=number]").all():
        assert await field.input_value() == ""


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


@pytest.mark.parametrize("breedte", [320, 1280])
async def test_a_kiosk_left_alone_empties_itself_and_each_touch_restarts_the_clock(
    live_server, browser, mensen, settings, breedte
):
    peiling_id = await make_peiling(mensen)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="wacht@beverwijk.example", naam="Wim Wacht")
    context = await browser.new_context(viewport={"width": breedte, "height": 900}, locale="nl-NL")
    tablet = await context.new_page()
    await _unlock(tablet, live_server, "wacht@beverwijk.example", peiling_id)
    form = tablet.locator("form[data-kiosk-wacht]")
    # Two minutes in production; the test shortens the wait through the same attribute, which
    # the script reads each time the clock restarts.
    assert await form.get_attribute("data-kiosk-wacht") == "120"
    await _nothing_of_the_council_or_a_resident(tablet, "Wim Wacht")
    assert await tablet.locator(".kop__naam").inner_text() == "Participatieraad Beverwijk"
    await shot(tablet, "kiosk-leeg")
    await form.evaluate("f => { f.dataset.kioskWacht = '4'; }")
    await tablet.evaluate("window.zelfdePagina = true")

    # Listening before the first touch: the reset may come while a screenshot is taken.
    reset = tablet.expect_event("framenavigated", lambda frame: frame == tablet.main_frame, timeout=20_000)
    async with reset:
        await tablet.get_by_label("Ja, goed").check()
        await tablet.get_by_label("Wat zou helpen?").fill("Minder formulie")
        await asyncio.sleep(2.5)
        await tablet.get_by_label("Wat zou helpen?").fill("Minder formulieren")  # restarts the clock
        await asyncio.sleep(2.5)
        # 5 s after the first touch, 2.5 s after the last: still the half-filled form.
        assert await tablet.evaluate("window.zelfdePagina === true")
        assert await tablet.get_by_label("Wat zou helpen?").input_value() == "Minder formulieren"
        await shot(tablet, "kiosk-half-ingevuld")
    await tablet.wait_for_load_state()

    assert tablet.url == f"{live_server}/kiosk"
    await _nothing_filled_in(tablet)
    await _nothing_of_the_council_or_a_resident(tablet, "Wim Wacht")
    await shot(tablet, "kiosk-na-reset")
    await assert_fits_width(tablet)
    await assert_accessible(tablet)
    await context.close()
    assert await Antwoord.count() == 0


async def test_opnieuw_beginnen_clears_a_half_filled_kiosk_without_javascript(
    live_server, phone_without_js, mensen, settings
):
    peiling_id = await make_peiling(mensen)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="zonderjs@beverwijk.example")
    await _unlock(phone_without_js, live_server, "zonderjs@beverwijk.example", peiling_id)

    await phone_without_js.get_by_label("Een beetje").check()
    await phone_without_js.get_by_label("Wat zou helpen?").fill("Half")
    await phone_without_js.get_by_role("button", name="Opnieuw beginnen").click()
    await phone_without_js.wait_for_load_state()

    assert phone_without_js.url.startswith(f"{live_server}/kiosk")
    await _nothing_filled_in(phone_without_js)
    await shot(phone_without_js, "kiosk-opnieuw-zonder-js")
    assert await Antwoord.count() == 0
