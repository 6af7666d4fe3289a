"""One reference figure per municipality and category, and a category at most once in a
vraag's doelgroep: saving the table twice at once cannot count a group double."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-28T04:52:35:000000"
VERSION = "1.38.0"
DESCRIPTION = "bereik uniek"


async def _raw(sql: str) -> None:
    # Defined at run time so it binds to the engine the migration runs on.
    class RawTable(Table):
        pass

    await RawTable.raw(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="bereik", description=DESCRIPTION)

    async def unique():
        await _raw("CREATE UNIQUE INDEX referentie_uniek ON referentie (gemeente, kenmerk, categorie)")
        await _raw(
            "CREATE UNIQUE INDEX doelgroepcategorie_uniek ON doelgroepcategorie (vraag, kenmerk, categorie)"
        )

    async def back():
        await _raw("DROP INDEX doelgroepcategorie_uniek")
        await _raw("DROP INDEX referentie_uniek")

    manager.add_raw(unique)
    manager.add_raw_backwards(back)
    return manager
