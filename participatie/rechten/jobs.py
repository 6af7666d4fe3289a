"""Due work of rechten, run by the planner."""

from participatie.planner import Taak

TAKEN: list[Taak] = []
