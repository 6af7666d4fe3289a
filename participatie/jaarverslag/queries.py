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

from piccolo.columns import Column
from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count, Sum
from piccolo.table import Table

from participatie import tijd
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid, Reactie
from participatie.focusgroepen.tables import Soort as LidSoort
from participatie.peilingen import talen
from participatie.peilingen.tables import Antwoord, Teller
from participatie.raden.tables import Vergadering
from participatie.vragen.domain import REACTIE_OORDELEN
from participatie.vragen.stappen import VOLGORDE, Stap
from participatie.vragen.tables import Activiteit, Gebeurtenis, Herkomst, Vraag

EERSTE_JAAR = 2020
BRONNEN = ("link", "code", "kiosk")
# Outreach that is not a form (vragen.tables.Activiteit.vorm), in the report's order.
BEREIKVORMEN = ("bezoek_op_locatie", "opiniebus", "spiegelgesprek", "sleutelfiguren")
# A language with fewer answers than this is shown as "minder dan 10": in a small language
# community a count of 2 or 3 comes close to naming the people who answered.
KLEINE_GROEP = 10
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


@dataclass(frozen=True)
class Taalregel:
    """The answers in one language. `aantal` is None when it is not shown exactly: below
    KLEINE_GROEP (`is_klein`), or hidden with it so that the total cannot give it away."""

    code: str
    naam: str  # the Dutch name (Babel's CLDR), or the tag when Babel does not know it
    aantal: int | None
    is_klein: bool


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
    ideeen: int = 0
    # people reached by outreach that is not a form, per vorm (by its date), and poll answers
    # per language (only when more than one was used)
    bereik_per_vorm: dict[str, int] = field(default_factory=dict)
    antwoorden_per_taal: list[Taalregel] = field(default_factory=list)
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
                any(self.bereik_per_vorm.values()),
                self.adviezen,
                self.bijeenkomsten,
                self.vergaderingen,
            )
        )


def _in(kolom: Any, jaar: int) -> Any:
    begin, eind = grenzen(jaar)
    return (kolom >= begin) & (kolom < eind)


async def _per(
    tabel: type[Table], kolom: Column, waar: Combinable, som: Column | None = None
) -> dict[str, int]:
    """How many rows of `tabel` match `waar` (or the sum of `som` over them), per value of
    `kolom`: one grouped query. A value without rows is absent; the caller adds the zeros."""
    maat = Count(tabel._meta.primary_key, alias="n") if som is None else Sum(som, alias="n")
    rows = await tabel.select(kolom, maat).where(waar).group_by(kolom)
    return {str(r[kolom._meta.name]): int(r["n"] or 0) for r in rows}


async def vragen(gemeente_id: int, jaar: int) -> tuple[dict[str, int], dict[str, int]]:
    """The vragen of this council that came in this year: per origin, and per step they are in now."""
    waar = (Vraag.gemeente == gemeente_id) & _in(Vraag.aangemaakt_at, jaar)
    return await _per(Vraag, Vraag.herkomst, waar), await _per(Vraag, Vraag.stap, waar)


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
    return await _per(Antwoord, Antwoord.bron, _antwoorden_van(gemeente_id, jaar))


def _antwoorden_van(gemeente_id: int, jaar: int) -> Combinable:
    return (Antwoord.peiling.gemeente == gemeente_id) & _in(Antwoord.ingediend_uur, jaar)


async def antwoorden_per_taal(gemeente_id: int, jaar: int) -> dict[str, int]:
    """Poll responses given this year, per language the form was answered in: from the
    language counts (Teller soort "taal", per Europe/Amsterdam year), as responses carry none."""
    waar = (Teller.peiling.gemeente == gemeente_id) & (Teller.soort == "taal") & (Teller.venster == jaar)
    # Every language of a poll has a row, also at 0: only those answered in count as used.
    return {code: n for code, n in (await _per(Teller, Teller.sleutel, waar, som=Teller.aantal)).items() if n}


def taalregels(per_taal: dict[str, int]) -> list[Taalregel]:
    """The language table: Dutch first, then the most used. Empty when only one language was
    used (then the table says nothing the total does not). A count below KLEINE_GROEP is not
    shown; when that hides exactly one count, the smallest shown one is hidden too, or the
    total minus the others would give it away."""
    if len(per_taal) < 2:
        return []
    volgorde = sorted(per_taal, key=lambda code: (code != "nl", -per_taal[code], code))
    klein = {code for code in volgorde if per_taal[code] < KLEINE_GROEP}
    verborgen = set(klein)
    if len(klein) == 1:
        verborgen.add(min(set(volgorde) - klein, key=lambda code: (per_taal[code], code)))
    regels = []
    for code in volgorde:
        info = talen.taal_info(code)
        regels.append(
            Taalregel(
                code=code,
                naam=info.naam_nl if info is not None else code,
                aantal=None if code in verborgen else per_taal[code],
                is_klein=code in klein,
            )
        )
    return regels


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


async def activiteiten(gemeente_id: int, jaar: int) -> int:
    """Outreach activities this year (by their date), of every vorm; the people they reached
    are in `bereik`, per vorm."""
    return await Activiteit.count().where(
        (Activiteit.vraag.gemeente == gemeente_id)
        & (Activiteit.op >= date(jaar, 1, 1))
        & (Activiteit.op < date(jaar + 1, 1, 1))
    )


async def bereik(gemeente_id: int, jaar: int) -> dict[str, int]:
    """People reached this year by outreach that is not a form (by the activity's date), per
    vorm. Totals of a visit or a bus stop: no individual is in them, so all are shown."""
    return await _per(
        Activiteit,
        Activiteit.vorm,
        (Activiteit.vraag.gemeente == gemeente_id)
        & (Activiteit.op >= date(jaar, 1, 1))
        & (Activiteit.op < date(jaar + 1, 1, 1)),
        som=Activiteit.bereikt,
    )


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
    per_vorm = await bereik(gemeente_id, jaar)
    per_taal = await antwoorden_per_taal(gemeente_id, jaar)
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
        activiteiten=bezoek,
        ideeen=herkomst.get(Herkomst.INWONER.value, 0),
        # The known vormen in order with their zeros; a vorm outside the list still counts.
        bereik_per_vorm={**{v: per_vorm.get(v, 0) for v in BEREIKVORMEN}, **per_vorm},
        antwoorden_per_taal=taalregels(per_taal),
        adviezen=advies[0],
        oordelen=advies[1],
        wacht_op_reactie=advies[2],
        te_laat=advies[3],
        vergaderingen=raad,
    )
