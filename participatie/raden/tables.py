from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from participatie.accounts.tables import Gebruiker, Gemeente
from participatie.db import AutoId


class Raadspagina(AutoId, Table):
    """What a council says about itself on its public page, and where residents can reach it.

    One row per council, made the first time it saves; until then the page shows a standard
    text. `tekst` is the Markdown the council writes; `tekst_html` is that text rendered and
    cleaned when saved, so no page view renders Markdown. Unique gemeente: index in the
    migration is the column's own."""

    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.restrict, unique=True)
    tekst = Text(null=False, default="")
    tekst_html = Text(null=False, default="")
    # The council's own address for residents (privacy and accessibility questions); empty
    # means the pages send residents to the idea form instead.
    contact_email = Varchar(length=254, null=False, default="")
    gewijzigd_at = Timestamptz(null=True, default=None)
    gewijzigd_door = ForeignKey(references=Gebruiker, null=True, on_delete=OnDelete.set_null)
    versie = Integer(null=False, default=1)


class Vergadering(AutoId, Table):
    """A public meeting of a council: on its page and in its iCalendar feed.

    Times are stored in UTC. A cancelled meeting stays (with `is_geannuleerd`) so calendars that
    subscribed learn it was cancelled; `versie` is the feed's SEQUENCE, raised by every change."""

    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.restrict, index=True)
    begint_at = Timestamptz(null=False, index=True)
    eindigt_at = Timestamptz(null=False)
    plaats = Varchar(length=200, null=False)
    onderwerp = Varchar(length=200, null=False)
    agenda = Text(null=False, default="")
    is_geannuleerd = Boolean(null=False, default=False)
    versie = Integer(null=False, default=1)
    aangemaakt_at = Timestamptz(null=False)
    gewijzigd_at = Timestamptz(null=False)
