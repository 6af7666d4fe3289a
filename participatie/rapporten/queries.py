"""Reads of reports for other pages than the report's own (the council member's start page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from participatie.mail import outbox
from participatie.rapporten.tables import Rapport


@dataclass(frozen=True)
class MislukteMails:
    """A report whose mails (publication or follow-up) failed for good; a count, no addresses."""

    rapport_id: int
    vraag_id: int
    titel: str
    aantal: int


def _groepen(rapport_id: int) -> list[str]:
    # The outbox groups rapporten.domain queues a report's mails under.
    return [f"rapport:{rapport_id}", f"rapport:{rapport_id}:vervolg"]


async def mislukte_mails(vraag_ids: Any) -> list[MislukteMails]:
    """The published reports of the vragen in `vraag_ids` (a subquery from vragen.queries)
    with mails that failed for good and can be sent again, most failures first.
    Two queries, whatever the number of reports."""
    rapporten = (
        await Rapport.select(Rapport.id, Rapport.vraag, Rapport.titel)
        .where(Rapport.vraag.is_in(vraag_ids) & Rapport.gepubliceerd_at.is_not_null())
        .order_by(Rapport.id)
    )
    tellingen = await outbox.failed_counts([g for r in rapporten for g in _groepen(r["id"])])
    result = [
        MislukteMails(r["id"], r["vraag"], r["titel"], sum(tellingen.get(g, 0) for g in _groepen(r["id"])))
        for r in rapporten
    ]
    return sorted((m for m in result if m.aantal), key=lambda m: (-m.aantal, m.rapport_id))
