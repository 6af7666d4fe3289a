"""What peilingen offers rapporten: a vraag's polls and the addresses left for its report.

Rapportadres belongs to peilingen; rapporten reads and forgets addresses only through these
functions, so the rules of how addresses are kept stay in one domain. None of them opens a
transaction: called inside the caller's transaction (publication, the follow-up), piccolo runs
them in it, so the rows read under the poll's address lock are exactly the rows deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from participatie.peilingen.tables import Peiling, Rapportadres, Status
from participatie.taal import STANDAARD, geldig

# SQLite allows 32,766 parameters per statement: delete by id in chunks.
_CHUNK = 1000


@dataclass(frozen=True)
class Adres:
    """One address left for a report. `email` as the resident typed it (case kept); `taal` the
    language of the page it was left on ("nl"/"en"), which its report mail goes out in."""

    id: uuid.UUID
    email: str
    wil_vervolg: bool
    taal: str = STANDAARD

    def get(self, key: str, default: Any = None) -> Any:
        """A field by name, as from a row (`adres.get("taal")`): callers that read rows as
        mappings need no second shape."""
        return getattr(self, key, default)


async def peiling_ids(vraag_id: int) -> list[int]:
    """The ids of every poll of the vraag, whatever its status."""
    return [p["id"] for p in await Peiling.select(Peiling.id).where(Peiling.vraag == vraag_id)]


async def alle_gesloten(vraag_id: int) -> bool:
    """Whether the vraag has polls and every one of them has closed."""
    statussen = {p["status"] for p in await Peiling.select(Peiling.status).where(Peiling.vraag == vraag_id)}
    return statussen == {Status.GESLOTEN.value}


async def adressen_voor(peiling_ids: Sequence[int], *, alleen_vervolg: bool = False) -> list[Adres]:
    """The addresses left for these polls, each with its language (`adres.taal`, also
    `adres.get("taal")`); with `alleen_vervolg` only who wants the follow-up."""
    if not peiling_ids:
        return []
    query = Rapportadres.select(
        Rapportadres.id, Rapportadres.email, Rapportadres.wil_vervolg, Rapportadres.taal
    ).where(Rapportadres.peiling.is_in(list(peiling_ids)))
    if alleen_vervolg:
        query = query.where(Rapportadres.wil_vervolg == True)  # noqa: E712 - a piccolo expression
    return [
        Adres(
            id=r["id"],
            email=r["email"],
            wil_vervolg=bool(r["wil_vervolg"]),
            taal=geldig(r["taal"]) or STANDAARD,
        )
        for r in await query
    ]


async def vergeet(adres_ids: Sequence[uuid.UUID]) -> int:
    """Delete exactly these addresses; returns how many were still there."""
    ids = list(adres_ids)
    deleted = 0
    for start in range(0, len(ids), _CHUNK):
        rows = (
            await Rapportadres.delete()
            .where(Rapportadres.id.is_in(ids[start : start + _CHUNK]))
            .returning(Rapportadres.id)
        )
        deleted += len(rows)
    return deleted


async def vergeet_alle(peiling_ids: Sequence[int]) -> int:
    """Delete every address left for these polls; returns how many."""
    if not peiling_ids:
        return 0
    rows = (
        await Rapportadres.delete()
        .where(Rapportadres.peiling.is_in(list(peiling_ids)))
        .returning(Rapportadres.id)
    )
    return len(rows)
