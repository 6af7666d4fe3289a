from enum import StrEnum

from piccolo.columns import JSON, Bytea, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from participatie.db import AutoId


class Status(StrEnum):
    WACHTEND = "wachtend"  # queued, or waiting for its next attempt
    WACHT_OP_SERVER = "wacht_op_server"  # our mail server was away; tried again for days
    BEZIG = "bezig"  # claimed by a drainer; a stale claim is taken over after the lease
    VERZONDEN = "verzonden"
    MISLUKT = "mislukt"  # refused for good (5xx) or out of attempts


class Bericht(AutoId, Table):
    """One e-mail in the outbox.

    The mail is rendered when it is sent, from `sjabloon` and `context`, so links use the
    base URL of the process that sends. `aan` and `context` are personal data: they are
    blanked by the planner a day after delivery has finished; the row stays for the counts.
    """

    aan = Varchar(length=254, null=False)
    sjabloon = Varchar(length=80, null=False)
    context = JSON(null=False, default={})
    # What the mail belongs to, e.g. "vraag:12": counts per report, retries per report.
    groep = Varchar(length=80, null=False, default="", index=True)
    # At most one mail per key: queueing the same mail twice (a retried request, a rerun job)
    # leaves one row. Unique index added in the migration.
    sleutel = Varchar(length=200, null=True, default=None)
    bijlage_naam = Varchar(length=200, null=False, default="")
    bijlage_type = Varchar(length=100, null=False, default="")
    bijlage = Bytea(null=True, default=None)
    status = Varchar(length=20, choices=Status, null=False, default=Status.WACHTEND.value, index=True)
    pogingen = Integer(null=False, default=0)
    volgende_poging_at = Timestamptz(null=False)
    geclaimd_at = Timestamptz(null=True, default=None)
    # Which drainer holds the claim: it renews only its own, and a taken-over claim is skipped.
    geclaimd_door = Varchar(length=32, null=False, default="")
    # First failure to reach our mail server for this mail; cleared by any other outcome.
    server_weg_sinds = Timestamptz(null=True, default=None)
    afgehandeld_at = Timestamptz(null=True, default=None)
    fout = Text(null=False, default="")
    aangemaakt_at = Timestamptz(null=False)
    # The language the resident used ("nl", "en"): the mail is rendered in it when it is sent.
    taal = Varchar(length=5, null=False, default="nl")
    opgeschoond_at = Timestamptz(null=True, default=None)
