"""Due work of the limits: forget old counts (they hold keyed hashes of addresses)."""

from participatie import limiet
from participatie.config import Settings
from participatie.planner import Taak


async def purge(settings: Settings) -> int:
    return await limiet.purge()


TAKEN = [Taak(naam="limiet.purge", run=purge, interval_s=3600)]
