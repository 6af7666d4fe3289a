"""The figures of a council's year: small read-only counts over other domains' tables.

Nothing here writes and nothing is stored: every figure is counted again from what the domains
keep, so the report can never disagree with the pages it summarises. A year is the Dutch
calendar year (Europe/Amsterdam): 1 January 00:30 in Amsterdam is still 31 December in UTC,
and belongs to the new year.

Only counts leave this module: no names, addresses or typed texts, so the public page and the
PDF can show all of it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from participatie import tijd
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid, Reactie
from participatie.focusgroepen.tables import Soort as LidSoort
from participatie.peilingen.tables import Antwoord
from participatie.raden.tables import Vergadering
from participatie.vragen.domain import REACTIE_OORDELEN
from participatie.vragen.stappen import VOLGORDE, Stap
from participatie.vragen.tables import Activiteit, Gebeurtenis, Herkomst, Vraag

EERSTE_JAAR = 2020
BRONNEN = ("link", "code", "kiosk")
# Steps a vraag can spend time in (the last two are where it stays).
GEMETEN_STAPPEN = [s for s in VOLGORDE if s not in (Stap.AFGEROND, Stap.AFGEWEZEN)]
SECONDEN_PER_DAG = 86_400


def laatste_jaar() -> int:
    """Next year is the last one with a page: a council plans its meetings ahead."""
    return tijd.today().year + 1


def is_geldig_jaar(jaar: int) -> bool:
    return EERSTE_JAAR <= jaar <= laatste_jaar()


def grenzen(jaar: int) -> tuple[datetime, datetime]:
    """The year's first moment and the next year's first moment on the Dutch clock, in UTC."""
    begin = datetime(jaar, 1, 1, tzinfo=tijd.AMSTERDAM).astimezone(UTC)
    eind = datetime(jaar + 1, 1, 1, tzinfo=tijd.AMSTERDAM).astimezone(UTC)
    return begin, eind


@dataclass
class Stapduur:
    stap: Stap
    aantal: int  # how many stays in this step ended in the year and could be measured
    mediaan_dagen: float | None


@dataclass
class Jaarcijfers:
    jaar: int
    # vragen that came in this year
    herkomst: dict[str, int] = field(default_factory=dict)
    binnengekomen: int = 0
    per_stap: dict[str, int] = field(default_factory=dict)
    # time per step: stays that ended this year
    stapduur: list[Stapduur] = field(default_factory=list)
    stapwissels_zonder_begin: int = 0
    # residents reached
    antwoorden: dict[str, int] = field(default_factory=dict)
    antwoorden_totaal: int = 0
    focusgroepen: int = 0
    focusgroep_inwoners: int = 0
    aanwezig_inwoners: int = 0
    activiteiten: int = 0
    activiteit_bereikt: int = 0
    ideeen: int = 0
    # advice sent this year, and what the municipality did with it
    adviezen: int = 0
    oordelen: dict[str, int] = field(default_factory=dict)
    wacht_op_reactie: int = 0
    te_laat: int = 0
    # meetings held
    bijeenkomsten: int = 0
    vergaderingen: int = 0

    @property
    def is_leeg(self) -> bool:
        return not any(
            (
                self.binnengekomen,
                self.stapduur and any(s.aantal for s in self.stapduur),
                self.antwoorden_totaal,
                self.focusgroepen,
                self.aanwezig_inwoners,
                self.activiteiten,
                self.adviezen,
                self.bijeenkomsten,
                self.vergaderingen,
            )
        )


def _in(kolom: Any, jaar: int) -> Any:
    begin, eind = grenzen(jaar)
    return (kolom >= begin) & (kolom < eind)


def _telling(rows: list[dict[str, Any]], sleutel: str) -> dict[str, int]:
    return {str(r[sleutel]): int(r["n"]) for r in rows}


async def vragen(gemeente_id: int, jaar: int) -> tuple[dict[str, int], dict[str, int]]:
    """The vragen of this council that came in this year: per origin, and per step they are in now."""
    waar = (Vraag.gemeente == gemeente_id) & _in(Vraag.aangemaakt_at, jaar)
    herkomst = (
        await Vraag.select(Vraag.herkomst, Count(Vraag.id, alias="n")).where(waar).group_by(Vraag.herkomst)
    )
    stap = await Vraag.select(Vraag.stap, Count(Vraag.id, alias="n")).where(waar).group_by(Vraag.stap)
    return _telling(herkomst, "herkomst"), _telling(stap, "stap")


async def stapduur(gemeente_id: int, jaar: int) -> tuple[list[Stapduur], int]:
    """The median days a vraag spent in each step, over the stays that ended this year.

    A stay is measured from the step change that brought the vraag in to the one that took it
    out (the timeline keeps both with their moment). A change whose start is not on the
    timeline (older data, or an import) cannot be measured: it is counted, so the page can say so.
    """
    _, eind = grenzen(jaar)
    rows = (
        await Gebeurtenis.select(
            Gebeurtenis.vraag, Gebeurtenis.at, Gebeurtenis.van_stap, Gebeurtenis.naar_stap
        )
        .where(
            Gebeurtenis.vraag.is_in(Vraag.select(Vraag.id).where(Vraag.gemeente == gemeente_id))
            & Gebeurtenis.soort.is_in(["stap", "terug"])
            & (Gebeurtenis.at < eind)
        )
        .order_by(Gebeurtenis.vraag)
        .order_by(Gebeurtenis.at)
        .order_by(Gebeurtenis.id)
    )
    begin, _ = grenzen(jaar)
    duren: dict[str, list[float]] = {s.value: [] for s in GEMETEN_STAPPEN}
    zonder_begin = 0
    vorige: dict[str, Any] | None = None
    for r in rows:
        at = tijd.as_utc(r["at"])
        eerder = vorige if vorige is not None and vorige["vraag"] == r["vraag"] else None
        vorige = {**r, "at": at}
        if at < begin or r["van_stap"] is None:
            continue  # before the year, or the vraag's arrival (no step to leave)
        if eerder is None or eerder["naar_stap"] != r["van_stap"] or r["van_stap"] not in duren:
            zonder_begin += 1
            continue
        duren[r["van_stap"]].append((at - eerder["at"]).total_seconds() / SECONDEN_PER_DAG)
    return [
        Stapduur(
            stap=s,
            aantal=len(duren[s.value]),
            mediaan_dagen=statistics.median(duren[s.value]) if duren[s.value] else None,
        )
        for s in GEMETEN_STAPPEN
    ], zonder_begin


async def antwoorden(gemeente_id: int, jaar: int) -> dict[str, int]:
    """Poll responses given this year, per way in (link, code, kiosk). Kept to the hour, which
    is enough for a year."""
    rows = (
        await Antwoord.select(Antwoord.bron, Count(Antwoord.id, alias="n"))
        .where((Antwoord.peiling.gemeente == gemeente_id) & _in(Antwoord.ingediend_uur, jaar))
        .group_by(Antwoord.bron)
    )
    return _telling(rows, "bron")


async def focusgroepen(gemeente_id: int, jaar: int) -> tuple[int, int]:
    """Focus groups started this year and their residents. After the residents' data are removed
    the group keeps the number (`aantal_inwoners`); until then the members are counted."""
    groepen = await Focusgroep.select(Focusgroep.id, Focusgroep.aantal_inwoners).where(
        (Focusgroep.gemeente == gemeente_id) & _in(Focusgroep.aangemaakt_at, jaar)
    )
    bewaard = sum(g["aantal_inwoners"] for g in groepen if g["aantal_inwoners"] is not None)
    te_tellen = [g["id"] for g in groepen if g["aantal_inwoners"] is None]
    leden = 0
    if te_tellen:
        leden = await Lid.count().where(
            Lid.focusgroep.is_in(te_tellen) & (Lid.soort == LidSoort.INWONER.value)
        )
    return len(groepen), bewaard + leden


async def bijeenkomsten(gemeente_id: int, jaar: int, nu: datetime) -> tuple[int, int]:
    """Focus group meetings held this year (begun by now, not cancelled) and how many times
    residents came: the kept number, or the members marked present."""
    rows = await Bijeenkomst.select(Bijeenkomst.id, Bijeenkomst.aanwezig_inwoners).where(
        (Bijeenkomst.focusgroep.gemeente == gemeente_id)
        & _in(Bijeenkomst.begint_at, jaar)
        & (Bijeenkomst.begint_at <= nu)
        & (Bijeenkomst.geannuleerd == False)  # noqa: E712
    )
    bewaard = sum(b["aanwezig_inwoners"] for b in rows if b["aanwezig_inwoners"] is not None)
    te_tellen = [b["id"] for b in rows if b["aanwezig_inwoners"] is None]
    aanwezig = 0
    if te_tellen:
        aanwezig = await Reactie.count().where(
            Reactie.bijeenkomst.is_in(te_tellen)
            & (Reactie.aanwezig == True)  # noqa: E712
            & (Reactie.lid.soort == LidSoort.INWONER.value)
        )
    return len(rows), bewaard + aanwezig


async def activiteiten(gemeente_id: int, jaar: int) -> tuple[int, int]:
    """Outreach visits this year (by their date) and the residents spoken to."""
    rows = await Activiteit.select(Activiteit.bereikt).where(
        (Activiteit.vraag.gemeente == gemeente_id)
        & (Activiteit.op >= date(jaar, 1, 1))
        & (Activiteit.op < date(jaar + 1, 1, 1))
    )
    return len(rows), sum(r["bereikt"] for r in rows)


async def adviezen(gemeente_id: int, jaar: int, vandaag: date) -> tuple[int, dict[str, int], int, int]:
    """Advice sent this year (written this year and past the advies step), the municipality's
    verdicts on it, how many still wait, and how many of those are late (the borging rule:
    expected before today)."""
    rows = await Vraag.select(Vraag.reactie_oordeel, Vraag.reactie_at, Vraag.reactie_verwacht_op).where(
        (Vraag.gemeente == gemeente_id)
        & _in(Vraag.advies_at, jaar)
        & Vraag.stap.is_in([Stap.BORGING.value, Stap.AFGEROND.value])
    )
    oordelen = {o: 0 for o, _ in REACTIE_OORDELEN}
    wacht = te_laat = 0
    for r in rows:
        if r["reactie_at"] is None or r["reactie_oordeel"] is None:
            wacht += 1
            if r["reactie_verwacht_op"] is not None and r["reactie_verwacht_op"] < vandaag:
                te_laat += 1
        elif r["reactie_oordeel"] in oordelen:
            oordelen[r["reactie_oordeel"]] += 1
    return len(rows), oordelen, wacht, te_laat


async def vergaderingen(gemeente_id: int, jaar: int, nu: datetime) -> int:
    """Public council meetings held this year (begun by now, not cancelled)."""
    return await Vergadering.count().where(
        (Vergadering.gemeente == gemeente_id)
        & _in(Vergadering.begint_at, jaar)
        & (Vergadering.begint_at <= nu)
        & (Vergadering.is_geannuleerd == False)  # noqa: E712
    )


async def jaarcijfers(gemeente_id: int, jaar: int, nu: datetime | None = None) -> Jaarcijfers:
    """Every figure of the year report of this council."""
    nu = nu or tijd.now()
    vandaag = nu.astimezone(tijd.AMSTERDAM).date()
    # One after the other: each is a small count, and SQLite has one connection anyway.
    herkomst, per_stap = await vragen(gemeente_id, jaar)
    duur, zonder_begin = await stapduur(gemeente_id, jaar)
    bronnen = await antwoorden(gemeente_id, jaar)
    groepen = await focusgroepen(gemeente_id, jaar)
    gehouden = await bijeenkomsten(gemeente_id, jaar, nu)
    bezoek = await activiteiten(gemeente_id, jaar)
    advies = await adviezen(gemeente_id, jaar, vandaag)
    raad = await vergaderingen(gemeente_id, jaar, nu)
    return Jaarcijfers(
        jaar=jaar,
        herkomst={h.value: herkomst.get(h.value, 0) for h in Herkomst},
        binnengekomen=sum(herkomst.values()),
        per_stap={s.value: per_stap.get(s.value, 0) for s in VOLGORDE},
        stapduur=duur,
        stapwissels_zonder_begin=zonder_begin,
        antwoorden={b: bronnen.get(b, 0) for b in BRONNEN},
        antwoorden_totaal=sum(bronnen.values()),
        focusgroepen=groepen[0],
        focusgroep_inwoners=groepen[1],
        bijeenkomsten=gehouden[0],
        aanwezig_inwoners=gehouden[1],
        activiteiten=bezoek[0],
        activiteit_bereikt=bezoek[1],
        ideeen=herkomst.get(Herkomst.INWONER.value, 0),
        adviezen=advies[0],
        oordelen=advies[1],
        wacht_op_reactie=advies[2],
        te_laat=advies[3],
        vergaderingen=raad,
    )
