"""Due work of panel, run by the planner."""

from participatie.planner import Taak

TAKEN: list[Taak] = []
