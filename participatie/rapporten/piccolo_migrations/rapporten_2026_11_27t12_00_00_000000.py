from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text, Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-27T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rendered html and gewijzigd_at"


def _params(**extra):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="rapporten", description=DESCRIPTION)
    for name in ("inleiding_html", "conclusies_html"):
        manager.add_column(
            table_class_name="Rapport",
            tablename="rapport",
            column_name=name,
            db_column_name=name,
            column_class_name="Text",
            column_class=Text,
            params=_params(default=""),
            schema=None,
        )
    manager.add_column(
        table_class_name="Rapport",
        tablename="rapport",
        column_name="gewijzigd_at",
        db_column_name="gewijzigd_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager
