"""The language of a member (issue 14): a resident's mails come in the language they signed
up in, or the one the council chose; every member so far is Dutch."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T01:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "lid taal"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="focusgroepen", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Lid",
        tablename="lid",
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
