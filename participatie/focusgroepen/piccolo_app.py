from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.focusgroepen.tables import (
    Aanmelding,
    Bevinding,
    BevindingBijeenkomst,
    Bijeenkomst,
    Focusgroep,
    Lid,
    Reactie,
)

APP_CONFIG = AppConfig(
    app_name="focusgroepen",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Focusgroep, Lid, Aanmelding, Bijeenkomst, Reactie, Bevinding, BevindingBijeenkomst],
    migration_dependencies=["participatie.vragen.piccolo_app"],
    commands=[],
)
