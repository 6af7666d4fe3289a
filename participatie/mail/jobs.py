"""Due work of the outbox: send what waits, forget addresses of what is done."""

from participatie.config import Settings
from participatie.mail import outbox
from participatie.planner import Taak


async def drain(settings: Settings) -> int:
    result = await outbox.drain(settings)
    return result.verzonden + result.definitief_mislukt


async def purge(settings: Settings) -> int:
    return await outbox.purge()


TAKEN = [
    Taak(naam="mail.drain", run=drain, interval_s=20),
    Taak(naam="mail.purge", run=purge, interval_s=3600),
]
