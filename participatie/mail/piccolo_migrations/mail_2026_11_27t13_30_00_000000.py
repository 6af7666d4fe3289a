"""Claims with an owner, and since when our mail server is away (issue 11): a drainer renews
only its own claims, and a mail waits for an absent server for days instead of eight tries."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-27T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "claim owner and mail server outage"


def _params(**changes):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **changes,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Bericht",
        tablename="bericht",
        column_name="geclaimd_door",
        db_column_name="geclaimd_door",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=32, default=""),
        schema=None,
    )
    manager.add_column(
        table_class_name="Bericht",
        tablename="bericht",
        column_name="server_weg_sinds",
        db_column_name="server_weg_sinds",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager
