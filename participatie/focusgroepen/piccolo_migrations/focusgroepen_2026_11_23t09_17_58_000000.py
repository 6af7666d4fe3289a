"""Composite indexes by hand: piccolo's composite Unique breaks on SQLite, and raw steps run
before the tables of their own migration exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T09:17:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "focusgroepen indexes"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="focusgroepen", description=DESCRIPTION)

    async def create_indexes():
        # One answer per member per meeting, even when two clicks race.
        await _raw("CREATE UNIQUE INDEX reactie_uniek ON reactie (bijeenkomst, lid)")
        # A member's account appears once per group.
        await _raw("CREATE UNIQUE INDEX lid_gebruiker_uniek ON lid (focusgroep, gebruiker)")

    async def drop_indexes():
        await _raw("DROP INDEX reactie_uniek")
        await _raw("DROP INDEX lid_gebruiker_uniek")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
