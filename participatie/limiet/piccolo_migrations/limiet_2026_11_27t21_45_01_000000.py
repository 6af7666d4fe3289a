"""The composite unique index by hand: raw steps run before the tables of their own migration
exist, and piccolo's composite Unique breaks on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T21:45:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "limiet index"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="limiet", description=DESCRIPTION)

    async def create_index():
        # One row per form, address and window: concurrent submissions add to it (upsert).
        await _raw("CREATE UNIQUE INDEX limiet_telling_uniek ON limiet_telling (soort, sleutel, venster)")

    async def drop_index():
        await _raw("DROP INDEX limiet_telling_uniek")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
