from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.raden.tables import Raadspagina, Vergadering

APP_CONFIG = AppConfig(
    app_name="raden",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Raadspagina, Vergadering],
    migration_dependencies=["participatie.accounts.piccolo_app"],
    commands=[],
)
