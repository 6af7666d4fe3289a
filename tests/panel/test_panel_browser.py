"""A resident on a 320 px phone signs up for the panel, confirms from the mail that reached a
real SMTP server, and leaves again from the link in a panel mail; every screen passes the
screen checks of tests/e2e/bewijs.py. Screenshots go to $PARTICIPATIE_SCREENSHOTS/panel, or a
pytest temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Page

from participatie.mail import outbox
from participatie.panel.tables import Aanmelding, Panellid
from tests.e2e import bewijs
from tests.panel.helpers import body

CHECKS = frozenset(bewijs.CHECKS) - {"focus_na_swap"}


@pytest.fixture
def schermmap(tmp_path: Path) -> Path:
    folder = (
        Path(os.environ["PARTICIPATIE_SCREENSHOTS"]) / "panel"
        if os.environ.get("PARTICIPATIE_SCREENSHOTS")
        else tmp_path
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _check(page: Page, naam: str, folder: Path) -> None:
    uitkomst = await bewijs.check_scherm(page, naam, 320, folder, checks=CHECKS)
    gevonden = [str(b) for bevindingen in uitkomst.values() for b in bevindingen]
    assert gevonden == [], naam


def _link(message, base: str, prefix: str) -> str:
    for word in body(message).split():
        if word.startswith(base + prefix):
            return word
    raise AssertionError(body(message))


async def test_sign_up_confirm_and_leave_on_a_phone(smtp, live_server, phone, settings, schermmap) -> None:
    # smtp first: it holds its port before the app server picks a free one.
    mail_settings = settings.with_changes(smtp_port=smtp.port, base_url=live_server)
    await phone.goto(f"{live_server}/heemskerk/panel")
    await _check(phone, "aanmelden", schermmap)

    await phone.get_by_label("Uw e-mailadres").fill("fout-adres")
    await phone.get_by_role("button", name="Aanmelden").click()
    await phone.wait_for_load_state()
    assert await phone.locator(".foutsamenvatting").count() == 1
    await _check(phone, "aanmelden-fout", schermmap)

    await phone.get_by_label("Uw e-mailadres").fill("lotte@example.org")
    await phone.get_by_label("Hoe oud bent u?").select_option("26-40")
    await phone.get_by_label("Wonen").check()
    await phone.get_by_role("button", name="Aanmelden").click()
    await phone.get_by_role("heading", name="Kijk in uw e-mail").wait_for()
    await _check(phone, "kijk-in-mail", schermmap)
    assert await Panellid.count() == 0

    await outbox.drain(mail_settings)
    (mail,) = smtp.to("lotte@example.org")
    await phone.goto(_link(mail, live_server, "/panel/bevestigen/"))
    await _check(phone, "bevestigen", schermmap)
    await phone.get_by_role("button", name="Ja, ik doe mee").click()
    await phone.get_by_role("heading", name="U bent lid van het inwonerpanel").wait_for()
    await _check(phone, "lid", schermmap)
    assert await Panellid.count() == 1
    assert await Aanmelding.count() == 0

    # Leaving: the link every panel mail carries (here from the confirmation mail's member).
    from participatie.panel import domain

    lid = await Panellid.select(Panellid.sleutel).first()
    await phone.goto(live_server + domain.afmeld_pad(settings.secret_key, lid["sleutel"]))
    await _check(phone, "afmelden", schermmap)
    assert await Panellid.count() == 1  # opening the link leaves nobody
    await phone.get_by_role("button", name="Ja, ik stop").click()
    await phone.get_by_role("heading", name="U bent afgemeld").wait_for()
    await _check(phone, "afgemeld", schermmap)
    assert await Panellid.count() == 0


async def test_council_panel_page_and_sign_up_at_both_widths(
    live_server, browser, mensen, settings, schermmap
) -> None:
    from tests.conftest import PASSWORD
    from tests.e2e.conftest import log_in
    from tests.panel.test_uitnodigen import make_lid
    from tests.peilingen.test_domain import make_peiling

    await make_peiling(mensen, toegang="codes")
    for n in range(6):
        await make_lid(
            "beverwijk", f"lid{n}@example.org", kern="Beverwijk", leeftijd="41-65", themas=["wonen"]
        )
    await make_lid("beverwijk", "wz@example.org", kern="Wijk aan Zee")
    # Each width invites another part: the first round's member is not invited twice.
    for breedte, (veld, keuze, melding) in {
        320: (
            "Alleen leden uit",
            "Wijk aan Zee",
            "1 panellid krijgt een uitnodiging met een persoonlijke code.",
        ),
        1280: (
            "Alleen leden van",
            "41-65 jaar",
            "6 panelleden krijgen een uitnodiging met een persoonlijke code.",
        ),
    }.items():
        context = await browser.new_context(viewport={"width": breedte, "height": 900}, locale="nl-NL")
        page = await context.new_page()
        await page.goto(f"{live_server}/beverwijk/panel")
        await _check_at(page, "aanmelden-beverwijk", breedte, schermmap)
        await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
        await page.goto(f"{live_server}/raad/beverwijk/panel")
        await _check_at(page, "raad", breedte, schermmap)
        await page.get_by_label(veld).select_option(label=keuze)
        await page.get_by_role("button", name="Uitnodigingen versturen").click()
        await page.get_by_text(melding).wait_for()
        await _check_at(page, "raad-uitgenodigd", breedte, schermmap)
        await context.close()


async def _check_at(page: Page, naam: str, breedte: int, folder: Path) -> None:
    uitkomst = await bewijs.check_scherm(page, naam, breedte, folder, checks=CHECKS)
    gevonden = [str(b) for bevindingen in uitkomst.values() for b in bevindingen]
    assert gevonden == [], naam
