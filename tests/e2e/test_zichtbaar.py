"""What a person actually sees: computed styles in a real chromium, at 320 and 1280 px.

axe marks text-on-button contrast only "incomplete" when a stylesheet overrides another, so these
checks read getComputedStyle themselves: button text against the first opaque background behind it,
red bold error messages, 44x44 targets on the controls issue 13 names, lists without bullets and
forms held to their width.
"""

import os
from pathlib import Path

import pytest
from playwright.async_api import Page

from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e.conftest import log_in
from tests.peilingen.test_domain import answers, make_peiling
from tests.vragen.test_domain import _aanvraag

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=/some/dir to keep a picture of every page checked.
SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)

# One function, run in the page, returns a list of Dutch problem descriptions (empty = fine).
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
    return r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && s.visibility !== "hidden";
  };
  const name = (el) => {
    const classes = el.className ? "." + String(el.className).split(" ").join(".") : "";
    return `${el.tagName.toLowerCase()}${classes} "${(el.innerText || el.value || "").trim().slice(0, 30)}"`;
  };
  const all = (sel) => [...document.querySelectorAll(sel)].filter(shown);

  // Buttons and links dressed as buttons: readable text.
  for (const el of all("button, a.knop, a.utrecht-button-link, input[type=submit]")) {
    const ratio = contrast(rgba(getComputedStyle(el).color), background(el));
    if (ratio < 4.5) problems.push(`${name(el)}: contrast ${ratio.toFixed(2)}:1`);
  }
  // Secondary buttons stay secondary: white, not the main-button colour.
  for (const el of all(".knop-klein, .utrecht-button--secondary-action")) {
    const bg = background(el);
    if (lum(bg) < 0.9) problems.push(`${name(el)}: achtergrond ${bg} in plaats van wit`);
  }
  // Targets of at least 44x44 px.
  const targets = new Set(all(
    "button, a.knop, a.utrecht-button-link, .kop a, .foutsamenvatting a, input[type=submit]"
  ));
  for (const input of document.querySelectorAll("input[type=radio], input[type=checkbox]")) {
    for (const label of input.labels || []) if (shown(label)) targets.add(label);
  }
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width < 44 - 0.5 || r.height < 44 - 0.5)
      problems.push(`${name(el)}: doel ${Math.round(r.width)}x${Math.round(r.height)} px`);
  }
  // A radio or checkbox sits on the same line as its label.
  for (const input of all("input[type=radio], input[type=checkbox]")) {
    const a = input.getBoundingClientRect();
    for (const label of input.labels || []) {
      const b = label.getBoundingClientRect();
      if (a.bottom <= b.top || a.top >= b.bottom)
        problems.push(`${name(label)}: keuzerondje staat niet naast het label`);
    }
  }
  // Error messages: red and bold; a field with an error has a red bar.
  for (const el of all(".foutmelding, .utrecht-form-field-error-message")) {
    const s = getComputedStyle(el);
    const [r, g, b] = rgba(s.color);
    if (!(r >= 150 && g < 80 && b < 80)) problems.push(`${name(el)}: foutmelding niet rood (${s.color})`);
    if (Number(s.fontWeight) < 700) problems.push(`${name(el)}: foutmelding niet vet (${s.fontWeight})`);
  }
  for (const el of all(".veld--fout, .utrecht-form-field--invalid, .utrecht-form-fieldset--invalid")) {
    const s = getComputedStyle(el);
    const [r, g, b] = rgba(s.borderLeftColor);
    if (parseFloat(s.borderLeftWidth) < 3 || !(r >= 150 && g < 80 && b < 80))
      problems.push(`${name(el)}: geen rode balk (${s.borderLeftWidth} ${s.borderLeftColor})`);
    const fields = "input:not([type=radio]):not([type=checkbox]), select, textarea";
    for (const field of el.querySelectorAll(fields)) {
      const [fr, fg, fb] = rgba(getComputedStyle(field).borderTopColor);
      if (field.type !== "hidden" && !(fr >= 150 && fg < 80 && fb < 80))
        problems.push(`${name(el)}: invoerveld zonder rode rand (${getComputedStyle(field).borderTopColor})`);
    }
  }
  // Forms held to their reading width (36rem).
  for (const el of all(".formulier, .peiling")) {
    const w = el.getBoundingClientRect().width;
    if (w > 36 * 16 + 1) problems.push(`${name(el)}: ${Math.round(w)} px breed`);
  }
  // Cards, the board and the steps carry no bullets or numbers.
  for (const el of all(".kaarten > li, .bord__kaarten > li, .stappen > li, .acties > li")) {
    // html.css sets ::marker { content: "●" }, which shows even under list-style: none.
    const s = getComputedStyle(el);
    const marker = getComputedStyle(el, "::marker").content;
    const bullet = s.listStyleType !== "none" || !["normal", "none"].includes(marker);
    if (s.display === "list-item" && bullet)
      problems.push(`${name(el)}: opsommingsteken ${s.listStyleType} ${marker}`);
  }
  // No sideways scrolling.
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


@pytest.mark.parametrize("width", [320, 1280])
async def test_buttons_errors_and_targets_are_visible_as_people_see_them(
    live_server, browser, mensen, settings, width
):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    peiling_id = await make_peiling(mensen)
    sleutel = (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]
    # One response with an open answer, so the results page shows its "Verbergen" button.
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    gegeven, _ = peilingen.parse_antwoorden(formulier, answers(formulier))
    await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")

    problems: list[str] = []

    async def new_page() -> Page:
        context = await browser.new_context(viewport={"width": width, "height": 800}, locale="nl-NL")
        return await context.new_page()

    raadslid = await new_page()
    await log_in(raadslid, live_server, "kees@beverwijk.example", PASSWORD)
    problems += await _check(raadslid, "raad-start", width)
    await raadslid.goto(live_server + "/raad/beverwijk/vragen")
    problems += await _check(raadslid, "raad-bord", width)
    await raadslid.goto(f"{live_server}/raad/beverwijk/peilingen/{peiling_id}")
    problems += await _check(raadslid, "peiling-beheer", width)
    await raadslid.goto(f"{live_server}/raad/beverwijk/peilingen/{peiling_id}/uitslag")
    await raadslid.get_by_role("button", name="Verbergen").wait_for()
    problems += await _check(raadslid, "uitslag", width)

    ambtenaar = await new_page()
    await log_in(ambtenaar, live_server, "marja@beverwijk.example", PASSWORD)
    await ambtenaar.goto(live_server + "/gemeente/beverwijk")
    problems += await _check(ambtenaar, "ambtenaar-portaal", width)
    await ambtenaar.goto(f"{live_server}/gemeente/beverwijk/aanvragen/{vraag_id}")
    problems += await _check(ambtenaar, "aanvraag", width)
    await ambtenaar.goto(live_server + "/gemeente/beverwijk/aanvragen/nieuw")
    await ambtenaar.get_by_role("button", name="Aanvraag versturen").click()
    await ambtenaar.locator(".foutsamenvatting").wait_for()
    # The checks above look for the library's classes: they must be on this page to be checked.
    assert await ambtenaar.locator(".utrecht-form-field-error-message").count() > 0
    assert await ambtenaar.locator(".utrecht-form-field--invalid").count() > 0
    problems += await _check(ambtenaar, "aanvraag-fouten", width)

    beheerder = await new_page()
    await log_in(beheerder, live_server, "beheer@ijmond.example", PASSWORD)
    await beheerder.goto(live_server + "/beheer/gebruikers")
    problems += await _check(beheerder, "beheer-gebruikers", width)

    inwoner = await new_page()
    await inwoner.goto(f"{live_server}/p/{sleutel}")
    await inwoner.get_by_role("button", name="Versturen").click()
    await inwoner.locator(".foutsamenvatting").wait_for()
    problems += await _check(inwoner, "peiling-fouten", width)

    assert not problems, "\n".join(problems)
