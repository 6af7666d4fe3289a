"""Every screen the browser tests reach, per role, at 320 and 1280 px, proven beyond axe (issue 13).

Each (screen, width) is its own test: it builds only the data its screen needs, opens the screen
as the person who sees it (resident, raadslid, ambtenaar, beheerder, or nobody for error pages),
takes a full-page screenshot and runs the checks of tests/e2e/bewijs.py: axe with zero incomplete
colour contrast, computed contrast, no sideways scrolling (at 200 % text as well), 44 x 44
targets, visible focus, and focus kept after an htmx swap.

Screenshots (and each screen's findings as JSON) go to $PARTICIPATIE_SCREENSHOTS, or a pytest
temporary folder: never into git. Look at them.

Only on SQLite: what a screen looks like does not depend on the database engine, and every page
here is also reached on both engines by the tests of its domain. One engine halves the minutes.

`BEKENDE_GEBREKEN` lists what still fails, per (screen, width, check), with the measured value.
Such a test is an xfail(strict=True) that fails when a check outside the list fails, and also
when a listed check passes: a fixed defect must leave the list.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from participatie.config import Settings
from participatie.focusgroepen import domain as focusgroepen
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling
from participatie.rapporten import domain as rapporten
from participatie.vragen import domain as vragen
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e import bewijs
from tests.e2e.conftest import log_in
from tests.focusgroepen.test_domain import INWONER, _meeting, make_groep
from tests.peilingen.test_domain import _vraag_in_voorleggen, answers, make_peiling
from tests.rapporten.test_domain import _written, make_vraag_met_deelnemers
from tests.vragen.test_domain import _aanvraag, _concretiseer, _versie

pytestmark = pytest.mark.browser

BREEDTES = (320, 1280)
RAADSLID = "kees@beverwijk.example"
AMBTENAAR = "marja@beverwijk.example"
VELSEN = "dorine@velsen.example"
BEHEERDER = "beheer@ijmond.example"


class BekendGebrek(AssertionError):
    """Only the checks listed in BEKENDE_GEBREKEN failed: the xfail this test expects."""


@dataclass
class Bezoek:
    """One screen visited at one width: the app, the browser and the people of `mensen`."""

    base: str
    browser: Browser
    breedte: int
    mensen: dict
    settings: Settings
    contexts: list[BrowserContext] = field(default_factory=list)

    async def pagina(self, email: str | None = None) -> Page:
        """A fresh browser (own cookies) at this width, logged in as `email` if given."""
        context = await self.browser.new_context(
            viewport={"width": self.breedte, "height": 800}, locale="nl-NL"
        )
        self.contexts.append(context)
        # A screen that does not come is a finding ("opzet") after 10 s, not after Playwright's 30.
        context.set_default_timeout(10_000)
        page = await context.new_page()
        if email:
            await log_in(page, self.base, email, PASSWORD)
        return page

    async def open(self, pad: str, email: str | None = None) -> Page:
        page = await self.pagina(email)
        await page.goto(self.base + pad)
        return page


async def _sleutel(peiling_id: int) -> str:
    return (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]


async def _verstuur(page: Page, knop: str) -> None:
    """Click a form's button and wait for the page it loads."""
    async with page.expect_navigation():
        await page.get_by_role("button", name=knop).click()


# --- the resident --------------------------------------------------------------------------


async def _home(b: Bezoek) -> Page:
    return await b.open("/")


async def _idee(b: Bezoek) -> Page:
    return await b.open("/idee/beverwijk")


async def _inloggen(b: Bezoek) -> Page:
    return await b.open("/inloggen")


async def _peiling_open(b: Bezoek) -> Page:
    return await b.open(f"/p/{await _sleutel(await make_peiling(b.mensen))}")


async def _peiling_fouten(b: Bezoek) -> Page:
    page = await _peiling_open(b)
    await _verstuur(page, "Versturen")
    return page


async def _beantwoord(b: Bezoek) -> Page:
    """A resident answers the three required questions of make_peiling and sends."""
    sleutel = await _sleutel(await make_peiling(b.mensen))
    page = await b.open(f"/p/{sleutel}")
    await page.get_by_label("Een beetje").check()
    await page.get_by_label("Buren").check()
    await page.get_by_label("4", exact=True).check()
    await _verstuur(page, "Versturen")
    return page


async def _bedankt(b: Bezoek) -> Page:
    return await _beantwoord(b)


async def _bedankt_fout(b: Bezoek) -> Page:
    page = await _beantwoord(b)
    await page.get_by_label("Uw e-mailadres").fill("inwoner@")
    await _verstuur(page, "Stuur mij het rapport")
    return page


async def _peiling_gesloten(b: Bezoek) -> Page:
    peiling_id = await make_peiling(b.mensen)
    await peilingen.close_early(b.mensen["raadslid"], peiling_id)
    return await b.open(f"/p/{await _sleutel(peiling_id)}")


async def _gepubliceerd_rapport(b: Bezoek) -> tuple[int, str]:
    vraag_id = await make_vraag_met_deelnemers(b.mensen, adressen=2)
    await _written(b.mensen, vraag_id)
    await rapporten.publish(b.mensen["raadslid"], vraag_id, b.settings)
    rapport = await rapporten.load_rapport(vraag_id)
    assert rapport is not None
    return vraag_id, rapport.sleutel


async def _rapport(b: Bezoek) -> Page:
    _, sleutel = await _gepubliceerd_rapport(b)
    return await b.open(f"/rapporten/beverwijk/{sleutel}")


async def _groep_met_bijeenkomst(b: Bezoek) -> tuple[int, int, int]:
    groep_id = await make_groep(b.mensen)
    lid_id = await focusgroepen.add_inwoner(b.mensen["raadslid"], groep_id, **INWONER)
    bijeenkomst_id = await focusgroepen.plan_bijeenkomst(
        b.mensen["raadslid"], groep_id, b.settings, _meeting()
    )
    return groep_id, lid_id, bijeenkomst_id


async def _focusgroep_link(b: Bezoek) -> Page:
    _, lid_id, bijeenkomst_id = await _groep_met_bijeenkomst(b)
    return await b.open(focusgroepen.reactie_pad(b.settings.secret_key, lid_id, bijeenkomst_id))


async def _kiosk(b: Bezoek) -> Page:
    peiling_id = await make_peiling(b.mensen)
    page = await b.open(f"/raad/beverwijk/peilingen/{peiling_id}", RAADSLID)
    await _verstuur(page, "Kiosk starten op dit apparaat")
    return page


# --- the raadslid --------------------------------------------------------------------------


async def _raad_start(b: Bezoek) -> Page:
    await make_peiling(b.mensen)  # an open poll, a vraag in voorleggen
    await _aanvraag(b.mensen["ambtenaar"], titel="Bankjes in het park")  # a new vraag
    return await b.open("/raad/beverwijk", RAADSLID)


async def _bord_vragen(b: Bezoek) -> int:
    """Two vragen, as tests/e2e/test_vragen_browser.py: one waiting, one IJmond-wide."""
    raadslid = b.mensen["raadslid"]
    wachtend = await _aanvraag(b.mensen["ambtenaar"], titel="Bankjes in het park")
    regio = await _aanvraag(b.mensen["ambtenaar"], thema="huishoudelijke_hulp")
    await vragen.advance_stap(regio, raadslid, versie=1, naar="trechteren")
    await vragen.update_trechter(
        regio, raadslid, versie=2, scope="regio", thema="huishoudelijke_hulp", prioriteit="hoog"
    )
    return wachtend


async def _bord(b: Bezoek) -> Page:
    await _bord_vragen(b)
    return await b.open("/raad/beverwijk/vragen", RAADSLID)


async def _bord_verplaatst(b: Bezoek) -> Page:
    """A card moved with htmx: the board is swapped in place."""
    wachtend = await _bord_vragen(b)
    page = await b.open("/raad/beverwijk/vragen", RAADSLID)
    kaart = page.locator(f"#kaart-{wachtend}")
    await kaart.get_by_label(f"Verplaats vraag {wachtend} naar").select_option("trechteren")
    await kaart.get_by_role("button", name="Verplaats").click()
    await page.locator("#bord-melding").get_by_text("staat nu in de stap trechteren").wait_for()
    return page


async def _vraag_in(b: Bezoek, stap: str) -> int:
    """A vraag of Beverwijk taken through the stappenplan by the domain up to `stap`."""
    raadslid = b.mensen["raadslid"]
    vraag_id = await _aanvraag(b.mensen["ambtenaar"])

    async def naar(doel: str, **extra: str) -> None:
        await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar=doel, **extra)

    if stap == "binnengekomen":
        return vraag_id
    if stap in ("trechteren", "afgewezen"):
        await naar("trechteren")
        if stap == "afgewezen":
            await naar("afgewezen", afwijsreden="Dit is al eerder gevraagd.")
        return vraag_id
    await vragen.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await naar("concretiseren")
    await _concretiseer(vraag_id, raadslid)
    if stap == "concretiseren":
        return vraag_id
    await naar("voorleggen")
    if stap == "voorleggen":
        return vraag_id
    await vragen.add_activiteit(
        vraag_id,
        raadslid,
        waar="Voedselbank Beverwijk",
        op=vragen.today().isoformat(),
        bereikt="23",
        notities="",
    )
    await naar("terugkoppelen")
    if stap == "terugkoppelen":
        return vraag_id
    await naar("advies")
    await vragen.record_advies(
        vraag_id, raadslid, versie=await _versie(vraag_id), tekst="Maak het eenvoudiger.", aan="Het college"
    )
    if stap == "advies":
        return vraag_id
    await naar("borging")
    if stap == "borging":
        return vraag_id
    await vragen.record_reactie(
        vraag_id, b.mensen["ambtenaar"], oordeel="overgenomen", toelichting="Korter formulier.", vervolg_op=""
    )
    await naar("afgerond")
    return vraag_id


def _vraag_scherm(stap: str) -> Callable[[Bezoek], Awaitable[Page]]:
    async def open_vraag(b: Bezoek) -> Page:
        return await b.open(f"/raad/beverwijk/vragen/{await _vraag_in(b, stap)}", RAADSLID)

    return open_vraag


async def _lege_peiling(b: Bezoek) -> int:
    vraag_id = await _vraag_in_voorleggen(b.mensen)
    return await peilingen.create_peiling(
        b.mensen["raadslid"], vraag_id, titel="Bankjes in de wijk", intro="Twee korte vragen.", toegang="link"
    )


async def _peiling_bouwer(b: Bezoek) -> Page:
    return await b.open(f"/raad/beverwijk/peilingen/{await _lege_peiling(b)}", RAADSLID)


async def _peiling_bouwer_soort(b: Bezoek) -> Page:
    """The builder's first step, a kind chosen: with htmx the form is swapped in place."""
    page = await _peiling_bouwer(b)
    await page.evaluate("window.geenHerlaad = true")
    await page.get_by_label("Ja of nee").check()
    await page.get_by_role("button", name="Verder").click()
    await page.locator("#gekozen-soort").wait_for()
    assert await page.evaluate("window.geenHerlaad") is True, "geen htmx-wissel maar een nieuwe pagina"
    return page


async def _peiling_bouwer_toegevoegd(b: Bezoek) -> Page:
    """The builder after "Vraag toevoegen": the question is in the list."""
    page = await _peiling_bouwer_soort(b)
    await page.get_by_label("De vraag", exact=True).fill("Zit u graag buiten?")
    await page.get_by_role("button", name="Vraag toevoegen").click()
    await page.get_by_text("Zit u graag buiten?").first.wait_for()
    await page.wait_for_load_state()
    return page


async def _peiling_beheer(b: Bezoek) -> Page:
    return await b.open(f"/raad/beverwijk/peilingen/{await make_peiling(b.mensen)}", RAADSLID)


async def _peiling_uitslag(b: Bezoek) -> Page:
    peiling_id = await make_peiling(b.mensen)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    gegeven, _ = peilingen.parse_antwoorden(formulier, answers(formulier))
    await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel="scherm-1")
    return await b.open(f"/raad/beverwijk/peilingen/{peiling_id}/uitslag", RAADSLID)


async def _poster(b: Bezoek) -> Page:
    """The poster as an image in a page of its own: chromium cannot screenshot a bare SVG
    document (Playwright waits for document.fonts, which an SVG document lacks)."""
    peiling_id = await make_peiling(b.mensen)
    page = await b.pagina(RAADSLID)
    response = await page.request.get(f"{b.base}/raad/beverwijk/peilingen/{peiling_id}/poster.svg")
    assert response.headers["content-type"].startswith("image/svg+xml"), response.headers["content-type"]
    svg = base64.b64encode(await response.body()).decode()
    await page.set_content(
        f'<img alt="Poster" style="display:block;width:100%" src="data:image/svg+xml;base64,{svg}">'
    )
    return page


async def _focusgroep(b: Bezoek) -> Page:
    groep_id, _, _ = await _groep_met_bijeenkomst(b)
    return await b.open(f"/raad/beverwijk/focusgroepen/{groep_id}", RAADSLID)


async def _rapport_beheer(b: Bezoek) -> Page:
    vraag_id = await make_vraag_met_deelnemers(b.mensen, adressen=2)
    await _written(b.mensen, vraag_id)
    return await b.open(f"/raad/beverwijk/vragen/{vraag_id}/rapport", RAADSLID)


# --- the ambtenaar ---------------------------------------------------------------------------


async def _portaal(b: Bezoek) -> Page:
    await _aanvraag(b.mensen["ambtenaar"])
    return await b.open("/gemeente/beverwijk", AMBTENAAR)


async def _aanvraag_fouten(b: Bezoek) -> Page:
    page = await b.open("/gemeente/beverwijk/aanvragen/nieuw", AMBTENAAR)
    await _verstuur(page, "Aanvraag versturen")
    return page


async def _aanvraag_pagina(b: Bezoek) -> Page:
    vraag_id = await _aanvraag(b.mensen["ambtenaar"])
    return await b.open(f"/gemeente/beverwijk/aanvragen/{vraag_id}", AMBTENAAR)


# --- the beheerder ---------------------------------------------------------------------------


def _beheer_scherm(pad: str) -> Callable[[Bezoek], Awaitable[Page]]:
    async def open_beheer(b: Bezoek) -> Page:
        await make_gebruiker(b.settings, "beheerder", None, email=BEHEERDER)
        await _aanvraag(b.mensen["ambtenaar"])  # something in the trail
        return await b.open(pad, BEHEERDER)

    return open_beheer


# --- error pages -----------------------------------------------------------------------------


async def _fout_404(b: Bezoek) -> Page:
    return await b.open("/deze-pagina-bestaat-niet")


async def _fout_403(b: Bezoek) -> Page:
    return await b.open("/raad/beverwijk/vragen", VELSEN)


async def _fout_429(b: Bezoek) -> Page:
    """Wrong passwords until the login limit answers (accounts.domain.TeVeelPogingen)."""
    page = await b.open("/inloggen")
    for _ in range(10):
        await page.get_by_label("E-mailadres").fill(RAADSLID)
        await page.get_by_label("Wachtwoord").fill("fout wachtwoord")
        async with page.expect_navigation() as navigatie:
            await page.get_by_role("button", name="Inloggen").click()
        response = await navigatie.value
        if response is not None and response.status == 429:
            return page
        if not await page.get_by_label("Wachtwoord").count():
            break
    raise AssertionError("de inloggrens gaf geen 429")


@dataclass(frozen=True)
class Scherm:
    rol: str
    open: Callable[[Bezoek], Awaitable[Page]]
    checks: frozenset[str] = frozenset(bewijs.CHECKS) - {"focus_na_swap"}


MET_SWAP = frozenset(bewijs.CHECKS)

SCHERMEN: dict[str, Scherm] = {
    # The resident.
    "home": Scherm("inwoner", _home),
    "idee": Scherm("inwoner", _idee),
    "inloggen": Scherm("inwoner", _inloggen),
    "peiling-open": Scherm("inwoner", _peiling_open),
    "peiling-fouten": Scherm("inwoner", _peiling_fouten),
    "bedankt": Scherm("inwoner", _bedankt),
    "bedankt-fout": Scherm("inwoner", _bedankt_fout),
    "peiling-gesloten": Scherm("inwoner", _peiling_gesloten),
    "rapport": Scherm("inwoner", _rapport),
    "focusgroep-link": Scherm("inwoner", _focusgroep_link),
    "kiosk": Scherm("inwoner", _kiosk),
    # The raadslid.
    "raad-start": Scherm("raadslid", _raad_start),
    "bord": Scherm("raadslid", _bord),
    "bord-verplaatst": Scherm("raadslid", _bord_verplaatst, MET_SWAP),
    **{
        f"vraag-{stap}": Scherm("raadslid", _vraag_scherm(stap))
        for stap in (
            "binnengekomen",
            "trechteren",
            "concretiseren",
            "voorleggen",
            "terugkoppelen",
            "advies",
            "borging",
            "afgerond",
            "afgewezen",
        )
    },
    "peiling-bouwer": Scherm("raadslid", _peiling_bouwer),
    "peiling-bouwer-soort": Scherm("raadslid", _peiling_bouwer_soort, MET_SWAP),
    "peiling-bouwer-toegevoegd": Scherm("raadslid", _peiling_bouwer_toegevoegd, MET_SWAP),
    "peiling-beheer": Scherm("raadslid", _peiling_beheer),
    "peiling-uitslag": Scherm("raadslid", _peiling_uitslag),
    # An SVG document to print, not a web page: only its screenshot is taken (the QR code is
    # proven by the poster's own test).
    "poster": Scherm("raadslid", _poster, frozenset()),
    "focusgroep": Scherm("raadslid", _focusgroep),
    "rapport-beheer": Scherm("raadslid", _rapport_beheer),
    # The ambtenaar.
    "portaal": Scherm("ambtenaar", _portaal),
    "aanvraag-fouten": Scherm("ambtenaar", _aanvraag_fouten),
    "aanvraag": Scherm("ambtenaar", _aanvraag_pagina),
    # The beheerder.
    "beheer-gebruikers": Scherm("beheerder", _beheer_scherm("/beheer/gebruikers")),
    "beheer-spoor": Scherm("beheerder", _beheer_scherm("/beheer/spoor")),
    "beheer-instellingen": Scherm("beheerder", _beheer_scherm("/beheer/instellingen")),
    # Error pages.
    "fout-404": Scherm("iedereen", _fout_404),
    "fout-403": Scherm("raadslid", _fout_403),
    "fout-429": Scherm("iedereen", _fout_429),
}

# 200 % text is WCAG 1.4.4 on a normal screen; at 320 px it would stand for 800 % zoom of a
# desktop, which no criterion asks. So at 320 px the page is held to 1.4.10 (overflow) only.
ALLEEN_BREED = {"tekst200"}

# What still fails, as measured on 2026-11-27 (the first finding of each, and how many):
# (screen, width, check) -> what was measured. Each entry turns its test into a strict xfail;
# remove the entry when the screen is fixed (the test says so).
BEKENDE_GEBREKEN: dict[tuple[str, int, str], str] = {}


def _checks(scherm: Scherm, breedte: int) -> frozenset[str]:
    return scherm.checks - (ALLEEN_BREED if breedte < 1280 else frozenset())


def _params() -> Iterator:
    for naam in SCHERMEN:
        for breedte in BREEDTES:
            bekend = {c: r for (n, w, c), r in BEKENDE_GEBREKEN.items() if (n, w) == (naam, breedte)}
            marks = []
            if bekend:
                reden = "; ".join(f"{c}: {r}" for c, r in sorted(bekend.items()))
                marks.append(pytest.mark.xfail(strict=True, raises=BekendGebrek, reason=reden))
            yield pytest.param(naam, breedte, id=f"{naam}-{breedte}", marks=marks)


@pytest.fixture(scope="session")
def schermmap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: outside git."""
    folder = os.environ.get("PARTICIPATIE_SCREENSHOTS")
    if not folder:
        return tmp_path_factory.mktemp("schermen")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def test_known_defects_name_existing_screens_and_checks():
    for naam, breedte, check in BEKENDE_GEBREKEN:
        assert naam in SCHERMEN, naam
        assert breedte in BREEDTES, breedte
        assert check in _checks(SCHERMEN[naam], breedte) | {"opzet"}, (naam, breedte, check)


async def _ax_tabel(page: Page) -> dict[str, list[str]]:
    """The first table as chromium gives it to a screen reader (its accessibility tree):
    the names of its column headers and of its cells, by role."""
    cdp = await page.context.new_cdp_session(page)
    nodes = (await cdp.send("Accessibility.getFullAXTree"))["nodes"]
    await cdp.detach()
    rollen: dict[str, list[str]] = {}
    for node in nodes:
        rol = (node.get("role") or {}).get("value", "")
        if rol in ("table", "row", "columnheader", "rowheader", "cell", "gridcell"):
            rollen.setdefault(rol, []).append(str((node.get("name") or {}).get("value", "")))
    return rollen


# The screens do not depend on the engine: SQLite only (see the module's docstring).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("breedte", BREEDTES)
async def test_a_stacked_table_stays_a_table_for_a_screen_reader(
    breedte, live_server, browser, mensen, settings
):
    """At 320 px the members of a focus group stack (each row a block, each cell labelled by
    its column through CSS); chromium must still expose a table with its column headers and
    cells, and the visible labels must not be read twice (they have empty alternative text)."""
    bezoek = Bezoek(live_server, browser, breedte, mensen, settings)
    page = await _focusgroep(bezoek)
    weergave = await page.locator("table.tabel-stapel tbody tr").first.evaluate(
        "tr => getComputedStyle(tr).display"
    )
    breed = await page.evaluate("document.documentElement.scrollWidth")
    tabel = await _ax_tabel(page)
    for context in bezoek.contexts:
        await context.close()

    assert weergave == ("block" if breedte < 768 else "table-row")
    assert breed <= breedte
    assert tabel["table"] == ["Leden van de focusgroep"]
    assert tabel["columnheader"][:4] == ["Naam", "Soort", "E-mail", "Telefoon"]
    assert len(tabel["row"]) == 3  # the header row and the two members
    assert any(naam.startswith("Fatima") for naam in tabel["cell"]), tabel["cell"]
    assert not any(naam.startswith(("Naam", "Soort", "E-mail", "Telefoon")) for naam in tabel["cell"]), tabel[
        "cell"
    ]


# The screens do not depend on the engine: SQLite only (see the module's docstring).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("naam", "breedte"), list(_params()))
async def test_scherm(naam, breedte, live_server, browser, mensen, settings, schermmap):
    scherm = SCHERMEN[naam]
    bezoek = Bezoek(live_server, browser, breedte, mensen, settings)
    uitkomst: dict[str, list[bewijs.Bevinding]] = {}
    try:
        try:
            page = await scherm.open(bezoek)
        except Exception as exc:  # a screen that cannot be reached is a finding too ("opzet")
            melding = f"het scherm is niet te bereiken: {type(exc).__name__}: {exc}"[:500]
            uitkomst = {"opzet": [bewijs.Bevinding("opzet", "", "", melding)]}
            bewijs.bewaar(schermmap / f"{naam}-{breedte}.json", uitkomst)
        else:
            checks = _checks(scherm, breedte)
            uitkomst = await bewijs.check_scherm(page, naam, breedte, schermmap, checks=checks)
    finally:
        for context in bezoek.contexts:
            await context.close()

    fout = {check for check, gevonden in uitkomst.items() if gevonden}
    bekend = {c for (n, w, c) in BEKENDE_GEBREKEN if (n, w) == (naam, breedte)}
    regels = [str(b) for check in sorted(fout - bekend) for b in uitkomst[check]]
    regels += [
        f"{check}: in orde; haal ({naam!r}, {breedte}, {check!r}) uit BEKENDE_GEBREKEN"
        for check in sorted(bekend - fout)
    ]
    kop = f"{naam} @{breedte}px ({scherm.rol}), screenshot {schermmap / f'{naam}-{breedte}.png'}"
    if regels:
        raise AssertionError(kop + "\n" + "\n".join(regels))
    if bekend:
        bekende = [str(b) for check in sorted(bekend) for b in uitkomst[check]]
        raise BekendGebrek(kop + "\n" + "\n".join(bekende))
