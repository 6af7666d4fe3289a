"""Due work of the accounts domain."""

from participatie.accounts import domain
from participatie.planner import Taak

TAKEN = [Taak(naam="accounts.purge_expired", run=domain.purge_expired, interval_s=600)]
