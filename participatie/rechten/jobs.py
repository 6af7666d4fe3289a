"""Due work of rechten, run by the planner."""

from participatie.planner import Taak
from participatie.rechten import domain

TAKEN: list[Taak] = [Taak(naam="rechten.purge_expired", run=domain.purge_expired, interval_s=600)]
