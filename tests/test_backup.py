"""docs/beheer.md's backup and restore, done as the document says: the restored copy holds the same data."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess

from piccolo.conf.apps import Finder

from participatie import db
from participatie.demo import load_demo
from tests.conftest import PG_ADMIN_URL, _create_pg_database, _drop_pg_database


async def _contents(engine) -> dict[str, list]:
    """Every row of every table, in a fixed order, through the app's own tables."""
    db.use_engine(engine)
    contents = {}
    for table in Finder().get_table_classes():
        rows = await table.select().order_by(table._meta.primary_key)
        contents[table._meta.tablename] = rows
    return contents


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


async def test_a_restored_backup_holds_the_same_data(database, settings, tmp_path):
    await load_demo(settings)
    original = await _contents(database.engine)
    assert sum(len(rows) for rows in original.values()) > 100

    if database.name == "sqlite":
        # docs/beheer.md: the online backup of SQLite (safe while the app writes).
        copy = tmp_path / "kopie.sqlite3"
        with sqlite3.connect(db.sqlite_path(database.url)) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        restored_engine = db.create_engine(f"sqlite:///{copy}")
    else:
        dump = tmp_path / "participatie.dump"
        _run(["pg_dump", "--format=custom", f"--file={dump}", database.url])
        name = f"participatie_restore_{os.getpid()}"
        await _create_pg_database(name)
        restored_url = re.sub(r"/[^/]*$", f"/{name}", PG_ADMIN_URL)
        _run(["pg_restore", "--no-owner", f"--dbname={restored_url}", str(dump)])
        restored_engine = db.create_engine(restored_url)
    try:
        restored = await _contents(restored_engine)
    finally:
        if database.name == "postgres":
            await _drop_pg_database(name)
        db.use_engine(database.engine)

    assert restored == original
