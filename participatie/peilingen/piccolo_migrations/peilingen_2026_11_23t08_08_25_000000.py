"""Composite indexes by hand: piccolo's composite Unique breaks on SQLite, and raw steps run
before the tables of their own migration exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T08:08:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "peilingen indexes"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    async def create_indexes():
        # One response per code, browser or kiosk form: the database says no to a second one.
        await _raw("CREATE UNIQUE INDEX deelname_uniek ON deelname (peiling, sleutel)")
        await _raw("CREATE UNIQUE INDEX item_positie ON item (peiling, positie)")
        await _raw("CREATE INDEX waarde_item_keuze ON waarde (item, keuze)")

    async def drop_indexes():
        await _raw("DROP INDEX deelname_uniek")
        await _raw("DROP INDEX item_positie")
        await _raw("DROP INDEX waarde_item_keuze")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
