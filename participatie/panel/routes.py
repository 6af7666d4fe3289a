"""The routes of panel: sign-up per council, confirm, leave; the council's counts and invitations.

Thin: parse, guard, one domain call, render. The public forms count per client address
(participatie.limiet); a refused mail looks exactly like a sent one. The leave and withdraw
POSTs are one-click targets of List-Unsubscribe (RFC 8058): the link's token authorises them,
so they need no CSRF token and no session; GET only shows a button (mail scanners prefetch).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from participatie import tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import PUBLIEK, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import parse_id, read_form
from participatie.kenmerken import KERNEN
from participatie.limiet import tel_adres
from participatie.panel import domain
from participatie.taal import gettext as _
from participatie.web import gemeente_or_404

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
NO_STORE = {"Cache-Control": "no-store"}
EEN_KLIK = {**PUBLIEK, "exclude_from_csrf": True}
Gemeente = NamedDependency[GemeenteRij]


def _form_page(
    gemeente: GemeenteRij,
    waarden: dict[str, Any],
    *,
    fouten: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "panel/aanmelden.html",
        status_code=status,
        context={
            "gemeente": gemeente,
            "thema": gemeente.slug,
            "waarden": waarden,
            "fouten": fouten or {},
            "kernen": domain.kern_opties(gemeente.slug),
            "leeftijden": domain.leeftijd_opties(),
            "themas": domain.thema_opties(),
        },
    )


async def _public_gemeente(slug: str) -> GemeenteRij:
    if slug not in KERNEN:
        raise NotFoundException()
    return await gemeente_or_404(slug)


@get("/{slug:str}/panel", opt=PUBLIEK)
async def sign_up_page(slug: FromPath[str]) -> Template:
    gemeente = await _public_gemeente(slug)
    return _form_page(gemeente, {"email": "", "kern": "", "leeftijd": "", "themas": []})


@post("/{slug:str}/panel", opt=PUBLIEK)
async def sign_up(request: Request, settings: NamedDependency[Settings], slug: FromPath[str]) -> Template:
    gemeente = await _public_gemeente(slug)
    client = request.client.host if request.client else ""
    await tel_adres(domain.LIMIET, client, settings.secret_key)
    form = await request.form()
    data = await read_form(request)
    themas = [t for t in form.getall("themas") if isinstance(t, str)] if "themas" in form else []
    kern, leeftijd = data.get("kern", ""), data.get("leeftijd", "")
    waarden = {
        "email": data.get("email", "")[:300],
        "kern": kern,
        "leeftijd": leeftijd,
        "themas": themas[:20],
    }
    try:
        keuzes = domain.check_keuzes(slug, data.get("email", ""), kern, leeftijd, themas)
    except OngeldigeInvoer as exc:
        return _form_page(gemeente, waarden, fouten=exc.fouten, status=exc.status)
    await domain.sign_up(settings, gemeente, keuzes)
    # The same page whether the address is new, pending, a member, or over its mail limit.
    return Template(
        "panel/kijk_in_mail.html",
        context={"gemeente": gemeente, "thema": gemeente.slug, "dagen": domain.BEWAAR_AANMELDING.days},
        headers=NO_STORE,
    )


def _link_werkt_niet(exc: domain.OngeldigeLink) -> Template:
    return Template(
        "panel/link.html", status_code=exc.status, context={"melding": exc.melding}, headers=NO_STORE
    )


@get("/panel/bevestigen/{token:str}", opt=PUBLIEK)
async def confirm_page(settings: NamedDependency[Settings], token: FromPath[str]) -> Template:
    try:
        wachtend = await domain.load_pending(settings.secret_ring, token)
    except domain.OngeldigeLink as exc:
        return _link_werkt_niet(exc)
    return Template(
        "panel/bevestigen.html",
        context={"wachtend": wachtend, "thema": wachtend.gemeente_slug, "klaar": False},
        headers=NO_STORE,
    )


@post("/panel/bevestigen/{token:str}", opt=PUBLIEK)
async def confirm(settings: NamedDependency[Settings], token: FromPath[str]) -> Template:
    try:
        wachtend = await domain.confirm(settings.secret_ring, token)
    except domain.OngeldigeLink as exc:
        return _link_werkt_niet(exc)
    return Template(
        "panel/bevestigen.html",
        context={"wachtend": wachtend, "thema": wachtend.gemeente_slug, "klaar": True},
        headers=NO_STORE,
    )


@get("/panel/intrekken/{token:str}", opt=PUBLIEK)
async def withdraw_page(token: FromPath[str]) -> Template:
    return Template("panel/afmelden.html", context={"klaar": False, "aanmelding": True}, headers=NO_STORE)


@post("/panel/intrekken/{token:str}", opt=EEN_KLIK)
async def withdraw(settings: NamedDependency[Settings], token: FromPath[str]) -> Template:
    await domain.withdraw(settings.secret_ring, token)
    return Template("panel/afmelden.html", context={"klaar": True, "aanmelding": True}, headers=NO_STORE)


@get("/panel/afmelden/{sleutel:str}/{token:str}", opt=PUBLIEK)
async def leave_page(
    settings: NamedDependency[Settings], sleutel: FromPath[str], token: FromPath[str]
) -> Template:
    try:
        domain.check_afmeld_token(settings.secret_ring, sleutel, token)
    except domain.OngeldigeLink as exc:
        return _link_werkt_niet(exc)
    thema = await domain.gemeente_van_lid(sleutel) or "ijmond"
    return Template(
        "panel/afmelden.html", context={"klaar": False, "aanmelding": False, "thema": thema}, headers=NO_STORE
    )


# One-click unsubscribe (RFC 8058) from the mail's List-Unsubscribe header: the link's token
# authorises it; the mail provider sends no CSRF cookie and no session.
@post("/panel/afmelden/{sleutel:str}/{token:str}", opt=EEN_KLIK)
async def leave(
    settings: NamedDependency[Settings], sleutel: FromPath[str], token: FromPath[str]
) -> Template:
    try:
        domain.check_afmeld_token(settings.secret_ring, sleutel, token)
    except domain.OngeldigeLink as exc:
        return _link_werkt_niet(exc)
    thema = await domain.gemeente_van_lid(sleutel) or "ijmond"
    await domain.leave(settings.secret_ring, sleutel, token)
    return Template(
        "panel/afmelden.html", context={"klaar": True, "aanmelding": False, "thema": thema}, headers=NO_STORE
    )


# --- the council --------------------------------------------------------------------------------


async def _raad_page(
    gemeente: GemeenteRij,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    uitgenodigd: int | None = None,
    status: int = 200,
) -> Template:
    peilingen = await domain.uitnodigbare_peilingen(gemeente)
    return Template(
        "panel/raad.html",
        status_code=status,
        context={
            "gemeente": gemeente,
            "overzicht": await domain.overzicht(gemeente),
            "peilingen": peilingen,
            "peiling_opties": [
                (
                    str(p["id"]),
                    _("%(titel)s (sluit %(moment)s)")
                    % {"titel": p["titel"], "moment": tijd.moment(p["sluit_at"])}
                    if p["sluit_at"]
                    else p["titel"],
                )
                for p in peilingen
            ],
            "kernen": domain.kern_opties(gemeente.slug),
            "leeftijden": domain.leeftijd_opties(),
            "themas": domain.thema_opties(),
            "waarden": waarden or {},
            "fouten": fouten or {},
            "uitgenodigd": uitgenodigd,
            "aanmeld_pad": f"/{gemeente.slug}/panel",
        },
        headers=NO_STORE,
    )


@get("/")
async def council_page(request: Request, gemeente_info: Gemeente) -> Template:
    uitgenodigd = parse_id(request.query_params.get("uitgenodigd", ""))
    return await _raad_page(gemeente_info, uitgenodigd=uitgenodigd)


@post("/uitnodigen")
async def invite(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
) -> Template | Redirect:
    data = await read_form(request)
    waarden = {k: data.get(k, "")[:100] for k in ("peiling", "kern", "leeftijd", "thema")}
    peiling_id = parse_id(waarden["peiling"]) or 0
    try:
        aantal = await domain.invite(
            user,
            settings,
            gemeente_info,
            peiling_id,
            kern=waarden["kern"],
            leeftijd=waarden["leeftijd"],
            thema=waarden["thema"],
        )
    except OngeldigeInvoer as exc:
        return await _raad_page(gemeente_info, waarden=waarden, fouten=exc.fouten, status=exc.status)
    # Post/Redirect/Get: Back or a reload never posts the invitation again.
    return Redirect(path=f"/raad/{gemeente_info.slug}/panel?uitgenodigd={aantal}", status_code=303)


ROUTES: list[ControllerRouterHandler] = [
    sign_up_page,
    sign_up,
    confirm_page,
    confirm,
    withdraw_page,
    withdraw,
    leave_page,
    leave,
    Router(path="/raad/{gemeente:str}/panel", guards=raad, route_handlers=[council_page, invite]),
]
