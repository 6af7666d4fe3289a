import asyncio

from participatie.accounts.domain import now
from participatie.accounts.tables import Inlogpoging, Regio


async def test_many_concurrent_writers_all_succeed(database):
    async def write(i: int) -> None:
        await Inlogpoging.insert(Inlogpoging(sleutel=f"{i:064d}", at=now()))

    async def write_in_transaction(i: int) -> None:
        async with Inlogpoging._meta.db.transaction():
            await Inlogpoging.insert(Inlogpoging(sleutel=f"t{i:063d}", at=now()))
            await Inlogpoging.update({Inlogpoging.at: now()}).where(Inlogpoging.sleutel == f"t{i:063d}")

    await asyncio.gather(*(write(i) for i in range(64)), *(write_in_transaction(i) for i in range(64)))

    assert await Inlogpoging.count() == 128


async def test_failed_transaction_leaves_nothing_behind(database):
    try:
        async with Regio._meta.db.transaction():
            await Regio.insert(Regio(slug="kennemerland", naam="Kennemerland"))
            await Regio.insert(Regio(slug="ijmond", naam="dubbel"))  # unique slug: fails
    except Exception:
        pass

    assert await Regio.select(Regio.slug) == [{"slug": "ijmond"}]


def _sqlite_engine(tmp_path):
    from participatie import db

    return db.create_engine(f"sqlite:///{tmp_path / 'eigen.sqlite3'}")


async def test_sqlite_files_are_readable_by_the_app_user_only(tmp_path):
    from participatie import db

    engine = _sqlite_engine(tmp_path)
    await db.migrate(engine)
    await Regio.insert(Regio(slug="kennemerland", naam="Kennemerland"))

    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}

    assert modes["eigen.sqlite3"] == 0o600
    assert set(modes.values()) == {0o600}  # the -wal and -shm files too


async def test_a_blanked_value_is_gone_from_the_file_and_the_log_after_a_job(tmp_path):
    from participatie import db
    from participatie.config import Settings
    from participatie.planner import Taak, run_taak

    engine = _sqlite_engine(tmp_path)
    await db.migrate(engine)
    # As in the app: a kept-open connection, so closing the last one never checkpoints for us.
    await engine.run_in_writer(lambda conn: None)
    secret = "jan.jansen.geheim@example.org"
    await Regio.insert(*(Regio(slug=f"regio-{i}", naam=f"Regio {i}") for i in range(20)))
    await Regio.insert(Regio(slug="kennemerland", naam=secret))

    async def wipe(_: Settings) -> int:
        await Regio.delete().where(Regio.slug == "kennemerland")
        return 1

    try:
        await run_taak(Taak(naam="test.wissen", run=wipe, interval_s=60), Settings())

        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
        assert secret.encode() not in raw
        assert await Regio.count() == 20
    finally:
        engine.close_connections()


async def test_a_broken_writer_connection_is_replaced_not_kept(tmp_path):
    import sqlite3

    import pytest

    from participatie import db

    engine = _sqlite_engine(tmp_path)
    await db.migrate(engine)

    def insert(conn):
        conn.execute("INSERT INTO regio (slug, naam) VALUES ('haarlem', 'Haarlem')")

    try:
        await engine.run_in_writer(lambda conn: None)
        engine._writer.close()  # the fault: the kept connection breaks underneath us

        with pytest.raises(sqlite3.Error):
            await engine.run_in_writer(insert)
        await engine.run_in_writer(insert)  # the next one works again, without a restart

        assert await Regio.select(Regio.slug) == [{"slug": "haarlem"}]
    finally:
        engine.close_connections()


async def test_statements_reuse_kept_connections_instead_of_a_thread_each(tmp_path, monkeypatch):
    """Piccolo's SQLite engine starts a thread and opens the file for every statement outside a
    transaction; ours keeps connections open and runs them on the pooled threads."""
    import threading

    from participatie import db

    engine = _sqlite_engine(tmp_path)
    await db.migrate(engine)
    started = []
    original = threading.Thread.start

    def counting_start(thread):
        started.append(thread.name)
        return original(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    try:
        for i in range(100):
            await Regio.insert(Regio(slug=f"r{i}", naam="Regio"))
            assert await Regio.count() == i + 1
        # 200 statements; the default executor starts at most a handful of threads once.
        assert len(started) < 10, len(started)
    finally:
        monkeypatch.undo()
        engine.close_connections()


async def test_a_broken_kept_connection_is_dropped_not_reused(tmp_path):
    import sqlite3

    import pytest

    from participatie import db

    engine = _sqlite_engine(tmp_path)
    await db.migrate(engine)
    try:
        await Regio.count()
        engine._idle[0].close()  # the fault: a kept connection breaks underneath us
        with pytest.raises(sqlite3.Error):
            await Regio.count()
        assert await Regio.count() == 0  # the next statement opens a fresh one
    finally:
        engine.close_connections()
