from piccolo.columns import Boolean, Bytea, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from participatie.accounts.tables import Gemeente
from participatie.db import AutoId
from participatie.vragen.tables import Vraag


class Rapport(AutoId, Table):
    """The report of one vraag. Composed by the council, published as a page and a PDF, and
    mailed once to every address left for the vraag's polls and focus groups."""

    vraag = ForeignKey(references=Vraag, null=False, on_delete=OnDelete.restrict, unique=True)
    gemeente = ForeignKey(references=Gemeente, null=False, on_delete=OnDelete.restrict)
    # The public address: /rapporten/<gemeente>/<sleutel>.
    sleutel = Varchar(length=16, null=False, unique=True)
    titel = Varchar(length=200, null=False)
    inleiding = Text(null=False, default="")  # Markdown
    conclusies = Text(null=False, default="")  # Markdown
    # The two texts rendered to safe HTML when saved, so no page view renders Markdown.
    inleiding_html = Text(null=False, default="")
    conclusies_html = Text(null=False, default="")
    # Send by itself when the last poll of the vraag closes, once the council approved it.
    automatisch = Boolean(null=False, default=False)
    goedgekeurd_at = Timestamptz(null=True, default=None)
    gepubliceerd_at = Timestamptz(null=True, default=None, index=True)
    ontvangers = Integer(null=True, default=None)  # how many mails the publication queued
    vervolg_at = Timestamptz(null=True, default=None)  # the follow-up on the reaction was queued
    vervolg_ontvangers = Integer(null=True, default=None)
    pdf = Bytea(null=True, default=None)
    # The last change to a published report; the page says so ("gewijzigd op").
    gewijzigd_at = Timestamptz(null=True, default=None)
    versie = Integer(null=False, default=1)
    aangemaakt_at = Timestamptz(null=False)
