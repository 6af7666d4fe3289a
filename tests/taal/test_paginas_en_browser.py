"""The council page and the panel sign-up in English on a 320 px phone, in a real chromium:
English text is often longer than Dutch, so it must still fit, read and tap well."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.e2e import bewijs
from tests.e2e.conftest import _chromium, browser, live_server  # noqa: F401
from tests.raden.test_raden_browser import _vul

# The e2e fixtures are imported by name above: a conftest's fixtures reach only its own folder.

pytestmark = pytest.mark.browser

CHECKS = frozenset({"axe", "contrast", "overflow", "tekst200", "doelgrootte", "focus"})
SCHERMEN = {"raad-en": "/velsen", "panel-en": "/velsen/panel"}


def _map() -> Path:
    folder = Path(os.environ.get("PARTICIPATIE_SCREENSHOTS", "/work/shots/s7/vertaler"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def test_english_council_and_panel_pages_pass_the_screen_checks_at_320(
    browser: Browser,  # noqa: F811
    live_server,  # noqa: F811
    settings,
):
    await _vul(settings)
    context = await browser.new_context(
        viewport={"width": 320, "height": 640}, locale="en-GB", is_mobile=True, has_touch=True
    )
    await context.add_cookies([{"name": "taal", "value": "en", "url": live_server}])
    page = await context.new_page()
    fouten: list[str] = []
    try:
        for naam, pad in SCHERMEN.items():
            response = await page.goto(live_server + pad)
            assert response is not None and response.status == 200, pad
            assert await page.locator("html").get_attribute("lang") == "en"
            uitkomst = await bewijs.check_scherm(page, naam, 320, _map(), checks=CHECKS)
            fouten += [f"{naam} {b}" for gevonden in uitkomst.values() for b in gevonden]
        await page.goto(live_server + "/velsen")
        await page.get_by_role("link", name="Join the residents' panel").click()
        await page.wait_for_url("**/velsen/panel")
        kop = await page.get_by_role("heading", level=1).inner_text()
        assert kop == "Join the residents' panel for Velsen"
    finally:
        await context.close()
    assert fouten == []
