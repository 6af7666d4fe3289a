from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.rechten.tables import Inzagelink, Inzagesessie

APP_CONFIG = AppConfig(
    app_name="rechten",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Inzagelink, Inzagesessie],
    migration_dependencies=[],
    commands=[],
)
