"""Due work of the rapporten domain."""

from participatie.config import Settings
from participatie.peilingen import adressen
from participatie.planner import Taak
from participatie.rapporten import domain


async def publish_automatic(settings: Settings) -> int:
    return await domain.publish_automatic(settings)


async def send_followups(settings: Settings) -> int:
    return await domain.send_followups(settings)


async def purge_followup_addresses(settings: Settings) -> int:
    return await domain.purge_followup_addresses()


async def finalize_addresses(settings: Settings) -> int:
    """A closed poll's addresses into one batch: none of them points to fewer responses than
    the whole poll; then deleted rows are cleared from PostgreSQL's files (adressen.py)."""
    done = await adressen.finalize_closed(settings.secret_ring)
    await adressen.compact()
    return done


async def purge_unpublished_addresses(settings: Settings) -> int:
    return await adressen.purge_unpublished()


TAKEN = [
    # The poll closer runs every 30 s; a report set to go by itself follows within a minute.
    Taak(naam="rapporten.publish_automatic", run=publish_automatic, interval_s=60),
    Taak(naam="rapporten.send_followups", run=send_followups, interval_s=300),
    Taak(naam="rapporten.purge_followup_addresses", run=purge_followup_addresses, interval_s=3600),
    Taak(naam="rapporten.finalize_addresses", run=finalize_addresses, interval_s=300),
    Taak(naam="rapporten.purge_unpublished_addresses", run=purge_unpublished_addresses, interval_s=3600),
]
