"""Plain factories for the councils' public pages: finished vragen, open polls, meetings."""

from __future__ import annotations

import secrets
from datetime import timedelta

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.peilingen.tables import Peiling
from participatie.raden.tables import Vergadering
from participatie.vragen.tables import Vraag

# The browser fixtures of tests/e2e (a real app process, Debian's chromium) for this folder's
# browser test.
from tests.e2e.conftest import _chromium, browser, live_server  # noqa: F401


async def gemeente_id(slug: str) -> int:
    row = await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first()
    assert row is not None
    return row["id"]


async def make_klaar(
    slug: str,
    titel: str,
    *,
    thema: str = "wonen",
    scope: str = "gemeente",
    stap: str = "afgerond",
    advies: str = "Maak het **eenvoudiger**.",
    oordeel: str | None = "overgenomen",
    toelichting: str = "We doen het zo.",
    tekst: str = "De tekst die de inwoner typte.",
    inwoner_email: str | None = None,
    dagen_geleden: int = 1,
) -> int:
    """A vraag whose advice has gone out (borging) or that is done (afgerond)."""
    nu = tijd.now()
    rows = await Vraag.insert(
        Vraag(
            titel=titel,
            tekst=tekst,
            herkomst="inwoner",
            gemeente=await gemeente_id(slug),
            scope=scope,
            thema=thema,
            prioriteit="normaal",
            stap=stap,
            advies_tekst=advies,
            advies_aan="Wethouder Sociaal Domein",
            advies_at=nu - timedelta(days=dagen_geleden),
            reactie_oordeel=oordeel if stap == "afgerond" else None,
            reactie_toelichting=toelichting if stap == "afgerond" else "",
            reactie_at=nu if stap == "afgerond" else None,
            inwoner_email=inwoner_email,
            aangemaakt_at=nu - timedelta(days=30),
            stap_sinds_at=nu,
        )
    )
    return int(rows[0]["id"])


async def make_open_vraag(slug: str, titel: str, *, scope: str = "gemeente") -> int:
    nu = tijd.now()
    rows = await Vraag.insert(
        Vraag(
            titel=titel,
            tekst="tekst",
            herkomst="raad",
            gemeente=await gemeente_id(slug),
            scope=scope,
            thema="ouderen",
            stap="voorleggen",
            aangemaakt_at=nu,
            stap_sinds_at=nu,
        )
    )
    return int(rows[0]["id"])


async def make_peiling(
    slug: str,
    titel: str,
    *,
    scope: str = "gemeente",
    toegang: str = "link",
    status: str = "open",
    dagen: int | None = 7,
) -> str:
    vraag_id = await make_open_vraag(slug, f"Vraag bij {titel}", scope=scope)
    sleutel = secrets.token_urlsafe(8)[:12]
    nu = tijd.now()
    await Peiling.insert(
        Peiling(
            vraag=vraag_id,
            gemeente=await gemeente_id(slug),
            titel=titel,
            sleutel=sleutel,
            toegang=toegang,
            status=status,
            sluit_at=nu + timedelta(days=dagen) if dagen is not None else None,
            aangemaakt_at=nu,
        )
    )
    return sleutel


async def make_vergadering(
    slug: str, onderwerp: str, *, over_dagen: int = 7, geannuleerd: bool = False
) -> int:
    nu = tijd.now()
    begin = (nu + timedelta(days=over_dagen)).replace(microsecond=0)
    rows = await Vergadering.insert(
        Vergadering(
            gemeente=await gemeente_id(slug),
            begint_at=begin,
            eindigt_at=begin + timedelta(hours=2),
            plaats="Stadhuis, raadzaal",
            onderwerp=onderwerp,
            agenda="1. Opening\n2. Minimabeleid",
            is_geannuleerd=geannuleerd,
            versie=1,
            aangemaakt_at=nu,
            gewijzigd_at=nu,
        )
    )
    return int(rows[0]["id"])
