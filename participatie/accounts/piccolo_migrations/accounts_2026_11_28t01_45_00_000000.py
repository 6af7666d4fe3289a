"""The language an account last chose with the switch, so the mails to it (password, mail
server) go out in it. Dutch for every existing account: the councils' language."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T01:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "gebruiker taal"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Gebruiker",
        tablename="gebruiker",
        column_name="taal",
        db_column_name="taal",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 5,
            "default": "nl",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
