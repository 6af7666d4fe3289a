"""Realistic demo data for a first look: the IJmond councils and people to log in as."""

from __future__ import annotations

from dataclasses import dataclass

from participatie.accounts import domain as accounts
from participatie.accounts.tables import Gebruiker, Rol
from participatie.config import Settings

DEMO_PASSWORD = "ijmond-demo-wachtwoord"  # noqa: S105 -- printed on purpose, demo only

GEMEENTEN = [
    ("velsen", "Velsen", "Participatieraad Velsen"),
    ("beverwijk", "Beverwijk", "Participatieraad Beverwijk"),
    ("heemskerk", "Heemskerk", "Participatieraad Heemskerk"),
]

MENSEN = [
    ("beheer@participatie.example", "Sandra Beheer", Rol.BEHEERDER, None),
    ("dorine.vermeulen@velsen.example", "Dorine Vermeulen", Rol.RAADSLID, "velsen"),
    ("ahmed.elidrissi@velsen.example", "Ahmed El Idrissi", Rol.RAADSLID, "velsen"),
    ("marja.vanleeuwen@beverwijk.example", "Marja van Leeuwen", Rol.AMBTENAAR, "beverwijk"),
    ("kees.bakker@beverwijk.example", "Kees Bakker", Rol.RAADSLID, "beverwijk"),
    ("fatma.yilmaz@beverwijk.example", "Fatma Yilmaz", Rol.RAADSLID, "beverwijk"),
    ("joris.jansbeken@heemskerk.example", "Joris Jansbeken", Rol.RAADSLID, "heemskerk"),
    ("ineke.smit@heemskerk.example", "Ineke Smit", Rol.RAADSLID, "heemskerk"),
    ("pieter.devries@velsen.example", "Pieter de Vries", Rol.AMBTENAAR, "velsen"),
    ("lotte.kramer@heemskerk.example", "Lotte Kramer", Rol.AMBTENAAR, "heemskerk"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    naam: str
    rol: str
    gemeente: str | None


async def load_demo(settings: Settings) -> list[DemoLogin]:
    """Fill an empty database; does nothing to one that already has accounts."""
    regio_id = await accounts.ensure_regio("ijmond", "IJmond")
    for slug, naam, raad_naam in GEMEENTEN:
        await accounts.ensure_gemeente(slug, naam, raad_naam, regio_id)
    logins = [DemoLogin(email, naam, rol.value, gemeente) for email, naam, rol, gemeente in MENSEN]
    if await Gebruiker.count() > 0:
        return logins
    for login in logins:
        await accounts.create_gebruiker(
            settings,
            email=login.email,
            naam=login.naam,
            wachtwoord=DEMO_PASSWORD,
            rol=login.rol,
            gemeente_slug=login.gemeente,
            door=None,
        )
    return logins
