"""The address queue's unique indexes, by hand (see the 2026-11-23 indexes migration): one
waiting address per proof, one batch row (the poll's address lock) per poll."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T12:35:55:000000"
VERSION = "1.38.0"
DESCRIPTION = "adreswachtrij indexes"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    async def create_indexes():
        await _raw("CREATE UNIQUE INDEX adreswachtrij_uniek ON adreswachtrij (peiling, bewijs)")
        await _raw("CREATE UNIQUE INDEX adresbatch_uniek ON adresbatch (peiling)")

    async def drop_indexes():
        await _raw("DROP INDEX adreswachtrij_uniek")
        await _raw("DROP INDEX adresbatch_uniek")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
