"""Whom we reached: reference figures and a vraag's doelgroep in comparable terms. Outreach is
the vraag's own Activiteit (vragen.tables), with its vorm, kern and age band.

The categories come from participatie.kenmerken, so answers to a poll's standard background
items, the municipality's population figures and outreach counts speak of the same groups.
"""

from piccolo.columns import ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from participatie.accounts.tables import Gemeente
from participatie.db import AutoId
from participatie.vragen.tables import Vraag


class Referentie(AutoId, Table):
    """How many inhabitants of a municipality fall in one category (e.g. 66-80 year olds, or
    those living in Wijk aan Zee), from the national statistics office's open data, entered by
    a beheerder. Unique (gemeente, kenmerk, categorie): index in the migration."""

    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.cascade, index=True)
    kenmerk = Varchar(length=20, null=False)
    categorie = Varchar(length=60, null=False)
    aantal = Integer(null=False)
    # Where the figure comes from and as of when ("CBS StatLine, 1 januari 2026"): shown with it.
    bron = Varchar(length=200, null=False, default="")
    gewijzigd_at = Timestamptz(null=False)


class Doelgroepcategorie(AutoId, Table):
    """One category that belongs to a vraag's doelgroep (e.g. leeftijd 66-80 and 80+). A
    characteristic without rows means the doelgroep is everyone on it. Unique (vraag, kenmerk,
    categorie): index in the migration."""

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.cascade, index=True)
    kenmerk = Varchar(length=20, null=False)
    categorie = Varchar(length=60, null=False)
