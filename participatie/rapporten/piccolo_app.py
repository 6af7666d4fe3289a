from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.rapporten.tables import Rapport

APP_CONFIG = AppConfig(
    app_name="rapporten",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Rapport],
    migration_dependencies=["participatie.vragen.piccolo_app"],
    commands=[],
)
