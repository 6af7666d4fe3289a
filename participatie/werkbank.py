"""The council member's start page: what needs them, each part filled by the domain it is about.

Accounts owns the page but builds on no other domain, so each section (new vragen, open polls,
this week's meetings, overdue borging, failed report mails) is a loader that create_app
registers; the page asks the registry for every key its template reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from participatie import tijd
from participatie.taal import gettext as _

# A poll closing within this time is "closing soon" on the start page.
BINNENKORT = timedelta(days=3)


@dataclass(frozen=True)
class Week:
    """Monday 00:00 to the next Monday 00:00 on the Dutch clock, as aware UTC moments."""

    van: datetime
    tot: datetime

    @classmethod
    def van_dag(cls, dag: date) -> Week:
        maandag = dag - timedelta(days=dag.weekday())
        return cls(
            van=tijd.from_local(datetime.combine(maandag, time())),
            tot=tijd.from_local(datetime.combine(maandag + timedelta(days=7), time())),
        )


@dataclass(frozen=True)
class Sectie:
    """One key of the start page's context, filled by a domain's loader."""

    naam: str
    laad: Callable[[int], Awaitable[list[Any]]]


_SECTIES: dict[str, Sectie] = {}

# The keys the page reads, in the order it shows them, and what they hold when no loader is
# registered (an app built without that domain), so the template always finds its keys.
LEEG: dict[str, list[Any]] = {
    "nieuwe_vragen": [],
    "peilingen": [],
    "bijeenkomsten": [],
    "borging": [],
    "rapportmails": [],
}


def register(naam: str, laad: Callable[[int], Awaitable[list[Any]]]) -> None:
    """A loader that gets the council's id and returns the items of section `naam`.

    Registering a name again replaces it, so building the app twice (tests) is harmless.
    """
    if naam not in LEEG:
        raise ValueError(f"De startpagina kent geen onderdeel {naam!r}")
    _SECTIES[naam] = Sectie(naam, laad)


async def voor_gemeente(gemeente_id: int) -> dict[str, list[Any]]:
    """Every section's items for this council; each loader runs a fixed number of queries."""
    context = dict(LEEG)
    for sectie in _SECTIES.values():
        context[sectie.naam] = await sectie.laad(gemeente_id)
    return context


def sluit_tekst(sluit_at: datetime | None, nu: datetime) -> str:
    """When a poll closes, as a person says it: 'sluit vandaag om 17:00', 'sluit morgen om
    17:00', 'sluit overmorgen om 17:00', else 'sluit op vrijdag 4 december 2026 om 17:00';
    in the language of the page ('closes tomorrow at 17:00')."""
    if sluit_at is None:
        return _("sluit als de raad hem sluit")
    dag = tijd.local(sluit_at).date()
    verschil = (dag - tijd.local(nu).date()).days
    om = tijd.tijd(sluit_at)
    if verschil == 0:
        return _("sluit vandaag om %(tijd)s") % {"tijd": om}
    if verschil == 1:
        return _("sluit morgen om %(tijd)s") % {"tijd": om}
    if verschil == 2:
        return _("sluit overmorgen om %(tijd)s") % {"tijd": om}
    return _("sluit op %(datum)s om %(tijd)s") % {"datum": tijd.datum_lang(dag), "tijd": om}


def sluit_binnenkort(sluit_at: datetime | None, nu: datetime) -> bool:
    return sluit_at is not None and sluit_at - nu <= BINNENKORT
