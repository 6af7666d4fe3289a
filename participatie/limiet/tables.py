from piccolo.columns import Integer, Varchar
from piccolo.table import Table

from participatie.db import AutoId


class LimietTelling(AutoId, Table):
    """How often one client address sent one public form in a 10-minute window, or how many
    mails went to one e-mail address in a day. `sleutel` is a keyed hash: neither address is
    stored. `venster` is the window's start in whole minutes since 1970 (UTC), an integer that
    compares the same on both engines. Unique (soort, sleutel, venster): index in the migration.
    Deleted by the planner two days after the window."""

    soort = Varchar(length=30, null=False)
    sleutel = Varchar(length=64, null=False)
    venster = Integer(null=False, index=True)
    aantal = Integer(null=False, default=0)
