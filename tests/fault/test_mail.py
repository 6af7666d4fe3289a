"""The mail-out under faults (scenarios 3 and 4 of issue 11), with `participatie rapport
verstuur` as a real process against a real SMTP server on 127.0.0.1.

Scenario 3: our mail server down for longer than the old give-up time (about an hour), then
back with 451 for some addresses and 550 for others. Time moves through the outbox's clock
(the command runs as if days later), not by waiting.
Scenario 4: the sender killed mid-run (the rerun takes its mails over within one lease), and
two senders side by side on a slow server with runs longer than the lease (no duplicates).

Each prints its counts: stored (mails queued), mailed (distinct recipients the server
accepted), duplicates, refused, and what the command said.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import timedelta

from participatie.accounts.tables import Instelling
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.rapporten import domain
from tests.conftest import ROOT, SmtpRecorder, make_gebruiker
from tests.mail.test_outbox_storing import SlowRecorder, restart
from tests.rapporten.test_domain import _published_with

# `participatie rapport verstuur`, with the outbox's clock moved ahead and, for scenario 4b,
# a shorter lease: the production command otherwise, in its own process.
LAUNCHER = """
import sys
from datetime import timedelta
from participatie.mail import outbox
offset = timedelta(seconds=float(sys.argv[1]))
outbox.set_clock(lambda: outbox._real_clock() + offset)
if float(sys.argv[2]):
    outbox.CLAIM_LEASE = timedelta(seconds=float(sys.argv[2]))
    outbox.CLAIM_RENEW = outbox.CLAIM_LEASE / 5
if float(sys.argv[3]):
    outbox.MARK_GEDULD = timedelta(seconds=float(sys.argv[3]))
from participatie.cli import main
main(sys.argv[4:], prog_name="participatie")
"""


def verstuur(
    settings, port: int, vraag_id: int, *, hours: float = 0, lease_s: float = 0, geduld_s: float = 0
) -> subprocess.Popen:
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_SMTP_PORT": str(port),
        "PARTICIPATIE_BASE_URL": "https://participatie.test",
        "PARTICIPATIE_DB_POOL_SIZE": "4",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCHER,
            str(hours * 3600),
            str(lease_s),
            str(geduld_s),
            "rapport",
            "verstuur",
            str(vraag_id),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(run: subprocess.Popen, timeout: float = 150) -> tuple[int, str]:
    out, err = run.communicate(timeout=timeout)
    assert "Traceback" not in err, err
    return run.returncode, out.strip() or err.strip()


class Storing(SmtpRecorder):
    """The provider's side: some addresses greylisted once (451), some unknown (550)."""

    def __init__(self, greylist: set[str], unknown: set[str]) -> None:
        super().__init__()
        self.greylist = set(greylist)
        self.unknown = set(unknown)

    async def handle_DATA(self, server, session, envelope) -> str:
        (rcpt,) = envelope.rcpt_tos
        if rcpt in self.unknown:
            return "550 5.1.1 Onbekende ontvanger"
        if rcpt in self.greylist:
            self.greylist.discard(rcpt)
            return "451 4.7.1 Greylisted, probeer het later"
        return await super().handle_DATA(server, session, envelope)


def tel(received: list) -> tuple[int, int]:
    addresses = [m["To"] for m in received]
    return len(set(addresses)), len(addresses) - len(set(addresses))


async def test_scenario_3_mail_server_down_for_days_then_451_and_550(backend, mensen, settings) -> None:
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    vraag_id = await _published_with(mensen, settings, adressen=30)
    rapport = await domain.load_rapport(vraag_id)
    groep = f"rapport:{rapport['id']}"
    stored = await Bericht.count().where(Bericht.groep == groep)
    adressen = sorted(r["aan"] for r in await Bericht.select(Bericht.aan).where(Bericht.groep == groep))
    server = Storing(greylist=set(adressen[:5]), unknown=set(adressen[5:8]))
    port = server.start()
    server.stop()  # down from the start

    down = []
    # The old code gave up for good after 8 attempts (about an hour); these are 10 runs over 3 days.
    for hours in (0, 1, 2, 4, 8, 16, 24, 36, 48, 72):
        down.append(finish(verstuur(settings, port, vraag_id, hours=hours)))
    during = await outbox.counts(groep)
    alerts = await Bericht.count().where(Bericht.sjabloon == "mailserver_storing")
    server.port = port
    restart(server)
    try:
        back = finish(verstuur(settings, port, vraag_id, hours=73))
        later = finish(verstuur(settings, port, vraag_id, hours=74))
    finally:
        server.stop()
    mailed, duplicates = tel([m for m in server.received if m["To"] in adressen])
    counts = {
        "engine": backend.name,
        "stored": stored,
        "mailed": mailed,
        "duplicates": duplicates,
        "refused_550": (await outbox.counts(groep))["mislukt"],
        "waiting_during_outage": during["wacht_op_server"],
        "beheerder_alerts": alerts,
        "exit_codes": [code for code, _ in down] + [back[0], later[0]],
    }
    print("scenario 3:", counts)

    waiting = f"Stand van dit rapport: 0 verstuurd, {stored} nog niet verstuurd, 0 mislukt."
    assert all(code == 1 and waiting in out for code, out in down), (down, counts)
    assert during == {"wachtend": 0, "wacht_op_server": stored, "bezig": 0, "verzonden": 0, "mislukt": 0}, (
        counts
    )
    assert alerts == 1, counts
    assert back[0] == 1 and "5 later opnieuw" in back[1] and "3 mislukt" in back[1], (back, counts)
    assert later[0] == 0, (later, counts)
    assert later[1].endswith(
        f"Stand van dit rapport: {stored - 3} verstuurd, 0 nog niet verstuurd, 3 mislukt."
    )
    assert (mailed, duplicates, counts["refused_550"]) == (stored - 3, 0, 3), counts
    # The alert waits in the outbox for the planner's drain (the command sends the report only).
    assert await Bericht.count().where(Bericht.sjabloon == "mailserver_storing") == 1
    assert await Instelling.count().where(Instelling.sleutel == outbox.STORING_SLEUTEL) == 0


LEASE_4A_S = 5


async def test_scenario_4a_sender_killed_mid_run_rerun_takes_over_within_a_lease(
    backend, mensen, settings, smtp
):
    vraag_id = await _published_with(mensen, settings, adressen=60)
    rapport = await domain.load_rapport(vraag_id)
    groep = f"rapport:{rapport['id']}"
    stored = await Bericht.count().where(Bericht.groep == groep)
    smtp.hold_after = 25  # from the 26th mail on the server hangs: the sender is mid-mail

    # Both senders run with a 5 s lease, as 4b does: waiting out the production lease (60 s)
    # made this the slowest test of the suite and proved nothing more. That production keeps
    # 60 s, not the old 10 minutes, is asserted on the constant below.
    first = verstuur(settings, smtp.port, vraag_id, lease_s=LEASE_4A_S)
    deadline = time.monotonic() + 60
    while len(smtp.received) < 25 and time.monotonic() < deadline:  # noqa: ASYNC110 - another process sends
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # the sender is now waiting on the server with mails claimed
    claimed_at_kill = (await outbox.counts(groep))["bezig"]
    first.kill()
    first.wait()
    smtp.release.set()
    smtp.hold_after = None
    started = time.monotonic()
    rerun = finish(verstuur(settings, smtp.port, vraag_id, lease_s=LEASE_4A_S))
    took_s = round(time.monotonic() - started, 1)
    mailed, duplicates = tel(smtp.received)
    counts = {
        "engine": backend.name,
        "stored": stored,
        "mailed_before_kill": 25,
        "claimed_at_kill": claimed_at_kill,
        "mailed": mailed,
        "duplicates": duplicates,
        "rerun_s": took_s,
        "rerun": rerun[1].splitlines()[-1],
    }
    print("scenario 4a:", counts)

    assert claimed_at_kill > 0, counts
    assert rerun[0] == 0, counts
    assert rerun[1].endswith(f"Stand van dit rapport: {stored} verstuurd, 0 nog niet verstuurd, 0 mislukt.")
    assert (mailed, duplicates) == (stored, 0), counts
    # Claims of the killed sender waited one lease, not the old 10 minutes; in production
    # that lease is 60 s.
    assert took_s < LEASE_4A_S + 15, counts
    assert timedelta(seconds=60) == outbox.CLAIM_LEASE


async def test_scenario_4b_two_senders_on_a_slow_server_runs_longer_than_the_lease(backend, mensen, settings):
    vraag_id = await _published_with(mensen, settings, adressen=60)
    rapport = await domain.load_rapport(vraag_id)
    stored = await Bericht.count().where(Bericht.groep == f"rapport:{rapport['id']}")
    server = SlowRecorder()
    server.delay = 0.25  # a batch of 20 takes 5 s; the lease in both processes is 2 s
    port = server.start()
    try:
        first = verstuur(settings, port, vraag_id, lease_s=2)
        await asyncio.sleep(1.5)  # the first has claimed its batches
        results = []
        # Beside it, senders start again and again, as the planner's drain every 20 s would.
        while first.poll() is None:
            results.append(finish(verstuur(settings, port, vraag_id, lease_s=2)))
        results.insert(0, finish(first))
    finally:
        server.stop()
    mailed, duplicates = tel(server.received)
    counts = {
        "engine": backend.name,
        "stored": stored,
        "mailed": mailed,
        "duplicates": duplicates,
        "exit_codes": [code for code, _ in results],
    }
    print("scenario 4b:", counts)

    assert (mailed, duplicates) == (stored, 0), counts
    assert len(results) >= 2 and all(code == 0 for code, _ in results), (results, counts)


async def test_scenario_5_addresses_left_while_the_report_is_published(backend, mensen, settings, smtp, apps):
    import uuid

    import httpx

    from participatie.peilingen.tables import Rapportadres
    from tests.conftest import login, post_form
    from tests.peilingen.test_adressen import email_of, post
    from tests.peilingen.test_domain import answers
    from tests.rapporten.test_adressen import open_poll_with_report

    formulier, vraag_id = await open_poll_with_report(mensen)
    # Earlier addresses, so that publishing takes a while (reading, queueing, deleting).
    await Rapportadres.insert(
        *(
            Rapportadres(id=uuid.uuid4(), peiling=formulier.peiling_id, email=f"eerder{n}@example.org")
            for n in range(300)
        )
    )
    app = apps.start(settings.database_url, smtp_port=smtp.port, name="app")
    path = f"/p/{formulier.sleutel}"
    residents = [httpx.AsyncClient(base_url=app.base, timeout=30) for _ in range(30)]
    council = httpx.AsyncClient(base_url=app.base, timeout=60)
    try:
        for n, browser in enumerate(residents):
            await browser.get(path)
            answered = await post(browser, path, answers(formulier, i4=[f"bewoner {n}"]))
            assert answered.status_code == 302, answered.text
            await browser.get(answered.headers["location"])
        assert (await login(council, "kees@beverwijk.example")).status_code == 302

        async def leave(n: int) -> httpx.Response:
            await asyncio.sleep(n * 0.05)
            return await post(residents[n], f"{path}/adres", {"email": [email_of(n)]})

        published, *responses = await asyncio.gather(
            post_form(council, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {}),
            *(leave(n) for n in range(30)),
        )
    finally:
        for client in (*residents, council):
            await client.aclose()
    sent = finish(verstuur(settings, smtp.port, vraag_id))
    rapport = await domain.load_rapport(vraag_id)
    stored = await Bericht.count().where(Bericht.groep == f"rapport:{rapport['id']}")
    accepted = [email_of(n) for n, r in enumerate(responses) if r.status_code == 302]
    # Told too late: Post/Redirect/Get back to the thank-you page, which says why.
    geweigerd = f"{path}/bedankt?adres=geweigerd"
    refused = [
        email_of(n)
        for n, r in enumerate(responses)
        if r.status_code == 303 and r.headers.get("location") == geweigerd
    ]
    received = [m["To"] for m in smtp.received]
    mailed, duplicates = tel(smtp.received)
    counts = {
        "engine": backend.name,
        "acknowledged": len(accepted),
        "told_too_late": len(refused),
        "other_statuses": sorted({r.status_code for r in responses} - {302, 303}),
        "stored": stored,
        "mailed": mailed,
        "duplicates": duplicates,
        "acknowledged_not_mailed": sum(1 for e in accepted if received.count(e) != 1),
        "refused_but_mailed": sum(1 for e in refused if e in received),
    }
    print("scenario 5:", counts)

    assert published.status_code == 302, counts
    assert counts["other_statuses"] == [] and len(accepted) + len(refused) == 30, counts
    assert (counts["acknowledged_not_mailed"], counts["refused_but_mailed"], duplicates) == (0, 0, 0), counts
    assert sent[0] == 0, (sent, counts)
    assert mailed == stored, counts


async def test_scenario_4c_database_restart_mid_send(backend, settings, private_postgres):
    import pytest

    from tests.fault.conftest import own_database, scalar

    if backend.name != "postgres":
        pytest.skip("stopping and starting the database server is a PostgreSQL scenario")
    url = await private_postgres.create_database("fault_mail_herstart")
    mine = settings.with_changes(database_url=url)
    async with own_database(url, settings) as mensen:
        vraag_id = await _published_with(mensen, mine, adressen=80)
        rapport = await domain.load_rapport(vraag_id)
    groep = f"rapport:{rapport['id']}"
    stored = await scalar(url, "SELECT count(*) FROM bericht WHERE groep = $1", groep)
    server = SlowRecorder()
    server.delay = 0.05
    port = server.start()
    try:
        first = verstuur(mine, port, vraag_id)
        deadline = time.monotonic() + 60
        while len(server.received) < 20 and time.monotonic() < deadline:  # noqa: ASYNC110 - another process sends
            await asyncio.sleep(0.05)
        private_postgres.stop()  # a restart: down for 3 s while the sender is mid-mail
        await asyncio.sleep(3)
        private_postgres.start()
        _, err = first.communicate(timeout=200)
        started = time.monotonic()
        rerun = finish(verstuur(mine, port, vraag_id))
        took_s = round(time.monotonic() - started, 1)
    finally:
        server.stop()
        if not private_postgres.is_running():
            private_postgres.start()
    mailed, duplicates = tel(server.received)
    counts = {
        "engine": backend.name,
        "stored": stored,
        "mailed": mailed,
        "duplicates": duplicates,
        "first_exit": first.returncode,
        "first_said": err.strip().splitlines()[-1] if err.strip() else "",
        "rerun_s": took_s,
    }
    print("scenario 4c:", counts)

    assert "Traceback" not in err, err
    if first.returncode:
        assert err.startswith("Error: De database viel weg tijdens het versturen"), counts
    assert rerun[0] == 0, (rerun, counts)
    # A mail the server took while the database was away is noted once it is back: none twice.
    assert (mailed, duplicates) == (stored, 0), counts
    assert took_s < outbox.CLAIM_LEASE.total_seconds() + 30, counts


GEDULD_4D_S = 5


async def test_scenario_4d_database_gone_for_longer_a_dutch_message_then_a_rerun(
    backend, settings, private_postgres
):
    import pytest

    from tests.fault.conftest import own_database, scalar

    if backend.name != "postgres":
        pytest.skip("stopping and starting the database server is a PostgreSQL scenario")
    url = await private_postgres.create_database("fault_mail_weg")
    mine = settings.with_changes(database_url=url)
    async with own_database(url, settings) as mensen:
        vraag_id = await _published_with(mensen, mine, adressen=80)
        rapport = await domain.load_rapport(vraag_id)
    stored = await scalar(url, "SELECT count(*) FROM bericht WHERE groep = $1", f"rapport:{rapport['id']}")
    server = SlowRecorder()
    server.delay = 0.05
    port = server.start()
    try:
        # The sender keeps trying to note sent mails for MARK_GEDULD (60 s in production, asserted
        # below); 5 s here, so the scenario does not spend a minute waiting for it to give up.
        first = verstuur(mine, port, vraag_id, geduld_s=GEDULD_4D_S, lease_s=GEDULD_4D_S)
        deadline = time.monotonic() + 60
        while len(server.received) < 20 and time.monotonic() < deadline:  # noqa: ASYNC110 - another process sends
            await asyncio.sleep(0.05)
        private_postgres.stop()  # and it stays away until the sender has given up
        stopped = time.monotonic()
        _, err = first.communicate(timeout=200)
        gave_up_s = round(time.monotonic() - stopped, 1)
        private_postgres.start()
        # Its claims expire after its lease, 5 s here as in 4a, before the rerun takes them.
        rerun = finish(verstuur(mine, port, vraag_id, lease_s=GEDULD_4D_S))
    finally:
        server.stop()
        if not private_postgres.is_running():
            private_postgres.start()
    mailed, duplicates = tel(server.received)
    counts = {
        "engine": backend.name,
        "stored": stored,
        "mailed": mailed,
        "duplicates": duplicates,
        "first_exit": first.returncode,
        "gave_up_after_s": gave_up_s,
        "first_said": err.strip().splitlines()[-1] if err.strip() else "",
    }
    print("scenario 4d:", counts)

    assert "Traceback" not in err, err
    assert first.returncode == 1, counts
    # It gave up after its patience, not at once and not never.
    assert GEDULD_4D_S <= gave_up_s < GEDULD_4D_S + 20, counts
    assert timedelta(seconds=60) == outbox.MARK_GEDULD
    assert err.strip().splitlines()[-1].startswith("Error: De database viel weg tijdens het versturen"), (
        counts
    )
    assert rerun[0] == 0, (rerun, counts)
    # Only a mail the server took as the database went can go twice: at most one per connection.
    assert mailed == stored and duplicates <= 4, counts
