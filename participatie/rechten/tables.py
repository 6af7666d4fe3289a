from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table

from participatie.db import AutoId


class Inzagelink(AutoId, Table):
    """A mailed link to the data page of one address. Only the keyed hash of its random token
    is stored; it works once (`gebruikt_at`) and until `verloopt_at`. The row (with the
    address) is deleted by the planner an hour after it expired, and at once by an erasure."""

    email = Varchar(length=254, null=False)
    token_hash = Varchar(length=64, null=False, unique=True)
    verloopt_at = Timestamptz(null=False, index=True)
    gebruikt_at = Timestamptz(null=True, default=None)
    aangemaakt_at = Timestamptz(null=False)


class Inzagesessie(AutoId, Table):
    """What a used link is exchanged for: a short session bound to the address. The browser
    holds a random value; only its keyed hash is stored. Deleted when it ends or expires."""

    email = Varchar(length=254, null=False)
    sessie_hash = Varchar(length=64, null=False, unique=True)
    verloopt_at = Timestamptz(null=False, index=True)
    aangemaakt_at = Timestamptz(null=False)
