"""The counters' unique index includes the shard: a busy address's count, like a poll's minute,
is spread over eight rows, so one address sending many answers at once (a school's wifi, or a
benchmark) does not make every submission wait on one row lock."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T13:15:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "teller index met shard"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    async def with_shard():
        # Minute rows kept their shard in sleutel ("0".."7") before; they stay distinct.
        await _raw("CREATE UNIQUE INDEX teller_shard ON teller (peiling, soort, venster, sleutel, shard)")
        await _raw("DROP INDEX teller_venster")

    async def back():
        await _raw("DELETE FROM teller WHERE shard <> 0")
        await _raw("CREATE UNIQUE INDEX teller_venster ON teller (peiling, soort, venster, sleutel)")
        await _raw("DROP INDEX teller_shard")

    manager.add_raw(with_shard)
    manager.add_raw_backwards(back)
    return manager
