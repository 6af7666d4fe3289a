"""The jargon list the B1 signal reads: the base list in code plus the beheerder's own words.

Only this module writes Jargonwoord. Each change leaves a trail line (spoor) in its transaction.
"""

from __future__ import annotations

import re

from participatie import spoor
from participatie.accounts.domain import Ingelogd
from participatie.fouten import NietGevonden, OngeldigeInvoer
from participatie.taal import N_
from participatie.taalhulp import signaal
from participatie.taalhulp.tables import Jargonwoord

MAX_WOORD = 60
MAX_ALTERNATIEF = 200
MAX_TEKST = 50_000  # characters the signal reads; a report is far shorter
# Letters, with spaces, hyphens and apostrophes between them: a word or a short phrase.
_WOORDVORM = re.compile(r"[^\W\d_]+(?:[ '\u2019-][^\W\d_]+)*")

FOUT_WOORD = N_("Vul een woord in: alleen letters, met spaties of streepjes ertussen.")
FOUT_WOORD_LANG = N_("Een woord is hooguit 60 tekens.")
FOUT_ALTERNATIEF = N_("Vul een eenvoudiger woord in.")
FOUT_ALTERNATIEF_LANG = N_("Het eenvoudiger woord is hooguit 200 tekens.")
FOUT_BESTAAT = N_("Dit woord staat al op de lijst.")


async def eigen_woorden() -> list[dict[str, object]]:
    """The beheerder's words, alphabetical."""
    return await Jargonwoord.select(Jargonwoord.id, Jargonwoord.woord, Jargonwoord.alternatief).order_by(
        Jargonwoord.woord
    )


async def jargon() -> dict[str, str]:
    """The list the signal uses: the base list, then the beheerder's words (theirs win)."""
    lijst = dict(signaal.JARGON)
    for rij in await eigen_woorden():
        lijst[str(rij["woord"])] = str(rij["alternatief"])
    return lijst


async def meet(tekst: str) -> signaal.Signaal:
    """The B1 signal of `tekst` with the current jargon list."""
    return (await meet_alle({"tekst": tekst}))["tekst"]


async def meet_alle(teksten: dict[str, str]) -> dict[str, signaal.Signaal]:
    """The signal of each text by its name, reading the jargon list once for the page."""
    lijst = await jargon()
    return {naam: signaal.meet(tekst[:MAX_TEKST], lijst) for naam, tekst in teksten.items()}


def _check(woord: str, alternatief: str) -> tuple[str, str]:
    woord = " ".join(woord.split()).lower()
    alternatief = " ".join(alternatief.split())
    fouten: dict[str, str] = {}
    if len(woord) > MAX_WOORD:
        fouten["woord"] = FOUT_WOORD_LANG
    elif not _WOORDVORM.fullmatch(woord):
        fouten["woord"] = FOUT_WOORD
    if not alternatief:
        fouten["alternatief"] = FOUT_ALTERNATIEF
    elif len(alternatief) > MAX_ALTERNATIEF:
        fouten["alternatief"] = FOUT_ALTERNATIEF_LANG
    if fouten:
        raise OngeldigeInvoer(fouten)
    return woord, alternatief


async def add_jargonwoord(door: Ingelogd, woord: str, alternatief: str) -> None:
    """Add a word to the list; a word already on it (in code or stored) is refused."""
    woord, alternatief = _check(woord, alternatief)
    async with Jargonwoord._meta.db.transaction():
        bestaat = await Jargonwoord.exists().where(Jargonwoord.woord == woord)
        if bestaat or woord in signaal.JARGON:
            raise OngeldigeInvoer({"woord": FOUT_BESTAAT})
        rij = await Jargonwoord.insert(Jargonwoord(woord=woord, alternatief=alternatief)).returning(
            Jargonwoord.id
        )
        await spoor.record(
            door,
            "jargonwoord_toegevoegd",
            onderwerp="jargonwoord",
            onderwerp_id=rij[0]["id"],
            na={"woord": woord, "alternatief": alternatief},
        )


async def remove_jargonwoord(door: Ingelogd, woord_id: int) -> None:
    async with Jargonwoord._meta.db.transaction():
        rij = (
            await Jargonwoord.select(Jargonwoord.woord, Jargonwoord.alternatief)
            .where(Jargonwoord.id == woord_id)
            .first()
        )
        if rij is None:
            raise NietGevonden()
        await Jargonwoord.delete().where(Jargonwoord.id == woord_id)
        await spoor.record(
            door, "jargonwoord_verwijderd", onderwerp="jargonwoord", onderwerp_id=woord_id, voor=dict(rij)
        )
