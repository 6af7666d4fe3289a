"""The language switch in a real chromium: to English and back without JavaScript on a 320 px
phone, and the English poll at 1280 px, each screen through tests/e2e/bewijs.py's checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from participatie.peilingen.tables import Peiling
from tests.e2e import bewijs
from tests.e2e.conftest import _chromium, browser, live_server, phone_without_js  # noqa: F401
from tests.peilingen.test_domain import make_peiling

# The e2e fixtures are imported by name above: a conftest's fixtures reach only its own folder.

pytestmark = pytest.mark.browser

# Where the screenshots and findings go: PARTICIPATIE_SCREENSHOTS when set, else the test's tmp.
SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
# focus_na_swap is for htmx swaps: a resident's poll page has none.
CHECKS_320 = frozenset(bewijs.CHECKS) - {"focus_na_swap", "tekst200"}
CHECKS_1280 = frozenset(bewijs.CHECKS) - {"focus_na_swap"}


def _folder(tmp_path: Path) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _lang(page: Page) -> str:
    return await page.locator("html").get_attribute("lang") or ""


def _assert_clean(uitkomst: dict[str, list[bewijs.Bevinding]], wat: str) -> None:
    regels = [str(b) for gevonden in uitkomst.values() for b in gevonden]
    assert not regels, wat + "\n" + "\n".join(regels)


async def _sleutel(mensen) -> str:
    peiling_id = await make_peiling(mensen)
    return (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]


async def test_switch_to_english_and_back_without_javascript_at_320(
    live_server,  # noqa: F811
    browser: Browser,  # noqa: F811
    phone_without_js,  # noqa: F811
    mensen,
    tmp_path,
):
    page = phone_without_js
    sleutel = await _sleutel(mensen)
    path = f"{live_server}/p/{sleutel}"
    folder = _folder(tmp_path)

    await page.goto(path)
    dutch_lang = await _lang(page)
    await page.get_by_role("button", name="English").click()
    await page.wait_for_url(path)
    english_lang = await _lang(page)
    english_text = await page.locator("main").inner_text()
    switch_box = await page.get_by_role("button", name="Nederlands").bounding_box()
    # axe needs JavaScript to run: the checks look at the same screen in a phone that has it,
    # reached only by the cookie the switch left (so it proves the choice is remembered).
    checker = await browser.new_context(
        viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    )
    await checker.add_cookies(await page.context.cookies())
    seen = await checker.new_page()
    await seen.goto(path)
    seen_lang = await _lang(seen)
    uitkomst = await bewijs.check_scherm(seen, "peiling-en", 320, folder, checks=CHECKS_320)
    await checker.close()
    await page.get_by_role("button", name="Nederlands").click()
    await page.wait_for_url(path)
    back_lang = await _lang(page)
    back_text = await page.locator("main").inner_text()

    assert (dutch_lang, english_lang, seen_lang, back_lang) == ("nl", "en", "en", "nl")
    assert "5 questions." in english_text and "Your answers are anonymous" in english_text
    assert "5 vragen." in back_text
    assert switch_box and switch_box["width"] >= 44 and switch_box["height"] >= 44
    assert await page.get_by_role("button", name="English").get_attribute("lang") == "en"
    _assert_clean(uitkomst, f"peiling in het Engels @320, {folder}")


async def test_english_poll_at_1280_passes_the_screen_checks(
    live_server,  # noqa: F811
    browser: Browser,  # noqa: F811
    mensen,
    tmp_path,
):
    sleutel = await _sleutel(mensen)
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = await context.new_page()
    folder = _folder(tmp_path)

    # No cookie yet: the browser's English (Accept-Language) chooses the page's language.
    await page.goto(f"{live_server}/p/{sleutel}")
    lang = await _lang(page)
    uitkomst = await bewijs.check_scherm(page, "peiling-en", 1280, folder, checks=CHECKS_1280)
    await context.close()

    assert lang == "en"
    _assert_clean(uitkomst, f"peiling in het Engels @1280, {folder}")
