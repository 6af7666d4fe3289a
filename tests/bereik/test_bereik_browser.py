"""The reference figures page and the builder's background buttons in a real chromium: at 320 px
(the tables stack) and 1280 px nothing sticks out sideways, axe finds no WCAG AA problem, and the
builder's button works without JavaScript. The screens do not depend on the engine: SQLite only."""

from __future__ import annotations

import os

import pytest

from participatie.bereik import referenties
from participatie.peilingen.tables import Item
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import (  # noqa: F401 -- fixtures, used by name
    _chromium,
    assert_accessible,
    assert_fits_width,
    browser,
    live_server,
    log_in,
    phone_without_js,
)
from tests.peilingen.test_domain import make_peiling

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
SCHERMEN = os.environ.get("PARTICIPATIE_SCREENSHOTS")


@pytest.mark.parametrize("breedte", [320, 1280])
async def test_the_reference_table_fits_and_is_accessible(breedte, live_server, browser, settings):  # noqa: F811
    from participatie.accounts import domain as accounts

    await make_gebruiker(settings, "beheerder", email="beheer@test.example")
    beheerder = await accounts.acting_as("beheer@test.example")
    await referenties.save_referenties(
        beheerder,
        "velsen",
        {"leeftijd": {"16-25": "7300", "80+": "4100"}, "kern": {"IJmuiden": "30900"}},
        "CBS",
    )
    context = await browser.new_context(viewport={"width": breedte, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, "beheer@test.example", PASSWORD)
    await page.goto(live_server + "/beheer/referenties/velsen")
    await page.locator("#veld-leeftijd-4").fill("12,5")
    await page.get_by_role("button", name="Opslaan").click()
    await page.wait_for_load_state()

    assert await page.locator("#fout-leeftijd-4").is_visible()
    await assert_fits_width(page)
    await assert_accessible(page)
    weergave = await page.locator("#tabel-kern tbody tr").first.evaluate("tr => getComputedStyle(tr).display")
    assert weergave == ("block" if breedte < 768 else "table-row")
    if SCHERMEN:
        await page.screenshot(path=f"{SCHERMEN}/referenties-{breedte}.png", full_page=True)
    await context.close()


async def test_the_age_button_works_without_javascript(live_server, phone_without_js, mensen):  # noqa: F811
    page = phone_without_js
    peiling_id = await make_peiling(mensen, publish=False)
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(f"{live_server}/raad/beverwijk/peilingen/{peiling_id}")
    await assert_fits_width(page)

    await page.get_by_role("button", name="Leeftijd toevoegen").click()
    await page.wait_for_load_state()

    assert "toegevoegd=" in page.url
    assert await page.get_by_role("button", name="Leeftijd toevoegen").count() == 0
    assert await page.get_by_role("button", name="Kern toevoegen").count() == 1
    assert await Item.count().where((Item.peiling == peiling_id) & (Item.kenmerk == "leeftijd")) == 1
    await assert_fits_width(page)
    if SCHERMEN:
        await page.screenshot(path=f"{SCHERMEN}/kenmerkknoppen-320.png", full_page=True)
