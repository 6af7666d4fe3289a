"""Due work of the vragen domain."""

from participatie.config import Settings
from participatie.planner import Taak
from participatie.vragen import domain


async def remind_overdue_borging(settings: Settings) -> int:
    return await domain.remind_overdue_borging()


async def forget_bewaarde_bijlagen(settings: Settings) -> int:
    return await domain.forget_bewaarde_bijlagen()


TAKEN = [
    Taak(naam="vragen.remind_overdue_borging", run=remind_overdue_borging, interval_s=3600),
    # Every 10 minutes: a kept file is gone at most 10 minutes after its 2 hours (and is not
    # used after them anyway: the domain checks the time itself).
    Taak(naam="vragen.forget_bewaarde_bijlagen", run=forget_bewaarde_bijlagen, interval_s=600),
]
