"""The database goes away under load and comes back; the app is not restarted.

Scenario 2 of issue 11: while the database is down a resident gets a Dutch 503 page ("probeer
het over een paar minuten opnieuw") with Retry-After, never a 500, and the app serves again by
itself once the database is back.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from participatie.errors import database_unavailable
from participatie.peilingen import domain as peilingen
from tests.fault.conftest import Inzender, Uitkomst, new_client, own_database, scalar, stored_keys, tally
from tests.peilingen.test_domain import make_peiling

WORKERS = 8
DOWN_S = 2.0
RECOVERY_DEADLINE_S = 20.0
DUTCH_503 = "Probeer het over een paar minuten opnieuw"


async def test_postgres_restart_under_load_is_a_dutch_503_then_recovers_without_restart(
    backend, settings, apps, private_postgres
):
    if backend.name != "postgres":
        pytest.skip("stopping and starting the database server is a PostgreSQL scenario")
    url = await private_postgres.create_database("fault_herstart")
    async with own_database(url, settings) as mensen:
        peiling_id = await make_peiling(mensen)
        formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    inzender = Inzender(formulier, settings.secret_key)
    app = apps.start(url, name="herstart")
    pid = app.pid

    phase = "voor"
    outcomes: list[tuple[str, Uitkomst]] = []
    health: list[tuple[str, int | None]] = []
    stop = asyncio.Event()
    async with new_client(connections=WORKERS + 2) as client:
        csrf = await inzender.csrf(client, app.base, inzender.path)

        async def resident(w: int) -> None:
            n = 0
            while not stop.is_set():
                uitkomst = await inzender.post(client, app.base, csrf, f"herstart-{w}-{n}")
                outcomes.append((phase, uitkomst))
                n += 1
                await asyncio.sleep(0.02)

        async def monitor() -> None:
            while not stop.is_set():
                try:
                    status: int | None = (await client.get(f"{app.base}/health", timeout=5)).status_code
                except Exception:
                    status = None
                health.append((phase, status))
                await asyncio.sleep(0.1)

        def acknowledged_in(p: str) -> int:
            return sum(1 for ph, u in outcomes if ph == p and u.acknowledged)

        tasks = [asyncio.create_task(resident(w)) for w in range(WORKERS)]
        tasks.append(asyncio.create_task(monitor()))
        try:
            await asyncio.sleep(1.0)
            phase = "weg"
            await asyncio.to_thread(private_postgres.stop)
            await asyncio.sleep(DOWN_S)
            phase = "terug"
            await asyncio.to_thread(private_postgres.start)
            deadline = time.monotonic() + RECOVERY_DEADLINE_S
            while acknowledged_in("terug") < 20 and time.monotonic() < deadline:  # noqa: ASYNC110 - counts come from HTTP answers
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # a little more load on the recovered pool
        finally:
            stop.set()
            await asyncio.gather(*tasks)

    all_outcomes = [u for _, u in outcomes]
    acknowledged = [u.token for u in all_outcomes if u.acknowledged]
    unavailable = [u for u in all_outcomes if u.status == 503]
    stored = await scalar(url, "SELECT count(*) FROM antwoord WHERE peiling = $1", peiling_id)
    keys = await scalar(url, "SELECT count(*) FROM deelname WHERE peiling = $1", peiling_id)
    ack_stored = await stored_keys(url, peiling_id, [inzender.deelname_sleutel(t) for t in acknowledged])
    counts = {
        "engine": backend.name,
        "outcomes per phase": {
            p: tally([u for ph, u in outcomes if ph == p]) for p in ("voor", "weg", "terug")
        },
        "health per phase": {
            p: sorted({str(s) for ph, s in health if ph == p}) for p in ("voor", "weg", "terug")
        },
        "acknowledged": len(acknowledged),
        "acknowledged and stored": ack_stored,
        "stored": stored,
        "duplicates": stored - keys,
        "503 with Retry-After and the Dutch text": sum(
            1 for u in unavailable if u.retry_after and DUTCH_503 in u.body
        ),
    }
    print("scenario 2:", counts)
    assert app.alive() and app.pid == pid, f"the app was restarted or died: {counts}"
    assert {u.status for u in all_outcomes} <= {302, 503}, f"a 500 or no answer at all: {counts}"
    assert unavailable, f"the stop was never seen: {counts}"
    assert counts["503 with Retry-After and the Dutch text"] == len(unavailable), counts
    assert acknowledged_in("terug") >= 20, f"no recovery within {RECOVERY_DEADLINE_S} s: {counts}"
    assert ack_stored == len(acknowledged), counts
    assert stored == keys, counts
    # A commit whose reply was lost in the stop is stored but was told 503; no more than that.
    assert len(acknowledged) <= stored <= len(acknowledged) + len(unavailable), counts
    assert health[0][1] == 200 and health[-1][1] == 200, counts
    assert 503 in {s for ph, s in health if ph == "weg"}, counts


def test_a_pool_connection_cut_by_a_database_stop_counts_as_unavailable():
    # What asyncpg raised (3 of ~170 posts) when `pg_ctl stop -m fast` cut a connection while
    # the pool was resetting it for reuse: the resident got a 500 instead of the Dutch 503.
    cut = asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress")

    assert database_unavailable(cut)
