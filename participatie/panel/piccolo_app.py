from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.panel.tables import Aanmelding, Panellid, Paneluitnodiging

APP_CONFIG = AppConfig(
    app_name="panel",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Aanmelding, Panellid, Paneluitnodiging],
    migration_dependencies=["participatie.accounts.piccolo_app", "participatie.peilingen.piccolo_app"],
    commands=[],
)
