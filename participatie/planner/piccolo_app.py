from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.planner.tables import TaakRun

APP_CONFIG = AppConfig(
    app_name="planner",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[TaakRun],
    migration_dependencies=[],
    commands=[],
)
