"""The two ways in from outside the council: the ambtenaar's portal and the resident's idea form.

Thin like routes.py. An ambtenaar sees the adviesaanvragen of their own municipality, with
the public part of the timeline only; a resident sees nothing but the form and a thank-you.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie.accounts.forms import read_form
from participatie.accounts.guards import PUBLIEK, alleen, current, eigen_gemeente
from participatie.accounts.tables import Rol
from participatie.vragen import domain, queries, stappen
from participatie.vragen.routes import bijlage_response
from participatie.vragen.stappen import Stap
from participatie.web import gemeente_or_404

ambtenaar = [alleen(Rol.AMBTENAAR), eigen_gemeente]
MAX_BIJLAGEN = 5
# Five attachments of at most 10 MB each, plus the form fields; the domain checks each file.
AANVRAAG_MAX_BODY = MAX_BIJLAGEN * domain.MAX_BIJLAGE_BYTES + 1_000_000
AANVRAAG_VELDEN = ("titel", "tekst", "achtergrond", "thema", "advies_gewenst_op", "contactpersoon")


@get("/gemeente/{gemeente:str}", guards=[alleen(Rol.AMBTENAAR, Rol.BEHEERDER), eigen_gemeente])
async def portaal(request: Request, gemeente: FromPath[str]) -> Template:
    info = await gemeente_or_404(gemeente)
    user = current(request)
    assert user is not None
    return Template(
        "vragen/portaal.html",
        context={
            "gemeente": info,
            "aanvragen": await queries.aanvragen_van(info["id"]),
            "focusgroepen": await _focusgroepen_van(user.id),
            "mijn_id": user.id,
            "Stap": Stap,
        },
    )


async def _focusgroepen_van(gebruiker_id: int) -> list[dict[str, Any]]:
    # Imported here: focusgroepen builds on vragen, not the other way round.
    from participatie.focusgroepen import queries as focusgroep_queries

    return await focusgroep_queries.groepen_van_lid(gebruiker_id)


def _nieuw_context(info: dict[str, Any], waarden: dict[str, str], fouten: dict[str, str]) -> dict[str, Any]:
    return {
        "gemeente": info,
        "waarden": waarden,
        "fouten": fouten,
        "themas": stappen.THEMAS,
        "max_bijlagen": MAX_BIJLAGEN,
        "vandaag": domain.today().isoformat(),
    }


@get("/gemeente/{gemeente:str}/aanvragen/nieuw", guards=ambtenaar)
async def new_aanvraag_page(request: Request, gemeente: FromPath[str]) -> Template:
    user = current(request)
    assert user is not None
    waarden = dict.fromkeys(AANVRAAG_VELDEN, "")
    waarden["contactpersoon"] = user.naam
    return Template(
        "vragen/aanvraag_nieuw.html", context=_nieuw_context(await gemeente_or_404(gemeente), waarden, {})
    )


@post(
    "/gemeente/{gemeente:str}/aanvragen/nieuw",
    guards=ambtenaar,
    request_max_body_size=AANVRAAG_MAX_BODY,
)
async def create_aanvraag(request: Request, gemeente: FromPath[str]) -> Template | Redirect:
    form = await request.form()
    data = await read_form(request)
    user = current(request)
    assert user is not None
    uploads = [f for f in form.getall("bijlagen", []) if isinstance(f, UploadFile) and f.filename]
    fouten: dict[str, str] = {}
    if len(uploads) > MAX_BIJLAGEN:
        fouten["bijlagen"] = f"U kunt hoogstens {MAX_BIJLAGEN} bijlagen meesturen."
    bijlagen = [domain.NieuweBijlage(bestandsnaam=f.filename, inhoud=await f.read()) for f in uploads]
    try:
        if fouten:
            raise domain.OngeldigeInvoer(fouten)
        vraag_id = await domain.create_adviesaanvraag(
            user,
            titel=data.get("titel", ""),
            tekst=data.get("tekst", ""),
            achtergrond=data.get("achtergrond", ""),
            thema=data.get("thema", ""),
            advies_gewenst_op=data.get("advies_gewenst_op", ""),
            contactpersoon=data.get("contactpersoon", ""),
            bijlagen=bijlagen,
        )
    except domain.OngeldigeInvoer as exc:
        waarden = {k: data.get(k, "") for k in AANVRAAG_VELDEN}
        return Template(
            "vragen/aanvraag_nieuw.html",
            status_code=422,
            context=_nieuw_context(await gemeente_or_404(gemeente), waarden, exc.fouten),
        )
    return Redirect(path=f"/gemeente/{gemeente}/aanvragen/{vraag_id}?ingediend=1")


async def _aanvraag_for(request: Request, vraag_id: int) -> dict[str, Any]:
    """The request, if this ambtenaar may follow it; otherwise the same 404 as a missing one."""
    user = current(request)
    try:
        vraag = await domain.load_vraag(vraag_id)
    except domain.VraagError:
        raise NotFoundException() from None
    if user is None or not domain.may_follow_as_ambtenaar(user, vraag):
        raise NotFoundException()
    return vraag


async def _aanvraag_page(
    request: Request,
    gemeente: str,
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
            "gemeente": await gemeente_or_404(gemeente),
            "vraag": vraag,
            "stap": Stap(vraag["stap"]),
            "uitleg": stappen.UITLEG[Stap(vraag["stap"])],
            "volgorde": [s for s in stappen.VOLGORDE if s is not Stap.AFGEWEZEN],
            "tijdlijn": await queries.aanvraag_timeline(vraag["id"]),
            "bijlagen": await queries.bijlagen(vraag["id"]),
            "oordelen": domain.REACTIE_OORDELEN,
            "fouten": fouten or {},
            "melding": melding,
            "invoer": invoer or {},
            "ingediend": request.query_params.get("ingediend") == "1",
            "Stap": Stap,
        },
    )


@get("/gemeente/{gemeente:str}/aanvragen/{vraag_id:int}", guards=ambtenaar)
async def aanvraag_page(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template:
    return await _aanvraag_page(request, gemeente, await _aanvraag_for(request, vraag_id))


@post("/gemeente/{gemeente:str}/aanvragen/{vraag_id:int}/reactie", guards=ambtenaar)
async def record_reactie(
    request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]
) -> Template | Redirect:
    await _aanvraag_for(request, vraag_id)
    data = await read_form(request)
    user = current(request)
    assert user is not None
    try:
        await domain.record_reactie(
            vraag_id,
            user,
            oordeel=data.get("reactie_oordeel", ""),
            toelichting=data.get("reactie_toelichting", ""),
            vervolg_op=data.get("vervolg_op", ""),
        )
    except domain.OngeldigeInvoer as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _aanvraag_page(request, gemeente, vraag, fouten=exc.fouten, invoer=data, status=422)
    except domain.VraagError as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _aanvraag_page(request, gemeente, vraag, melding=str(exc), invoer=data, status=422)
    return Redirect(path=f"/gemeente/{gemeente}/aanvragen/{vraag_id}#reactie")


@get("/gemeente/{gemeente:str}/aanvragen/{vraag_id:int}/bijlagen/{bijlage_id:int}", guards=ambtenaar)
async def aanvraag_bijlage(
    request: Request, gemeente: FromPath[str], vraag_id: FromPath[int], bijlage_id: FromPath[int]
) -> Response[bytes]:
    await _aanvraag_for(request, vraag_id)
    return await bijlage_response(vraag_id, bijlage_id)


# --- the resident's idea form ---------------------------------------------------------------


def _idee_context(info: dict[str, Any], waarden: dict[str, str], fouten: dict[str, str]) -> dict[str, Any]:
    return {"gemeente": info, "waarden": waarden, "fouten": fouten, "thema": info["slug"]}


@get("/idee/{gemeente:str}", opt=PUBLIEK)
async def idee_page(request: Request, gemeente: FromPath[str]) -> Template:
    return Template(
        "vragen/idee.html",
        context=_idee_context(await gemeente_or_404(gemeente), {"tekst": "", "email": ""}, {}),
    )


@post("/idee/{gemeente:str}", opt=PUBLIEK)
async def create_idee(request: Request, gemeente: FromPath[str]) -> Template | Redirect:
    info = await gemeente_or_404(gemeente)
    data = await read_form(request)
    if data.get("website"):
        # Only a robot fills in the field that people cannot see; it gets the same thank-you.
        return Redirect(path=f"/idee/{gemeente}/bedankt")
    try:
        await domain.create_idee(
            gemeente_slug=gemeente, tekst=data.get("tekst", ""), email=data.get("email", "")
        )
    except domain.OngeldigeInvoer as exc:
        waarden = {"tekst": data.get("tekst", ""), "email": data.get("email", "")}
        return Template("vragen/idee.html", status_code=422, context=_idee_context(info, waarden, exc.fouten))
    return Redirect(path=f"/idee/{gemeente}/bedankt")


@get("/idee/{gemeente:str}/bedankt", opt=PUBLIEK)
async def idee_bedankt(request: Request, gemeente: FromPath[str]) -> Template:
    info = await gemeente_or_404(gemeente)
    return Template("vragen/idee_bedankt.html", context={"gemeente": info, "thema": info["slug"]})


ROUTES = [
    portaal,
    new_aanvraag_page,
    create_aanvraag,
    aanvraag_page,
    record_reactie,
    aanvraag_bijlage,
    idee_page,
    create_idee,
    idee_bedankt,
]
