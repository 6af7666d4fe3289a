"""The planner: APScheduler runs each domain's due-work jobs inside the app's lifespan.

The database is the source of truth for what is due. A job asks it, does the work
idempotently, and returns how many things it did. Every job also runs right at start-up, so
work that fell due while the app was down happens then. With several app processes on one
PostgreSQL database, an advisory lock per job makes sure only one process runs it at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from piccolo.engine.postgres import PostgresEngine

from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.db import SerialisedSQLiteEngine
from participatie.planner.tables import TaakRun

logger = logging.getLogger("participatie.planner")


@dataclass(frozen=True)
class Taak:
    """A kind of due work: `run(settings)` does what is due now and returns how much it did."""

    naam: str
    run: Callable[[Settings], Awaitable[int]]
    interval_s: int


def collect_taken() -> list[Taak]:
    """Every domain's jobs, in the order the catch-up at start-up runs them.

    The order is the order of dependence: polls close before reports are published
    automatically, and mail is drained last, after everything that queues mail. A domain
    lists its own jobs in its jobs.py as TAKEN, in the order they depend on each other.
    """
    from participatie.accounts import jobs as accounts_jobs
    from participatie.focusgroepen import jobs as focusgroepen_jobs
    from participatie.limiet import jobs as limiet_jobs
    from participatie.mail import jobs as mail_jobs
    from participatie.panel import jobs as panel_jobs
    from participatie.peilingen import jobs as peilingen_jobs
    from participatie.raden import jobs as raden_jobs
    from participatie.rapporten import jobs as rapporten_jobs
    from participatie.rechten import jobs as rechten_jobs
    from participatie.vragen import jobs as vragen_jobs

    return [
        *accounts_jobs.TAKEN,
        *vragen_jobs.TAKEN,
        *peilingen_jobs.TAKEN,
        *focusgroepen_jobs.TAKEN,
        *rapporten_jobs.TAKEN,
        *raden_jobs.TAKEN,
        *panel_jobs.TAKEN,
        *rechten_jobs.TAKEN,
        *limiet_jobs.TAKEN,
        *mail_jobs.TAKEN,
    ]


_local_locks: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Lock] = {}


def _advisory_key(naam: str) -> int:
    return int.from_bytes(hashlib.sha256(f"participatie:{naam}".encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def exclusive(naam: str) -> AsyncIterator[bool]:
    """Yield True when this process may run job `naam` now, False when another one is.

    PostgreSQL: a session advisory lock on a connection held for the job's duration, so the
    lock dies with a crashed process. SQLite serves one process, so an in-process lock does.
    """
    engine = TaakRun._meta.db
    if isinstance(engine, PostgresEngine):
        key = _advisory_key(naam)
        # A connection of its own, outside the pool: jobs hold their lock while they run and
        # need pooled connections for the work itself; lock holders taking pool connections
        # starved the jobs (seen with seven jobs at start-up and a pool of five).
        conn = await engine.get_new_connection()
        try:
            got = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", key))
            try:
                yield got
            finally:
                if got:
                    await conn.execute("SELECT pg_advisory_unlock($1)", key)
        finally:
            await conn.close()
        return
    lock = _local_locks.setdefault((asyncio.get_running_loop(), naam), asyncio.Lock())
    if lock.locked():
        yield False
        return
    async with lock:
        yield True


async def run_taak(taak: Taak, settings: Settings) -> int | None:
    """Run one job if no other process is running it; None when it was skipped for that."""
    async with exclusive(taak.naam) as got:
        if not got:
            return None
        gestart = datetime.now(UTC)
        try:
            aantal = await taak.run(settings)
        except Exception:
            logger.exception("taak %s mislukt", taak.naam)
            raise
        if aantal:
            if isinstance(TaakRun._meta.db, SerialisedSQLiteEngine):
                # Jobs delete and blank personal data; the old pages must not stay readable
                # in the write-ahead log.
                await TaakRun._meta.db.truncate_wal()
            await TaakRun.insert(
                TaakRun(taak=taak.naam, gestart_at=gestart, klaar_at=datetime.now(UTC), aantal=aantal)
            )
            log_event("taak_uitgevoerd", taak=taak.naam, aantal=aantal)
        return aantal


INHALEN = "planner.inhalen"


async def catch_up(taken: list[Taak], settings: Settings) -> None:
    """Run every job once, in order; one job failing does not keep the others from running."""
    for taak in taken:
        # run_taak has logged a failure; the next job must still run.
        with contextlib.suppress(Exception):
            await run_taak(taak, settings)


class Planner:
    """Wraps an AsyncIOScheduler started on the app's running loop."""

    def __init__(self, settings: Settings, taken: list[Taak] | None = None) -> None:
        self.settings = settings
        self.taken = collect_taken() if taken is None else taken
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        for taak in self.taken:
            self.scheduler.add_job(
                run_taak,
                "interval",
                seconds=taak.interval_s,
                args=[taak, self.settings],
                id=taak.naam,
                # The catch-up below runs it first; the interval takes over after that.
                next_run_time=datetime.now(UTC) + timedelta(seconds=taak.interval_s),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )
        # Once right away, one job after the other in dependency order: catches up on whatever
        # fell due while we were down. All at once, the publish job ran before the job that
        # closes the poll, and a report went out a minute late or without the last answers.
        self.scheduler.add_job(
            catch_up, args=[self.taken, self.settings], id=INHALEN, next_run_time=datetime.now(UTC)
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
