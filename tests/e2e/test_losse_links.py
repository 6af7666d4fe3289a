"""A link inside a sentence wraps like the words around it; only a lone link is a box of its own.

The 44 px target rule once matched `p > a:only-child`, which also caught a link inside a sentence
when it was the paragraph's only element (text is not an element): the link became an atomic
inline box, a long link took its own line and the full stop after it wrapped alone
("... ziet iedereen op [de pagina van de Participatieraad Beverwijk]" / "."). A lone link now
gets the target size by its class `los` (static/participatie.css); tests/e2e/test_schermen.py
holds lone links to 44 x 44.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

RAADSLID = "kees@beverwijk.example"

# Every link in running text (its block has words outside links and controls, the same test as
# bewijs.DOELGROOTTE_JS's inline exception) and how it is laid out.
LINKS_IN_ZINNEN_JS = r"""() => {
  const blok = (node) => {
    for (let e = node.parentElement; e; e = e.parentElement) {
      const d = getComputedStyle(e).display;
      if (!d.startsWith("inline") && d !== "contents") return e;
    }
    return document.body;
  };
  const out = [];
  for (const a of document.querySelectorAll("main a[href]")) {
    if (!a.getClientRects().length) continue;
    const b = blok(a);
    const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
    let zin = false;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest("a, button, label, select, textarea, summary")) continue;
      if (blok(n) === b && /\p{L}{2,}/u.test(n.nodeValue)) { zin = true; break; }
    }
    if (zin) out.push({tekst: a.textContent.trim(), display: getComputedStyle(a).display});
  }
  return out;
}"""

# The line of the link's last fragment and of the text right after it (the full stop).
PUNT_JS = r"""(zin) => {
  const a = [...document.querySelectorAll("main a[href]")].find((e) => e.textContent.trim() === zin);
  const rects = a.getClientRects();
  const punt = document.createRange();
  punt.setStart(a.nextSibling, 0);
  punt.setEnd(a.nextSibling, 1);
  const link = rects[rects.length - 1].top;
  return {tekst: a.nextSibling.nodeValue, link, punt: punt.getBoundingClientRect().top};
}"""


async def _pagina(browser: Browser, base: str, pad: str, email: str | None = None) -> Page:
    context = await browser.new_context(viewport={"width": 320, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    if email:
        await log_in(page, base, email, PASSWORD)
    await page.goto(base + pad)
    return page


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # layout does not depend on the engine
@pytest.mark.parametrize(
    ("pad", "email"),
    [
        ("/raad/beverwijk/site", RAADSLID),
        ("/privacy?raad=beverwijk", None),
        ("/privacy", None),
        ("/idee/beverwijk", None),
    ],
)
async def test_a_link_in_a_sentence_stays_inline(live_server, browser, mensen, pad, email):
    page = await _pagina(browser, live_server, pad, email)
    links = await page.evaluate(LINKS_IN_ZINNEN_JS)
    await page.context.close()

    assert links, f"{pad}: geen link in een zin gevonden; de test leest de verkeerde pagina"
    assert [link for link in links if link["display"] != "inline"] == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_full_stop_after_a_long_link_stays_on_its_line(live_server, browser, mensen):
    page = await _pagina(browser, live_server, "/raad/beverwijk/site", RAADSLID)
    punt = await page.evaluate(PUNT_JS, "de pagina van de Participatieraad Beverwijk")
    await page.context.close()

    assert punt["tekst"].startswith(".")
    assert abs(punt["punt"] - punt["link"]) < 2, punt
