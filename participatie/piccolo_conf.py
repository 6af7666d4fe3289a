"""Piccolo's engine and app registry.

The engine comes from PARTICIPATIE_DATABASE_URL here, so `piccolo migrations ...` works from
a shell; the app and the tests replace it through participatie.db.use_engine.
"""

from piccolo.conf.apps import AppRegistry

from participatie.config import Settings
from participatie.db import create_engine

DB = create_engine(Settings.from_env().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "participatie.accounts.piccolo_app",
        "participatie.planner.piccolo_app",
        "participatie.vragen.piccolo_app",
        "participatie.mail.piccolo_app",
        "participatie.peilingen.piccolo_app",
        "participatie.focusgroepen.piccolo_app",
        "participatie.rapporten.piccolo_app",
        "participatie.spoor.piccolo_app",
        "participatie.limiet.piccolo_app",
        "participatie.raden.piccolo_app",
        "participatie.panel.piccolo_app",
        "participatie.rechten.piccolo_app",
        "participatie.taalhulp.piccolo_app",
        "participatie.bereik.piccolo_app",
    ]
)
