"""The panel's composite unique indexes by hand: raw steps run before the tables of their own
migration exist, and piccolo's composite Unique breaks on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T21:42:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "panel indexes"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="panel", description=DESCRIPTION)

    async def create_indexes():
        # One membership per address per council: a second confirmation updates, never adds.
        await _raw("CREATE UNIQUE INDEX panellid_gemeente_email ON panellid (gemeente, email)")
        # One invitation per member per poll: a double click or a rerun mails nobody twice.
        await _raw("CREATE UNIQUE INDEX panel_uitnodiging_lid_peiling ON panel_uitnodiging (lid, peiling)")
        await _raw("CREATE INDEX panel_aanmelding_email ON panel_aanmelding (gemeente, email)")

    async def drop_indexes():
        await _raw("DROP INDEX panellid_gemeente_email")
        await _raw("DROP INDEX panel_uitnodiging_lid_peiling")
        await _raw("DROP INDEX panel_aanmelding_email")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
