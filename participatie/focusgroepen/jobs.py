"""Due work of the focusgroepen domain."""

from participatie.config import Settings
from participatie.focusgroepen import domain
from participatie.planner import Taak


async def send_reminders(settings: Settings) -> int:
    return await domain.send_reminders(settings)


async def close_ended(settings: Settings) -> int:
    return await domain.close_ended(settings)


async def purge_personal_data(settings: Settings) -> int:
    return await domain.purge_personal_data()


TAKEN = [
    # Hourly: the reminder goes out from 9:00 on the day before, within the hour.
    Taak(naam="focusgroepen.send_reminders", run=send_reminders, interval_s=3600),
    Taak(naam="focusgroepen.close_ended", run=close_ended, interval_s=3600),
    Taak(naam="focusgroepen.purge_personal_data", run=purge_personal_data, interval_s=3600),
]
