from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.accounts.tables import (
    Gebruiker,
    Gemeente,
    Inlogpoging,
    Instelling,
    Regio,
    Sessie,
    Wachtwoordherstel,
)

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Regio, Gemeente, Gebruiker, Sessie, Inlogpoging, Instelling, Wachtwoordherstel],
    migration_dependencies=[],
    commands=[],
)
