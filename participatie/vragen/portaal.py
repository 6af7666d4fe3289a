"""The two ways in from outside the council: the ambtenaar's portal and the resident's idea form.

Thin like routes.py. An ambtenaar sees the adviesaanvragen of their own municipality, with
the public part of the timeline only; a resident sees nothing but the form and a thank-you.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie import limiet, tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import PUBLIEK, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.vragen import domain, panelen, queries, stappen
from participatie.vragen.routes import bijlage_response
from participatie.vragen.stappen import Stap

ambtenaar = [alleen(Rol.AMBTENAAR), eigen_gemeente]
MAX_BIJLAGEN = domain.MAX_BIJLAGEN
# Five attachments of at most 10 MB each, plus the form fields; the domain checks each file.
AANVRAAG_MAX_BODY = MAX_BIJLAGEN * domain.MAX_BIJLAGE_BYTES + 1_000_000
AANVRAAG_VELDEN = ("titel", "tekst", "achtergrond", "thema", "advies_gewenst_op", "contactpersoon")


@get("/gemeente/{gemeente:str}", guards=[alleen(Rol.AMBTENAAR, Rol.BEHEERDER), eigen_gemeente])
async def portaal(user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    return Template(
        "vragen/portaal.html",
        context={
            "gemeente": gemeente_info,
            "aanvragen": await queries.aanvragen_van(gemeente_info.id),
            # The focus groups this ambtenaar sits in: focusgroepen fills this key (panelen).
            **await panelen.voor_portaal(user),
            "mijn_id": user.id,
            "Stap": Stap,
        },
    )


def _nieuw_context(
    info: GemeenteRij,
    waarden: dict[str, str],
    fouten: dict[str, str],
    bewaard: list[domain.BewaardBestand] | None = None,
) -> dict[str, Any]:
    return {
        "gemeente": info,
        "waarden": waarden,
        "fouten": fouten,
        "themas": stappen.opties(stappen.THEMAS),
        "max_bijlagen": MAX_BIJLAGEN,
        "bewaard": bewaard or [],
        "bewaar_uren": int(domain.BIJLAGE_BEWAARTIJD.total_seconds() // 3600),
        "vandaag": tijd.today().isoformat(),
    }


@get("/nieuw")
async def new_aanvraag_page(
    user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]
) -> Template:
    waarden = dict.fromkeys(AANVRAAG_VELDEN, "")
    waarden["contactpersoon"] = user.naam
    return Template("vragen/aanvraag_nieuw.html", context=_nieuw_context(gemeente_info, waarden, {}))


@post("/nieuw", request_max_body_size=AANVRAAG_MAX_BODY)
async def create_aanvraag(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]
) -> Template | Redirect:
    """A refused form comes back with what was typed and with the files chosen so far, kept on
    the server (hidden keys in the form): a browser never refills a file input itself."""
    form = await request.form()
    data = await read_form(request)
    uploads = [f for f in form.getall("bijlagen", []) if isinstance(f, UploadFile) and f.filename]
    bijlagen = [domain.NieuweBijlage(bestandsnaam=f.filename, inhoud=await f.read()) for f in uploads]
    sleutels = [s for s in form.getall("bewaard", []) if isinstance(s, str)]
    weghalen = [s for s in form.getall("weghalen", []) if isinstance(s, str)]
    try:
        vraag_id = await domain.create_adviesaanvraag(
            user,
            titel=data.get("titel", ""),
            tekst=data.get("tekst", ""),
            achtergrond=data.get("achtergrond", ""),
            thema=data.get("thema", ""),
            advies_gewenst_op=data.get("advies_gewenst_op", ""),
            contactpersoon=data.get("contactpersoon", ""),
            bijlagen=bijlagen,
            bewaard=sleutels,
            weghalen=weghalen,
        )
    except domain.AanvraagOngeldig as exc:
        waarden = {k: data.get(k, "") for k in AANVRAAG_VELDEN}
        return Template(
            "vragen/aanvraag_nieuw.html",
            status_code=exc.status,
            context=_nieuw_context(gemeente_info, waarden, exc.fouten, exc.bewaard),
        )
    return Redirect(path=f"/gemeente/{gemeente_info.slug}/aanvragen/{vraag_id}?ingediend=1")


async def _aanvraag_for(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    """The request, if this ambtenaar may follow it; otherwise the same 404 as a missing one."""
    try:
        vraag = await domain.load_vraag(vraag_id)
    except domain.VraagError:
        raise NotFoundException() from None
    if not domain.may_follow_as_ambtenaar(user, vraag):
        raise NotFoundException()
    return vraag


async def _aanvraag_page(
    request: Request,
    info: GemeenteRij,
    vraag: dict[str, Any],
    *,
    fouten: dict[str, str] | None = None,
    melding: str = "",
    invoer: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "vragen/aanvraag.html",
        status_code=status,
        context={
            "gemeente": info,
            "vraag": vraag,
            "stap": Stap(vraag["stap"]),
            "uitleg": stappen.UITLEG[Stap(vraag["stap"])],  # shown with `vertaal`
            "volgorde": [s for s in stappen.VOLGORDE if s is not Stap.AFGEWEZEN],
            "tijdlijn": await queries.aanvraag_timeline(vraag["id"]),
            "bijlagen": await queries.bijlagen(vraag["id"]),
            "oordelen": stappen.opties(domain.REACTIE_OORDELEN),
            "notitie_tekst": domain.notitie_tekst,
            "fouten": fouten or {},
            "melding": melding,
            "invoer": invoer or {},
            "ingediend": request.query_params.get("ingediend") == "1",
            "Stap": Stap,
        },
    )


@get("/{vraag_id:int}")
async def aanvraag_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template:
    return await _aanvraag_page(request, gemeente_info, await _aanvraag_for(user, vraag_id))


@post("/{vraag_id:int}/reactie")
async def record_reactie(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    await _aanvraag_for(user, vraag_id)
    data = await read_form(request)
    try:
        await domain.record_reactie(
            vraag_id,
            user,
            oordeel=data.get("reactie_oordeel", ""),
            toelichting=data.get("reactie_toelichting", ""),
            vervolg_op=data.get("vervolg_op", ""),
        )
    except OngeldigeInvoer as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _aanvraag_page(
            request, gemeente_info, vraag, fouten=exc.fouten, invoer=data, status=exc.status
        )
    except domain.VraagError as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _aanvraag_page(
            request, gemeente_info, vraag, melding=exc.melding, invoer=data, status=exc.status
        )
    return Redirect(path=f"/gemeente/{gemeente_info.slug}/aanvragen/{vraag_id}#reactie")


@get("/{vraag_id:int}/bijlagen/{bijlage_id:int}")
async def aanvraag_bijlage(
    user: NamedDependency[Ingelogd], vraag_id: FromPath[int], bijlage_id: FromPath[int]
) -> Response[bytes]:
    await _aanvraag_for(user, vraag_id)
    return await bijlage_response(vraag_id, bijlage_id)


# --- the resident's idea form ---------------------------------------------------------------


def _idee_context(info: GemeenteRij, waarden: dict[str, str], fouten: dict[str, str]) -> dict[str, Any]:
    return {"gemeente": info, "waarden": waarden, "fouten": fouten, "thema": info.slug}


@get("/", opt=PUBLIEK)
async def idee_page(gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    return Template("vragen/idee.html", context=_idee_context(gemeente_info, {"tekst": "", "email": ""}, {}))


@post("/", opt=PUBLIEK)
async def create_idee(
    request: Request, gemeente_info: NamedDependency[GemeenteRij], settings: NamedDependency[Settings]
) -> Template | Redirect:
    """Counted per connection first (limiet: a friendly 429 over the limit), robots included,
    so a flood costs no more than one count per post."""
    slug = gemeente_info.slug
    adres = request.client.host if request.client else "onbekend"
    await limiet.tel_adres(domain.IDEE_LIMIET, adres, settings.secret_key)
    data = await read_form(request)
    if data.get("website"):
        # Only a robot fills in the field that people cannot see; it gets the same thank-you.
        return Redirect(path=f"/idee/{slug}/bedankt")
    try:
        await domain.create_idee(
            gemeente_slug=slug,
            tekst=data.get("tekst", ""),
            email=data.get("email", ""),
            secret=settings.secret_key,
        )
    except OngeldigeInvoer as exc:
        waarden = {"tekst": data.get("tekst", ""), "email": data.get("email", "")}
        return Template(
            "vragen/idee.html",
            status_code=exc.status,
            context=_idee_context(gemeente_info, waarden, exc.fouten),
        )
    return Redirect(path=f"/idee/{slug}/bedankt")


@get("/bedankt", opt=PUBLIEK)
async def idee_bedankt(gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    return Template(
        "vragen/idee_bedankt.html", context={"gemeente": gemeente_info, "thema": gemeente_info.slug}
    )


ROUTES: list[HTTPRouteHandler | Router] = [
    portaal,
    Router(
        path="/gemeente/{gemeente:str}/aanvragen",
        guards=ambtenaar,
        route_handlers=[new_aanvraag_page, create_aanvraag, aanvraag_page, record_reactie, aanvraag_bijlage],
    ),
    Router(path="/idee/{gemeente:str}", route_handlers=[idee_page, create_idee, idee_bedankt]),
]
