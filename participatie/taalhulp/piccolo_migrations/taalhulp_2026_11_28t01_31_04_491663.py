from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T01:31:04:491663"
VERSION = "1.38.0"
DESCRIPTION = "jargonwoorden"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="taalhulp", description=DESCRIPTION)

    manager.add_table(
        class_name="Jargonwoord",
        tablename="jargonwoord",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="Jargonwoord",
        tablename="jargonwoord",
        column_name="woord",
        db_column_name="woord",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Jargonwoord",
        tablename="jargonwoord",
        column_name="alternatief",
        db_column_name="alternatief",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
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
