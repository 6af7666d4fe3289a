"""Engine choice, the SQLite write lock, and running migrations.

The same Piccolo tables run on SQLite (one process, the embedded default) and PostgreSQL
(production, several processes). Which engine the tables use is decided here, once per app.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from piccolo.columns import Serial
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

T = TypeVar("T")

# Kept-open SQLite connections waiting for the next statement; more are opened when busy and
# closed on return. A connection costs a file handle and a page cache.
MAX_IDLE = 8


class AutoId:
    """Mixin for every table whose primary key is the `id` Piccolo adds at class creation.

    Piccolo's Table.__init_subclass__ sets `id = Serial(...)` on a table without a primary key,
    so mypy never sees it. This declares it once, as an annotation only: the mixin has no `id`
    attribute, so Piccolo still creates exactly the same column (same migrations, same
    `_meta.default_columns`), while mypy types `Vraag.id` as the column and `vraag.id` as int.
    An explicit `id = Serial(primary_key=True)` on each table would change Piccolo's metadata
    (an inherited or declared key counts as a non-default column) for a typing gap.
    """

    id: Serial


class _LoopLocks:
    """One asyncio.Lock per event loop: an engine outlives loops in tests and CLI commands."""

    def __init__(self) -> None:
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def get(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            # Forget locks of closed loops so long test runs do not accumulate them.
            self._locks = {lp: lk for lp, lk in self._locks.items() if not lp.is_closed()}
            lock = self._locks[loop] = asyncio.Lock()
        return lock


class _SerialisedTransaction(SQLiteTransaction):
    """Holds the engine's write lock for the whole outer transaction."""

    __slots__ = ("_lock",)

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self._lock = self.engine.write_locks.get()  # type: ignore[attr-defined]
        await self._lock.acquire()
        try:
            return await super().__aenter__()
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent is not None:
            return await super().__aexit__(exception_type, exception, traceback)
        try:
            return await super().__aexit__(exception_type, exception, traceback)
        finally:
            self._lock.release()


class SerialisedSQLiteEngine(SQLiteEngine):
    """SQLite with every write serialised inside the process.

    WAL plus a busy timeout alone still gave `database is locked` and multi-second p99 under
    concurrent writers (../shared/STACK.md); one in-process lock around writes gave none.
    Reads stay concurrent: WAL lets them run beside the single writer.
    """

    __slots__ = ("_generatie", "_idle", "_idle_lock", "_writer", "write_locks")

    def __init__(self, path: str) -> None:
        super().__init__(path=path, timeout=30)
        self.write_locks = _LoopLocks()
        self._writer: sqlite3.Connection | None = None
        # Kept-open connections for statements outside a transaction (see _run_in_new_connection).
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        self._generatie = 0

    async def run_in_writer(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` as one IMMEDIATE transaction on a kept-open connection, in one thread hop.

        For the hottest write (a resident's submission): through aiosqlite it costs a new
        connection and a thread hop per statement while the write lock is held, which capped
        SQLite near 160 submissions/s. Here the lock is held for one hop only.
        """
        async with self.write_locks.get():
            return await asyncio.to_thread(self._run_in_writer, work)

    def _run_in_writer(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._writer is None:
            # check_same_thread off: the write lock, not the thread, keeps it to one user.
            self._writer = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self._writer.execute("PRAGMA foreign_keys = 1")
            self._writer.execute("PRAGMA secure_delete = ON")
        conn = self._writer
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.IntegrityError:
            raise  # a rule of ours said no; the connection is fine
        except sqlite3.Error:
            # A connection opened while the file was read-only stays read-only, and a broken
            # one stays broken: drop it, so the next submission opens a fresh one instead of
            # every submission failing until a restart.
            self.close_writer()
            raise
        return result

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        """Every statement outside a transaction, on a kept-open connection in a pooled thread.

        Piccolo opens a new aiosqlite connection, which starts a new thread, for each such
        statement: one page cost dozens of thread starts and file opens, and the fuzz test
        alone started 23,440 threads. Autocommit (isolation_level None) as Piccolo's own, so a
        statement is its own transaction either way; writes still come here under the write
        lock (run_querystring)."""
        return await asyncio.to_thread(self._run_kept, query, args or [])

    def _take(self) -> tuple[sqlite3.Connection, int]:
        with self._idle_lock:
            if self._idle:
                return self._idle.pop(), self._generatie
            generatie = self._generatie
        # check_same_thread off: a connection is used by one thread at a time (taken from the
        # idle list under its lock), but not always the same pooled thread.
        conn = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = 1")
        conn.execute("PRAGMA secure_delete = ON")
        conn.row_factory = dict_factory
        return conn, generatie

    def _give_back(self, conn: sqlite3.Connection, generatie: int, *, broken: bool) -> None:
        with self._idle_lock:
            # A connection taken before close_connections() belongs to the old file: close it.
            if not broken and generatie == self._generatie and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        with contextlib.suppress(sqlite3.Error):
            conn.close()

    def _run_kept(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        conn, generatie = self._take()
        broken = False
        try:
            cursor = conn.execute(query, args)
            try:
                return cursor.fetchall()
            finally:
                cursor.close()
        except sqlite3.IntegrityError:
            raise  # a rule of ours said no; the connection is fine
        except sqlite3.Error:
            broken = True  # a read-only or broken connection stays so: drop it
            raise
        finally:
            self._give_back(conn, generatie, broken=broken)

    def close_connections(self) -> None:
        """Close the writer and every kept-open connection, e.g. before the file is replaced."""
        self.close_writer()
        with self._idle_lock:
            idle, self._idle = self._idle, []
            self._generatie += 1
        for conn in idle:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    async def get_connection(self) -> Any:
        connection = await super().get_connection()
        # Deleted and blanked values (addresses, phone numbers) are overwritten with zeros in
        # the file instead of lingering in free pages until they happen to be reused.
        await connection.execute("PRAGMA secure_delete = ON")
        return connection

    async def truncate_wal(self) -> None:
        """Copy the write-ahead log into the file and empty it.

        The log keeps old versions of pages, so a value deleted from the database can still be
        read from the -wal file until a checkpoint reuses it. Run after work that deletes
        personal data. A reader that holds an old snapshot makes this a no-op; the next run
        catches up.
        """

        def checkpoint() -> None:
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        async with self.write_locks.get():
            await asyncio.to_thread(checkpoint)

    def close_writer(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.close()
            self._writer = None

    async def run_querystring(self, querystring: Any, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None or querystring.query_type == "select":
            return await super().run_querystring(querystring, in_pool)
        sql = str(querystring).lstrip().upper()
        if sql.startswith(("SELECT", "WITH", "PRAGMA")) and querystring.query_type != "insert":
            return await super().run_querystring(querystring, in_pool)
        async with self.write_locks.get():
            return await super().run_querystring(querystring, in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None:
            return await super().run_ddl(ddl, in_pool)
        async with self.write_locks.get():
            return await super().run_ddl(ddl, in_pool)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        # IMMEDIATE: take SQLite's write lock at BEGIN, so a second process (a CLI command
        # beside the server) waits on the busy timeout instead of failing on upgrade.
        return _SerialisedTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


def as_utc(value: Any) -> datetime:
    """A timestamp as the database gave it, made aware: SQLite hands timestamps back as naive
    UTC, or as text from aggregates; PostgreSQL as aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def sqlite_path(database_url: str) -> Path:
    """sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them."""
    raw = database_url.split(":///", 1)[1] if ":///" in database_url else ""
    if not raw:
        raise ValueError("Een SQLite-adres ziet er zo uit: sqlite:///data/participatie.sqlite3")
    return Path(unquote(raw))


def create_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        return SerialisedSQLiteEngine(path=str(sqlite_path(database_url)))
    parsed = urlparse(database_url)
    if parsed.scheme not in {"postgresql", "postgres"}:
        raise ValueError(f"Onbekend databasetype: {parsed.scheme}")
    return PostgresEngine(config={"dsn": database_url}, log_queries=False)


def prepare(engine: Engine) -> None:
    """Make the database file usable; touches disk, so it runs at start-up, never on import."""
    if isinstance(engine, SQLiteEngine):
        path = Path(engine.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Only the app's own user may read the file: it holds addresses and phone numbers.
        # SQLite gives the -wal and -shm files the main file's permissions.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists():
                part.chmod(0o600)
        # WAL persists in the file; setting it once covers every later connection.
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")


def all_tables() -> list[Any]:
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    return [*Finder().get_table_classes(), Migration]


def use_engine(engine: Engine) -> None:
    """Point every table (and Piccolo's migration machinery) at this engine."""
    from participatie import piccolo_conf

    piccolo_conf.DB = engine
    for table in all_tables():
        table._meta.db = engine


async def ping() -> None:
    """One round trip to the database the tables use; raises when it does not answer."""
    from piccolo.apps.migrations.tables import Migration

    await Migration.raw("SELECT 1")


async def start_pool(engine: Engine, size: int) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await engine.start_connection_pool(min_size=min(2, size), max_size=size)


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, SerialisedSQLiteEngine):
        engine.close_connections()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()
        engine.pool = None


async def _applied_per_app() -> dict[str, int]:
    from piccolo.apps.migrations.tables import Migration

    if not await Migration.table_exists():
        return {}
    rows = await Migration.select(Migration.app_name)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["app_name"]] = counts.get(row["app_name"], 0) + 1
    return counts


async def migrate(engine: Engine) -> dict[str, int]:
    """Apply every app's pending migrations, in the registry's order.

    Returns how many migrations ran per app (only apps that had any). Piccolo prints a
    line or five per migration; an operator wants one line per app, so its output is kept
    and shown only when a migration fails.
    """
    from piccolo.apps.migrations.commands.forwards import run_forwards

    prepare(engine)
    use_engine(engine)
    before = await _applied_per_app()
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"Migraties mislukt: {result.message}\n{chatter.getvalue()}")
    after = await _applied_per_app()
    return {app: n - before.get(app, 0) for app, n in after.items() if n > before.get(app, 0)}
