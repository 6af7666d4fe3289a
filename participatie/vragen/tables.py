from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
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
from participatie.vragen.stappen import Stap


class Herkomst(StrEnum):
    GEMEENTE = "gemeente"  # adviesaanvraag by an ambtenaar
    RAAD = "raad"  # eigen agendering
    INWONER = "inwoner"  # idee of vraag van een inwoner


class Scope(StrEnum):
    GEMEENTE = "gemeente"
    REGIO = "regio"


class Vraag(AutoId, Table):
    """A policy question on its way through the stappenplan."""

    titel = Varchar(length=200, null=False)
    tekst = Text(null=False)  # the question as it was brought in
    achtergrond = Text(null=False, default="")
    herkomst = Varchar(length=20, choices=Herkomst, null=False)
    # The council that owns it; an IJmond-wide vraag is visible to all councils of the regio.
    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.restrict)
    scope = Varchar(length=20, choices=Scope, null=True, default=None)
    thema = Varchar(length=40, null=True, default=None, index=True)
    prioriteit = Varchar(length=20, null=True, default=None)
    stap = Varchar(length=20, choices=Stap, null=False, default=Stap.BINNENGEKOMEN.value, index=True)
    # Raised by every change, so two people editing the same vraag cannot overwrite each other.
    versie = Integer(null=False, default=1)
    dubbel_van: ForeignKey["Vraag"] = ForeignKey(references="self", null=True, on_delete=OnDelete.set_null)
    afwijsreden = Text(null=False, default="")

    # adviesaanvraag
    ingediend_door = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null)
    advies_gewenst_op = Date(null=True, default=None)
    contactpersoon = Varchar(length=200, null=False, default="")
    # idee van een inwoner: only to tell them what happened; erased when the vraag is done
    inwoner_email = Varchar(length=254, null=True, default=None)
    # The language ("nl"/"en") of the form the vraag came in by (a resident's idea, an
    # ambtenaar's request): mails to whoever brought it in are written in it.
    taal = Varchar(length=5, null=False, default="nl")

    # concretiseren
    precieze_vraag = Text(null=False, default="")
    aanpak = Text(null=False, default="")
    doelgroep = Text(null=False, default="")
    participatievormen = JSON(null=False, default=[])
    planning = Text(null=False, default="")
    deadline = Date(null=True, default=None, index=True)
    verantwoordelijke = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null)

    # advies and borging
    advies_tekst = Text(null=False, default="")
    advies_aan = Varchar(length=200, null=False, default="")
    advies_at = Timestamptz(null=True, default=None)
    reactie_oordeel = Varchar(length=30, null=True, default=None)
    reactie_toelichting = Text(null=False, default="")
    reactie_at = Timestamptz(null=True, default=None)
    reactie_verwacht_op = Date(null=True, default=None)
    vervolg_op = Date(null=True, default=None)
    borging_herinnerd_at = Timestamptz(null=True, default=None)

    aangemaakt_at = Timestamptz(null=False)
    stap_sinds_at = Timestamptz(null=False)


class Gebeurtenis(AutoId, Table):
    """One entry of a vraag's timeline: a step change, a change of content, or a note."""

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz(null=False)
    door = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null)
    soort = Varchar(length=20, null=False)  # stap | terug | inhoud | notitie
    van_stap = Varchar(length=20, null=True, default=None)
    naar_stap = Varchar(length=20, null=True, default=None)
    notitie = Text(null=False, default="")
    # Internal notes of the council are never shown to the ambtenaar or in public.
    is_intern = Boolean(null=False, default=True)


class Activiteit(AutoId, Table):
    """Outreach during voorleggen: where the council went and how many residents it reached."""

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.cascade, index=True)
    waar = Varchar(length=200, null=False)
    op = Date(null=False)
    bereikt = Integer(null=False, default=0)
    notities = Text(null=False, default="")
    door = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null)
    # Which participatievorm (bereik.activiteiten.VORMEN) and, where the council knows it, the
    # kern and age band most of the people belonged to: so the outreach counts in the
    # representation table (participatie/bereik) beside the poll answers. "" = not known.
    vorm = Varchar(length=30, null=False, default="bezoek_op_locatie")
    kern = Varchar(length=60, null=False, default="")
    leeftijd = Varchar(length=20, null=False, default="")


class Bijlage(AutoId, Table):
    """A background document with an adviesaanvraag. Stored in the database so backups and
    several app processes need nothing else."""

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.cascade, index=True)
    bestandsnaam = Varchar(length=200, null=False)
    soort = Varchar(length=10, null=False)  # pdf | docx | odt
    grootte = Integer(null=False)
    inhoud = Bytea(null=False)
    at = Timestamptz(null=False)


class BewaardeBijlage(AutoId, Table):
    """An attachment the ambtenaar chose on a request form that was refused (a field left
    empty, a date in the past). Kept so the next try need not choose the file again; moved
    into Bijlage when the request is saved, and forgotten after domain.BIJLAGE_BEWAARTIJD."""

    # Random and long: the form carries it in a hidden field, and only its owner may use it.
    sleutel = Varchar(length=64, null=False, unique=True)
    gebruiker = ForeignKey(references=Gebruiker, null=False, on_delete=OnDelete.cascade, index=True)
    bestandsnaam = Varchar(length=200, null=False)
    soort = Varchar(length=10, null=False)  # pdf | docx | odt
    grootte = Integer(null=False)
    inhoud = Bytea(null=False)
    at = Timestamptz(null=False, index=True)
