import os
from pathlib import Path

import pytest

from participatie.rapporten import domain
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.rapporten.test_domain import _written, make_vraag_met_deelnemers

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=<folder> to keep pictures of the report at 320 and 1280 px.
SHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS", "")
if SHOTS:
    Path(SHOTS).mkdir(parents=True, exist_ok=True)


async def _shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def test_council_publishes_and_a_resident_reads_the_report_on_a_phone(
    live_server, desktop, phone, mensen, settings
):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2)
    await _written(mensen, vraag_id)
    await log_in(desktop, live_server, "kees@beverwijk.example", PASSWORD)

    await desktop.goto(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    await desktop.get_by_role(
        "link", name="Het rapport voor inwoners schrijven, publiceren en versturen"
    ).click()
    await assert_accessible(desktop)
    await _shot(desktop, "rapport-beheer-1280")
    await desktop.get_by_role("button", name="Publiceren en versturen").click()
    assert "De e-mails worden nu verstuurd" in await desktop.get_by_role("status").inner_text()
    await assert_accessible(desktop)

    rapport = await domain.load_rapport(vraag_id)
    await phone.goto(f"{live_server}/rapporten/beverwijk/{rapport['sleutel']}")
    await assert_fits_width(phone)
    await assert_accessible(phone)
    assert "Het formulier is te lang" in await phone.locator("main").inner_text()
    await _shot(phone, "rapport-gepubliceerd-320")
    await desktop.goto(f"{live_server}/rapporten/beverwijk/{rapport['sleutel']}")
    await assert_fits_width(desktop)
    await assert_accessible(desktop)
    await _shot(desktop, "rapport-gepubliceerd-1280")
    async with phone.expect_download() as download:
        await phone.get_by_role("link", name="Download dit rapport als PDF").click()
    assert (await download.value).suggested_filename.endswith(".pdf")
