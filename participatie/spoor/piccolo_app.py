from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.spoor.tables import Spoorregel

APP_CONFIG = AppConfig(
    app_name="spoor",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Spoorregel],
    migration_dependencies=["participatie.accounts.piccolo_app"],
    commands=[],
)
