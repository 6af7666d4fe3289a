from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.accounts.tables import Gebruiker, Gemeente, Inlogpoging, Instelling, Regio, Sessie

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Regio, Gemeente, Gebruiker, Sessie, Inlogpoging, Instelling],
    migration_dependencies=[],
    commands=[],
)
