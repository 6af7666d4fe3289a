"""Reads for the board and the vraag page. The board is one query, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Min

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.vragen.domain import today
from participatie.vragen.stappen import VOLGORDE, Stap
from participatie.vragen.tables import Activiteit, Bijlage, Gebeurtenis, Herkomst, Scope, Vraag
from participatie.zoek import contains

DEADLINE_NEAR = timedelta(days=14)


@dataclass(frozen=True)
class BoardFilter:
    thema: str = ""
    stap: str = ""
    herkomst: str = ""
    deadline: str = ""  # "" | "dichtbij" | "verlopen"
    zoek: str = ""


KAARTEN_PER_KOLOM = 25


@dataclass
class Kolom:
    stap: Stap
    kaarten: list[dict[str, Any]] = field(default_factory=list)
    totaal: int = 0


def of_gemeente(gemeente_id: int) -> Any:
    """The vragen of this council and the IJmond-wide ones of its own region (never another's)."""
    eigen_regio = Gemeente.select(Gemeente.regio).where(Gemeente.id == gemeente_id)
    return (Vraag.gemeente == gemeente_id) | (
        (Vraag.scope == Scope.REGIO.value) & Vraag.gemeente.regio.is_in(eigen_regio)
    )


async def board(gemeente_id: int, f: BoardFilter) -> dict[Stap, Kolom]:
    """The vragen of this council and the IJmond-wide ones, per step column."""
    where = of_gemeente(gemeente_id)
    if f.thema:
        where &= Vraag.thema == f.thema
    if f.stap:
        where &= Vraag.stap == f.stap
    if f.herkomst:
        where &= Vraag.herkomst == f.herkomst
    if f.deadline == "verlopen":
        where &= Vraag.deadline < today()
    elif f.deadline == "dichtbij":
        where &= (Vraag.deadline >= today()) & (Vraag.deadline <= today() + DEADLINE_NEAR)
    if f.zoek:
        where &= contains(Vraag.titel, f.zoek) | contains(Vraag.tekst, f.zoek)
    rows = (
        await Vraag.select(
            Vraag.id,
            Vraag.titel,
            Vraag.stap,
            Vraag.versie,
            Vraag.thema,
            Vraag.herkomst,
            Vraag.scope,
            Vraag.deadline,
            Vraag.prioriteit,
            Vraag.gemeente.naam.as_alias("gemeente_naam"),
        )
        .where(where)
        .order_by(Vraag.deadline)
        .order_by(Vraag.id, ascending=False)
    )
    columns: dict[Stap, Kolom] = {stap: Kolom(stap) for stap in VOLGORDE}
    for row in rows:
        column = columns[Stap(row["stap"])]
        column.totaal += 1
        # A column shows its first cards; filtering on its step shows them all.
        if f.stap or len(column.kaarten) < KAARTEN_PER_KOLOM:
            column.kaarten.append(row)
    return columns


@dataclass(frozen=True)
class TijdlijnRegel:
    """One entry of a vraag's timeline as the pages show it."""

    at: datetime  # aware UTC; the pages show it on the Dutch clock
    soort: str  # stap | terug | inhoud | notitie
    van_stap: str | None
    naar_stap: str | None
    notitie: str
    door_naam: str | None


@dataclass(frozen=True)
class ActiviteitRegel:
    """An outreach visit as the vraag page and the report show it."""

    waar: str
    op: date
    bereikt: int
    notities: str

    def __getitem__(self, key: str) -> Any:
        # The bridge for rapporten/inhoud.py, which reads activities as dicts (a["waar"]).
        return getattr(self, key)


async def timeline(vraag_id: int, *, with_internal: bool) -> list[TijdlijnRegel]:
    where: Any = Gebeurtenis.vraag == vraag_id  # Where, then And: piccolo's combinators differ in type
    if not with_internal:
        where &= Gebeurtenis.is_intern == False  # noqa: E712 -- piccolo builds SQL from ==
    rows = (
        await Gebeurtenis.select(
            Gebeurtenis.at,
            Gebeurtenis.soort,
            Gebeurtenis.van_stap,
            Gebeurtenis.naar_stap,
            Gebeurtenis.notitie,
            Gebeurtenis.door.naam.as_alias("door_naam"),
        )
        .where(where)
        .order_by(Gebeurtenis.at, ascending=False)
        .order_by(Gebeurtenis.id, ascending=False)
    )
    return [TijdlijnRegel(**{**r, "at": tijd.as_utc(r["at"])}) for r in rows]


async def activiteiten(vraag_id: int) -> list[ActiviteitRegel]:
    rows = (
        await Activiteit.select(Activiteit.waar, Activiteit.op, Activiteit.bereikt, Activiteit.notities)
        .where(Activiteit.vraag == vraag_id)
        .order_by(Activiteit.op)
    )
    return [ActiviteitRegel(**r) for r in rows]


async def aanvragen_van(gemeente_id: int) -> list[dict[str, Any]]:
    """The adviesaanvragen of one municipality, for its ambtenaren."""
    return (
        await Vraag.select(
            Vraag.id,
            Vraag.titel,
            Vraag.stap,
            Vraag.advies_gewenst_op,
            Vraag.aangemaakt_at,
            Vraag.ingediend_door,
            Vraag.reactie_at,
            Vraag.advies_at,
        )
        .where((Vraag.gemeente == gemeente_id) & (Vraag.herkomst == Herkomst.GEMEENTE.value))
        .order_by(Vraag.id, ascending=False)
    )


async def bijlagen(vraag_id: int) -> list[dict[str, Any]]:
    """The attachments of a vraag without their content."""
    return (
        await Bijlage.select(Bijlage.id, Bijlage.bestandsnaam, Bijlage.soort, Bijlage.grootte)
        .where(Bijlage.vraag == vraag_id)
        .order_by(Bijlage.id)
    )


async def bijlage(vraag_id: int, bijlage_id: int) -> dict[str, Any] | None:
    return (
        await Bijlage.select(Bijlage.bestandsnaam, Bijlage.soort, Bijlage.inhoud)
        .where((Bijlage.id == bijlage_id) & (Bijlage.vraag == vraag_id))
        .first()
    )


async def stap_data(vraag_ids: list[int]) -> dict[int, dict[str, Any]]:
    """When each vraag first entered each step: one grouped query for the whole export."""
    if not vraag_ids:
        return {}
    rows = (
        await Gebeurtenis.select(Gebeurtenis.vraag, Gebeurtenis.naar_stap, Min(Gebeurtenis.at, alias="eerst"))
        .where(Gebeurtenis.vraag.is_in(vraag_ids) & (Gebeurtenis.soort == "stap"))
        .group_by(Gebeurtenis.vraag, Gebeurtenis.naar_stap)
    )
    result: dict[int, dict[str, Any]] = {}
    for row in rows:
        eerst = row["eerst"]
        # SQLite hands an aggregate back as the stored text, PostgreSQL as a datetime.
        if isinstance(eerst, str):
            eerst = datetime.fromisoformat(eerst)
        result.setdefault(row["vraag"], {})[row["naar_stap"]] = eerst
    return result


async def export_rows(gemeente_id: int) -> list[dict[str, Any]]:
    where = of_gemeente(gemeente_id)
    return (
        await Vraag.select(
            Vraag.id,
            Vraag.titel,
            Vraag.herkomst,
            Vraag.gemeente.naam.as_alias("gemeente_naam"),
            Vraag.scope,
            Vraag.thema,
            Vraag.prioriteit,
            Vraag.stap,
            Vraag.participatievormen,
            Vraag.deadline,
            Vraag.advies_at,
            Vraag.reactie_oordeel,
            Vraag.reactie_at,
        )
        .where(where)
        .order_by(Vraag.id)
        .output(load_json=True)
    )


async def aanvraag_timeline(vraag_id: int) -> list[TijdlijnRegel]:
    """What the ambtenaar may see: step changes and public entries, never internal notes."""
    return await timeline(vraag_id, with_internal=False)


# --- what the council member's start page asks of vragen ----------------------------------------


def ids_of_gemeente(gemeente_id: int) -> Any:
    """A subquery of the ids of `of_gemeente`, for domains that hang off a vraag (polls,
    focus groups, reports): their own query filters on it, so they never read vragen's tables."""
    return Vraag.select(Vraag.id).where(of_gemeente(gemeente_id))


async def te_trechteren(gemeente_id: int) -> list[dict[str, Any]]:
    """The new vragen (step binnengekomen) of this council and its region, oldest first."""
    rows = (
        await Vraag.select(
            Vraag.id,
            Vraag.titel,
            Vraag.aangemaakt_at,
            Vraag.scope,
            Vraag.gemeente.naam.as_alias("gemeente_naam"),
        )
        .where(of_gemeente(gemeente_id) & (Vraag.stap == Stap.BINNENGEKOMEN.value))
        .order_by(Vraag.aangemaakt_at)
        .order_by(Vraag.id)
    )
    return [{**r, "aangemaakt_at": tijd.as_utc(r["aangemaakt_at"])} for r in rows]


async def borging_te_laat(gemeente_id: int, vandaag: date | None = None) -> list[dict[str, Any]]:
    """Vragen in borging whose municipal reaction was expected before today (Dutch date) and
    has not come, longest overdue first, each with `dagen_te_laat`. The same rule as the
    reminder job (domain.remind_overdue_borging)."""
    vandaag = vandaag or tijd.today()
    rows = (
        await Vraag.select(Vraag.id, Vraag.titel, Vraag.reactie_verwacht_op)
        .where(
            of_gemeente(gemeente_id)
            & (Vraag.stap == Stap.BORGING.value)
            & Vraag.reactie_at.is_null()
            & (Vraag.reactie_verwacht_op < vandaag)
        )
        .order_by(Vraag.reactie_verwacht_op)
        .order_by(Vraag.id)
    )
    return [{**r, "dagen_te_laat": (vandaag - r["reactie_verwacht_op"]).days} for r in rows]
