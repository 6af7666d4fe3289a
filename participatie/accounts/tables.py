from enum import StrEnum

from piccolo.columns import (
    Boolean,
    ForeignKey,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from participatie.db import AutoId


class Rol(StrEnum):
    BEHEERDER = "beheerder"
    RAADSLID = "raadslid"
    AMBTENAAR = "ambtenaar"


class Regio(AutoId, Table):
    """A region of municipalities that share IJmond-wide themes."""

    slug = Varchar(length=40, unique=True, null=False)
    naam = Varchar(length=100, null=False)


class Gemeente(AutoId, Table):
    """A municipality and its Participatieraad (one council per municipality)."""

    slug = Varchar(length=40, unique=True, null=False)
    naam = Varchar(length=100, null=False)
    raad_naam = Varchar(length=150, null=False)
    regio = ForeignKey(references=Regio, null=False, on_delete=OnDelete.restrict)


class Gebruiker(AutoId, Table):
    """A person with an account: beheerder, raadslid (of one council) or ambtenaar."""

    email = Varchar(length=254, unique=True, null=False)
    naam = Varchar(length=150, null=False)
    wachtwoord_hash = Varchar(length=255, null=False)
    rol = Varchar(length=20, choices=Rol, null=False)
    # raadslid: member of this municipality's council; ambtenaar: works for it; beheerder: none
    gemeente = ForeignKey(references=Gemeente, null=True, on_delete=OnDelete.restrict)
    is_actief = Boolean(default=True, null=False)
    aangemaakt_at = Timestamptz(null=False)
    # A council member's own choice to be named on the council's public page; off until they
    # switch it on themselves (raden: /raad/<gemeente>/site).
    is_zichtbaar_op_site = Boolean(default=False, null=False)
    # The language the person last chose with the switch ("nl", "en"): their mails go out in it.
    taal = Varchar(length=5, default="nl", null=False)


class Sessie(AutoId, Table):
    """A login. Only a hash of the cookie's token is stored, so a database copy logs no one in."""

    token_hash = Varchar(length=64, unique=True, null=False)
    gebruiker = ForeignKey(references=Gebruiker, null=False, on_delete=OnDelete.cascade)
    aangemaakt_at = Timestamptz(null=False)
    laatst_gezien_at = Timestamptz(null=False, index=True)


class Inlogpoging(AutoId, Table):
    """A failed login, keyed by a keyed hash of the account or the address (never stored plain)."""

    sleutel = Varchar(length=64, null=False, index=True)
    at = Timestamptz(null=False, index=True)


class Instelling(AutoId, Table):
    """A setting a beheerder changes in the web UI (retention periods), as opposed to the
    deployment settings in PARTICIPATIE_* variables."""

    sleutel = Varchar(length=80, unique=True, null=False)
    waarde = Varchar(length=200, null=False)


class Wachtwoordherstel(AutoId, Table):
    """A link to set a new password, mailed to the account's address.

    Only a hash of the link's token is stored, so a database copy resets no password. A link
    works once (`gebruikt_at`) and until `verloopt_at`, an hour after it was made.
    """

    token_hash = Varchar(length=64, unique=True, null=False)
    gebruiker = ForeignKey(references=Gebruiker, null=False, on_delete=OnDelete.cascade)
    aangemaakt_at = Timestamptz(null=False, index=True)
    verloopt_at = Timestamptz(null=False)
    gebruikt_at = Timestamptz(null=True, default=None)
