from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.taalhulp.tables import Jargonwoord

APP_CONFIG = AppConfig(
    app_name="taalhulp",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Jargonwoord],
    migration_dependencies=[],
    commands=[],
)
