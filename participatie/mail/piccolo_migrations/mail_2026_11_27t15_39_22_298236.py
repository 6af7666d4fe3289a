"""Brings the migration snapshot up to mail.tables.Status (WACHT_OP_SERVER, added in issue 11),
so `piccolo migrations new --auto` finds nothing to do. Piccolo runs no SQL for choices."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-11-27T15:39:22:298236"
VERSION = "1.38.0"
DESCRIPTION = "Status choices gain wacht_op_server: the snapshot only, no SQL"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Bericht",
        tablename="bericht",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "Status",
                {
                    "WACHTEND": "wachtend",
                    "WACHT_OP_SERVER": "wacht_op_server",
                    "BEZIG": "bezig",
                    "VERZONDEN": "verzonden",
                    "MISLUKT": "mislukt",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Status",
                {
                    "WACHTEND": "wachtend",
                    "BEZIG": "bezig",
                    "VERZONDEN": "verzonden",
                    "MISLUKT": "mislukt",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
