"""Reusable reads for the account pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from participatie.accounts.tables import Gebruiker, Gemeente, Rol
from participatie.spoor.tables import Spoorregel


@dataclass(frozen=True)
class GemeenteRij:
    """A council as every page shows it (the `gemeente_info` dependency of the routes)."""

    id: int
    slug: str
    naam: str
    raad_naam: str
    regio_naam: str


_GEMEENTE_COLUMNS = (
    Gemeente.id,
    Gemeente.slug,
    Gemeente.naam,
    Gemeente.raad_naam,
    Gemeente.regio._.naam.as_alias("regio_naam"),
)


async def list_gemeenten() -> list[GemeenteRij]:
    return [GemeenteRij(**row) for row in await Gemeente.select(*_GEMEENTE_COLUMNS).order_by(Gemeente.naam)]


async def get_gemeente(slug: str) -> GemeenteRij | None:
    row = await Gemeente.select(*_GEMEENTE_COLUMNS).where(Gemeente.slug == slug).first()
    return GemeenteRij(**row) if row is not None else None


@dataclass(frozen=True)
class Account:
    """An account as the beheerder's pages show it."""

    id: int
    naam: str
    email: str
    rol: Rol
    is_actief: bool
    gemeente_slug: str | None
    gemeente_naam: str | None


_ACCOUNT_COLUMNS = (
    Gebruiker.id,
    Gebruiker.naam,
    Gebruiker.email,
    Gebruiker.rol,
    Gebruiker.is_actief,
    Gebruiker.gemeente._.slug.as_alias("gemeente_slug"),
    Gebruiker.gemeente._.naam.as_alias("gemeente_naam"),
)


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"],
        naam=row["naam"],
        email=row["email"],
        rol=Rol(row["rol"]),
        is_actief=bool(row["is_actief"]),
        gemeente_slug=row["gemeente_slug"],
        gemeente_naam=row["gemeente_naam"],
    )


async def list_gebruikers() -> list[Account]:
    rows = await Gebruiker.select(*_ACCOUNT_COLUMNS).order_by(Gebruiker.rol).order_by(Gebruiker.naam)
    return [_account(row) for row in rows]


async def get_gebruiker(gebruiker_id: int) -> Account | None:
    row = await Gebruiker.select(*_ACCOUNT_COLUMNS).where(Gebruiker.id == gebruiker_id).first()
    return _account(row) if row is not None else None


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
