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
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)

# Runs in the page; returns Dutch problem descriptions (empty = fine).
PROBLEMEN_JS = r"""
() => {
  const problems = [];
  const rgba = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  const contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== "hidden";
  };
  const name = (el) => {
    const text = (el.innerText || "").trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${text}"`;
  };
  const all = (sel) => [...document.querySelectorAll(sel)].filter(shown);
  const red = (c) => { const [r, g, b] = rgba(c); return r >= 150 && g < 80 && b < 80; };

  // Readable text on every button, link-button, badge, alert and in header and footer.
  const texts = ".utrecht-button, .utrecht-button-link, .utrecht-badge-status, .utrecht-data-badge, "
    + ".utrecht-alert p, .utrecht-alert li a, .kop a, .kop summary, .kop__knop, .voet a, .voet p, "
    + ".utrecht-form-field-error-message, .utrecht-form-field-description, .utrecht-form-label, "
    + "a.utrecht-link";
  for (const el of all(texts)) {
    const ratio = contrast(rgba(getComputedStyle(el).color), background(el));
    if (ratio < 4.5) problems.push(`${name(el)}: contrast ${ratio.toFixed(2)}:1`);
  }
  // Targets of at least 44x44 px.
  const targets = new Set(all(
    ".utrecht-button, .utrecht-button-link, .kop a, .kop summary, .kop__knop, .voet a, .foutsamenvatting a"
  ));
  for (const input of document.querySelectorAll(".utrecht-radio-button, .utrecht-checkbox"))
    for (const label of input.labels || []) if (shown(label)) targets.add(label);
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5)
      problems.push(`${name(el)}: doel ${Math.round(r.width)}x${Math.round(r.height)} px`);
  }
  // A radio button or checkbox on the line of its label.
  for (const input of all(".utrecht-radio-button, .utrecht-checkbox")) {
    const a = input.getBoundingClientRect();
    for (const label of input.labels || []) {
      const b = label.getBoundingClientRect();
      if (a.bottom <= b.top || a.top >= b.bottom)
        problems.push(`${name(label)}: keuze staat niet naast het label`);
    }
  }
  // Errors red and bold; a field with an error has a red bar and a red border.
  for (const el of all(".utrecht-form-field-error-message")) {
    const s = getComputedStyle(el);
    if (!red(s.color)) problems.push(`${name(el)}: foutmelding niet rood (${s.color})`);
    if (Number(s.fontWeight) < 700) problems.push(`${name(el)}: foutmelding niet vet (${s.fontWeight})`);
  }
  for (const el of all(".utrecht-form-field--invalid, .utrecht-form-fieldset--invalid")) {
    const s = getComputedStyle(el);
    if (parseFloat(s.borderLeftWidth) < 3 || !red(s.borderLeftColor))
      problems.push(`${name(el)}: geen rode balk (${s.borderLeftWidth} ${s.borderLeftColor})`);
    for (const field of el.querySelectorAll(".utrecht-textbox, .utrecht-select, .utrecht-textarea"))
      if (!red(getComputedStyle(field).borderTopColor))
        problems.push(`${name(field)}: invoerveld zonder rode rand`);
  }
  // Fields held to a readable width.
  for (const el of all(".utrecht-textbox, .utrecht-select, .utrecht-textarea")) {
    const w = el.getBoundingClientRect().width;
    if (w > 36 * 16 + 1) problems.push(`${name(el)}: ${Math.round(w)} px breed`);
  }
  // Headings hyphenate; they are never cut "anywhere" (issue 13: words broken mid-word).
  for (const el of all("h1, h2, h3")) {
    const s = getComputedStyle(el);
    if (s.overflowWrap === "anywhere" || s.wordBreak === "break-all")
      problems.push(`${name(el)}: breekt woorden overal`);
  }
  // Header, content and footer share one width.
  const inner = (sel) => { const el = document.querySelector(sel); if (!el) return null;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return [Math.round(r.left + parseFloat(s.paddingLeft)), Math.round(r.right - parseFloat(s.paddingRight))];
  };
  const main = inner("main"), head = inner(".kop__binnen");
  const foot = inner(".voet .utrecht-page-footer__content");
  for (const [label, box] of [["kop", head], ["voet", foot]])
    if (box && main && (Math.abs(box[0] - main[0]) > 1 || Math.abs(box[1] - main[1]) > 1))
      problems.push(`${label} ${box} is niet even breed als de inhoud ${main}`);
  const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  if (over > 0) problems.push(`pagina ${over} px te breed`);
  return problems;
}
"""


async def _check(page: Page, label: str, width: int) -> list[str]:
    await page.wait_for_load_state()
    if SCREENSHOTS:
        await page.screenshot(path=f"{SCREENSHOTS}/{label}-{width}.png", full_page=True)
    return [f"{label} @{width}px: {p}" for p in await page.evaluate(PROBLEMEN_JS)]


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
