"""The counters' unique index with the window before the key: every submission reads one
poll's counts of one minute (peiling, soort, venster), which is then a range of at most a
few shard rows instead of a scan over every minute the poll has had."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T12:56:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "teller index op venster"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    async def reorder():
        await _raw("CREATE UNIQUE INDEX teller_venster ON teller (peiling, soort, venster, sleutel)")
        await _raw("DROP INDEX teller_uniek")

    async def back():
        await _raw("CREATE UNIQUE INDEX teller_uniek ON teller (peiling, soort, sleutel, venster)")
        await _raw("DROP INDEX teller_venster")

    manager.add_raw(reorder)
    manager.add_raw_backwards(back)
    return manager
