"""Issue 13 in a real browser: at 320 CSS px (WCAG 1.4.10) the focus group pages and the poll
pages, the council's page with the poll's link included, need no sideways scrolling; the
resident's last poll pages lead on to the council's reports.

Set PARTICIPATIE_SCREENSHOTS=<folder> to keep a screenshot of every page at 320 and 1280 px."""

from __future__ import annotations

import os

import pytest
from playwright.async_api import Browser, Page

from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen.tables import Bijeenkomst, Lid
from participatie.peilingen import domain as peilingen
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.focusgroepen.test_domain import _meeting, make_groep
from tests.peilingen.test_domain import make_peiling

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS", "")
# What a council really pastes: a meeting link of 130 characters without a place to break.
TEAMS = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ4ZTQ3ZjYtYjE2Ny00YTQ5LWE5ZDIt"
    "ZjY3ZjUxZTk0MDdh%40thread.v2/0"
)


async def _scroll_width(page: Page, name: str) -> int:
    if SHOTS:
        width = page.viewport_size["width"] if page.viewport_size else 0
        await page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    return await page.evaluate("document.documentElement.scrollWidth")


async def _context(browser: Browser, width: int):
    return await browser.new_context(viewport={"width": width, "height": 640}, locale="nl-NL")


@pytest.mark.parametrize("width", [320, 1280])
async def test_focus_group_pages_need_no_sideways_scrolling(live_server, browser, mensen, settings, width):
    groep_id = await make_groep(mensen)
    await focusgroepen.add_inwoner(
        mensen["raadslid"],
        groep_id,
        naam="Fatima el Amrani-Bouzidi",
        email="fatima.el.amrani-bouzidi@voorbeeld-provider.example.org",
        telefoon="0612345678",
        toestemming=True,
    )
    await focusgroepen.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting(online_link=TEAMS))
    lid = await Lid.select(Lid.id).where(Lid.soort == "inwoner").first()
    bijeenkomst = await Bijeenkomst.select(Bijeenkomst.id).first()
    context = await _context(browser, width)
    page = await context.new_page()

    await page.goto(live_server + focusgroepen.reactie_pad(settings.secret_key, lid["id"], bijeenkomst["id"]))
    reactie = await _scroll_width(page, "focusgroep-reactie")
    await page.get_by_role("link", name=TEAMS).wait_for()
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(f"{live_server}/raad/beverwijk/focusgroepen/{groep_id}")
    groep = await _scroll_width(page, "focusgroep")
    # The members table needs no scroller of its own: at 320 px each member is a block.
    assert await page.locator(".tabel-scroll").count() == 0
    assert await page.get_by_role("cell", name="fatima.el.amrani-bouzidi@").count() == 1
    await page.goto(f"{live_server}/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten/{bijeenkomst['id']}")
    vergadering = await _scroll_width(page, "focusgroep-bijeenkomst")
    await context.close()

    assert (reactie, groep, vergadering) == (width, width, width)


@pytest.mark.parametrize("width", [320, 1280])
async def test_poll_pages_need_no_sideways_scrolling_and_lead_on(live_server, browser, mensen, width):
    peiling_id = await make_peiling(mensen)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    dicht = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))
    await peilingen.close_early(mensen["raadslid"], dicht.peiling_id)
    context = await _context(browser, width)
    page = await context.new_page()

    await page.goto(f"{live_server}/p/{formulier.sleutel}")
    vraag = await _scroll_width(page, "peiling")
    await page.get_by_label("Nee").first.check()
    await page.get_by_label("Krant").check()
    await page.get_by_label("2", exact=True).check()
    await page.get_by_role("button", name="Versturen").click()
    await page.wait_for_url(f"{live_server}/p/{formulier.sleutel}/bedankt")
    bedankt = await _scroll_width(page, "peiling-bedankt")
    await page.get_by_role("link", name="Alle rapporten van de").click()
    await page.wait_for_url(f"{live_server}/rapporten/beverwijk")
    await page.goto(f"{live_server}/p/{dicht.sleutel}")
    gesloten = await _scroll_width(page, "peiling-gesloten")
    naar_raad = await page.get_by_role("link", name="Alle rapporten van de").get_attribute("href")
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(f"{live_server}/raad/beverwijk/peilingen/{peiling_id}")
    beheer = await _scroll_width(page, "peiling-beheer")
    await page.get_by_text(f"/p/{formulier.sleutel}").wait_for()
    await context.close()

    assert (vraag, bedankt, gesloten, beheer) == (width, width, width, width)
    assert naar_raad == "/rapporten/beverwijk"
