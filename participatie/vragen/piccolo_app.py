from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.vragen.tables import Activiteit, BewaardeBijlage, Bijlage, Gebeurtenis, Vraag

APP_CONFIG = AppConfig(
    app_name="vragen",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Vraag, Gebeurtenis, Activiteit, Bijlage, BewaardeBijlage],
    migration_dependencies=["participatie.accounts.piccolo_app"],
    commands=[],
)
