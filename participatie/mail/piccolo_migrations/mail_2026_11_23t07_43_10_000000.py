"""Indexes for the outbox, by hand: SQLite cannot add a UNIQUE column, and piccolo runs raw
steps before the tables of the same migration exist, so they get a migration of their own."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T07:43:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox indexes"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)

    async def create_indexes():
        # At most one mail per key; NULL keys are all distinct on both engines.
        await _raw("CREATE UNIQUE INDEX bericht_sleutel_uniek ON bericht (sleutel)")
        # The drainer's claim query: what is waiting, oldest first.
        await _raw("CREATE INDEX bericht_wachtrij ON bericht (status, volgende_poging_at)")

    async def drop_indexes():
        await _raw("DROP INDEX bericht_sleutel_uniek")
        await _raw("DROP INDEX bericht_wachtrij")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
