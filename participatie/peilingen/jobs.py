"""Due work of the peilingen domain."""

from participatie.config import Settings
from participatie.peilingen import domain
from participatie.planner import Taak


async def open_and_close(settings: Settings) -> int:
    return await domain.open_and_close_due()


async def purge_tellers(settings: Settings) -> int:
    return await domain.purge_tellers()


TAKEN = [
    # Every 30 seconds, so a poll opens and closes within half a minute of its set time.
    Taak(naam="peilingen.open_and_close", run=open_and_close, interval_s=30),
    # Address hashes in the flood counters are forgotten within the hour after their window.
    Taak(naam="peilingen.purge_tellers", run=purge_tellers, interval_s=600),
]
