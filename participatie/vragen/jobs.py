"""Due work of the vragen domain."""

from participatie.config import Settings
from participatie.planner import Taak
from participatie.vragen import domain


async def remind_overdue_borging(settings: Settings) -> int:
    return await domain.remind_overdue_borging()


TAKEN = [Taak(naam="vragen.remind_overdue_borging", run=remind_overdue_borging, interval_s=3600)]
