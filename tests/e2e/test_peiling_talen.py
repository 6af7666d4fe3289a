"""A resident answers a poll in Arabic (right to left) and another in English, on an old
phone 320 px wide, with the checks of the screens issue (tests/e2e/bewijs.py): axe, computed
contrast, no sideways scrolling, 44 x 44 targets, visible focus.

Screenshots go to $PARTICIPATIE_SCREENSHOTS or a pytest temporary folder. Look at them: the
Arabic form must read from the right, its radio buttons to the right of their labels.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from participatie.peilingen import domain
from tests.conftest import PASSWORD
from tests.e2e import bewijs
from tests.e2e.conftest import log_in
from tests.peilingen.geteld import per_taal
from tests.peilingen.test_domain import make_peiling
from tests.peilingen.test_papier import ARABISCH, add_taal
from tests.peilingen.test_talen_publiek import ENGELS

pytestmark = pytest.mark.browser

CHECKS = frozenset(bewijs.CHECKS) - {"tekst200", "focus_na_swap"}  # 320 px: as test_schermen


@pytest.fixture
def map_(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PARTICIPATIE_SCREENSHOTS")
    if not folder:
        return tmp_path_factory.mktemp("talen")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


async def _telefoon(browser: Browser) -> Page:
    context = await browser.new_context(
        viewport={"width": 320, "height": 800}, is_mobile=True, has_touch=True, locale="nl-NL"
    )
    context.set_default_timeout(10_000)
    return await context.new_page()


async def _verstuur(page: Page, knop: str) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name=knop).click()


async def _in_orde(page: Page, naam: str, map_: Path) -> None:
    uitkomst = await bewijs.check_scherm(page, naam, 320, map_, checks=CHECKS)
    fout = [str(b) for gevonden in uitkomst.values() for b in gevonden]
    assert not fout, f"{naam}: {map_ / f'{naam}-320.png'}\n" + "\n".join(fout)


# The look does not depend on the database engine (see test_schermen.py): SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_resident_answers_in_arabic_right_to_left_and_in_english(live_server, browser, mensen, map_):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await add_taal(formulier, "ar")
    await add_taal(formulier, "en", ENGELS.get)
    pad = f"{live_server}/p/{formulier.sleutel}"

    # Arabic: picked on the Dutch page with a plain link.
    page = await _telefoon(browser)
    await page.goto(pad)
    async with page.expect_navigation():
        await page.get_by_role("link", name="العربية").click()
    assert page.url == f"{pad}?taal=ar"
    await _in_orde(page, "peiling-ar", map_)
    richting = await page.locator(".peiling-inhoud").evaluate("e => getComputedStyle(e).direction")
    h1 = page.locator("h1")
    assert (richting, await h1.get_attribute("lang"), await h1.inner_text()) == (
        "rtl",
        "ar",
        ARABISCH["titel"],
    )
    assert await page.evaluate("document.documentElement.lang") == "en"
    # Each radio button sits to the right of its label, as Arabic reads; the scale too.
    for naam in ("نعم، جيدًا", "قليلًا", "1 – صعب جدًا", "5 – سهل جدًا"):
        knop = await page.get_by_label(naam, exact=True).bounding_box()
        label = await page.locator("label", has_text=naam).bounding_box()
        assert knop["x"] > label["x"] + label["width"] - 1, naam
    getal = await page.locator("input[type=number]").evaluate("e => getComputedStyle(e).direction")
    assert getal == "rtl"
    # Sent empty: the errors in English, the form still right to left.
    await _verstuur(page, "Send")
    assert (
        "Choose an answer to question 1: هل تعرف هذا النظام؟"
        in await page.locator(".foutsamenvatting").inner_text()
    )
    assert await page.locator(".peiling-inhoud").evaluate("e => getComputedStyle(e).direction") == "rtl"
    # The red bar of a question with an error sits where an Arabic reader starts: on the right.
    balk = await page.locator(
        ".vraagblok.utrecht-form-fieldset--invalid, .vraagblok.veld--fout"
    ).first.evaluate("e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]")
    assert balk == ["4px", "0px"]
    await _in_orde(page, "peiling-ar-fouten", map_)
    await page.get_by_label("قليلًا", exact=True).check()
    await page.get_by_label("الجيران", exact=True).check()
    await page.get_by_label("4", exact=True).check()
    await page.get_by_label("كم عدد الاستمارات التي ملأتها؟").fill("3")
    await _verstuur(page, "Send")
    assert page.url.startswith(f"{pad}/bedankt") and page.url.endswith("taal=ar")
    await _in_orde(page, "bedankt-ar", map_)
    assert ARABISCH["titel"] in await page.locator("main").inner_text()
    await page.context.close()

    # English: the poll and the texts around it.
    page = await _telefoon(browser)
    await page.goto(pad)
    async with page.expect_navigation():
        await page.get_by_role("link", name="English").click()
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert await page.locator(".peiling-inhoud").evaluate("e => getComputedStyle(e).direction") == "ltr"
    await _in_orde(page, "peiling-en", map_)
    await page.get_by_label("A little", exact=True).check()
    await page.get_by_label("Neighbours", exact=True).check()
    await page.get_by_label("4", exact=True).check()
    await _verstuur(page, "Send")
    await _in_orde(page, "bedankt-en", map_)
    assert "Minimum income schemes" in await page.locator("main").inner_text()
    await page.context.close()

    assert await per_taal() == {"ar": 1, "en": 1}

    # The council reads the results in Dutch, with the count per language (both under 10 here).
    page = await _telefoon(browser)
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(f"{live_server}/raad/beverwijk/peilingen/{formulier.peiling_id}/uitslag")
    tabel = page.locator("#per-taal table")
    assert await tabel.locator("caption").inner_text() == "Antwoorden per taal"
    assert await tabel.locator("td[data-taal=ar]").inner_text() == "minder dan 10"
    await _in_orde(page, "uitslag-talen", map_)
    await page.context.close()
