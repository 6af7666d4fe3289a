from piccolo.columns import Varchar
from piccolo.table import Table

from participatie.db import AutoId


class Jargonwoord(AutoId, Table):
    """A word or phrase the beheerder added to the jargon list, with a plainer alternative. The
    base list lives in code (signaal.JARGON); these come on top of it for every council.
    `woord` is stored lower case and unique."""

    woord = Varchar(length=60, null=False, unique=True)
    alternatief = Varchar(length=200, null=False)
