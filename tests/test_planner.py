import asyncio
import contextlib
from datetime import timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from participatie.accounts.domain import FAILURE_WINDOW, now
from participatie.accounts.tables import Gebruiker, Inlogpoging, Sessie
from participatie.planner import INHALEN, Planner, Taak, collect_taken, run_taak
from participatie.planner.tables import TaakRun
from tests.conftest import make_gebruiker


async def _start_and_stop(settings) -> None:
    """One app start: the planner runs every job once right away; stop when those runs are done."""
    planner = Planner(settings)
    done = asyncio.Event()

    def record(event) -> None:
        if event.job_id == INHALEN:
            done.set()

    planner.scheduler.add_listener(record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    planner.start()
    try:
        await asyncio.wait_for(done.wait(), timeout=10)
    finally:
        planner.shutdown()


async def test_due_work_missed_while_down_runs_once_after_restart(database, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    long_ago = now() - timedelta(days=2)
    # While the app was "down": a session went idle and failed logins aged past their window.
    await Sessie.insert(
        Sessie(token_hash="a" * 64, gebruiker=anna, aangemaakt_at=long_ago, laatst_gezien_at=long_ago)
    )
    await Sessie.insert(
        Sessie(token_hash="b" * 64, gebruiker=anna, aangemaakt_at=now(), laatst_gezien_at=now())
    )
    await Inlogpoging.insert(
        Inlogpoging(sleutel="c" * 64, at=now() - FAILURE_WINDOW * 2), Inlogpoging(sleutel="d" * 64, at=now())
    )

    await _start_and_stop(settings)  # the restart
    await _start_and_stop(settings)  # and another: nothing is due any more

    runs = await TaakRun.select(TaakRun.taak, TaakRun.aantal)
    assert runs == [{"taak": "accounts.purge_expired", "aantal": 2}]
    assert await Sessie.select(Sessie.token_hash) == [{"token_hash": "b" * 64}]
    assert await Inlogpoging.select(Inlogpoging.sleutel) == [{"sleutel": "d" * 64}]
    assert await Gebruiker.count() == 1


async def test_two_processes_never_run_the_same_job_at_once(database, settings):
    running = 0
    most_at_once = 0

    async def slow(_settings) -> int:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        await asyncio.sleep(0.3)
        running -= 1
        return 1

    taak = Taak(naam="test.traag", run=slow, interval_s=60)

    # On PostgreSQL each call holds its own connection, as separate processes would.
    results = await asyncio.gather(*(run_taak(taak, settings) for _ in range(4)))

    assert sorted(results, key=str) == [1, None, None, None]
    assert most_at_once == 1
    assert await TaakRun.count().where(TaakRun.taak == "test.traag") == 1


async def test_job_lock_is_released_after_a_failure(database, settings):
    calls = 0

    async def failing(_settings) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("SMTP weg")
        return 0

    taak = Taak(naam="test.faalt", run=failing, interval_s=60)
    with contextlib.suppress(RuntimeError):
        await run_taak(taak, settings)

    assert await run_taak(taak, settings) == 0
    assert calls == 2


def test_every_domain_job_has_a_unique_name():
    names = [t.naam for t in collect_taken()]

    assert len(names) == len(set(names))
    assert "accounts.purge_expired" in names


async def test_at_start_up_due_work_runs_in_dependency_order(database, settings):
    order: list[str] = []

    def job(naam: str, fails: bool = False) -> Taak:
        async def run(_) -> int:
            await asyncio.sleep(0.05 if naam == "peilingen.sluiten" else 0)
            order.append(naam)
            if fails:
                raise RuntimeError("kapot")
            return 0

        return Taak(naam=naam, run=run, interval_s=3600)

    planner = Planner(
        settings, taken=[job("peilingen.sluiten"), job("kapot", fails=True), job("rapporten.publiceren")]
    )
    done = asyncio.Event()
    planner.scheduler.add_listener(lambda e: e.job_id == INHALEN and done.set(), EVENT_JOB_EXECUTED)
    planner.start()
    try:
        await asyncio.wait_for(done.wait(), timeout=10)
    finally:
        planner.shutdown()

    assert order == ["peilingen.sluiten", "kapot", "rapporten.publiceren"]


def test_mail_is_drained_after_every_job_that_queues_mail():
    names = [t.naam for t in collect_taken()]

    assert names.index("peilingen.open_and_close") < names.index("rapporten.publish_automatic")
    assert names.index("rapporten.publish_automatic") < names.index("mail.drain")
    assert names[-2:] == ["mail.drain", "mail.purge"]
