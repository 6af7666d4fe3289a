"""Due work of the rapporten domain."""

from participatie.config import Settings
from participatie.planner import Taak
from participatie.rapporten import domain


async def publish_automatic(settings: Settings) -> int:
    return await domain.publish_automatic(settings)


async def send_followups(settings: Settings) -> int:
    return await domain.send_followups(settings)


async def purge_followup_addresses(settings: Settings) -> int:
    return await domain.purge_followup_addresses()


TAKEN = [
    # The poll closer runs every 30 s; a report set to go by itself follows within a minute.
    Taak(naam="rapporten.publish_automatic", run=publish_automatic, interval_s=60),
    Taak(naam="rapporten.send_followups", run=send_followups, interval_s=300),
    Taak(naam="rapporten.purge_followup_addresses", run=purge_followup_addresses, interval_s=3600),
]
