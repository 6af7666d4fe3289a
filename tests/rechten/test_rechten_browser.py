"""A resident on a 320 px phone asks for a link, opens it from a real mail, sees what is held,
downloads it and erases it; every screen passes the screens issue's checks (and a 1280 px
look at the same screens)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.async_api import Page

from participatie.focusgroepen.tables import Lid
from participatie.peilingen.tables import Rapportadres
from tests.e2e import bewijs
from tests.e2e.conftest import _chromium, browser, live_server  # noqa: F401 - fixtures
from tests.e2e.conftest import desktop as desktop
from tests.e2e.conftest import phone as phone
from tests.rechten.conftest import PIET, mailed_link

SHOTS = Path(os.environ.get("PARTICIPATIE_SHOTS", "/work/shots/s7/rechten"))
CHECKS = frozenset(bewijs.CHECKS) - {"focus_na_swap"}


async def _check(page: Page, naam: str, breedte: int) -> None:
    uitkomst = await bewijs.check_scherm(page, naam, breedte, SHOTS, checks=CHECKS)
    fouten = [str(b) for gevonden in uitkomst.values() for b in gevonden]
    assert not fouten, f"{naam} @{breedte}px:\n" + "\n".join(fouten)


async def _ook_breed(desktop: Page, phone: Page, naam: str) -> None:
    """The same screen at 1280 px, in a desktop browser holding the phone's cookies."""
    await desktop.context.add_cookies(await phone.context.cookies())
    await desktop.goto(phone.url)
    await _check(desktop, naam, 1280)


async def test_resident_sees_downloads_and_erases_their_data_on_a_phone(
    live_server,  # noqa: F811 - a fixture
    phone,
    desktop,
    gegevens,
    mail_settings,
    smtp,
):
    SHOTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the browser starts
    await phone.goto(f"{live_server}/mijn-gegevens")
    await _check(phone, "aanvragen", 320)
    await _ook_breed(desktop, phone, "aanvragen")

    await phone.get_by_label("Uw e-mailadres").fill(PIET)
    await phone.get_by_role("button", name="Stuur mij een link").click()
    await phone.wait_for_url("**/mijn-gegevens/verstuurd")
    await _check(phone, "verstuurd", 320)

    pad = await mailed_link(mail_settings, smtp, PIET)
    await phone.goto(live_server + pad)
    await _check(phone, "link", 320)
    await phone.get_by_role("button", name="Bekijk mijn gegevens").click()
    await phone.wait_for_url("**/mijn-gegevens/overzicht")
    assert await phone.get_by_role(
        "heading", name="Focusgroep over Minimaregelingen (Participatieraad Beverwijk)", exact=True
    ).is_visible()
    assert "Meer bankjes in het Burgemeester Rijkenspark" in await phone.content()
    await _check(phone, "overzicht", 320)
    await _ook_breed(desktop, phone, "overzicht")

    # A correction without JavaScript's help: open the details, change, save (Post/Redirect/Get).
    await phone.get_by_text("Gegevens verbeteren").first.click()
    await phone.screenshot(path=str(SHOTS / "verbeteren-320.png"), full_page=True)

    async with phone.expect_download() as info:
        await phone.get_by_role("link", name="Download als JSON").click()
    download = await info.value
    assert download.suggested_filename == "mijn-gegevens.json"
    data = json.loads(Path(await download.path()).read_bytes().decode("utf-8"))  # noqa: ASYNC240 - a small file
    assert sorted({o["bron"] for o in data["onderdelen"]}) == ["focusgroepen", "mail", "peilingen", "vragen"]

    await phone.get_by_role("link", name="Alles wissen").click()
    await phone.wait_for_url("**/mijn-gegevens/wissen")
    await _check(phone, "wissen", 320)
    await _ook_breed(desktop, phone, "wissen")
    await phone.get_by_role("button", name="Ja, wis alles").click()
    await phone.wait_for_load_state()
    assert await phone.get_by_role("heading", name="Uw gegevens zijn gewist").is_visible()
    assert await phone.get_by_text("Wij bewaren nu niets meer over piet.de_vries@example.org.").is_visible()
    await _check(phone, "gewist", 320)
    await phone.set_viewport_size({"width": 1280, "height": 900})
    await bewijs.screenshot(phone, SHOTS, "gewist", 1280)
    await phone.set_viewport_size({"width": 320, "height": 640})

    assert await Lid.count().where(Lid.email == PIET) == 0
    assert await Rapportadres.count().where(Rapportadres.email == PIET) == 0
    await phone.goto(f"{live_server}/mijn-gegevens/overzicht")
    assert "U bent niet (meer) ingelogd op deze pagina" in await phone.content()
    await _check(phone, "verlopen", 320)
