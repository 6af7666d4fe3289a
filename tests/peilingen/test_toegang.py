"""Who may answer a poll and how often: shared addresses, floods, code guessing, the kiosk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from participatie.accounts.tables import Sessie
from participatie.app import create_app
from participatie.db import as_utc
from participatie.peilingen import domain
from participatie.peilingen.tables import Antwoord, Kiosk, Peiling
from tests.conftest import ROOT, login, make_gebruiker, post_form, running
from tests.peilingen.test_domain import _not_near_the_end_of_a_minute, answers, make_peiling
from tests.peilingen.test_routes import _post

ADRES = ("203.0.113.7", 50000)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _browser(app, adres=ADRES) -> httpx.AsyncClient:
    """One resident's own browser: its own cookie jar, behind the given address."""
    transport = httpx.ASGITransport(app=app, client=adres)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


# --- many residents, one address ------------------------------------------------------------


async def test_200_residents_behind_one_address_are_all_stored(app, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    path = f"/p/{formulier.sleutel}"

    statuses = []
    for _ in range(200):
        async with _browser(app) as browser:
            await browser.get(path)
            response = await _post(browser, path, answers(formulier))
            statuses.append((response.status_code, response.headers.get("location")))

    assert statuses == [(302, f"{path}/bedankt")] * 200
    assert await Antwoord.count() == 200


async def test_a_flood_is_slowed_then_refused_and_shown_to_the_council(settings, database, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    path = f"/p/{formulier.sleutel}"
    strict = settings.with_changes(
        peiling_druk_per_minuut=5, peiling_max_per_minuut=15, peiling_vertraging_ms=200
    )
    await make_gebruiker(strict, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await _not_near_the_end_of_a_minute()
    begin = domain.now()

    async with running(create_app(strict)) as app, _browser(app) as flooder, _browser(app) as raad:
        results = []
        for n in range(20):
            # No participation cookie kept: each post looks like a new browser.
            flooder.cookies.delete("participatie_deelname")
            started = time.monotonic()
            response = await _post(flooder, path, {**answers(formulier), "formulier": [f"vloed-{n}"]})
            results.append((response, time.monotonic() - started))
        await login(raad, "kees.raad@beverwijk.example")
        uitslag = await raad.get(f"/raad/beverwijk/peilingen/{formulier.peiling_id}/uitslag")

    assert [r.status_code for r, _ in results] == [302] * 15 + [429] * 5
    assert all(seconds >= 0.2 for _, seconds in results[5:15])  # slowed above 5 a minute
    refused = results[-1][0]
    assert "Er komen op dit moment erg veel antwoorden binnen." in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert await Antwoord.count() == 15
    van = begin.replace(second=0, microsecond=0).astimezone(AMSTERDAM)
    tot = van + timedelta(minutes=1)
    assert (
        f"Ongewoon veel antwoorden tussen {van:%d-%m-%Y %H:%M} en {tot:%H:%M}: 15 opgeslagen, 5 geweigerd."
        in uitslag.text
    )


def _serve(settings, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_PLANNER_ENABLED": "false",
        "PARTICIPATIE_PASSWORD_PROFILE": "test",
        "PARTICIPATIE_PEILING_MAX_PER_MINUUT": "10",
    }
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "participatie.app:app_from_env", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 -- our own server
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("app startte niet")
            time.sleep(0.1)


async def test_the_poll_limit_holds_across_two_processes(settings, database, mensen):
    from tests.e2e.conftest import _free_port

    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    ports = [_free_port(), _free_port()]
    procs = [_serve(settings, port) for port in ports]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, proc in zip(bases, procs, strict=True):
            _wait_until_up(base, proc)
        await _not_near_the_end_of_a_minute()
        statuses = []
        async with httpx.AsyncClient(base_url=bases[0]) as a, httpx.AsyncClient(base_url=bases[1]) as b:
            for n in range(16):
                browser = (a, b)[n % 2]
                browser.cookies.clear()
                data = {**answers(formulier), "formulier": [f"proces-{n}"]}
                response = await _post(browser, f"/p/{formulier.sleutel}", data)
                statuses.append((response.status_code, response.headers.get("location")))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)

    # In process memory each would have let 10 through; the database counts both together.
    assert statuses == [(302, f"/p/{formulier.sleutel}/bedankt")] * 10 + [(429, None)] * 6
    assert await Antwoord.count() == 10


# --- invitation codes -----------------------------------------------------------------------


async def _codes_poll(mensen, settings, aantal: int = 1):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen, toegang="codes"))
    codes = await domain.create_codes(mensen["raadslid"], formulier.peiling_id, aantal, settings.secret_key)
    return formulier, codes


async def test_wrong_codes_are_limited_per_address_and_the_right_code_still_works_elsewhere(
    app, mensen, settings, log_lines
):
    formulier, (code,) = await _codes_poll(mensen, settings)
    path = f"/p/{formulier.sleutel}"
    await _not_near_the_end_of_a_minute()  # and so not of a 10-minute window

    async with _browser(app) as guesser, _browser(app, ("198.51.100.20", 40000)) as resident:
        wrong = [
            (await _post(guesser, path, {**answers(formulier), "code": [f"AAAA{n:04d}"]})).status_code
            for n in range(domain.MAX_FOUTE_CODES_PER_ADRES)
        ]
        over = await _post(guesser, path, {**answers(formulier), "code": ["BBBBBBBB"]})
        right_from_guesser = await _post(guesser, path, {**answers(formulier), "code": [code]})
        right_elsewhere = await _post(resident, path, {**answers(formulier), "code": [code]})

    assert wrong == [422] * 20
    assert over.status_code == 429
    assert "Er zijn te veel verkeerde codes ingevuld." in over.text
    assert 1 <= int(over.headers["retry-after"]) <= 600
    assert right_from_guesser.status_code == 429  # not even looked at
    assert (right_elsewhere.status_code, right_elsewhere.headers["location"]) == (302, f"{path}/bedankt")
    assert await Antwoord.count() == 1
    events = [json.loads(line) for line in log_lines if '"code_pogingen_geweigerd"' in line]
    assert [(e["peiling"], e["per_peiling"], e["geweigerd"]) for e in events] == [
        (formulier.peiling_id, False, 1)
    ]
    assert all("198.51" not in line and "203.0.113" not in line for line in log_lines)


async def test_a_used_code_typed_again_is_not_counted_as_a_guess(app, mensen, settings):
    formulier, (code,) = await _codes_poll(mensen, settings)
    path = f"/p/{formulier.sleutel}"

    async with _browser(app) as resident:
        first = await _post(resident, path, {**answers(formulier), "code": [code]})
        again = [
            (await _post(resident, path, {**answers(formulier), "code": [code]})).status_code
            for _ in range(domain.MAX_FOUTE_CODES_PER_ADRES + 5)
        ]

    assert first.status_code == 302
    assert again == [422] * (domain.MAX_FOUTE_CODES_PER_ADRES + 5)
    assert await Antwoord.count() == 1


async def test_wrong_codes_are_capped_per_poll_across_addresses(app, mensen, settings):
    formulier, (code,) = await _codes_poll(mensen, settings)
    path = f"/p/{formulier.sleutel}"
    per_address = domain.MAX_FOUTE_CODES_PER_ADRES - 1
    await _not_near_the_end_of_a_minute()

    statuses = []
    for n in range(domain.MAX_FOUTE_CODES_PER_PEILING // per_address + 1):
        async with _browser(app, (f"192.0.2.{n + 1}", 40000)) as guesser:
            for m in range(per_address):
                response = await _post(guesser, path, {**answers(formulier), "code": [f"A{n:03d}{m:04d}"]})
                statuses.append(response.status_code)
    async with _browser(app, ("198.51.100.20", 40000)) as fresh:
        fresh_guess = await _post(fresh, path, {**answers(formulier), "code": [code]})

    assert statuses.count(422) == domain.MAX_FOUTE_CODES_PER_PEILING
    assert set(statuses[domain.MAX_FOUTE_CODES_PER_PEILING :]) == {429}
    assert fresh_guess.status_code == 429
    assert await Antwoord.count() == 0


# --- the kiosk ------------------------------------------------------------------------------


@pytest.fixture
async def tablet(app, settings, mensen):
    """A tablet on which a council member of Beverwijk is logged in."""
    await make_gebruiker(
        settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example", naam="Kees Raad"
    )
    async with _browser(app) as browser:
        await login(browser, "kees.raad@beverwijk.example")
        yield browser


async def test_unlocking_a_kiosk_ends_the_session_and_opens_only_the_poll(tablet, mensen, log_lines):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    council = f"/raad/beverwijk/peilingen/{formulier.peiling_id}"
    session = tablet.cookies["participatie_sessie"]

    unlocked = await post_form(tablet, f"{council}/kiosk", {})
    kiosk = await tablet.get("/kiosk")
    pages = [
        await tablet.get(p) for p in ("/raad/beverwijk", council, f"{council}/uitslag", "/beheer/gebruikers")
    ]
    # Even a copy of the old session cookie, sent by hand, opens nothing any more.
    old_cookie = await tablet.get(council, headers={"cookie": f"participatie_sessie={session}"})

    assert (unlocked.status_code, unlocked.headers["location"]) == (303, "/kiosk")
    assert unlocked.headers["clear-site-data"] == '"cache"'
    assert "participatie_sessie" not in tablet.cookies
    assert await Sessie.count() == 0
    assert kiosk.status_code == 200
    assert kiosk.headers["cache-control"] == "no-store"
    assert '<h1 class="utrecht-heading-1">Minimaregelingen</h1>' in kiosk.text
    assert "Kees Raad" not in kiosk.text and "Uitloggen" not in kiosk.text and "Inloggen" not in kiosk.text
    assert "Opnieuw beginnen" in kiosk.text
    assert [(p.status_code, p.headers["location"].split("?")[0]) for p in pages] == [(302, "/inloggen")] * 4
    assert (old_cookie.status_code, old_cookie.headers["location"].split("?")[0]) == (302, "/inloggen")
    events = [json.loads(line) for line in log_lines if '"kiosk_ontgrendeld"' in line]
    assert [(e["peiling"], e["door"] is not None) for e in events] == [(formulier.peiling_id, True)]
    assert session not in "".join(log_lines)


async def test_kiosk_form_stores_responses_as_kiosk(tablet, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await post_form(tablet, f"/raad/beverwijk/peilingen/{formulier.peiling_id}/kiosk", {})

    for n in range(3):
        stored = await _post(tablet, "/kiosk", {**answers(formulier), "formulier": [f"tablet-{n}"]})
        assert (stored.status_code, stored.headers["location"]) == (303, "/kiosk?klaar=1")

    assert await Antwoord.select(Antwoord.bron) == [{"bron": "kiosk"}] * 3


async def test_revoked_and_expired_kiosk_tokens_are_refused(app, tablet, mensen, log_lines):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    council = f"/raad/beverwijk/peilingen/{formulier.peiling_id}"
    await post_form(tablet, f"{council}/kiosk", {})
    async with _browser(app, ("198.51.100.9", 40000)) as laptop:
        await login(laptop, "kees.raad@beverwijk.example")
        beheer = await laptop.get(council)
        kiosk_id = (await Kiosk.select(Kiosk.id).first())["id"]
        revoked = await post_form(laptop, f"{council}/kiosk/{kiosk_id}/intrekken", {})
        after = await laptop.get(council)
    page = await tablet.get("/kiosk")
    post = await _post(tablet, "/kiosk", {**answers(formulier), "formulier": ["na-intrekken"]})

    assert "Kiosk stoppen" in beheer.text
    assert revoked.status_code == 302
    assert "Kiosk stoppen" not in after.text
    assert page.status_code == post.status_code == 403
    assert "Deze kiosk is gesloten" in page.text
    assert await Antwoord.count() == 0
    assert [json.loads(line)["kiosk"] for line in log_lines if '"kiosk_ingetrokken"' in line] == [kiosk_id]

    # A new kiosk that has passed its end is refused the same way.
    async with _browser(app, ("198.51.100.10", 40000)) as second:
        await login(second, "kees.raad@beverwijk.example")
        await post_form(second, f"{council}/kiosk", {})
        await Kiosk.update({Kiosk.verloopt_at: domain.now() - timedelta(seconds=1)}).where(
            Kiosk.id > kiosk_id
        )
        expired = await second.get("/kiosk")
    assert expired.status_code == 403


async def test_a_kiosk_stops_at_midnight_in_amsterdam_or_when_the_poll_closes():
    late_evening = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam, before DST
    closes = datetime(2026, 3, 28, 15, 0, tzinfo=UTC)

    assert domain.kiosk_einde(late_evening, None) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert domain.kiosk_einde(datetime(2026, 3, 28, 9, 0, tzinfo=UTC), closes) == closes
    # The night the clocks go forward: midnight is still 23:00 UTC the day before.
    assert domain.kiosk_einde(datetime(2026, 3, 29, 8, 0, tzinfo=UTC), None) == datetime(
        2026, 3, 29, 22, 0, tzinfo=UTC
    )


async def test_a_kiosk_cannot_be_started_for_a_closed_poll(tablet, mensen):
    peiling_id = await make_peiling(mensen)
    await domain.close_early(mensen["raadslid"], peiling_id)

    response = await post_form(tablet, f"/raad/beverwijk/peilingen/{peiling_id}/kiosk", {})

    assert response.status_code == 409
    assert "Een kiosk starten kan alleen als de peiling open is." in response.text
    assert "participatie_sessie" in tablet.cookies
    assert await Kiosk.count() == 0
    assert (await Peiling.select(Peiling.status).first())["status"] == "gesloten"


async def test_a_closed_poll_on_a_kiosk_shows_no_login_or_council_link(tablet, mensen):
    peiling_id = await make_peiling(mensen)
    await post_form(tablet, f"/raad/beverwijk/peilingen/{peiling_id}/kiosk", {})
    await domain.close_early(mensen["raadslid"], peiling_id)

    page = await tablet.get("/kiosk")

    assert "Deze peiling is gesloten. U kunt niet meer meedoen." in page.text
    assert "Inloggen" not in page.text and "Kees Raad" not in page.text


async def test_poll_times_are_shown_and_read_back_in_amsterdam_time(tablet, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    base = f"/raad/beverwijk/peilingen/{peiling_id}"
    instellingen = {"titel": "Minimaregelingen", "intro": "", "toegang": "link", "opent_at": ""}
    await post_form(tablet, base, {**instellingen, "sluit_at": "2099-07-01T12:00"})

    page = await tablet.get(base)
    # Saving the form as shown must not move the closing time.
    await post_form(tablet, base, {**instellingen, "sluit_at": "2099-07-01T12:00"})
    stored = (await Peiling.select(Peiling.sluit_at).first())["sluit_at"]

    assert 'value="2099-07-01T12:00"' in page.text
    assert "Sluit op 1 juli 2099 om 12:00." in page.text
    assert as_utc(stored) == datetime(2099, 7, 1, 10, 0, tzinfo=UTC)  # CEST is UTC+2
