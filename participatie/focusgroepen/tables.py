from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from participatie.accounts.tables import Gebruiker, Gemeente
from participatie.db import AutoId
from participatie.vragen.tables import Vraag


class Soort(StrEnum):
    INWONER = "inwoner"  # client, ervaringsdeskundige: no account, with recorded consent
    RAADSLID = "raadslid"
    BELEIDSMEDEWERKER = "beleidsmedewerker"


class Antwoord(StrEnum):
    JA = "ja"
    NEE = "nee"
    MISSCHIEN = "misschien"


class Steun(StrEnum):
    GEEN = ""
    UNANIEM = "unaniem"
    MEERDERHEID = "meerderheid"
    MINDERHEID = "minderheid"


class Focusgroep(AutoId, Table):
    """A temporary group on one theme of one vraag.

    The counts (`aantal_inwoners`) are filled in when the planner removes the residents'
    personal data after the retention period; until then they are counted from `Lid`.
    """

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.restrict, index=True)
    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.restrict)
    thema = Varchar(length=200, null=False)
    doel = Text(null=False, default="")
    eind_op = Date(null=False)
    verantwoordelijke = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null)
    samenvatting = Text(null=False, default="")
    gesloten_at = Timestamptz(null=True, default=None)
    gegevens_verwijderd_at = Timestamptz(null=True, default=None)
    aantal_inwoners = Integer(null=True, default=None)
    aangemaakt_at = Timestamptz(null=False)


class Lid(AutoId, Table):
    """A member. A resident has no account: name and contact with the consent they gave,
    removed by the planner after the retention period. Council members and policy officers
    point to their account."""

    focusgroep = ForeignKey(references=Focusgroep, null=False, on_delete=OnDelete.cascade, index=True)
    soort = Varchar(length=20, choices=Soort, null=False)
    gebruiker = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.cascade)
    naam = Varchar(length=150, null=False, default="")
    email = Varchar(length=254, null=True, default=None)
    telefoon = Varchar(length=30, null=True, default=None)
    toestemming_op = Date(null=True, default=None)
    toestemming_voor = Text(null=False, default="")
    vertrokken_at = Timestamptz(null=True, default=None)
    aangemaakt_at = Timestamptz(null=False)
    # The language the resident signed up in (or the council chose): their mails come in it.
    # Accounts keep "nl": council members and officers read Dutch.
    taal = Varchar(length=5, null=False, default="nl")


class Aanmelding(AutoId, Table):
    """A single-use e-mail invitation to sign up. Only the keyed hash of the link's token is
    stored; the row (with its address) is deleted when used or when the group closes."""

    focusgroep = ForeignKey(references=Focusgroep, null=False, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=254, null=False)
    token_hash = Varchar(length=64, null=False, unique=True)
    verloopt_at = Timestamptz(null=False)


class Bijeenkomst(AutoId, Table):
    """A meeting. `uid` and `sequence` make every change an update of the same calendar item."""

    focusgroep = ForeignKey(references=Focusgroep, null=False, on_delete=OnDelete.cascade, index=True)
    begint_at = Timestamptz(null=False, index=True)
    eindigt_at = Timestamptz(null=False)
    plaats = Varchar(length=300, null=False, default="")
    online_link = Varchar(length=500, null=False, default="")
    agenda = Text(null=False, default="")
    verslag = Text(null=False, default="")
    uid = Varchar(length=100, null=False, unique=True)
    sequence = Integer(null=False, default=0)
    geannuleerd = Boolean(null=False, default=False)
    herinnering_at = Timestamptz(null=True, default=None)
    # Kept when the residents' data are removed: how many residents came.
    aanwezig_inwoners = Integer(null=True, default=None)


class Reactie(AutoId, Table):
    """A member's answer to an invitation, and afterwards whether they came.
    Unique per (bijeenkomst, lid): index in the migration."""

    bijeenkomst = ForeignKey(references=Bijeenkomst, null=False, on_delete=OnDelete.cascade, index=True)
    lid = ForeignKey(references=Lid, null=False, on_delete=OnDelete.cascade, index=True)
    antwoord = Varchar(length=10, choices=Antwoord, null=True, default=None)
    aanwezig = Boolean(null=True, default=None)


class Bevinding(AutoId, Table):
    """A short finding of the group, for the report of the vraag."""

    focusgroep = ForeignKey(references=Focusgroep, null=False, on_delete=OnDelete.cascade, index=True)
    tekst = Varchar(length=500, null=False)
    steun = Varchar(length=12, choices=Steun, null=False, default="")
    aangemaakt_at = Timestamptz(null=False)


class BevindingBijeenkomst(AutoId, Table):
    """Where a finding came up."""

    bevinding = ForeignKey(references=Bevinding, null=False, on_delete=OnDelete.cascade, index=True)
    bijeenkomst = ForeignKey(references=Bijeenkomst, null=False, on_delete=OnDelete.cascade, index=True)
