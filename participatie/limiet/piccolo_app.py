from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.limiet.tables import LimietTelling

APP_CONFIG = AppConfig(
    app_name="limiet",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[LimietTelling],
    migration_dependencies=[],
    commands=[],
)
