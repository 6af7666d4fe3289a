"""The counters' composite unique index, by hand (see the 2026-11-23 indexes migration): the
hot path's upsert names it as its conflict target on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T12:34:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "teller index"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    async def create_indexes():
        await _raw("CREATE UNIQUE INDEX teller_uniek ON teller (peiling, soort, sleutel, venster)")

    async def drop_indexes():
        await _raw("DROP INDEX teller_uniek")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
