"""Shared parts of the fault suite: the app as a real process, a private PostgreSQL, counts.

Every scenario here runs the app as production does (`python -m participatie run`, its own
process, on 127.0.0.1), breaks something on purpose (SIGKILL, a database stopped, a row held)
and then counts what residents were told against what the database holds. Everything has a
deadline: a scenario that hangs fails instead.

For new scenarios:
- `apps.start(database_url, planner=..., smtp_port=..., name=...)` starts an app process and
  waits until GET /health answers 200; `.kill()` is SIGKILL, `.stop()` a clean stop. Every
  process still alive at the end of the test is killed.
- `private_postgres` is a PostgreSQL of the suite's own (initdb/pg_ctl as the postgres user,
  on a free port, data in /tmp) that a test may stop and start; `.create_database(name)`.
- `scalar(url, sql, *args)` reads one number straight from either engine ($1, $2 ... are
  turned into ? for SQLite), outside the app and outside Piccolo.
- `Inzender` posts poll answers over HTTP the way a browser without cookies does; `tally`
  turns what residents were told into counts for assertion messages.
- `own_database(url, settings)` fills a database of the test's own (like `mensen`).
- `automatic_report_with_addresses(mensen, n)`, `report_mails(smtp)`, `mails_per_address`,
  `wait_for_report_mails`: a report that goes out by itself when its poll closes, and its mails
  as the `smtp` recorder of tests/conftest.py received them. Tests that mail it use the
  `needs_pdf` fixture (the mail carries the PDF).
- When a test fails, the tail of each app process's log is printed with the failure.
- Each scenario prints its counts ("scenario N: {...}") and puts them in its assertion messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import asyncpg
import httpx
import pytest

from participatie.db import sqlite_path
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling, Rapportadres
from participatie.rapporten import domain as rapporten
from participatie.rapporten import inhoud
from participatie.sleutels import keyed
from participatie.vragen import domain as vragen
from tests.conftest import ROOT, skip_or_fail
from tests.peilingen.test_domain import answers, make_peiling
from tests.vragen.test_domain import _versie

FAULT_DIR = Path(__file__).resolve().parent
START_TIMEOUT_S = 40


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test in this folder is a fault scenario: `pytest -m fault` selects them all.
    for item in items:
        if FAULT_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.fault)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the app as a real process -------------------------------------------------------------


@dataclass
class AppProcess:
    name: str
    process: subprocess.Popen
    base: str
    log: Path
    started_at: float = field(default_factory=time.time)
    healthy_at: float = 0.0  # time.time() when GET /health first said 200

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, like a power cut of the process."""
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Apps:
    """Starts app processes for one test and kills whatever is left at its end."""

    def __init__(self, secret_key: str, logdir: Path) -> None:
        self.secret_key = secret_key
        self.logdir = logdir
        self.started: list[AppProcess] = []

    def env(
        self, database_url: str, *, planner: bool, smtp_port: int | None, port: int, extra: dict[str, str]
    ) -> dict[str, str]:
        # Nothing of the caller's own PARTICIPATIE_* settings (debug, workers) leaks in.
        outside = {k: v for k, v in os.environ.items() if not k.startswith("PARTICIPATIE_")}
        return {
            **outside,
            "PARTICIPATIE_WORKERS": "1",
            "PARTICIPATIE_DATABASE_URL": database_url,
            "PARTICIPATIE_SECRET_KEY": self.secret_key,
            "PARTICIPATIE_PASSWORD_PROFILE": "test",
            "PARTICIPATIE_PLANNER_ENABLED": "true" if planner else "false",
            "PARTICIPATIE_BASE_URL": f"http://127.0.0.1:{port}",
            "PARTICIPATIE_SMTP_PORT": str(smtp_port or free_port()),
            "PARTICIPATIE_DB_POOL_SIZE": "8",
            # The suite floods one poll from 127.0.0.1 on purpose: test the faults, not the brakes.
            "PARTICIPATIE_PEILING_LIMIET_PER_ADRES": "100000000",
            "PARTICIPATIE_PEILING_DRUK_PER_MINUUT": "100000000",
            "PARTICIPATIE_PEILING_MAX_PER_MINUUT": "100000000",
            **extra,
        }

    def start(
        self,
        database_url: str,
        *,
        planner: bool = False,
        smtp_port: int | None = None,
        name: str = "app",
        planner_interval_s: int | None = None,
        extra_env: dict[str, str] | None = None,
        wait_healthy: bool = True,
    ) -> AppProcess:
        """`python -m participatie run --port P`; with planner_interval_s, tests/fault/launcher.py
        instead, which runs the same app with every planner job at most that many seconds apart."""
        port = free_port()
        if planner_interval_s is None:
            command = [
                sys.executable, "-m", "participatie", "run", "--host", "127.0.0.1", "--port", str(port),
            ]  # fmt: skip
        else:
            command = [
                sys.executable, "-m", "tests.fault.launcher", "--port", str(port),
                "--interval", str(planner_interval_s),
            ]  # fmt: skip
        log = self.logdir / f"{name}-{len(self.started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                env=self.env(
                    database_url, planner=planner, smtp_port=smtp_port, port=port, extra=extra_env or {}
                ),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        app = AppProcess(name, process, f"http://127.0.0.1:{port}", log)
        self.started.append(app)
        if wait_healthy:
            self.wait_healthy(app)
        return app

    def wait_healthy(self, app: AppProcess, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{app.base}/health", timeout=2).status_code == 200:
                    app.healthy_at = time.time()
                    return
            except httpx.TransportError:
                pass
            if not app.alive() or time.monotonic() > deadline:
                app.kill()
                raise AssertionError(f"{app.name} kwam niet op binnen {timeout} s:\n{app.log_tail()}")
            time.sleep(0.1)

    def close(self) -> None:
        for app in self.started:
            with contextlib.suppress(Exception):
                app.kill()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def apps(request: pytest.FixtureRequest, settings, tmp_path: Path) -> Iterator[Apps]:
    launcher = Apps(settings.secret_key, tmp_path)
    try:
        yield launcher
    finally:
        launcher.close()
        if request.node.stash.get(_FAILED, False):
            # The processes' own words, in the failure report: a fault run is hard to repeat.
            for app in launcher.started:
                print(f"--- {app.name} (pid {app.pid}), laatste regels van {app.log}:\n{app.log_tail(40)}")


# --- a PostgreSQL of our own ---------------------------------------------------------------


def _pg_bin(program: str) -> str | None:
    found = shutil.which(program)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    return str(candidates[-1]) if candidates else None


@dataclass
class PrivatePostgres:
    """A throwaway cluster the suite may stop and start at will, apart from the shared server."""

    datadir: Path
    port: int
    bindir: Path
    as_postgres: list[str]  # `runuser -u postgres --` as root (initdb refuses root), else nothing

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args: str, timeout: float = 30) -> None:
        pg_ctl = str(self.bindir / "pg_ctl")
        subprocess.run(
            [*self.as_postgres, pg_ctl, "-D", str(self.datadir), *args],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir} -c fsync=off"
        self._ctl("-o", options, "-l", str(self.datadir / "server.log"), "-w", "-t", "20", "start")

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: running transactions are rolled back and clients cut off,
        as in a restart for maintenance or a failover."""
        self._ctl("-m", "fast", "-w", "-t", "20", "stop")

    def is_running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    async def create_database(self, name: str) -> str:
        conn = await asyncpg.connect(self.admin_url, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)


@pytest.fixture
def private_postgres(_private_cluster: PrivatePostgres) -> Iterator[PrivatePostgres]:
    """The suite's own cluster, running at the start of each test and again after it, even
    when a test stopped it and failed before starting it again."""
    if not _private_cluster.is_running():
        _private_cluster.start()
    yield _private_cluster
    if not _private_cluster.is_running():
        _private_cluster.start()


@pytest.fixture(scope="session")
def _private_cluster() -> Iterator[PrivatePostgres]:
    initdb = _pg_bin("initdb")
    runuser = shutil.which("runuser")
    is_root = os.geteuid() == 0
    if initdb is None or (is_root and runuser is None):
        skip_or_fail("postgres", "initdb of runuser ontbreekt: geen eigen PostgreSQL voor de storingstests")
    as_postgres = [runuser, "-u", "postgres", "--"] if is_root else []
    # Not under pytest's tmp dir: that one is readable by root only, and the server runs as postgres.
    datadir = Path(tempfile.mkdtemp(prefix="participatie-fault-pg-"))
    if is_root:
        shutil.chown(datadir, "postgres", "postgres")
    cluster = PrivatePostgres(datadir, free_port(), Path(initdb).parent, as_postgres)
    subprocess.run(
        [*as_postgres, initdb, "-D", str(datadir), "-A", "trust", "-U", "postgres", "--no-sync", "-EUTF8"],
        check=True,
        timeout=60,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            if cluster.is_running():
                cluster.stop()
        shutil.rmtree(datadir, ignore_errors=True)


# --- counting, outside the app ---------------------------------------------------------------


async def scalar(database_url: str, sql: str, *args: object) -> int:
    """One number from the database, read without the app's code."""
    if database_url.startswith("sqlite"):

        def read() -> int:
            with contextlib.closing(sqlite3.connect(sqlite_path(database_url), timeout=30)) as conn:
                return conn.execute(re.sub(r"\$\d+", "?", sql), args).fetchone()[0]

        return await asyncio.to_thread(read)
    conn = await asyncpg.connect(database_url, timeout=5)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def stored_keys(database_url: str, peiling_id: int, keys: list[str]) -> int:
    """How many of these participation keys (keyed hashes) the poll holds."""
    if not keys:
        return 0
    found = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join(f"${i + 2}" for i in range(len(chunk)))
        found += await scalar(
            database_url, f"SELECT count(*) FROM deelname WHERE peiling = $1 AND sleutel IN ({marks})",
            peiling_id, *chunk,
        )  # fmt: skip
    return found


# --- a resident's browser, without cookies ---------------------------------------------------


@dataclass
class Uitkomst:
    """What the resident was told for one submission."""

    token: str
    status: int | None  # None: no answer at all (connection refused or cut)
    location: str = ""
    body: str = ""
    retry_after: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status == 302 and self.location.endswith("/bedankt")

    @property
    def already(self) -> bool:
        return self.status == 302 and self.location.endswith("al=1")


class Inzender:
    """Posts a poll's form like a browser that keeps no cookies: each post is a new response,
    told apart by the form's own token (`formulier`), as the app does without a browser cookie."""

    def __init__(self, formulier: peilingen.Formulier, secret_key: str) -> None:
        self.formulier = formulier
        self.secret_key = secret_key
        self.path = f"/p/{formulier.sleutel}"
        self.body = urlencode(answers(formulier), doseq=True)

    def deelname_sleutel(self, token: str) -> str:
        """The participation key the app stores for a cookieless post with this form token."""
        return keyed(self.secret_key, f"formulier:{token}")

    @staticmethod
    async def csrf(client: httpx.AsyncClient, base: str, path: str) -> str:
        response = await client.get(f"{base}{path}", timeout=10)
        token = response.cookies.get("participatie_csrf")
        assert token, f"geen CSRF-cookie van {path}: {response.status_code}"
        return token

    async def post(
        self, client: httpx.AsyncClient, base: str, csrf: str, token: str, code: str | None = None
    ) -> Uitkomst:
        content = f"{self.body}&formulier={token}&_csrf_token={csrf}"
        if code is not None:
            content += f"&code={code}"
        try:
            response = await client.post(
                f"{base}{self.path}",
                content=content,
                headers={
                    "content-type": "application/x-www-form-urlencoded",
                    # Only the CSRF cookie: no browser id, so the form token is the key.
                    "cookie": f"participatie_csrf={csrf}",
                },
                timeout=20,
            )
        except httpx.TransportError:
            return Uitkomst(token, None)
        return Uitkomst(
            token,
            response.status_code,
            response.headers.get("location", ""),
            response.text if response.status_code >= 400 else "",
            response.headers.get("retry-after"),
        )


def tally(uitkomsten: list[Uitkomst]) -> dict[str, int]:
    """Statuses as counts, for assertion messages: {"302": 80, "503": 12, "geen antwoord": 3}."""
    counts: dict[str, int] = {}
    for u in uitkomsten:
        key = "geen antwoord" if u.status is None else ("302 al=1" if u.already else str(u.status))
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def new_client(connections: int = 100) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(limits=limits, follow_redirects=False)


# --- a database of the test's own, filled like the `mensen` fixture ---------------------------


@contextlib.asynccontextmanager
async def own_database(database_url: str, settings) -> AsyncIterator[dict]:
    """Migrate `database_url`, add the IJmond councils and the `mensen` of tests/conftest.py,
    and point the tables at it for the `async with` block; the engine is closed afterwards, so
    the database can be stopped, and the tables are pointed back."""
    from participatie import db, piccolo_conf
    from participatie.accounts import domain as accounts
    from participatie.demo import GEMEENTEN
    from tests.conftest import make_gebruiker

    previous = piccolo_conf.DB
    engine = db.create_engine(database_url)
    try:
        await db.migrate(engine)
        await db.start_pool(engine, 4)
        regio_id = await accounts.ensure_regio("ijmond", "IJmond")
        for slug, naam, raad_naam in GEMEENTEN:
            await accounts.ensure_gemeente(slug, naam, raad_naam, regio_id)
        people = {
            "ambtenaar": ("ambtenaar", "beverwijk", "marja@beverwijk.example"),
            "raadslid": ("raadslid", "beverwijk", "kees@beverwijk.example"),
            "velsen": ("raadslid", "velsen", "dorine@velsen.example"),
        }
        mensen = {}
        for key, (rol, gemeente, email) in people.items():
            await make_gebruiker(settings, rol, gemeente, email=email)
            mensen[key] = await accounts.acting_as(email)
        yield mensen
    finally:
        await db.close_pool(engine)
        db.use_engine(previous)


# --- a report that goes out by itself, and the mails it makes ------------------------------


@pytest.fixture
def needs_pdf():
    """The report mail carries its PDF: WeasyPrint needs Pango from the system (CI installs it)."""
    try:
        inhoud.html_to_pdf('<html lang="nl"><p>test</p></html>')
    except inhoud.PdfNietBeschikbaar:
        skip_or_fail("pdf", "WeasyPrint needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0")


async def automatic_report_with_addresses(mensen, adressen: int) -> tuple[int, int, list[str]]:
    """An open poll with answers and addresses left, its vraag in terugkoppelen, and a report
    that is approved and set to go out by itself when the poll closes."""
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    emails = [f"inwoner{n}@example.org" for n in range(adressen)]
    for n, email in enumerate(emails):
        gegeven, _ = peilingen.parse_antwoorden(formulier, answers(formulier))
        await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel=f"fault-{n}")
        # As a batch leaves it (peilingen/adressen.py); leaving one over HTTP is tested there.
        await Rapportadres.insert(
            Rapportadres(id=uuid.uuid4(), peiling=peiling_id, email=email, wil_vervolg=False)
        )
    vraag_id = (await Peiling.select(Peiling.vraag).where(Peiling.id == peiling_id).first())["vraag"]
    await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="terugkoppelen")
    rapport = await rapporten.rapport_voor(raadslid, vraag_id)
    await rapporten.update_rapport(
        raadslid,
        vraag_id,
        versie=rapport["versie"],
        titel="Wat u ons vertelde",
        inleiding="Dank aan iedereen die meedeed.",
        conclusies="De regeling is onbekend.",
        automatisch=True,
    )
    await rapporten.approve(raadslid, vraag_id)
    return peiling_id, vraag_id, emails


RAPPORT_ONDERWERP = "wat we met uw inbreng deden"  # templates/emails/rapport.txt


def report_mails(smtp) -> list:
    """The report mail-out only: the council members get their own step mails meanwhile."""
    return [m for m in smtp.received if RAPPORT_ONDERWERP in m["Subject"]]


async def wait_for_report_mails(smtp, expected: int, deadline_s: float) -> float:
    started = time.monotonic()
    while len(report_mails(smtp)) < expected and time.monotonic() - started < deadline_s:  # noqa: ASYNC110 - another process sends
        await asyncio.sleep(0.1)
    return time.monotonic() - started


def mails_per_address(smtp) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in report_mails(smtp):
        counts[message["To"]] = counts.get(message["To"], 0) + 1
    return counts
