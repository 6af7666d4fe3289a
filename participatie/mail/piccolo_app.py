from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.mail.tables import Bericht

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Bericht],
    migration_dependencies=[],
    commands=[],
)
