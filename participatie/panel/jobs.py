"""Due work of panel, run by the planner: forget unconfirmed sign-ups, send the one reminder."""

from participatie.config import Settings
from participatie.panel import domain
from participatie.planner import Taak


async def purge(settings: Settings) -> int:
    return await domain.purge_aanmeldingen()


async def remind(settings: Settings) -> int:
    return await domain.send_herinneringen(settings)


TAKEN: list[Taak] = [
    Taak(naam="panel.opruimen", run=purge, interval_s=3600),
    Taak(naam="panel.herinneren", run=remind, interval_s=900),
]
