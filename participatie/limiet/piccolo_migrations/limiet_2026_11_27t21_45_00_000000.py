"""The public forms' limits per client address and per e-mail address."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-27T21:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "limiet tellingen"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="limiet", description=DESCRIPTION)
    manager.add_table(class_name="LimietTelling", tablename="limiet_telling", schema=None, columns=None)
    manager.add_column(
        table_class_name="LimietTelling",
        tablename="limiet_telling",
        column_name="soort",
        db_column_name="soort",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 30,
            "default": "",
            "index": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.add_column(
        table_class_name="LimietTelling",
        tablename="limiet_telling",
        column_name="sleutel",
        db_column_name="sleutel",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "index": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.add_column(
        table_class_name="LimietTelling",
        tablename="limiet_telling",
        column_name="venster",
        db_column_name="venster",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "index": True,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.add_column(
        table_class_name="LimietTelling",
        tablename="limiet_telling",
        column_name="aantal",
        db_column_name="aantal",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "index": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
