from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T05:58:59:087487"
VERSION = "1.38.0"
DESCRIPTION = "activiteit vorm kern leeftijd"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vragen", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Activiteit",
        tablename="activiteit",
        column_name="kern",
        db_column_name="kern",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
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

    manager.add_column(
        table_class_name="Activiteit",
        tablename="activiteit",
        column_name="leeftijd",
        db_column_name="leeftijd",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
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

    manager.add_column(
        table_class_name="Activiteit",
        tablename="activiteit",
        column_name="vorm",
        db_column_name="vorm",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 30,
            "default": "bezoek_op_locatie",
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
