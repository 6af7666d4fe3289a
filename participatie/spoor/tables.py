from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from participatie.accounts.tables import Gebruiker, Gemeente
from participatie.db import AutoId


class Spoorregel(AutoId, Table):
    """One council action: who did what to which object, with the fields before and after."""

    at = Timestamptz(null=False, index=True)
    door = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null, index=True)
    # Kept as text too: the trail must still say who it was after an account is removed.
    door_naam = Varchar(length=200, null=False, default="")
    gemeente = ForeignKey(references=Gemeente, null=True, on_delete=OnDelete.set_null, index=True)
    # A plain number, not a foreign key: the trail outlives what it describes, and vragen,
    # peilingen and rapporten all write here without spoor depending on any of them.
    vraag_id = Integer(null=True, default=None, index=True)
    onderwerp = Varchar(length=30, null=False)  # vraag | peiling | focusgroep | rapport | gebruiker ...
    onderwerp_id = Integer(null=True, default=None)
    actie = Varchar(length=60, null=False, index=True)
    voor = JSON(null=False, default={})
    na = JSON(null=False, default={})
