"""Report pages: the council composes and publishes, everyone reads the published report."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie.accounts.forms import read_form
from participatie.accounts.guards import PUBLIEK, alleen, current, eigen_gemeente
from participatie.accounts.tables import Rol
from participatie.rapporten import domain, inhoud
from participatie.rapporten.tables import Rapport
from participatie.vragen import domain as vragen
from participatie.web import gemeente_or_404, settings_of

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
MELDINGEN = {
    "opgeslagen": "Het rapport is opgeslagen.",
    "goedgekeurd": "Het rapport is goedgekeurd.",
    "gepubliceerd": "Het rapport staat op de website. De e-mails worden nu verstuurd.",
    "opnieuw": "De mislukte e-mails worden opnieuw geprobeerd.",
}


async def _rapport(request: Request, vraag_id: int) -> tuple[Any, dict[str, Any]]:
    user = current(request)
    if user is None:
        raise NotFoundException()
    try:
        return user, await domain.rapport_voor(user, vraag_id)
    except domain.GeenToegang:
        raise NotFoundException() from None


async def _beheer_page(
    request: Request,
    gemeente: str,
    vraag_id: int,
    *,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    _, rapport = await _rapport(request, vraag_id)
    waarden = {
        "titel": rapport["titel"],
        "inleiding": rapport["inleiding"],
        "conclusies": rapport["conclusies"],
        "automatisch": rapport["automatisch"],
    }
    if invoer is not None:
        waarden = {**{k: invoer.get(k, "") for k in ("titel", "inleiding", "conclusies")}}
        waarden["automatisch"] = invoer.get("automatisch") == "ja"
    return Template(
        "rapporten/beheer.html",
        status_code=status,
        context={
            "gemeente": await gemeente_or_404(gemeente),
            "vraag": await vragen.load_vraag(vraag_id),
            "rapport": rapport,
            "waarden": waarden,
            "fouten": fouten or {},
            "melding": MELDINGEN.get(request.query_params.get("gelukt", ""), ""),
            "verzending": await domain.delivery(rapport["id"]),
            "aantal_ontvangers": len(await domain.recipients(vraag_id)),
        },
    )


@get("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport", guards=raad)
async def beheer_page(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template:
    try:
        return await _beheer_page(request, gemeente, vraag_id)
    except domain.RapportError as exc:
        if isinstance(exc, domain.GeenToegang):
            raise NotFoundException() from None
        return Template(
            "fout.html",
            status_code=409,
            context={"titel": "Nog geen rapport", "tekst": str(exc), "status": 409},
        )


async def _act(
    request: Request, gemeente: str, vraag_id: int, action: Any, gelukt: str
) -> Template | Redirect:
    user, _ = await _rapport(request, vraag_id)
    data = await read_form(request)
    try:
        await action(user, data)
    except domain.GeenToegang:
        raise NotFoundException() from None
    except inhoud.PdfNietBeschikbaar:
        return await _beheer_page(
            request,
            gemeente,
            vraag_id,
            fouten={
                "titel": "De PDF kan op deze server niet gemaakt worden. "
                "Vraag de beheerder om Pango te installeren."
            },
            status=503,
        )
    except domain.RapportError as exc:
        fouten = getattr(exc, "fouten", {"titel": str(exc)})
        return await _beheer_page(request, gemeente, vraag_id, fouten=fouten, invoer=data or None, status=422)
    return Redirect(path=f"/raad/{gemeente}/vragen/{vraag_id}/rapport?gelukt={gelukt}")


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport", guards=raad)
async def save(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    async def action(user: Any, data: dict[str, str]) -> None:
        versie = data.get("versie", "")
        await domain.update_rapport(
            user,
            vraag_id,
            versie=int(versie) if versie.isdigit() else -1,
            titel=data.get("titel", ""),
            inleiding=data.get("inleiding", ""),
            conclusies=data.get("conclusies", ""),
            automatisch=data.get("automatisch") == "ja",
        )

    return await _act(request, gemeente, vraag_id, action, "opgeslagen")


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport/goedkeuren", guards=raad)
async def approve(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    async def action(user: Any, data: dict[str, str]) -> None:
        await domain.approve(user, vraag_id)

    return await _act(request, gemeente, vraag_id, action, "goedgekeurd")


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport/publiceren", guards=raad)
async def publish(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    async def action(user: Any, data: dict[str, str]) -> None:
        await domain.publish(user, vraag_id, settings_of(request))

    return await _act(request, gemeente, vraag_id, action, "gepubliceerd")


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport/opnieuw", guards=raad)
async def retry(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    async def action(user: Any, data: dict[str, str]) -> None:
        await domain.retry_failed(user, vraag_id)

    return await _act(request, gemeente, vraag_id, action, "opnieuw")


@get("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport/voorbeeld", guards=raad)
async def preview(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template:
    _, rapport = await _rapport(request, vraag_id)
    return Template(
        "rapporten/rapport.html", context={**await inhoud.context(rapport["id"]), "voorbeeld": True}
    )


# --- public -----------------------------------------------------------------------------------


async def _published(gemeente: str, sleutel: str) -> dict[str, Any]:
    info = await gemeente_or_404(gemeente)
    rapport = (
        await Rapport.select()
        .where(
            (Rapport.sleutel == sleutel)
            & (Rapport.gemeente == info["id"])
            & Rapport.gepubliceerd_at.is_not_null()
        )
        .first()
    )
    if rapport is None:
        raise NotFoundException()
    return rapport


@get("/rapporten/{gemeente:str}", opt=PUBLIEK)
async def list_page(gemeente: FromPath[str]) -> Template:
    info = await gemeente_or_404(gemeente)
    rapporten = (
        await Rapport.select(Rapport.titel, Rapport.sleutel, Rapport.gepubliceerd_at)
        .where((Rapport.gemeente == info["id"]) & Rapport.gepubliceerd_at.is_not_null())
        .order_by(Rapport.gepubliceerd_at, ascending=False)
    )
    return Template("rapporten/lijst.html", context={"raad": info, "rapporten": rapporten, "thema": gemeente})


@get("/rapporten/{gemeente:str}/{sleutel:str}", opt=PUBLIEK)
async def report_page(gemeente: FromPath[str], sleutel: FromPath[str]) -> Template:
    rapport = await _published(gemeente, sleutel)
    return Template(
        "rapporten/rapport.html",
        context={**await inhoud.context(rapport["id"]), "voorbeeld": False, "thema": gemeente},
    )


@get("/rapporten/{gemeente:str}/{sleutel:str}/pdf", opt=PUBLIEK)
async def report_pdf(gemeente: FromPath[str], sleutel: FromPath[str]) -> Response[bytes]:
    rapport = await _published(gemeente, sleutel)
    if rapport["pdf"] is None:
        raise NotFoundException()
    return Response(
        content=bytes(rapport["pdf"]),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="rapport-{sleutel}.pdf"'},
    )


@get("/r/{rapport_id:int}/afmelden/{h:str}/{token:str}", opt=PUBLIEK)
async def remove_me_page(
    request: Request, rapport_id: FromPath[int], h: FromPath[str], token: FromPath[str]
) -> Template:
    try:
        domain.check_afmeld_token(settings_of(request).secret_ring, rapport_id, h, token)
    except domain.OngeldigeLink:
        raise NotFoundException() from None
    return Template(
        "rapporten/afmelden.html", context={"klaar": False}, headers={"Cache-Control": "no-store"}
    )


# The one-click unsubscribe of RFC 8058: the resident's mail provider POSTs to the link in
# the List-Unsubscribe header, without our CSRF cookie. The link's own token (checked before
# anything changes, 404 otherwise) is what authorises it, so CSRF is off for this route only.
EEN_KLIK = {**PUBLIEK, "exclude_from_csrf": True}


@post("/r/{rapport_id:int}/afmelden/{h:str}/{token:str}", opt=EEN_KLIK)
async def remove_me(
    request: Request, rapport_id: FromPath[int], h: FromPath[str], token: FromPath[str]
) -> Template:
    try:
        await domain.remove_me(settings_of(request).secret_ring, rapport_id, h, token)
    except domain.OngeldigeLink:
        raise NotFoundException() from None
    return Template("rapporten/afmelden.html", context={"klaar": True}, headers={"Cache-Control": "no-store"})


ROUTES = [
    beheer_page,
    save,
    approve,
    publish,
    retry,
    preview,
    list_page,
    report_page,
    report_pdf,
    remove_me_page,
    remove_me,
]
