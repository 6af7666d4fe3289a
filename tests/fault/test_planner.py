"""Due work when the app is down, and when the process doing it is killed.

Scenario 6 of issue 11: the app is down across a poll's closing time; at start the poll is
closed by the catch-up (not half a minute later), and the automatic mail-out goes once.
Scenario 7: two app processes run the planner on one PostgreSQL database; the one holding a
job's lock is killed; the other takes the job over and every due thing happens once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import asyncpg
import pytest

from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling
from participatie.planner import _advisory_key
from participatie.rapporten import domain as rapporten
from tests.fault.conftest import (
    automatic_report_with_addresses,
    mails_per_address,
    report_mails,
    scalar,
    wait_for_report_mails,
)

CATCH_UP_DEADLINE_S = 30.0
# The poll closer's first interval run comes 30 s after the start: closed within this many
# seconds of the app answering means the catch-up at start closed it.
CLOSED_AT_START_S = 20.0


pytestmark = pytest.mark.usefixtures("needs_pdf")


async def test_app_down_across_closing_time_closes_at_start_and_mails_once(
    backend, database, mensen, settings, smtp, apps
):
    peiling_id, vraag_id, emails = await automatic_report_with_addresses(mensen, adressen=5)
    url = settings.database_url

    before = apps.start(url, planner=True, smtp_port=smtp.port, name="voor")
    await asyncio.sleep(1.5)  # its catch-up runs; nothing is due yet
    before.kill()
    open_before = (await peilingen.load_formulier(peiling_id=peiling_id)).status
    # While the app is down, the closing time passes.
    await Peiling.update({Peiling.sluit_at: peilingen.now() - timedelta(minutes=5)}).where(
        Peiling.id == peiling_id
    )

    after = apps.start(url, planner=True, smtp_port=smtp.port, name="na")
    waited = await wait_for_report_mails(smtp, len(emails), CATCH_UP_DEADLINE_S)
    after.stop()
    peiling = (
        await Peiling.select(Peiling.status, Peiling.gesloten_at).where(Peiling.id == peiling_id).first()
    )
    gepubliceerd = (await rapporten.load_rapport(vraag_id))["gepubliceerd_at"]
    closed_after_start = peiling["gesloten_at"].timestamp() - after.healthy_at
    # Another start finds nothing left to do: no second mail-out.
    again = apps.start(url, planner=True, smtp_port=smtp.port, name="nog een keer")
    await asyncio.sleep(2.0)
    again.stop()

    queued = await scalar(url, "SELECT count(*) FROM bericht WHERE sjabloon = 'rapport'")
    counts = {
        "engine": backend.name,
        "status before": open_before.value,
        "status after": peiling["status"],
        "closed seconds after healthy": round(closed_after_start, 1),
        "mails expected": len(emails),
        "mails queued": queued,
        "mails received": len(report_mails(smtp)),
        "seconds until all mailed": round(waited, 1),
        "duplicates": len(report_mails(smtp)) - len(mails_per_address(smtp)),
    }
    print("scenario 6:", counts)
    assert (open_before.value, peiling["status"]) == ("open", "gesloten"), counts
    assert closed_after_start < CLOSED_AT_START_S, counts
    assert gepubliceerd is not None
    assert (await rapporten.load_rapport(vraag_id))["gepubliceerd_at"] == gepubliceerd
    assert queued == len(emails), counts
    assert mails_per_address(smtp) == dict.fromkeys(emails, 1), counts


# --- scenario 7 --------------------------------------------------------------------------------

CLOSER = "peilingen.open_and_close"

_HOLDER = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2
"""
_WAITING_ON_PEILING = """
SELECT a.application_name FROM pg_stat_activity a
WHERE a.wait_event_type = 'Lock' AND a.query ILIKE 'UPDATE "peiling"%'
"""


def _with_name(url: str, name: str) -> str:
    # asyncpg passes unknown DSN parameters on as server settings; the name tells the test
    # which process holds a lock. Nothing else differs from production.
    return f"{url}?application_name={name}"


async def _holder(conn: asyncpg.Connection, naam: str) -> list[str]:
    key = _advisory_key(naam) & 0xFFFFFFFFFFFFFFFF
    rows = await conn.fetch(_HOLDER, key >> 32, key & 0xFFFFFFFF)
    return [r["application_name"] for r in rows]


async def _until(check, deadline_s: float):
    started = time.monotonic()
    while True:
        value = await check()
        if value or time.monotonic() - started > deadline_s:
            return value
        await asyncio.sleep(0.1)


async def test_killing_the_planner_holding_the_lock_hands_its_work_to_the_other(
    backend, database, mensen, settings, smtp, apps
):
    if backend.name != "postgres":
        pytest.skip("several app processes on one database is a PostgreSQL setup; SQLite serves one")
    peiling_id, vraag_id, emails = await automatic_report_with_addresses(mensen, adressen=20)
    url = settings.database_url
    await Peiling.update({Peiling.sluit_at: peilingen.now() - timedelta(minutes=5)}).where(
        Peiling.id == peiling_id
    )
    observer = await asyncpg.connect(url, timeout=5)
    blocker = await asyncpg.connect(url, timeout=5)
    try:
        # The test holds the poll's row: whichever process takes the closer's lock first gets
        # stuck inside the job, lock held, until the test lets go.
        row_lock = blocker.transaction()
        await row_lock.start()
        await blocker.execute("SELECT id FROM peiling WHERE id = $1 FOR UPDATE", peiling_id)

        processes = {
            name: apps.start(_with_name(url, name), planner=True, smtp_port=smtp.port, name=name,
                             planner_interval_s=1)
            for name in ("planner-a", "planner-b")
        }  # fmt: skip
        holders = await _until(lambda: _holder(observer, CLOSER), 20)
        assert len(holders) == 1, holders
        (killed_name,) = holders
        survivor_name = next(n for n in processes if n != killed_name)
        await asyncio.sleep(2.5)  # both keep ticking every second; the other must keep out
        waiting_before = [r["application_name"] for r in await observer.fetch(_WAITING_ON_PEILING)]

        processes[killed_name].kill()
        took_over = await _until(lambda: _taken_by(observer, survivor_name), 15)
        # The killed process's lock connection was idle, so the server ended that session at
        # once; its statement waiting for the row stays until it gets the row, then finds the
        # poll closed or closes it itself (each update names the status it moves from).
        orphans = await observer.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", killed_name
        )
        await row_lock.rollback()

        waited = await wait_for_report_mails(smtp, len(emails), CATCH_UP_DEADLINE_S)
        await asyncio.sleep(2.0)  # a few more ticks: nothing may go twice
        processes[survivor_name].stop()
    finally:
        await blocker.close()
        await observer.close()

    peiling = await Peiling.select(Peiling.status).where(Peiling.id == peiling_id).first()
    queued = await scalar(url, "SELECT count(*) FROM bericht WHERE sjabloon = 'rapport'")
    sent = await scalar(
        url, "SELECT count(*) FROM bericht WHERE sjabloon = 'rapport' AND status = 'verzonden'"
    )
    counts = {
        "lock holder killed": killed_name,
        "waiting on the poll row before the kill": waiting_before,
        "lock taken over by the other": took_over,
        "statements of the killed process still waiting": orphans,
        "status": peiling["status"],
        "mails expected": len(emails),
        "mails queued": queued,
        "mails sent (outbox)": sent,
        "mails received": len(report_mails(smtp)),
        "seconds until all mailed after the release": round(waited, 1),
        "duplicates": len(report_mails(smtp)) - len(mails_per_address(smtp)),
    }
    print("scenario 7:", counts)
    # Only the lock holder was inside the job; the other skipped it every second.
    assert waiting_before == [killed_name], counts
    assert took_over, counts
    assert peiling["status"] == "gesloten", counts
    assert (await rapporten.load_rapport(vraag_id))["gepubliceerd_at"] is not None
    assert queued == sent == len(emails), counts
    assert mails_per_address(smtp) == dict.fromkeys(emails, 1), counts


async def _taken_by(conn: asyncpg.Connection, name: str) -> bool:
    return await _holder(conn, CLOSER) == [name]
