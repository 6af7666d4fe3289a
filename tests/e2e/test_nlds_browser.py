"""The NL Design System components as chromium draws them, on the demo's pages, at 320 and 1280 px.

Computed styles, not markup: a button's text against what is behind it, red bold errors with a
red bar, a compact header, header and footer as wide as the content, no sideways scrolling.
Set PARTICIPATIE_SCREENSHOTS=/some/dir to keep a picture of every page checked.
"""

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from participatie.demo import DEMO_PASSWORD, load_demo
from participatie.peilingen.tables import Peiling
from tests.e2e import bewijs
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)


async def _check(page: Page, label: str, width: int) -> list[str]:
    """bewijs.check_zichtbaar: the colour, size, overflow and component checks of the screens
    issue, one implementation for every browser test."""
    await page.wait_for_load_state()
    if SCREENSHOTS:
        await page.screenshot(path=f"{SCREENSHOTS}/{label}-{width}.png", full_page=True)
    return [f"{label} @{width}px: {b}" for b in await bewijs.check_zichtbaar(page)]


async def _page(browser: Browser, width: int) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": 800}, locale="nl-NL")
    return await context.new_page()


async def _header_height(page: Page) -> float:
    return await page.evaluate("document.querySelector('header').getBoundingClientRect().height")


@pytest.mark.parametrize("width", [320, 1280])
async def test_demo_pages_show_the_components_as_people_see_them(live_server, browser, settings, width):
    await load_demo(settings)
    sleutel = (await Peiling.select(Peiling.sleutel).first())["sleutel"]
    problems: list[str] = []

    bezoeker = await _page(browser, width)
    await bezoeker.goto(live_server + "/")
    problems += await _check(bezoeker, "home", width)
    await bezoeker.goto(live_server + "/inloggen")
    problems += await _check(bezoeker, "inloggen", width)
    await bezoeker.get_by_role("button", name="Inloggen").click()
    await bezoeker.get_by_role("alert").wait_for()
    problems += await _check(bezoeker, "inloggen-fout", width)

    inwoner = await _page(browser, width)
    await inwoner.goto(f"{live_server}/p/{sleutel}")
    problems += await _check(inwoner, "peiling", width)
    # The resident's header is the council's name only: one short row.
    assert await _header_height(inwoner) <= 80

    raadslid = await _page(browser, width)
    await log_in(raadslid, live_server, "kees.bakker@beverwijk.example", DEMO_PASSWORD)
    problems += await _check(raadslid, "werkbank", width)
    assert await _header_height(raadslid) <= 110
    await raadslid.goto(live_server + "/raad/beverwijk/vragen")
    problems += await _check(raadslid, "bord", width)

    beheerder = await _page(browser, width)
    await log_in(beheerder, live_server, "beheer@participatie.example", DEMO_PASSWORD)
    await beheerder.goto(live_server + "/beheer/gebruikers")
    problems += await _check(beheerder, "beheer-gebruikers", width)
    await beheerder.goto(live_server + "/beheer/gebruikers/nieuw")
    await beheerder.get_by_role("button", name="Opslaan").click()
    await beheerder.locator(".foutsamenvatting").wait_for()
    problems += await _check(beheerder, "account-fouten", width)
    await assert_accessible(beheerder)
    await beheerder.goto(live_server + "/beheer/gebruikers/2")
    problems += await _check(beheerder, "account", width)

    assert problems == []


async def test_the_menu_folds_on_a_phone_and_works_without_javascript(live_server, browser, settings):
    await load_demo(settings)
    context = await browser.new_context(
        viewport={"width": 320, "height": 640}, java_script_enabled=False, locale="nl-NL"
    )
    page = await context.new_page()
    await log_in(page, live_server, "beheer@participatie.example", DEMO_PASSWORD)
    header = await _header_height(page)
    assert header <= 110, f"kop is {header} px hoog"
    spoor = page.get_by_role("link", name="Spoor", exact=True)
    assert not await spoor.is_visible()

    await page.locator(".kop__menu > summary").click()
    assert await spoor.is_visible()
    assert await page.locator(".kop__wie").inner_text() == "Sandra Beheer"
    # Opened, the menu lies over the page: the header keeps its height.
    assert await _header_height(page) == header
    await spoor.click()
    await page.wait_for_url(live_server + "/beheer/spoor")
    await page.locator(".kop__menu > summary").click()
    await page.get_by_role("button", name="Uitloggen").click()
    await page.wait_for_url(live_server + "/inloggen?uitgelogd=1")
    await context.close()


async def test_a_wide_screen_shows_the_menu_as_a_row_without_folding(live_server, desktop, settings):
    await load_demo(settings)
    await log_in(desktop, live_server, "beheer@participatie.example", DEMO_PASSWORD)
    assert await desktop.locator(".kop__menu > summary").is_hidden()
    for name in ("Wachtwoord wijzigen", "Gebruikers", "Spoor", "Instellingen"):
        assert await desktop.get_by_role("link", name=name, exact=True).is_visible(), name
    assert await desktop.get_by_role("button", name="Uitloggen").is_visible()
    assert await _header_height(desktop) <= 60  # one row


async def test_footer_links_lead_to_pages_that_exist(live_server, desktop, settings):
    await load_demo(settings)
    for start in ("/", "/rapporten/velsen", "/inloggen"):
        await desktop.goto(live_server + start)
        links = await desktop.locator(".voet a").evaluate_all("els => els.map(a => a.href)")
        assert links, start
        for href in links:
            response = await desktop.request.get(href)
            assert response.status == 200, f"{href} op {start}: {response.status}"
