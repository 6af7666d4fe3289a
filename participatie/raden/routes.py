"""The councils' public website and the council's own page to keep it up. Thin: parse, guard,
one domain call or a few reads, render."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template
from litestar.types import ControllerRouterHandler

from participatie import taal, tijd
from participatie.accounts import queries as account_queries
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import PUBLIEK, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import STATIC_DIR, Settings
from participatie.focusgroepen import domain as focusgroepen
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import parse_id, read_form
from participatie.peilingen import adressen
from participatie.raden import agenda, domain, queries
from participatie.rapporten import domain as rapporten
from participatie.taalhulp import domain as taalhulp
from participatie.vragen.stappen import THEMAS

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
# How far back the feed reaches: a calendar that subscribed late still learns of a recent
# cancellation; older meetings no longer change.
FEED_TERUG = 60
THEMA_KEYS = {key for key, _ in THEMAS}


# --- public ---------------------------------------------------------------------------------


@get("/", opt=PUBLIEK)
async def home() -> Template:
    # The reads are independent: run side by side, the page waits for the slowest, not the sum.
    gemeenten, peilingen, inbreng = await asyncio.gather(
        account_queries.list_gemeenten(), queries.open_peilingen(None), queries.recent_inbreng(None, 5)
    )
    return Template(
        "home.html",
        context={"gemeenten": gemeenten, "peilingen": peilingen, "inbreng": inbreng, "thema": "ijmond"},
    )


@get("/{gemeente:str}", opt=PUBLIEK)
async def raad_page(gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    info = gemeente_info
    pagina, leden, peilingen, vergaderingen, rapporten_, inbreng, aantal = await asyncio.gather(
        queries.pagina(info.id),
        queries.zichtbare_leden(info.id),
        queries.open_peilingen(info.id),
        queries.vergaderingen(info.id, vanaf=tijd.now()),
        queries.rapporten(info.id),
        queries.recent_inbreng(info.id, 3),
        queries.aantal_inbreng(info.id),
    )
    return Template(
        "raden/raad.html",
        context={
            "gemeente": info,
            "pagina": pagina,
            "leden": leden,
            "peilingen": peilingen,
            "vergaderingen": vergaderingen,
            "rapporten": rapporten_,
            "inbreng": inbreng,
            "aantal_inbreng": aantal,
            # The year report links: this Dutch year so far, and the last one.
            "jaar": tijd.local(tijd.now()).year,
            "thema": info.slug,
        },
    )


@get("/{gemeente:str}/vergaderingen.ics", opt=PUBLIEK)
async def vergaderingen_ics(
    gemeente_info: NamedDependency[GemeenteRij], settings: NamedDependency[Settings]
) -> Response[bytes]:
    rows = await queries.vergaderingen(gemeente_info.id, vanaf=tijd.now() - timedelta(days=FEED_TERUG))
    return Response(
        content=agenda.feed(gemeente_info, rows, settings.base_url),
        media_type="text/calendar",
        headers={
            "Content-Disposition": f'inline; filename="vergaderingen-{gemeente_info.slug}.ics"',
            # Calendar programs poll the feed; a few minutes old is fine for a meeting list.
            "Cache-Control": "public, max-age=300",
        },
    )


@get("/{gemeente:str}/inbreng", opt=PUBLIEK)
async def inbreng_page(
    gemeente_info: NamedDependency[GemeenteRij],
    thema: FromQuery[str] = "",
    q: FromQuery[str] = "",
    pagina: FromQuery[str] = "",
) -> Template:
    """Every finished vraag with advice and reaction. Unknown themes and page numbers are
    ignored (all themes, page 1), so no query string can make this page fail."""
    gekozen = thema if thema in THEMA_KEYS else ""
    zoek = queries.clean_zoek(q)
    nummer = parse_id(pagina) or 1
    rijen, totaal = await queries.inbreng(gemeente_info.id, thema=gekozen, zoek=zoek, pagina=nummer)
    paginas = max(1, -(-totaal // queries.PER_PAGINA))
    return Template(
        "raden/inbreng.html",
        context={
            "gemeente": gemeente_info,
            "rijen": rijen,
            "totaal": totaal,
            "themas": [(key, taal.gettext(label)) for key, label in THEMAS],
            "gekozen": gekozen,
            "zoek": zoek,
            "pagina": min(nummer, paginas),
            "paginas": paginas,
            "thema": gemeente_info.slug,
        },
    )


async def _raad_uit_query(raad: str) -> tuple[GemeenteRij | None, str]:
    """The council named by ?raad= and its contact address; an unknown slug is ignored."""
    info = await account_queries.get_gemeente(raad) if raad.isascii() and raad.isalpha() else None
    if info is None:
        return None, ""
    return info, (await queries.pagina(info.id)).contact_email


async def _verklaring(template: str, raad: str) -> Template:
    info, contact = await _raad_uit_query(raad)
    return Template(
        template,
        context={
            "raad": info,
            "contact": contact,
            "gemeenten": await account_queries.list_gemeenten(),
            "contacten": await queries.contacten(),
            "thema": info.slug if info else "ijmond",
            # What the privacy statement promises is what the settings say (beheerder's page).
            "focusgroep_maanden": await focusgroepen.bewaartermijn_maanden(),
            "vervolg_maanden": await rapporten.vervolg_bewaartermijn_maanden(),
            "adres_maanden": await adressen.bewaartermijn_maanden(),
        },
    )


@get("/privacy", opt=PUBLIEK)
async def privacy(raad: FromQuery[str] = "") -> Template:
    return await _verklaring("raden/privacy.html", raad)


@get("/toegankelijkheid", opt=PUBLIEK)
async def toegankelijkheid(raad: FromQuery[str] = "") -> Template:
    return await _verklaring("raden/toegankelijkheid.html", raad)


ROBOTS = """User-agent: *
Allow: /
Disallow: /raad/
Disallow: /beheer/
Disallow: /gemeente/
Disallow: /p/
Disallow: /f/
Disallow: /mijn-gegevens
"""


@get("/robots.txt", opt=PUBLIEK)
async def robots() -> Response[str]:
    return Response(
        content=ROBOTS, media_type="text/plain", headers={"Cache-Control": "public, max-age=86400"}
    )


@get("/favicon.ico", opt=PUBLIEK)
async def favicon() -> File:
    return File(
        path=STATIC_DIR / "favicon.ico",
        media_type="image/x-icon",
        content_disposition_type="inline",
        headers={"Cache-Control": "public, max-age=604800"},
    )


# --- the council's side ---------------------------------------------------------------------


async def _site_context(
    user: Ingelogd,
    info: GemeenteRij,
    *,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    formulier: str = "",
    opgeslagen: str = "",
) -> dict[str, Any]:
    """`formulier` names the form the errors belong to ("tekst" or "vergadering")."""
    pagina = await queries.pagina(info.id)
    # The B1 signal of the council's text as typed (a refused form) or as stored (issue 15).
    tekst = (invoer or {}).get("tekst", "") if formulier == "tekst" else (pagina.tekst or "")
    return {
        "gemeente": info,
        "pagina": pagina,
        "tekst_signaal": await taalhulp.meet(tekst),
        "is_lid": user.rol is Rol.RAADSLID and user.gemeente_id == info.id,
        "is_zichtbaar": await queries.is_zichtbaar(user.id),
        "vergaderingen": await queries.vergaderingen(info.id, vanaf=tijd.now()),
        "fouten": fouten or {},
        "invoer": invoer or {},
        "formulier": formulier,
        "opgeslagen": opgeslagen,
    }


@get("/")
async def site_page(
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    opgeslagen: FromQuery[str] = "",
) -> Template:
    bekend = opgeslagen if opgeslagen in {"tekst", "zichtbaar", "vergadering", "geannuleerd"} else ""
    return Template("raden/site.html", context=await _site_context(user, gemeente_info, opgeslagen=bekend))


def _versie(data: dict[str, str]) -> int:
    return parse_id(data.get("versie", "")) or 0


@post("/tekst")
async def save_tekst(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]
) -> Template | Redirect:
    data = await read_form(request)
    try:
        await domain.save_pagina(
            user,
            gemeente_info,
            tekst=data.get("tekst", ""),
            contact_email=data.get("contact_email", ""),
            versie=_versie(data),
        )
    except OngeldigeInvoer as exc:
        context = await _site_context(user, gemeente_info, fouten=exc.fouten, invoer=data, formulier="tekst")
        return Template("raden/site.html", status_code=exc.status, context=context)
    return Redirect(path=f"/raad/{gemeente_info.slug}/site?opgeslagen=tekst#voorbeeld")


@post("/zichtbaar")
async def save_zichtbaar(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]
) -> Redirect:
    data = await read_form(request)
    await domain.set_zichtbaar(user, gemeente_info, zichtbaar=data.get("zichtbaar") == "ja")
    return Redirect(path=f"/raad/{gemeente_info.slug}/site?opgeslagen=zichtbaar#zichtbaar")


@post("/vergaderingen")
async def create_vergadering(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]
) -> Template | Redirect:
    data = await read_form(request)
    try:
        await domain.create_vergadering(user, gemeente_info, data)
    except OngeldigeInvoer as exc:
        context = await _site_context(
            user, gemeente_info, fouten=exc.fouten, invoer=data, formulier="vergadering"
        )
        return Template("raden/site.html", status_code=exc.status, context=context)
    return Redirect(path=f"/raad/{gemeente_info.slug}/site?opgeslagen=vergadering#vergaderingen")


def _vergadering_invoer(v: queries.VergaderingRij) -> dict[str, str]:
    return {
        "onderwerp": v.onderwerp,
        "plaats": v.plaats,
        "agenda": v.agenda,
        "datum": tijd.local(v.begint_at).date().isoformat(),
        "begin": tijd.tijd(v.begint_at),
        "eind": tijd.tijd(v.eindigt_at),
        "versie": str(v.versie),
    }


async def _vergadering_of_404(info: GemeenteRij, vergadering_id: int) -> queries.VergaderingRij:
    v = await queries.vergadering(info.id, vergadering_id)
    if v is None:
        raise NotFoundException()
    return v


@get("/vergaderingen/{vergadering_id:int}")
async def vergadering_page(
    gemeente_info: NamedDependency[GemeenteRij], vergadering_id: FromPath[int]
) -> Template:
    v = await _vergadering_of_404(gemeente_info, vergadering_id)
    return Template(
        "raden/vergadering.html",
        context={"gemeente": gemeente_info, "vergadering": v, "invoer": _vergadering_invoer(v), "fouten": {}},
    )


@post("/vergaderingen/{vergadering_id:int}")
async def update_vergadering(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vergadering_id: FromPath[int],
) -> Template | Redirect:
    v = await _vergadering_of_404(gemeente_info, vergadering_id)
    data = await read_form(request)
    try:
        await domain.update_vergadering(user, gemeente_info, vergadering_id, _versie(data), data)
    except OngeldigeInvoer as exc:
        return Template(
            "raden/vergadering.html",
            status_code=exc.status,
            context={"gemeente": gemeente_info, "vergadering": v, "invoer": data, "fouten": exc.fouten},
        )
    return Redirect(path=f"/raad/{gemeente_info.slug}/site?opgeslagen=vergadering#vergaderingen")


@post("/vergaderingen/{vergadering_id:int}/annuleren")
async def cancel_vergadering(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vergadering_id: FromPath[int],
) -> Redirect:
    data = await read_form(request)
    await domain.cancel_vergadering(user, gemeente_info, vergadering_id, _versie(data))
    return Redirect(path=f"/raad/{gemeente_info.slug}/site?opgeslagen=geannuleerd#vergaderingen")


ROUTES: list[ControllerRouterHandler] = [
    home,
    privacy,
    toegankelijkheid,
    robots,
    favicon,
    raad_page,
    vergaderingen_ics,
    inbreng_page,
    Router(
        path="/raad/{gemeente:str}/site",
        guards=raad,
        route_handlers=[
            site_page,
            save_tekst,
            save_zichtbaar,
            create_vergadering,
            vergadering_page,
            update_vergadering,
            cancel_vergadering,
        ],
    ),
]
