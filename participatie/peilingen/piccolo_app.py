from pathlib import Path

from piccolo.conf.apps import AppConfig

from participatie.peilingen.tables import (
    Adresbatch,
    Adreswachtrij,
    Antwoord,
    Deelname,
    Item,
    Keuze,
    Kiosk,
    Peiling,
    Peilingtaal,
    Rapportadres,
    Teller,
    Uitnodiging,
    Vertaling,
    Waarde,
)

APP_CONFIG = AppConfig(
    app_name="peilingen",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        Peiling,
        Item,
        Keuze,
        Antwoord,
        Waarde,
        Deelname,
        Uitnodiging,
        Rapportadres,
        Teller,
        Kiosk,
        Adreswachtrij,
        Adresbatch,
        Peilingtaal,
        Vertaling,
    ],
    migration_dependencies=["participatie.vragen.piccolo_app"],
    commands=[],
)
