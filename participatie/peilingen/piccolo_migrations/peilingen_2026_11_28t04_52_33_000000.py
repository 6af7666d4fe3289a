"""One row per poll and language, and one translation per text: a double click on "Opslaan"
cannot leave two translations of one text, one of which the resident would see at random.
Item and keuze are NULL for the poll's own texts, and NULLs never clash in a unique index, so
the index reads them as 0 (no row has id 0)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T04:52:33:000000"
VERSION = "1.38.0"
DESCRIPTION = "peilingtaal en vertaling uniek"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    async def unique():
        await _raw("CREATE UNIQUE INDEX peilingtaal_uniek ON peilingtaal (peiling, taal)")
        await _raw(
            "CREATE UNIQUE INDEX vertaling_uniek ON vertaling "
            "(peiling, taal, veld, COALESCE(item, 0), COALESCE(keuze, 0))"
        )

    async def back():
        await _raw("DROP INDEX vertaling_uniek")
        await _raw("DROP INDEX peilingtaal_uniek")

    manager.add_raw(unique)
    manager.add_raw_backwards(back)
    return manager
