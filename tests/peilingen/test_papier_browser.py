"""Issue 15: a council member types in 20 returned paper forms with the keyboard alone, 10 on
Dutch paper and 10 on Arabic paper."""

import os
from pathlib import Path

import pytest
from playwright.async_api import Page

from participatie.peilingen import domain
from participatie.peilingen.tables import Antwoord, Waarde
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import _chromium, assert_accessible, browser, live_server, log_in  # noqa: F401
from tests.peilingen.geteld import per_taal
from tests.peilingen.test_domain import make_peiling
from tests.peilingen.test_papier import add_taal

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=/some/dir to keep a picture of the entry screen.
SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)


async def _focused(page: Page) -> str:
    """The id of the focused field, once the page's autofocus has run: Chromium applies it at
    the first rendering, which can come after the load event that ends a navigation."""
    await page.wait_for_function("document.activeElement && document.activeElement.id.startsWith('item-')")
    return await page.evaluate("document.activeElement.id")


async def _type_one_form(page: Page, n: int) -> None:
    """One paper form, as it is read off the paper: no mouse, only keys."""
    keys = page.keyboard
    # 1. single choice (focused on arrival): Space picks the first, an arrow moves the pick.
    await keys.press("Space")
    for _ in range(n % 3):
        await keys.press("ArrowDown")
    # 2. multiple choice, at most 2: Tab from box to box, Space ticks.
    await keys.press("Tab")
    for box in range(4):
        if box in (n % 4, (n + 1) % 4):
            await keys.press("Space")
        await keys.press("Tab")
    # 3. scale 1-5: Space picks 1, the arrows go up.
    await keys.press("Space")
    for _ in range(n % 5):
        await keys.press("ArrowRight")
    # 4. a number (optional): digits; 5. open text (optional): left empty every third form.
    await keys.press("Tab")
    await keys.type(str(n))
    await keys.press("Tab")
    if n % 3:
        await keys.type(f"Papier {n}")
    await keys.press("Enter")


async def _switch_language_by_keyboard(page: Page) -> None:
    """From the first question, Shift+Tab reaches "Taal van het formulier"; an arrow picks the
    next language, Tab goes back to the first question."""
    keys = page.keyboard
    await keys.press("Shift+Tab")
    assert await page.evaluate("document.activeElement.id") == "taal"
    await keys.press("ArrowDown")
    await keys.press("Tab")
    assert (await page.evaluate("document.activeElement.id")).startswith("item-")


async def test_twenty_paper_forms_typed_in_with_the_keyboard_alone(live_server, browser, mensen, settings):  # noqa: F811
    peiling_id = await make_peiling(mensen)
    await add_taal(await domain.load_formulier(peiling_id=peiling_id), "ar")
    await make_gebruiker(settings, "raadslid", "beverwijk", email="typist@beverwijk.example")
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, "typist@beverwijk.example", PASSWORD)
    pad = f"{live_server}/raad/beverwijk/peilingen/{peiling_id}/papier"
    await page.goto(pad)
    await assert_accessible(page)

    for n in range(20):
        # The first field has the focus after every save: typing starts at once.
        assert (await _focused(page)).startswith("item-"), n
        if n == 10:
            # The pile of Arabic forms: the language is chosen once, and stays chosen.
            await _switch_language_by_keyboard(page)
        async with page.expect_navigation():
            await _type_one_form(page, n)
        verder = "" if n < 10 else "&taal=ar"
        assert page.url == f"{pad}?klaar=1{verder}", await page.locator("main").inner_text()
        assert await page.locator("#taal").input_value() == ("nl" if n < 10 else "ar")
        teller = "1 papieren formulier ingevoerd" if n == 0 else f"{n + 1} papieren formulieren ingevoerd"
        assert teller in await page.locator(".papier-teller").inner_text()

    assert await Antwoord.count().where(Antwoord.bron == "papier") == 20
    assert await Antwoord.count() == 20
    assert await per_taal() == {"nl": 10, "ar": 10}
    # Every form's number came through: 0..19 on the number question.
    getallen = await Waarde.select(Waarde.getal).where(Waarde.getal.is_not_null() & (Waarde.getal > 5))
    assert sorted(r["getal"] for r in getallen).count(19) == 1
    if SCREENSHOTS:
        await page.screenshot(path=str(Path(SCREENSHOTS) / "papier-invoer-1280.png"), full_page=True)
    await context.close()


async def test_a_mistake_comes_back_with_the_focus_on_it(live_server, browser, mensen, settings):  # noqa: F811
    peiling_id = await make_peiling(mensen)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="typist2@beverwijk.example")
    context = await browser.new_context(viewport={"width": 320, "height": 640}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, "typist2@beverwijk.example", PASSWORD)
    pad = f"{live_server}/raad/beverwijk/peilingen/{peiling_id}/papier"
    await page.goto(pad)

    async with page.expect_navigation():
        await page.keyboard.press("Enter")  # an empty form
    assert "Dit formulier is leeg." in await page.locator(".foutsamenvatting").inner_text()
    await page.keyboard.press("Space")  # vraag 1 only: vraag 2 and 3 are required too
    async with page.expect_navigation():
        await page.keyboard.press("Enter")

    fouten = await page.locator(".foutsamenvatting").inner_text()
    assert "Kies één of meer antwoorden bij vraag 2" in fouten
    assert (await _focused(page)).startswith("item-") and "-" in (await _focused(page))[5:]
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert await Antwoord.count() == 0
    await context.close()
