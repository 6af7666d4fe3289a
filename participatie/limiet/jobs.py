"""Due work of limiet, run by the planner."""

from participatie.planner import Taak

TAKEN: list[Taak] = []
