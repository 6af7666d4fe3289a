"""Proof beyond axe (issue 13): what a person sees, measured in a real chromium.

Every check takes a Playwright page that shows the screen to judge and returns a list of
`Bevinding`s: where (a CSS path), which text, and the measured value, so a failing test says
exactly what is wrong. An empty list is a pass.

- `check_axe`: axe-core WCAG 2.1 A/AA, violations and *incomplete* colour-contrast results. axe
  calls a contrast it cannot decide (a stylesheet overriding another, a background it cannot
  see) "incomplete" and passes the page; the unreadable main buttons of issue 13 hid there.
- `check_contrast`: our own computation of what axe left open, for every visible text and every
  visible control.
- `check_overflow` and `check_tekst_200`: no sideways scrolling at the viewport's width, nor with
  the text at 200 %.
- `check_doelgrootte`: every control at least 44 x 44 CSS px (WCAG 2.5.5), with the inline-link
  exception written down at DOELGROOTTE_JS.
- `check_focus`: Tab through the page; every element that gets focus shows it.
- `check_focus_na_swap`: after an htmx swap focus is on something visible, not on <body>.

The contrast and overflow checks read the layout chromium computed (getComputedStyle,
getBoundingClientRect), so they judge the page as drawn, whatever stylesheet won.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from tests.e2e.conftest import WCAG_AA


@dataclass(frozen=True)
class Bevinding:
    """One thing wrong on a screen: where, which text, what was measured."""

    check: str
    selector: str
    tekst: str
    waarde: str

    def __str__(self) -> str:
        tekst = f' "{self.tekst}"' if self.tekst else ""
        return f"{self.check}: {self.selector}{tekst}: {self.waarde}"


def _bevindingen(check: str, rows: list[dict]) -> list[Bevinding]:
    return [Bevinding(check, r.get("selector", ""), r.get("tekst", ""), r.get("waarde", "")) for r in rows]


# Shared JavaScript: colour parsing, contrast, visibility and a readable CSS path. Prefixed to
# every check below, so each check is one self-contained page.evaluate().
HULP_JS = r"""
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const kleuren = new Map();
  // Any CSS colour as [r, g, b, a] (0-255, alpha 0-1). rgb()/rgba() directly; anything else
  // (oklch, color(), named) through a 1x1 canvas, which does chromium's own conversion.
  const rgba = (c) => {
    if (kleuren.has(c)) return kleuren.get(c);
    let out = null;
    const m = c.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      out = [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    } else if (c === "transparent") {
      out = [0, 0, 0, 0];
    } else {
      const s = c.match(/^color\(srgb ([^)]+)\)$/);
      if (s) {
        const p = s[1].split(/[\s\/]+/).filter(Boolean).map(Number);
        out = [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
      } else {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = "#000";
        ctx.fillStyle = c;
        ctx.fillRect(0, 0, 1, 1);
        const d = ctx.getImageData(0, 0, 1, 1).data;
        out = [d[0], d[1], d[2], d[3] / 255];
      }
    }
    kleuren.set(c, out);
    return out;
  };
  // c over onder, both [r, g, b, a]; the result is opaque when onder is.
  const blend = (c, onder) => {
    const a = c[3];
    return [0, 1, 2].map((i) => c[i] * a + onder[i] * (1 - a)).concat([a + onder[3] * (1 - a)]);
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  // The colour behind el: its own and its ancestors' background colours, laid over each other
  // from the first opaque one up (the canvas is white). A background image or gradient makes
  // it unknowable: null, and the caller skips (axe reports those as incomplete).
  const achtergrond = (el) => {
    const lagen = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      // A select's own arrow (one unrepeated picture at the side) is not behind its text.
      const pijl = e === el && e.tagName === "SELECT" && s.backgroundRepeat.startsWith("no-repeat");
      if (s.backgroundImage && s.backgroundImage !== "none" && !pijl) return null;
      const c = rgba(s.backgroundColor);
      if (c && c[3] > 0) {
        lagen.push(c);
        if (c[3] >= 1) break;
      }
    }
    let bg = [255, 255, 255, 1];
    for (const c of lagen.reverse()) bg = blend(c, bg);
    return bg;
  };
  // The text colour as drawn: its alpha times every ancestor's opacity, over the background.
  const voorgrond = (el, kleur, bg) => {
    const c = rgba(kleur).slice();
    for (let e = el; e; e = e.parentElement) c[3] *= Number(getComputedStyle(e).opacity);
    return blend(c, bg);
  };
  // Clipped away (the sr-only pattern: a 1px box with overflow hidden or a clip), or hidden.
  const verborgen = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === "hidden" || s.display === "none" || Number(s.opacity) === 0) return true;
      if (s.clip && s.clip !== "auto" && /rect\(0(px)?,? 0(px)?/.test(s.clip)) return true;
      if (s.clipPath && /inset\(50%/.test(s.clipPath)) return true;
      const r = e.getBoundingClientRect();
      if ((r.width <= 1 || r.height <= 1) && s.overflow !== "visible") return true;
    }
    return false;
  };
  // Drawn, and somewhere on the page: a skip link parked at left: -9999px is not seen.
  const zichtbaar = (el) => {
    const r = el.getBoundingClientRect();
    const opPagina = r.right > 0 && r.bottom + window.scrollY > 0;
    return r.width > 0 && r.height > 0 && opPagina && !verborgen(el);
  };
  const pad = (el) => {
    const delen = [];
    for (let e = el; e && e !== document.documentElement && delen.length < 4; e = e.parentElement) {
      let p = e.tagName.toLowerCase();
      if (e.id) { delen.unshift(p + "#" + e.id); break; }
      if (e === document.body) { delen.unshift("body"); break; }
      const cls = [...e.classList].slice(0, 2);
      if (cls.length) p += "." + cls.join(".");
      const zelfde = e.parentElement
        ? [...e.parentElement.children].filter((x) => x.tagName === e.tagName) : [];
      if (zelfde.length > 1) p += `:nth-of-type(${zelfde.indexOf(e) + 1})`;
      delen.unshift(p);
    }
    return delen.join(" > ");
  };
  const tekst = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || el.textContent || "")
    .trim().replace(/\s+/g, " ").slice(0, 40);
  const groot = (s) => {
    const px = parseFloat(s.fontSize);
    return px >= 24 || (px >= 18.66 && Number(s.fontWeight) >= 700);
  };
  const CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary";
"""


def _js(body: str) -> str:
    return "(arg) => {\n" + HULP_JS + body + "\n}"


# --- (a) axe -----------------------------------------------------------------------------------

AXE_OPTIONS = {**copy.deepcopy(WCAG_AA), "resultTypes": ["violations", "incomplete"]}


async def check_axe(page: Page) -> list[Bevinding]:
    """axe WCAG 2.1 A/AA: every violation, and every colour contrast axe could not decide."""
    results = (await Axe().run(page, options=AXE_OPTIONS)).response
    out: list[Bevinding] = []
    for rule in results.get("violations", []):
        for node in rule["nodes"]:
            summary = (node.get("failureSummary") or rule["help"]).replace("\n", " ").strip()
            out.append(
                Bevinding("axe", " ".join(map(str, node["target"])), "", f"{rule['id']}: {summary}"[:300])
            )
    for rule in results.get("incomplete", []):
        if rule["id"] != "color-contrast":
            continue
        for node in rule["nodes"]:
            data = next((c.get("data") or {} for c in node.get("any", []) if c.get("data")), {})
            waarde = "color-contrast onbeslist"
            if isinstance(data, dict):
                waarde += " ({} {} op {} {})".format(
                    *(data.get(k) or "" for k in ("messageKey", "fgColor", "bgColor", "contrastRatio"))
                )
            out.append(Bevinding("axe", " ".join(map(str, node["target"])), "", waarde))
    return out


# --- (b) contrast ------------------------------------------------------------------------------

CONTRAST_JS = _js(r"""
  const out = [];
  const gezien = new Set();
  const meld = (el, fg, bg, ratio, nodig, wat) => out.push({
    selector: pad(el), tekst: tekst(el),
    waarde: `${wat}${ratio.toFixed(2)}:1 (${hex(fg)} op ${hex(bg)}, nodig ${nodig}:1)`,
  });
  // Text: every element that holds a visible, non-blank text node of its own.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION", "TITLE"]);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || gezien.has(el) || !n.nodeValue.trim() || SKIP.has(el.tagName)) continue;
    gezien.add(el);
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    const weg = r.right <= 0 || r.bottom + window.scrollY <= 0;  // parked off the page
    if (r.width < 1 || r.height < 1 || weg || verborgen(el)) continue;
    const s = getComputedStyle(el);
    if (rgba(s.color)[3] === 0) continue;  // transparent text is meant to be unseen
    const bg = achtergrond(el);
    if (!bg) continue;
    const fg = voorgrond(el, s.color, bg);
    const nodig = groot(s) ? 3 : 4.5;
    const ratio = contrast(fg, bg);
    if (ratio < nodig - 0.005) meld(el, fg, bg, ratio, nodig, "tekst ");
  }
  // Controls: the text typed or shown in a field, a placeholder, and (WCAG 1.4.11) a visible
  // edge of 3:1 for a field: its border against what is around it, or else its own fill.
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!zichtbaar(el) || el.disabled) continue;
    const soort = (el.type || "").toLowerCase();
    if (["radio", "checkbox", "range", "color", "file", "image"].includes(soort)) continue;
    const s = getComputedStyle(el);
    const bg = achtergrond(el);
    if (!bg) continue;
    const nodig = groot(s) ? 3 : 4.5;
    const fg = voorgrond(el, s.color, bg);
    const ratio = contrast(fg, bg);
    if (ratio < nodig - 0.005) meld(el, fg, bg, ratio, nodig, "invoertekst ");
    if (el.placeholder && !el.value) {
      const ph = voorgrond(el, getComputedStyle(el, "::placeholder").color, bg);
      const pr = contrast(ph, bg);
      if (pr < 4.5 - 0.005) meld(el, ph, bg, pr, 4.5, "placeholder ");
    }
    if (["submit", "button", "reset"].includes(soort)) continue;
    const rondom = achtergrond(el.parentElement) || [255, 255, 255, 1];
    const rand = parseFloat(s.borderTopWidth) >= 1 && s.borderTopStyle !== "none"
      ? voorgrond(el, s.borderTopColor, rondom) : null;
    const randRatio = rand ? contrast(rand, rondom) : 0;
    const vlakRatio = contrast(bg, rondom);
    if (randRatio < 3 - 0.005 && vlakRatio < 3 - 0.005) {
      const randTekst = rand ? hex(rand) : "geen rand";
      out.push({selector: pad(el), tekst: tekst(el), waarde: `rand van het veld ${randRatio.toFixed(2)}:1 `
        + `(${randTekst} op ${hex(rondom)}), vlak ${vlakRatio.toFixed(2)}:1, nodig 3:1`});
    }
  }
  return out;
""")


async def check_contrast(page: Page) -> list[Bevinding]:
    """Computed contrast of every visible text (4.5:1, large text 3:1) and every field."""
    return _bevindingen("contrast", await page.evaluate(CONTRAST_JS))


# --- (c) overflow ------------------------------------------------------------------------------

OVERFLOW_JS = _js(r"""
  const vw = document.documentElement.clientWidth;
  const teveel = document.documentElement.scrollWidth - vw;
  if (teveel <= 0) return [];
  // Inside a container that scrolls or clips sideways itself (the board), sticking out is meant.
  const binnenScroller = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  // The culprits: elements that stick out while their parent does not, where the page breaks.
  const daders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5 || binnenScroller(el)) continue;
    const p = el.parentElement;
    if (p && p !== document.body && p.getBoundingClientRect().right > vw + 0.5) continue;
    daders.push({selector: pad(el), tekst: tekst(el),
                 waarde: `steekt ${Math.round(r.right - vw)}px uit (${Math.round(r.width)}px breed)`});
  }
  // A long word or link runs out of a box that itself fits: the text node is the culprit.
  if (!daders.length) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && daders.length < 8; n = walker.nextNode()) {
      if (!n.nodeValue.trim() || !n.parentElement || binnenScroller(n.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.right > vw + 0.5) daders.push({selector: pad(n.parentElement),
        tekst: n.nodeValue.trim().slice(0, 40), waarde: `tekst steekt ${Math.round(r.right - vw)}px uit`});
    }
  }
  return [{selector: "html", tekst: "", waarde: `pagina ${teveel}px breder dan het scherm (${vw}px)`},
          ...daders.slice(0, 8)];
""")


async def check_overflow(page: Page) -> list[Bevinding]:
    """No horizontal scrolling at this viewport (WCAG 1.4.10 at 320 px)."""
    return _bevindingen("overflow", await page.evaluate(OVERFLOW_JS))


async def check_tekst_200(page: Page) -> list[Bevinding]:
    """Text at 200 % (the root font size, as a reader's browser setting does) still fits.

    Also reports when the body text does not grow at all: sizes in px instead of rem ignore
    the reader's setting, so the first half of the check would pass for the wrong reason.
    """
    voor = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    await page.evaluate("document.documentElement.style.fontSize = '200%'")
    await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    try:
        na = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        rows = await page.evaluate(OVERFLOW_JS)
    finally:
        await page.evaluate("document.documentElement.style.fontSize = ''")
    out = _bevindingen("tekst200", rows)
    if na < voor * 1.9:
        out.append(Bevinding("tekst200", "body", "", f"tekst groeit niet mee: {voor:g}px wordt {na:g}px"))
    return out


# --- (d) target size ---------------------------------------------------------------------------

# The rule (WCAG 2.5.5, AAA, asked for by issue 13): every visible control is at least 44 x 44
# CSS px: a[href], button, input, select, textarea, summary. A radio button or checkbox counts
# together with its label (clicking the label picks it), so their union is measured.
# The one exception is WCAG's "inline" one: a link inside running text, i.e. an `a` laid out
# inline whose nearest block holds words of its own outside links and controls (a sentence with
# a link in it). A link alone in a paragraph, a list item, a header or a table cell is a target
# on its own and must be 44 x 44. Disabled controls are skipped: they cannot be used.
DOELGROOTTE_JS = _js(r"""
  const out = [];
  // The block whose line boxes hold this node: text in another block is another paragraph.
  const blok = (node) => {
    for (let e = node.parentElement; e; e = e.parentElement) {
      const d = getComputedStyle(e).display;
      if (!d.startsWith("inline") && d !== "contents") return e;
    }
    return document.body;
  };
  const inLopendeTekst = (a) => {
    if (getComputedStyle(a).display !== "inline") return false;
    const b = blok(a);
    const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest("a, button, label, select, textarea, summary")) continue;
      if (blok(n) === b && /\p{L}{2,}/u.test(n.nodeValue)) return true;
    }
    return false;
  };
  const gemeten = new Set();
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (el.disabled || !zichtbaar(el)) continue;
    let r = el.getBoundingClientRect();
    let wie = el;
    const soort = (el.type || "").toLowerCase();
    if (el.tagName === "INPUT" && (soort === "radio" || soort === "checkbox")) {
      let [l, t, rr, b] = [r.left, r.top, r.right, r.bottom];
      for (const label of el.labels || []) {
        if (!zichtbaar(label)) continue;
        const lr = label.getBoundingClientRect();
        [l, t] = [Math.min(l, lr.left), Math.min(t, lr.top)];
        [rr, b] = [Math.max(rr, lr.right), Math.max(b, lr.bottom)];
        if (wie === el) wie = label;  // named after its (first) label: that is what one reads
      }
      r = {width: rr - l, height: b - t};
    } else if (el.tagName === "A" && inLopendeTekst(el)) {
      continue;
    }
    if (gemeten.has(wie)) continue;
    gemeten.add(wie);
    if (r.width < 44 - 0.5 || r.height < 44 - 0.5) {
      const maat = `${Math.round(r.width)}x${Math.round(r.height)} px`;
      out.push({selector: pad(wie), tekst: tekst(wie), waarde: `${maat}, nodig 44x44`});
    }
  }
  return out;
""")


async def check_doelgrootte(page: Page) -> list[Bevinding]:
    """Every control at least 44 x 44 CSS px, links in running text excepted."""
    return _bevindingen("doelgrootte", await page.evaluate(DOELGROOTTE_JS))


# --- (e) focus visible -------------------------------------------------------------------------

# What a focus indicator may change: an outline or box shadow (the usual ring), or the fill,
# border or underline. Position is left out on purpose: a skip link that only slides into view
# has no indicator once it is there.
STIJL_JS = r"""
  const stijl = (el) => {
    const s = getComputedStyle(el);
    return {
      outline: s.outlineStyle === "none" || parseFloat(s.outlineWidth) === 0
        ? "none" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}`,
      schaduw: s.boxShadow,
      vlak: s.backgroundColor,
      rand: `${s.borderTopWidth} ${s.borderTopColor} ${s.borderBottomWidth} ${s.borderBottomColor}`,
      streep: `${s.textDecorationLine} ${s.textDecorationThickness}`,
    };
  };
"""

VOOR_FOCUS_JS = _js(
    STIJL_JS
    + r"""
  window.__bewijsOngefocust = new Map();
  for (const el of document.querySelectorAll("*")) {
    if (el.tabIndex >= 0 || el.matches(CONTROLS)) window.__bewijsOngefocust.set(el, stijl(el));
  }
  // Start the Tab order at the top of the page, whatever had focus.
  const start = document.createElement("span");
  start.tabIndex = -1;
  start.id = "__bewijs-start";
  document.body.prepend(start);
  start.focus();
"""
)

FOCUS_STAP_JS = _js(
    STIJL_JS
    + r"""
  const el = document.activeElement;
  document.getElementById("__bewijs-start")?.remove();
  if (!el || el === document.body || el === document.documentElement) return {einde: true};
  if (!window.__bewijsFocusIds) window.__bewijsFocusIds = new Map();
  if (!window.__bewijsFocusIds.has(el)) window.__bewijsFocusIds.set(el, window.__bewijsFocusIds.size);
  const id = window.__bewijsFocusIds.get(el);
  const info = {einde: false, id, selector: pad(el), tekst: tekst(el)};
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || verborgen(el))
    return {...info, waarde: "focus op een onzichtbaar element"};
  const voor = window.__bewijsOngefocust.get(el);
  if (!voor) return {...info, waarde: null};  // added after the snapshot: nothing to compare with
  const na = stijl(el);
  const ring = (na.outline !== "none" && na.outline !== voor.outline)
    || (na.schaduw !== "none" && na.schaduw !== voor.schaduw);
  const anders = ring || na.vlak !== voor.vlak || na.rand !== voor.rand || na.streep !== voor.streep;
  const waarde = `geen zichtbare focus (outline ${na.outline}, box-shadow ${na.schaduw})`;
  return {...info, waarde: anders ? null : waarde};
"""
)

MAX_TABS = 200


async def check_focus(page: Page) -> list[Bevinding]:
    """Press Tab through the page (at most MAX_TABS stops); every focused element must look
    different from its unfocused self, and be visible at all."""
    await page.evaluate(VOOR_FOCUS_JS)
    out: list[Bevinding] = []
    gezien: set[int] = set()
    vorige = None
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        info = await page.evaluate(FOCUS_STAP_JS)
        if info["einde"]:
            break
        if info["id"] == vorige:
            continue  # Tab walks through the day, month and year of one date field
        if info["id"] in gezien:
            break  # round and back at the start
        gezien.add(info["id"])
        vorige = info["id"]
        if info["waarde"]:
            out.append(Bevinding("focus", info["selector"], info["tekst"], info["waarde"]))
    return out


# --- (f) focus after an htmx swap --------------------------------------------------------------

NA_SWAP_JS = _js(r"""
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement)
    return [{selector: "body", tekst: "", waarde: "focus viel terug op <body> na de wissel"}];
  if (!el.isConnected || !zichtbaar(el))
    return [{selector: pad(el), tekst: tekst(el), waarde: "focus op een onzichtbaar element na de wissel"}];
  return [];
""")


async def check_focus_na_swap(page: Page) -> list[Bevinding]:
    """Right after an htmx swap: focus on a visible element, not on <body>."""
    return _bevindingen("focus_na_swap", await page.evaluate(NA_SWAP_JS))


# --- (g) the components as the NL Design System means them ------------------------------------

# What the look of issue 13 asked for beyond contrast, size and overflow (those are the checks
# above): a radio button or checkbox on the line of its label, errors red and bold, a red bar and
# red borders on a field with an error, forms and fields held to their reading width (36rem),
# secondary buttons white, no bullets on cards, board and steps, headings never broken
# anywhere, and header and footer as wide as the content. tests/e2e/test_zichtbaar.py and
# tests/e2e/test_nlds_browser.py run it with the checks above on their own pages.
COMPONENTEN_JS = _js(r"""
  const out = [];
  const meld = (el, waarde) => out.push({selector: pad(el), tekst: tekst(el), waarde});
  const alle = (sel) => [...document.querySelectorAll(sel)].filter(zichtbaar);
  const rood = (c) => { const [r, g, b] = rgba(c); return r >= 150 && g < 80 && b < 80; };
  for (const input of alle("input[type=radio], input[type=checkbox]")) {
    const a = input.getBoundingClientRect();
    for (const label of input.labels || []) {
      const b = label.getBoundingClientRect();
      if (a.bottom <= b.top || a.top >= b.bottom) meld(label, "keuze staat niet naast het label");
    }
  }
  for (const el of alle(".foutmelding, .utrecht-form-field-error-message")) {
    const s = getComputedStyle(el);
    if (!rood(s.color)) meld(el, `foutmelding niet rood (${s.color})`);
    if (Number(s.fontWeight) < 700) meld(el, `foutmelding niet vet (${s.fontWeight})`);
  }
  for (const el of alle(".veld--fout, .utrecht-form-field--invalid, .utrecht-form-fieldset--invalid")) {
    const s = getComputedStyle(el);
    if (parseFloat(s.borderLeftWidth) < 3 || !rood(s.borderLeftColor))
      meld(el, `geen rode balk (${s.borderLeftWidth} ${s.borderLeftColor})`);
    const velden = "input:not([type=radio]):not([type=checkbox]):not([type=hidden]), select, textarea";
    for (const veld of el.querySelectorAll(velden))
      if (!rood(getComputedStyle(veld).borderTopColor))
        meld(veld, `invoerveld zonder rode rand (${getComputedStyle(veld).borderTopColor})`);
  }
  for (const el of alle(".formulier, .peiling, .utrecht-textbox, .utrecht-select, .utrecht-textarea")) {
    const w = el.getBoundingClientRect().width;
    if (w > 36 * 16 + 1) meld(el, `${Math.round(w)} px breed, hoogstens 576`);
  }
  for (const el of alle(".knop-klein, .utrecht-button--secondary-action")) {
    const bg = achtergrond(el);
    if (bg && lum(bg) < 0.9) meld(el, `achtergrond ${hex(bg)} in plaats van wit`);
  }
  // html.css sets ::marker { content: "●" }, which shows even under list-style: none.
  for (const el of alle(".kaarten > li, .bord__kaarten > li, .stappen > li, .acties > li")) {
    const s = getComputedStyle(el);
    const marker = getComputedStyle(el, "::marker").content;
    if (s.display === "list-item" && (s.listStyleType !== "none" || !["normal", "none"].includes(marker)))
      meld(el, `opsommingsteken ${s.listStyleType} ${marker}`);
  }
  for (const el of alle("h1, h2, h3")) {
    const s = getComputedStyle(el);
    if (s.overflowWrap === "anywhere" || s.wordBreak === "break-all") meld(el, "breekt woorden overal");
  }
  const binnen = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return [Math.round(r.left + parseFloat(s.paddingLeft)), Math.round(r.right - parseFloat(s.paddingRight))];
  };
  const inhoud = binnen("main");
  for (const [naam, sel] of [["kop", ".kop__binnen"], ["voet", ".voet .utrecht-page-footer__content"]]) {
    const rand = binnen(sel);
    if (rand && inhoud && (Math.abs(rand[0] - inhoud[0]) > 1 || Math.abs(rand[1] - inhoud[1]) > 1))
      out.push({selector: sel, tekst: "", waarde: `${naam} ${rand} niet even breed als de inhoud ${inhoud}`});
  }
  return out;
""")


async def check_componenten(page: Page) -> list[Bevinding]:
    """The components drawn as meant: see COMPONENTEN_JS."""
    return _bevindingen("componenten", await page.evaluate(COMPONENTEN_JS))


async def check_zichtbaar(page: Page) -> list[Bevinding]:
    """What the look tests ask of a page: computed contrast, 44 x 44 targets, no sideways
    scrolling, and the components as meant; the colour and size checks are this module's own."""
    return [
        *await check_contrast(page),
        *await check_doelgrootte(page),
        *await check_overflow(page),
        *await check_componenten(page),
    ]


# --- all of it, with the pictures ---------------------------------------------------------------

CHECKS = ("axe", "contrast", "overflow", "tekst200", "doelgrootte", "focus", "focus_na_swap")


async def screenshot(page: Page, folder: Path, naam: str, breedte: int, extra: str = "") -> Path:
    path = folder / f"{naam}-{breedte}{extra}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def check_scherm(
    page: Page, naam: str, breedte: int, folder: Path, *, checks: frozenset[str]
) -> dict[str, list[Bevinding]]:
    """Every check named in `checks` on the screen as it is now, plus a full-page screenshot
    (and one at 200 % text) in `folder`, which must exist. The focus after a swap is read first,
    before anything else moves it; the Tab walk last, because it adds and removes a starting
    point in the page."""
    await page.wait_for_load_state()
    uitkomst: dict[str, list[Bevinding]] = {}
    if "focus_na_swap" in checks:
        uitkomst["focus_na_swap"] = await check_focus_na_swap(page)
    await screenshot(page, folder, naam, breedte)
    if "axe" in checks:
        uitkomst["axe"] = await check_axe(page)
    if "contrast" in checks:
        uitkomst["contrast"] = await check_contrast(page)
    if "doelgrootte" in checks:
        uitkomst["doelgrootte"] = await check_doelgrootte(page)
    if "overflow" in checks:
        uitkomst["overflow"] = await check_overflow(page)
    if "tekst200" in checks:
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
        await screenshot(page, folder, naam, breedte, "-tekst200")
        await page.evaluate("document.documentElement.style.fontSize = ''")
        uitkomst["tekst200"] = await check_tekst_200(page)
    if "focus" in checks:
        uitkomst["focus"] = await check_focus(page)
    bewaar(folder / f"{naam}-{breedte}.json", uitkomst)
    return uitkomst


def bewaar(path: Path, uitkomst: dict[str, list[Bevinding]]) -> None:
    """The findings as JSON next to the screenshot, to read or to compare between runs."""
    rows = {check: [asdict(b) for b in gevonden] for check, gevonden in uitkomst.items()}
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
