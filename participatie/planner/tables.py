from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from participatie.db import AutoId


class TaakRun(AutoId, Table):
    """One run of a planner job that did work: what, when, and how much it did."""

    taak = Varchar(length=80, null=False, index=True)
    gestart_at = Timestamptz(null=False)
    klaar_at = Timestamptz(null=False)
    aantal = Integer(null=False, default=0)
    toelichting = Text(null=False, default="")
