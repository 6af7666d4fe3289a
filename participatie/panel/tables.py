"""The resident panel's tables: pending sign-ups, members, and who was invited to which poll.

Addresses are stored lower-cased and stripped: one person, one membership per council, however
they typed it. Neither a confirmation token nor an invitation code is stored readable.
"""

from piccolo.columns import JSON, Bytea, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from participatie.accounts.tables import Gemeente
from participatie.db import AutoId
from participatie.peilingen.tables import Peiling


class Aanmelding(AutoId, Table, tablename="panel_aanmelding"):
    """A sign-up waiting for its confirmation link (double opt-in): NOT a member. Holds the
    address and the choices only so that confirming can make the member; only the keyed hash of
    the link's token is kept. Deleted when confirmed, and by the planner after 7 days."""

    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.cascade)
    email = Varchar(length=254, null=False)
    kern = Varchar(length=40, null=False, default="")
    leeftijd = Varchar(length=10, null=False, default="")
    themas = JSON(null=False, default="[]")
    taal = Varchar(length=5, null=False, default="nl")
    token_hash = Varchar(length=64, null=False, unique=True)
    aangemaakt_at = Timestamptz(null=False, index=True)


class Panellid(AutoId, Table):
    """A confirmed member of one council's panel. `sleutel` is random and names the member in
    the leave link (an id could be reused; a guessed key opens nothing without the link's
    token). Unique (gemeente, email): index in the migration."""

    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.cascade)
    email = Varchar(length=254, null=False)
    kern = Varchar(length=40, null=False, default="")
    leeftijd = Varchar(length=10, null=False, default="")
    themas = JSON(null=False, default="[]")
    taal = Varchar(length=5, null=False, default="nl")
    sleutel = Varchar(length=32, null=False, unique=True)
    aangemaakt_at = Timestamptz(null=False)


class Paneluitnodiging(AutoId, Table, tablename="panel_uitnodiging"):
    """That a member was invited to a poll, with the keyed hash of their code (the same hash as
    the poll's Uitnodiging row, so the reminder can ask whether the code is still unused). It
    says whether the member took part, never what they answered: the response holds no code.

    `code_geheim` is the code encrypted under the app's key, kept only to put it in the one
    reminder; blanked when the reminder is queued, the code used, or the poll closed.
    Unique (lid, peiling): index in the migration, so a double click invites nobody twice."""

    lid = ForeignKey(references=Panellid, null=False, on_delete=OnDelete.cascade)
    peiling = ForeignKey(references=Peiling, null=False, on_delete=OnDelete.cascade, index=True)
    code_hash = Varchar(length=64, null=False, default="")
    code_geheim = Bytea(null=True, default=None)
    herinnerd_at = Timestamptz(null=True, default=None)
    aangemaakt_at = Timestamptz(null=False)
