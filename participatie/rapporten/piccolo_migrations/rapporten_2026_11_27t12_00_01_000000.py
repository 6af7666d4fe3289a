"""Render the texts of reports saved before the HTML was stored (a raw step runs before the
columns of its own migration exist, hence a migration of its own)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "render stored report texts"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="rapporten", description=DESCRIPTION)

    async def render_existing():
        from participatie.markdown import render_markdown

        # Defined at run time so it binds to the engine the migration runs on.
        class RawTable(Table):
            pass

        rows = await RawTable.raw("SELECT id, inleiding, conclusies FROM rapport")
        for row in rows:
            await RawTable.raw(
                "UPDATE rapport SET inleiding_html = {}, conclusies_html = {} WHERE id = {}",
                str(render_markdown(row["inleiding"])),
                str(render_markdown(row["conclusies"])),
                row["id"],
            )

    manager.add_raw(render_existing)
    return manager
