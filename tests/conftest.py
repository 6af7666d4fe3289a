"""Every test runs against SQLite and PostgreSQL.

The PostgreSQL runs are skipped where no server answers, except under CI (CI=true) or with
PARTICIPATIE_REQUIRE_POSTGRES=1, where a missing server fails the run instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar import Litestar
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import sort_table_classes

from participatie import db
from participatie.accounts import domain as accounts
from participatie.app import create_app
from participatie.config import Settings
from participatie.demo import GEMEENTEN

PG_ADMIN_URL = os.environ.get(
    "PARTICIPATIE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "correct paard batterij niet"  # long passphrase, as the login form invites


def _must_have(kind: str) -> bool:
    flag = f"PARTICIPATIE_REQUIRE_{kind.upper()}"
    return os.environ.get("CI", "").lower() == "true" or os.environ.get(flag) == "1"


def skip_or_fail(kind: str, reason: str) -> None:
    if _must_have(kind):
        pytest.fail(f"{reason} (verplicht onder CI)")
    pytest.skip(reason)


@dataclass
class Backend:
    name: str
    url: str
    engine: Engine
    # SQLite: the migrated, seeded file each test gets a copy of.
    template: Path | None = None
    # PostgreSQL: the one script that empties every table and restarts its ids.
    empty_sql: str = ""


async def _create_pg_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _data_tables() -> list:
    # Parents first, so deleting in reverse order never trips a foreign key.
    return sort_table_classes(Finder().get_table_classes())


async def _seed() -> None:
    """The reference data every test starts with: the IJmond councils."""
    regio_id = await accounts.ensure_regio("ijmond", "IJmond")
    for slug, naam, raad_naam in GEMEENTEN:
        await accounts.ensure_gemeente(slug, naam, raad_naam, regio_id)


def _sqlite_files(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _fresh_sqlite(backend: Backend) -> None:
    """Put a copy of the template in place of the test database.

    A file copy and rename took well under a millisecond where 34 DELETEs (a connection and a
    write lock each) plus the seeding took tens. The kept-open writer connection is closed
    first and the log files go before the new file arrives: a stale -wal would be replayed
    into it.
    """
    assert backend.template is not None
    backend.engine.close_connections()
    path = Path(backend.engine.path)
    for part in _sqlite_files(path):
        part.unlink(missing_ok=True)
    fresh = path.with_name(path.name + ".new")
    shutil.copyfile(backend.template, fresh)
    fresh.chmod(0o600)
    # A rename: a connection a test leaked keeps reading its own old file, never a half copy.
    fresh.replace(path)


async def _sqlite_backend(folder: Path) -> Backend:
    template = folder / "template.sqlite3"
    maker = db.create_engine(f"sqlite:///{template}")
    await db.migrate(maker)
    await _seed()
    # Everything into the main file, so copying that one file copies the whole database.
    await maker.truncate_wal()
    await db.close_pool(maker)
    for part in _sqlite_files(template):
        part.unlink(missing_ok=True)
    url = f"sqlite:///{folder / 'test.sqlite3'}"
    backend = Backend("sqlite", url, db.create_engine(url), template=template)
    _fresh_sqlite(backend)
    return backend


async def _postgres_empty_sql(engine: PostgresEngine) -> str:
    """One script, sent in one round trip, that empties every table, restarts its ids and puts
    the seeded councils back as they were.

    Measured on this machine (2 CPUs, shared): TRUNCATE of the 34 tables took 450-1660 ms
    (median 820; it makes new files for every table), DELETE plus ALTER SEQUENCE 5-150 ms
    (median 33): the tables of a test hold a few rows.
    """
    tables = _data_tables()
    names = [t._meta.tablename for t in tables]
    async with engine.pool.acquire() as conn:
        sequences = await conn.fetch(
            "SELECT s.relname AS naam, t.relname AS tabel, a.attname AS kolom FROM pg_class s"
            " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
            " WHERE s.relkind = 'S' AND t.relname = ANY($1::text[])",
            names,
        )
        seeded = {name: await conn.fetchval(f"SELECT json_agg(t) FROM {name} t") for name in names}
    statements = [f"DELETE FROM {name}" for name in reversed(names)]
    statements += [f"ALTER SEQUENCE {row['naam']} RESTART" for row in sequences]
    for name in names:  # parents first
        if seeded[name] is None:
            continue
        rows = seeded[name].replace("'", "''")
        statements.append(f"INSERT INTO {name} SELECT * FROM json_populate_recordset(NULL::{name}, '{rows}')")
    statements += [
        f"SELECT setval('{row['naam']}', (SELECT max({row['kolom']}) FROM {row['tabel']}))"
        for row in sequences
        if seeded[row["tabel"]] is not None
    ]
    return "BEGIN; " + "; ".join(statements) + "; COMMIT"


async def _empty_postgres(backend: Backend) -> None:
    await db.start_pool(backend.engine, 5)  # a test may have closed it
    async with backend.engine.pool.acquire() as conn:
        await conn.execute(backend.empty_sql)  # no arguments: one simple-protocol round trip


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    """A migrated database per engine for the whole run; each test empties it (`database`)."""
    if request.param == "sqlite":
        yield await _sqlite_backend(tmp_path_factory.mktemp("db"))
        return
    name = f"participatie_test_{os.getpid()}"
    try:
        await _create_pg_database(name)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        skip_or_fail("postgres", f"Geen PostgreSQL op {PG_ADMIN_URL}: {exc}")
    url = re.sub(r"/[^/]*$", f"/{name}", PG_ADMIN_URL)
    engine = db.create_engine(url)
    assert isinstance(engine, PostgresEngine)
    await db.migrate(engine)
    await _seed()
    # Pooled like the app, so concurrency tests do not open a connection per query. Kept for
    # the whole run: every test runs in the session's event loop, which the pool is bound to.
    await db.start_pool(engine, 5)
    try:
        yield Backend("postgres", url, engine, empty_sql=await _postgres_empty_sql(engine))
    finally:
        await db.close_pool(engine)
        await _drop_pg_database(name)


def settings_for(backend: Backend) -> Settings:
    return Settings(
        database_url=backend.url,
        secret_key="test-geheim-dat-lang-genoeg-is-1234567890",
        planner_enabled=False,
        password_profile="test",
    )


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return settings_for(backend)


def _forget_cached_polls() -> None:
    """The process's poll caches (keyed by random link keys, so no test could read another's
    entry anyway) are emptied too, so every test starts from a cold process as before."""
    from participatie.peilingen import domain as peilingen_domain
    from participatie.peilingen import routes as peilingen_routes

    peilingen_domain._changed()
    peilingen_domain._cache.clear()
    peilingen_routes._blank_cache.clear()


@pytest.fixture
async def database(backend: Backend) -> AsyncIterator[Backend]:
    """An empty, migrated database for this test, with the IJmond councils in it."""
    # Tests that run an app of their own point the tables elsewhere; point them back.
    db.use_engine(backend.engine)
    if backend.template is not None:
        _fresh_sqlite(backend)
    else:
        await _empty_postgres(backend)
    _forget_cached_polls()
    yield backend
    db.use_engine(backend.engine)


@asynccontextmanager
async def running(application: Litestar) -> AsyncIterator[Litestar]:
    """Run the app's lifespan in a task of its own.

    Litestar's lifespan holds an anyio task group, which must be left in the task that entered
    it; a fixture's setup and teardown may run in different tasks.
    """
    started = asyncio.Event()
    stop = asyncio.Event()

    async def runner() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(runner())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # raises the start-up error
    try:
        yield application
    finally:
        stop.set()
        await task


@pytest.fixture(scope="session")
async def _shared_app(backend: Backend) -> AsyncIterator[Litestar]:
    """One app and lifespan per engine for the whole run.

    What a test could leave behind lives in the database (sessions, login and poll counters,
    the outbox), which `database` empties, or in the test's own client (cookies); the app
    itself keeps only its settings and templates. tests/test_isolation.py proves it.
    """
    async with running(create_app(settings_for(backend))) as application:
        yield application


@pytest.fixture
async def app(_shared_app: Litestar, database: Backend) -> Litestar:
    # `database` is set up after the session's app and points the tables at the test database.
    return _shared_app


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def make_gebruiker(
    settings: Settings,
    rol: str,
    gemeente: str | None = None,
    email: str | None = None,
    naam: str = "Test Persoon",
) -> int:
    email = email or f"{rol}.{gemeente or 'regio'}@test.example"
    return await accounts.create_gebruiker(
        settings,
        email=email,
        naam=naam,
        wachtwoord=PASSWORD,
        rol=rol,
        gemeente_slug=gemeente,
        door=None,
    )


async def csrf_token(client: httpx.AsyncClient) -> str:
    """The token a browser gets with any page (double-submit cookie)."""
    if "participatie_csrf" not in client.cookies:
        await client.get("/inloggen")
    return client.cookies["participatie_csrf"]


async def post_form(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(path, data={**data, "_csrf_token": token})


async def login(client: httpx.AsyncClient, email: str, wachtwoord: str = PASSWORD) -> httpx.Response:
    return await post_form(client, "/inloggen", {"email": email, "wachtwoord": wachtwoord})


ROOT = Path(__file__).resolve().parent.parent


class SmtpRecorder:
    """A real SMTP server (aiosmtpd) that keeps what it received and can be told to refuse.

    `replies` holds forced replies for the next DATA commands, e.g. ["451 4.3.0 Later", "550 Nee"];
    when empty, the mail is accepted. With `hold_after` set, every DATA after that many accepted
    mails hangs until `release` is set (then it is refused): a sender stuck mid-mail, to be killed.
    """

    def __init__(self) -> None:
        import threading
        from email import message_from_bytes, policy

        self._parse = lambda raw: message_from_bytes(raw, policy=policy.default)
        self.received: list = []
        self.replies: list[str] = []
        self.hold_after: int | None = None
        self.release = threading.Event()
        self.controller = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hold_after is not None and len(self.received) >= self.hold_after:
            # A threading.Event: the test sets it from another thread than the server's loop.
            while not self.release.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            return "451 4.3.0 Later"
        if self.replies:
            return self.replies.pop(0)
        message = self._parse(envelope.content)
        self.received.append(message)
        return "250 OK"

    def start(self) -> int:
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()
        return port

    def stop(self) -> None:
        self.release.set()
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.received if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[SmtpRecorder]:
    recorder = SmtpRecorder()
    recorder.port = recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp: SmtpRecorder) -> Settings:
    return settings.with_changes(smtp_port=smtp.port, base_url="https://participatie.test")


@pytest.fixture
async def mensen(database, settings):
    """An ambtenaar and a raadslid of Beverwijk, and a raadslid of Velsen, as the domain sees them."""
    people = {
        "ambtenaar": ("ambtenaar", "beverwijk", "marja@beverwijk.example"),
        "raadslid": ("raadslid", "beverwijk", "kees@beverwijk.example"),
        "velsen": ("raadslid", "velsen", "dorine@velsen.example"),
    }
    result = {}
    for key, (rol, gemeente, email) in people.items():
        await make_gebruiker(settings, rol, gemeente, email=email)
        result[key] = await accounts.acting_as(email)
    return result


@contextmanager
def _captured(logger_name: str, keep: Callable[[str], object]) -> Iterator[list]:
    """What a logger writes, as the server prints it (one JSON line each), passed through keep."""
    import logging

    from participatie.auditlog import JsonFormatter

    kept: list = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(keep(self.format(record)))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield kept
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every line the app's loggers write (audit trail, errors), as the JSON the server prints."""
    with _captured("participatie", str) as lines:
        yield lines


@pytest.fixture
def audit_lines() -> Iterator[list[str]]:
    """The security log as it is written: one JSON line per event."""
    with _captured("participatie.audit", str) as lines:
        yield lines


@pytest.fixture
def audit_actions() -> Iterator[list[dict]]:
    """The security log as it is written, one parsed JSON object per event."""
    with _captured("participatie.audit", json.loads) as events:
        yield events
