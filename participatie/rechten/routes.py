"""The routes of rechten: /mijn-gegevens and the data page behind a mailed link.

Every route is public (a resident has no account); what identifies them is the short session a
used link started (domain.py). Refused links and ended sessions get their own page with the
form for a new link, not the general error page: the way on is right there.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie.accounts.guards import PUBLIEK
from participatie.config import Settings
from participatie.fouten import NietGevonden, OngeldigeInvoer
from participatie.invoer import read_form
from participatie.rechten import bron as bronnen
from participatie.rechten import domain
from participatie.rechten.domain import LinkOngeldig, SessieVerlopen
from participatie.taal import huidige_taal

PAD = "/mijn-gegevens"
GEEN_CACHE = {"Cache-Control": "no-store"}


def register_bronnen(settings: Settings) -> None:
    """Register the bronnen of the domains that existed before rechten. Idempotent (a bron is
    registered under its naam). The app calls this once, from create_app."""
    from participatie.focusgroepen import rechten as focusgroepen
    from participatie.mail import rechten as mail
    from participatie.peilingen import rechten as peilingen
    from participatie.vragen import rechten as vragen

    bronnen.register(vragen.BRON)
    bronnen.register(peilingen.make_bron(settings.secret_ring))
    bronnen.register(focusgroepen.BRON)
    bronnen.register(mail.BRON)


_geregistreerd: list[str] = []


def _klaar(settings: Settings) -> None:
    """The bronnen of the older domains, registered on first use when create_app did not
    (register_bronnen is idempotent), so the page never silently shows less than is held."""
    if not _geregistreerd:
        register_bronnen(settings)
        _geregistreerd.append("ja")


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def _cookie(settings: Settings, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=domain.SESSIE_COOKIE,
        value=value,
        httponly=True,
        secure=settings.is_https,
        samesite="strict",
        path=PAD,
        max_age=max_age,
    )


def _weigering(melding: str, status: int) -> Template:
    return Template(
        "rechten/ongeldig.html",
        status_code=status,
        context={"melding": melding, "waarden": {"email": ""}, "fouten": {}},
        headers=GEEN_CACHE,
    )


# --- asking for a link -----------------------------------------------------------------------


def _aanvragen(
    waarden: dict[str, str], fouten: dict[str, str], status: int = 200, *, gestopt: bool = False
) -> Template:
    return Template(
        "rechten/aanvragen.html",
        status_code=status,
        context={"waarden": waarden, "fouten": fouten, "bronnen": bronnen.bronnen(), "gestopt": gestopt},
    )


@get(PAD, opt=PUBLIEK)
async def aanvragen_page(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Template:
    _klaar(settings)
    return _aanvragen({"email": ""}, {}, gestopt=request.query_params.get("gestopt") == "1")


@post(PAD, opt=PUBLIEK)
async def aanvragen(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Template | Redirect:
    _klaar(settings)
    data = await read_form(request)
    email = data.get("email", "")
    try:
        aan = await domain.accept_request(settings, email, _client(request))
    except OngeldigeInvoer as exc:
        # Only what is wrong with the text itself: nothing here depends on what we hold.
        waarden = {"email": email if len(email) <= domain.MAX_INVOER else ""}
        return _aanvragen(waarden, exc.fouten, exc.status)
    # The same redirect whether or not anything is held, and as fast: looking up and mailing
    # run after the response has gone (a background task), so its timing tells nothing either.
    return Redirect(
        path=f"{PAD}/verstuurd",
        status_code=303,
        # The mail goes out in the language of this request (the resident's choice on the page).
        background=BackgroundTask(domain.send_link, settings, aan, huidige_taal()),
    )


@get(f"{PAD}/verstuurd", opt=PUBLIEK)
async def verstuurd() -> Template:
    return Template(
        "rechten/verstuurd.html", context={"minuten": int(domain.LINK_GELDIG.total_seconds() // 60)}
    )


# --- the link --------------------------------------------------------------------------------


@get(f"{PAD}/link/{{token:str}}", opt=PUBLIEK)
async def link_page(token: FromPath[str], settings: NamedDependency[Settings]) -> Template:
    """Shows a button; only pressing it uses the link (mail scanners fetch links too)."""
    if not await domain.link_is_usable(settings, token):
        return _weigering(LinkOngeldig().melding, LinkOngeldig.status)
    return Template("rechten/link.html", context={"token": token}, headers=GEEN_CACHE)


@post(f"{PAD}/link/{{token:str}}", opt=PUBLIEK)
async def use_link(token: FromPath[str], settings: NamedDependency[Settings]) -> Template | Redirect:
    try:
        value = await domain.use_link(settings, token)
    except LinkOngeldig as exc:
        return _weigering(exc.melding, exc.status)
    return Redirect(
        path=f"{PAD}/overzicht",
        status_code=303,
        cookies=[_cookie(settings, value, int(domain.SESSIE_GELDIG.total_seconds()))],
    )


# --- the data page ---------------------------------------------------------------------------


async def _email(request: Request[Any, Any, Any], settings: Settings) -> str:
    _klaar(settings)
    return await domain.session_email(settings, request.cookies.get(domain.SESSIE_COOKIE))


async def _overzicht(
    email: str,
    *,
    fouten: dict[int, dict[str, str]] | None = None,
    invoer: dict[int, dict[str, str]] | None = None,
    melding: str = "",
    gewijzigd: bool = False,
    status: int = 200,
) -> Template:
    onderdelen = await domain.gegevens(email)
    return Template(
        "rechten/overzicht.html",
        status_code=status,
        context={
            "email": email,
            "onderdelen": onderdelen,
            "fouten": fouten or {},
            "invoer": invoer or {},
            "melding": melding,
            "gewijzigd": gewijzigd,
            "bron_titel": domain.bron_titel,
        },
        headers=GEEN_CACHE,
    )


@get(f"{PAD}/overzicht", opt=PUBLIEK)
async def overzicht(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Template:
    try:
        email = await _email(request, settings)
    except SessieVerlopen as exc:
        return _weigering(exc.melding, exc.status)
    return await _overzicht(email, gewijzigd=request.query_params.get("gewijzigd") == "1")


@post(f"{PAD}/corrigeer", opt=PUBLIEK)
async def corrigeer(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Template | Redirect:
    try:
        email = await _email(request, settings)
    except SessieVerlopen as exc:
        return _weigering(exc.melding, exc.status)
    data = await read_form(request)
    slot_text = data.get("slot", "")
    slot = int(slot_text) if slot_text.isascii() and slot_text.isdigit() and len(slot_text) < 5 else -1
    prefix = f"o{slot}-"
    waarden = {k[len(prefix) :]: v for k, v in data.items() if k.startswith(prefix)}
    try:
        await domain.correct(email, data.get("bron", ""), data.get("id", ""), waarden)
    except OngeldigeInvoer as exc:
        # Keyed like the fields on the page (o3-email), so the error summary links to them.
        fouten = {f"{prefix}{k}": v for k, v in exc.fouten.items()}
        return await _overzicht(email, fouten={slot: fouten}, invoer={slot: waarden}, status=exc.status)
    except NietGevonden as exc:
        return await _overzicht(email, melding=exc.melding, status=exc.status)
    return Redirect(path=f"{PAD}/overzicht?gewijzigd=1", status_code=303)


@get(f"{PAD}/download", opt=PUBLIEK)
async def download(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Response[bytes] | Template:
    try:
        email = await _email(request, settings)
    except SessieVerlopen as exc:
        return _weigering(exc.melding, exc.status)
    return Response(
        content=domain.as_json(email, await domain.gegevens(email)),
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.json"', **GEEN_CACHE},
    )


@get(f"{PAD}/wissen", opt=PUBLIEK)
async def wissen_page(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Template:
    try:
        email = await _email(request, settings)
    except SessieVerlopen as exc:
        return _weigering(exc.melding, exc.status)
    onderdelen = await domain.gegevens(email)
    return Template(
        "rechten/wissen.html",
        context={"email": email, "aantal": len(onderdelen), "onderdelen": onderdelen},
        headers=GEEN_CACHE,
    )


@post(f"{PAD}/wissen", opt=PUBLIEK)
async def wissen(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Template:
    try:
        email = await _email(request, settings)
    except SessieVerlopen as exc:
        return _weigering(exc.melding, exc.status)
    gewist = await domain.erase(email)
    # Asked again after the erasure: what the page says is what the database now holds.
    over = await domain.gegevens(email)
    return Template(
        "rechten/gewist.html",
        context={"email": email, "gewist": gewist, "over": over, "totaal": sum(g.aantal for g in gewist)},
        headers=GEEN_CACHE,
        cookies=[_cookie(settings, "", 0)],
    )


@post(f"{PAD}/stoppen", opt=PUBLIEK)
async def stoppen(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Redirect:
    await domain.end_session(settings, request.cookies.get(domain.SESSIE_COOKIE))
    return Redirect(path=f"{PAD}?gestopt=1", status_code=303, cookies=[_cookie(settings, "", 0)])


ROUTES: list[HTTPRouteHandler] = [
    aanvragen_page,
    aanvragen,
    verstuurd,
    link_page,
    use_link,
    overzicht,
    corrigeer,
    download,
    wissen_page,
    wissen,
    stoppen,
]
