"""Reads for the board and the vraag page. The board is one query, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from participatie.accounts.tables import Gebruiker, Rol
from participatie.vragen.domain import today
from participatie.vragen.stappen import VOLGORDE, Stap
from participatie.vragen.tables import Activiteit, Gebeurtenis, Scope, Vraag

DEADLINE_NEAR = timedelta(days=14)


@dataclass(frozen=True)
class BoardFilter:
    thema: str = ""
    stap: str = ""
    herkomst: str = ""
    deadline: str = ""  # "" | "dichtbij" | "verlopen"
    zoek: str = ""


async def board(gemeente_id: int, f: BoardFilter) -> dict[Stap, list[dict[str, Any]]]:
    """The vragen of this council and the IJmond-wide ones, per step column."""
    where = (Vraag.gemeente == gemeente_id) | (Vraag.scope == Scope.REGIO.value)
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
        term = f"%{f.zoek.replace('%', '').replace('_', '')[:100]}%"
        # SQLite's LIKE already ignores case (for ASCII) and has no ILIKE.
        if Vraag._meta.db.engine_type == "sqlite":
            where &= Vraag.titel.like(term) | Vraag.tekst.like(term)
        else:
            where &= Vraag.titel.ilike(term) | Vraag.tekst.ilike(term)
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
    columns: dict[Stap, list[dict[str, Any]]] = {stap: [] for stap in VOLGORDE}
    for row in rows:
        columns[Stap(row["stap"])].append(row)
    return columns


async def timeline(vraag_id: int, *, with_internal: bool) -> list[dict[str, Any]]:
    where = Gebeurtenis.vraag == vraag_id
    if not with_internal:
        where &= Gebeurtenis.is_intern == False  # noqa: E712 -- piccolo builds SQL from ==
    return (
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


async def activiteiten(vraag_id: int) -> list[dict[str, Any]]:
    return (
        await Activiteit.select(Activiteit.waar, Activiteit.op, Activiteit.bereikt, Activiteit.notities)
        .where(Activiteit.vraag == vraag_id)
        .order_by(Activiteit.op)
    )


async def raadsleden(gemeente_id: int) -> list[dict[str, Any]]:
    return (
        await Gebruiker.select(Gebruiker.id, Gebruiker.naam)
        .where((Gebruiker.gemeente == gemeente_id) & (Gebruiker.rol == Rol.RAADSLID.value))
        .order_by(Gebruiker.naam)
    )


async def aanvragen_van(gemeente_id: int) -> list[dict[str, Any]]:
    """The adviesaanvragen of one municipality, for its ambtenaren."""
    return (
        await Vraag.select(Vraag.id, Vraag.titel, Vraag.stap, Vraag.advies_gewenst_op, Vraag.aangemaakt_at)
        .where((Vraag.gemeente == gemeente_id) & (Vraag.herkomst == "gemeente"))
        .order_by(Vraag.id, ascending=False)
    )
