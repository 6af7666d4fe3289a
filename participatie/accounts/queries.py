"""Reusable reads for the account pages."""

from __future__ import annotations

from typing import Any

from participatie.accounts.tables import Gebruiker, Gemeente, Rol
from participatie.spoor.tables import Spoorregel


async def list_gemeenten() -> list[dict[str, Any]]:
    return await Gemeente.select(
        Gemeente.id,
        Gemeente.slug,
        Gemeente.naam,
        Gemeente.raad_naam,
        Gemeente.regio.naam.as_alias("regio_naam"),
    ).order_by(Gemeente.naam)


async def get_gemeente(slug: str) -> dict[str, Any] | None:
    return (
        await Gemeente.select(
            Gemeente.id,
            Gemeente.slug,
            Gemeente.naam,
            Gemeente.raad_naam,
            Gemeente.regio.naam.as_alias("regio_naam"),
        )
        .where(Gemeente.slug == slug)
        .first()
    )


_GEBRUIKER_COLUMNS = (
    Gebruiker.id,
    Gebruiker.naam,
    Gebruiker.email,
    Gebruiker.rol,
    Gebruiker.is_actief,
    Gebruiker.gemeente.slug.as_alias("gemeente_slug"),
    Gebruiker.gemeente.naam.as_alias("gemeente_naam"),
)


async def list_gebruikers() -> list[dict[str, Any]]:
    return await Gebruiker.select(*_GEBRUIKER_COLUMNS).order_by(Gebruiker.rol).order_by(Gebruiker.naam)


async def get_gebruiker(gebruiker_id: int) -> dict[str, Any] | None:
    return await Gebruiker.select(*_GEBRUIKER_COLUMNS).where(Gebruiker.id == gebruiker_id).first()


async def raadsleden(gemeente_id: int) -> list[dict[str, Any]]:
    """The active council members of one council, by name: the one query every page uses.

    A member whose account was switched off is no longer offered as responsible or as host.
    """
    return (
        await Gebruiker.select(Gebruiker.id, Gebruiker.naam)
        .where(
            (Gebruiker.gemeente == gemeente_id)
            & (Gebruiker.rol == Rol.RAADSLID.value)
            & (Gebruiker.is_actief == True)  # noqa: E712 -- piccolo builds SQL from ==
        )
        .order_by(Gebruiker.naam)
    )


async def spoor_onderwerpen() -> list[str]:
    """The kinds of object the trail has lines about, for the beheerder's search form."""
    rows = await Spoorregel.select(Spoorregel.onderwerp).distinct().order_by(Spoorregel.onderwerp)
    return [row["onderwerp"] for row in rows]
