from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-27T13:15:49:091442"
VERSION = "1.38.0"
DESCRIPTION = "teller shard"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="peilingen", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Teller",
        tablename="teller",
        column_name="shard",
        db_column_name="shard",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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
