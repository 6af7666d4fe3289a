"""The council sites as residents see them, in Debian's chromium: home, a council page and its
inbreng page at 320 and 1280 px, each with the screens issue's checks (tests/e2e/bewijs.py:
axe with no undecided contrast, computed contrast, no overflow also at 200 % text, 44 px
targets, visible focus). Screenshots go to PARTICIPATIE_SCREENSHOTS or /work/shots/s7/raden."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser

from participatie.accounts.domain import acting_as
from participatie.accounts.queries import get_gemeente
from participatie.accounts.tables import Gebruiker
from participatie.raden import domain
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e import bewijs
from tests.e2e.conftest import log_in
from tests.raden.conftest import make_klaar, make_peiling, make_vergadering

SCHERMEN = {
    "home": "/",
    "raad-velsen": "/velsen",
    "inbreng-velsen": "/velsen/inbreng?thema=wonen",
    "privacy": "/privacy?raad=velsen",
    "idee-velsen": "/idee/velsen",
    "panel-velsen": "/velsen/panel",
    "mijn-gegevens": "/mijn-gegevens",
    "toegankelijkheid": "/toegankelijkheid?raad=velsen",
}
CHECKS = frozenset({"axe", "contrast", "overflow", "tekst200", "doelgrootte", "focus"})


def _eigen(uitkomst: dict[str, list[bewijs.Bevinding]]) -> list[bewijs.Bevinding]:
    """Every finding on the page, the shared header's included (it fits at 200 % text now)."""
    return [b for gevonden in uitkomst.values() for b in gevonden]


def _map() -> Path:
    folder = Path(os.environ.get("PARTICIPATIE_SCREENSHOTS", "/work/shots/s7/raden"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _vul(settings) -> None:
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example", naam="Dorine Bakker")
    await make_gebruiker(settings, "raadslid", "velsen", email="ahmed@velsen.example", naam="Ahmed El Amrani")
    await Gebruiker.update({Gebruiker.is_zichtbaar_op_site: True}).where(Gebruiker.id > 0)
    info = await get_gemeente("velsen")
    assert info is not None
    tekst = (
        "De Participatieraad Velsen is een groep van **twaalf inwoners**. Wij adviseren de gemeente "
        "over zorg, jeugd, werk en inkomen.\n\n## Wat wij doen\n\n- We praten met inwoners in de wijk\n"
        "- We houden korte peilingen\n- We geven de gemeente advies"
    )
    await domain.save_pagina(
        await acting_as("dorine@velsen.example"),
        info,
        tekst=tekst,
        contact_email="raad@velsen.example",
        versie=0,
    )
    await make_peiling("velsen", "Hoe ervaart u het vervoer naar het ziekenhuis?")
    await make_peiling("beverwijk", "Mantelzorg in de IJmond", scope="regio", dagen=None)
    await make_vergadering("velsen", "Openbare vergadering over het minimabeleid")
    await make_vergadering("velsen", "Themavergadering jeugd", over_dagen=20, geannuleerd=True)
    await make_klaar(
        "velsen",
        "Betaalbare woningen voor jongeren",
        thema="wonen",
        advies="## Ons advies\n\nBouw meer **kleine woningen** en geef jongeren uit Velsen voorrang.",
        toelichting="De gemeente neemt het advies over en past de woonvisie aan.",
    )
    await make_klaar("velsen", "Wonen met zorg in de wijk", thema="wonen", stap="borging")
    await make_klaar("heemskerk", "Een toegankelijke bibliotheek", thema="toegankelijkheid", oordeel="deels")
    await make_klaar("beverwijk", "Minder regels bij de bijstand", thema="werk_en_inkomen", oordeel="niet")


@pytest.mark.parametrize("taal", ["nl", "en"])
@pytest.mark.parametrize("breedte", [320, 1280])
async def test_public_pages_pass_the_screen_checks(browser: Browser, live_server, settings, breedte, taal):
    """Every public page in Dutch and in English (chosen with the switch's cookie)."""
    await _vul(settings)
    context = await browser.new_context(
        viewport={"width": breedte, "height": 800 if breedte > 320 else 640},
        locale="nl-NL",
        is_mobile=breedte == 320,
        has_touch=breedte == 320,
    )
    await context.add_cookies([{"name": "taal", "value": taal, "url": live_server}])
    page = await context.new_page()
    fouten: list[str] = []
    try:
        for naam, pad in SCHERMEN.items():
            response = await page.goto(live_server + pad)
            assert response is not None and response.status == 200, pad
            assert await page.get_attribute("html", "lang") == taal, pad
            uitkomst = await bewijs.check_scherm(page, f"{naam}-{taal}", breedte, _map(), checks=CHECKS)
            fouten += [f"{naam}-{taal}@{breedte} {b}" for b in _eigen(uitkomst)]
    finally:
        await context.close()
    assert fouten == []


async def test_council_page_links_work_and_the_theme_colour_is_the_councils(
    browser: Browser, live_server, settings
):
    await _vul(settings)
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    try:
        await page.goto(live_server + "/")
        await page.locator("#inhoud").get_by_role("link", name="Participatieraad Heemskerk").click()
        await page.wait_for_load_state()
        kleur = await page.evaluate(
            "getComputedStyle(document.body).getPropertyValue('--thema-kleur').trim()"
        )
        assert page.url == live_server + "/heemskerk"
        assert kleur == "#00663d"
        await (
            page.locator("#inhoud").get_by_role("link", name="Wat is er met uw inbreng gedaan?").first.click()
        )
        await page.wait_for_load_state()
        assert page.url == live_server + "/heemskerk/inbreng"
        assert await page.get_by_role("heading", name="Een toegankelijke bibliotheek").count() == 1
        # A search without JavaScript is a plain GET form.
        await page.get_by_label("Zoek een woord").fill("bibliotheek")
        await page.get_by_role("button", name="Zoeken").click()
        await page.wait_for_load_state()
        assert "q=bibliotheek" in page.url
        assert await page.get_by_text("1 advies gevonden.").count() == 1
    finally:
        await context.close()


@pytest.mark.parametrize("breedte", [320, 1280])
async def test_council_side_passes_the_screen_checks_also_with_form_errors(
    browser: Browser,
    live_server,
    settings,
    breedte,
):
    await _vul(settings)
    context = await browser.new_context(viewport={"width": breedte, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    fouten: list[str] = []
    try:
        await log_in(page, live_server, "dorine@velsen.example", PASSWORD)
        await page.goto(live_server + "/raad/velsen/site")
        uitkomst = await bewijs.check_scherm(page, "site", breedte, _map(), checks=CHECKS)
        fouten += [f"site@{breedte} {b}" for b in _eigen(uitkomst)]
        # The meeting form sent half filled in, without JavaScript's help: errors on the page.
        await page.get_by_label("Onderwerp").fill("Vergadering")
        await page.get_by_label("Begintijd").fill("20:00")
        await page.get_by_role("button", name="Vergadering toevoegen").click()
        await page.wait_for_load_state()
        assert await page.locator(".foutsamenvatting").count() == 1
        uitkomst = await bewijs.check_scherm(page, "site-fouten", breedte, _map(), checks=CHECKS)
        fouten += [f"site-fouten@{breedte} {b}" for b in _eigen(uitkomst)]
    finally:
        await context.close()
    assert fouten == []
