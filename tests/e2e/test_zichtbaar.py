"""What a person actually sees: computed styles in a real chromium, at 320 and 1280 px.

axe marks text-on-button contrast only "incomplete" when a stylesheet overrides another, so these
checks read getComputedStyle themselves (tests/e2e/bewijs.py's check_zichtbaar): every text
against what is behind it, red bold error messages with a red bar, 44x44 targets, lists without
bullets, forms held to their width and no sideways scrolling.
"""

import os
from pathlib import Path

import pytest
from playwright.async_api import Page

from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e import bewijs
from tests.e2e.conftest import log_in
from tests.peilingen.test_domain import answers, make_peiling
from tests.vragen.test_domain import _aanvraag

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=/some/dir to keep a picture of every page checked.
SCREENSHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS")
if SCREENSHOTS:
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)


async def _check(page: Page, label: str, width: int) -> list[str]:
    """bewijs.check_zichtbaar: the colour, size, overflow and component checks of the screens
    issue, one implementation for every browser test."""
    await page.wait_for_load_state()
    if SCREENSHOTS:
        await page.screenshot(path=f"{SCREENSHOTS}/{label}-{width}.png", full_page=True)
    return [f"{label} @{width}px: {b}" for b in await bewijs.check_zichtbaar(page)]


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
