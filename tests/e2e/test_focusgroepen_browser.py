import os
from pathlib import Path

import pytest

from participatie.focusgroepen import domain
from participatie.focusgroepen.tables import Bijeenkomst, Lid, Reactie
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.focusgroepen.test_domain import _later
from tests.peilingen.test_domain import _vraag_in_voorleggen

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=<folder> to keep pictures of the focus group at 320 and 1280 px.
SHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS", "")
if SHOTS:
    Path(SHOTS).mkdir(parents=True, exist_ok=True)


async def _shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def test_council_plans_a_meeting_and_a_resident_replies_on_a_phone(
    live_server, desktop, phone, mensen, settings
):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await log_in(desktop, live_server, "kees@beverwijk.example", PASSWORD)

    # The raadslid starts a group from the vraag.
    await desktop.goto(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    await desktop.get_by_role("link", name="Een focusgroep starten").click()
    await assert_accessible(desktop)
    await desktop.get_by_label("Thema").fill("Minimaregelingen")
    await desktop.get_by_label("Doel: wat wilt u van de groep horen?").fill("Waar lopen inwoners vast?")
    await desktop.get_by_label("Einddatum").fill(_later(60).isoformat())
    await desktop.get_by_label("Verantwoordelijk raadslid").select_option(label="Test Persoon")
    await desktop.get_by_role("button", name="Focusgroep starten").click()
    await desktop.wait_for_url("**/focusgroepen/*")
    await assert_accessible(desktop)

    # Adds a resident, first forgetting the consent.
    await desktop.get_by_text("Een inwoner toevoegen").click()
    await desktop.get_by_label("Naam", exact=True).fill("Fatima el Amrani")
    await desktop.locator("#veld-email").fill("fatima@example.org")
    await desktop.get_by_role("button", name="Inwoner toevoegen").click()
    assert "Zonder toestemming" in await desktop.locator(".foutsamenvatting").inner_text()
    await assert_accessible(desktop)
    await desktop.get_by_label("Deze persoon heeft toestemming gegeven", exact=False).check()
    await desktop.get_by_role("button", name="Inwoner toevoegen").click()
    assert "Het lid is toegevoegd." in await desktop.get_by_role("status").inner_text()

    # Plans a meeting.
    await desktop.get_by_text("Een bijeenkomst plannen").click()
    await desktop.get_by_label("Datum").fill(_later(14).isoformat())
    await desktop.get_by_label("Begintijd").fill("19:30")
    await desktop.get_by_label("Eindtijd").fill("21:00")
    await desktop.get_by_label("Plaats").fill("Buurthuis De Schakel")
    await desktop.get_by_label("Agenda").fill("Kennismaken en ervaringen delen")
    await desktop.get_by_role("button", name="Bijeenkomst plannen").click()
    assert "De bijeenkomst is gepland" in await desktop.get_by_role("status").inner_text()
    await assert_accessible(desktop)

    # The resident opens the link from their mail on a 320 px phone and says yes.
    lid = await Lid.select(Lid.id).where(Lid.soort == "inwoner").first()
    bijeenkomst = await Bijeenkomst.select(Bijeenkomst.id).first()
    await phone.goto(live_server + domain.reactie_pad(settings.secret_key, lid["id"], bijeenkomst["id"]))
    await assert_fits_width(phone)
    await assert_accessible(phone)
    await phone.get_by_label("Ja, ik kom").check()
    await phone.get_by_role("button", name="Antwoord versturen").click()
    assert "Uw antwoord is opgeslagen" in await phone.get_by_role("status").inner_text()
    await assert_accessible(phone)

    assert await Reactie.select(Reactie.antwoord) == [{"antwoord": "ja"}]
    # The council sees the answer.
    await desktop.reload()
    assert "Ja: 1" in await desktop.locator("#bijeenkomsten ~ ul").first.inner_text()
    await assert_accessible(desktop)
    await _shot(desktop, "focusgroep-1280")

    # The same group page on a 320 px phone fits the screen (it was 505 px wide).
    groep_pad = desktop.url.split(live_server, 1)[1].split("#", 1)[0]
    await log_in(phone, live_server, "kees@beverwijk.example", PASSWORD)
    await phone.goto(live_server + groep_pad)
    await assert_fits_width(phone)
    await assert_accessible(phone)
    await _shot(phone, "focusgroep-320")
