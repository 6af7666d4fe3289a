from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.bereik.tables import Doelgroepcategorie, Referentie

APP_CONFIG = AppConfig(
    app_name="bereik",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Referentie, Doelgroepcategorie],
    migration_dependencies=["participatie.vragen.piccolo_app", "participatie.accounts.piccolo_app"],
    commands=[],
)
