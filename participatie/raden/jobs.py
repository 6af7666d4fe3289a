"""Due work of raden, run by the planner."""

from participatie.planner import Taak

TAKEN: list[Taak] = []
