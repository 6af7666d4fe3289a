"""Report pages: the council composes and publishes, everyone reads the published report.

The council's page only reads: before a report is stored it shows an empty draft, and the
first "Opslaan" stores it. Refusals the form cannot show (another council's vraag: 404) reach
the app's handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import PUBLIEK, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.fouten import NietGevonden, OngeldigeInvoer
from participatie.invoer import parse_id, read_form
from participatie.rapporten import domain, inhoud
from participatie.taal import N_
from participatie.taalhulp import domain as taalhulp

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
# Dutch msgids, translated where the page shows them (`vertaal`).
MELDINGEN = {
    "opgeslagen": N_("Het rapport is opgeslagen."),
    "goedgekeurd": N_("Het rapport is goedgekeurd."),
    "gepubliceerd": N_("Het rapport staat op de website. De e-mails worden nu verstuurd."),
    "opnieuw": N_("De mislukte e-mails worden opnieuw geprobeerd."),
}
PDF_ONMOGELIJK = N_(
    "De PDF kan op deze server niet gemaakt worden. Vraag de beheerder om Pango te installeren."
)


async def _beheer_page(
    request: Request,
    user: Ingelogd,
    gemeente_info: GemeenteRij,
    vraag_id: int,
    *,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    # Before the first save this is a draft that is not stored: a visit writes nothing.
    vraag, rapport = await domain.rapport_van(user, vraag_id)
    waarden: dict[str, Any] = {
        "titel": rapport.titel,
        "inleiding": rapport.inleiding,
        "conclusies": rapport.conclusies,
        "automatisch": rapport.automatisch,
    }
    if invoer is not None:
        waarden = {k: invoer.get(k, "") for k in ("titel", "inleiding", "conclusies")}
        waarden["automatisch"] = invoer.get("automatisch") == "ja"
    return Template(
        "rapporten/beheer.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "vraag": vraag,
            "rapport": rapport,
            "is_opgeslagen": rapport.id is not None,
            "waarden": waarden,
            "fouten": fouten or {},
            "melding": MELDINGEN.get(request.query_params.get("gelukt", ""), ""),
            "verzending": await domain.delivery(rapport.id) if rapport.id is not None else None,
            "aantal_ontvangers": len(await domain.recipients(vraag_id)),
            # The B1 signal of what is in the fields now: after a save, or after a refusal.
            "signalen": await taalhulp.meet_alle(
                {veld: waarden[veld] for veld in ("inleiding", "conclusies")}
            ),
        },
    )


async def _act(
    request: Request,
    user: Ingelogd,
    gemeente_info: GemeenteRij,
    vraag_id: int,
    action: Callable[[dict[str, str]], Awaitable[Any]],
    gelukt: str,
) -> Template | Redirect:
    """Run one domain call with the posted form; a refusal re-shows the page with the input
    and its status, except one that means "not yours" (404), which the app's handler shows."""
    data = await read_form(request)
    try:
        await action(data)
    except inhoud.PdfNietBeschikbaar:
        return await _beheer_page(
            request, user, gemeente_info, vraag_id, fouten={"titel": PDF_ONMOGELIJK}, status=503
        )
    except NietGevonden:
        raise
    except OngeldigeInvoer as exc:
        return await _beheer_page(
            request, user, gemeente_info, vraag_id, fouten=exc.fouten, invoer=data or None, status=exc.status
        )
    except domain.RapportError as exc:
        return await _beheer_page(
            request,
            user,
            gemeente_info,
            vraag_id,
            fouten={"titel": exc.melding},
            invoer=data or None,
            status=exc.status,
        )
    return Redirect(path=f"/raad/{gemeente_info.slug}/vragen/{vraag_id}/rapport?gelukt={gelukt}")


@get("/")
async def beheer_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template:
    return await _beheer_page(request, user, gemeente_info, vraag_id)


@post("/")
async def save(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str]) -> None:
        versie = parse_id(data.get("versie", ""))
        await domain.update_rapport(
            user,
            vraag_id,
            versie=-1 if versie is None else versie,  # -1 never matches: a concurrent change
            titel=data.get("titel", ""),
            inleiding=data.get("inleiding", ""),
            conclusies=data.get("conclusies", ""),
            automatisch=data.get("automatisch") == "ja",
        )

    return await _act(request, user, gemeente_info, vraag_id, action, "opgeslagen")


@post("/goedkeuren")
async def approve(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    return await _act(
        request, user, gemeente_info, vraag_id, lambda _: domain.approve(user, vraag_id), "goedgekeurd"
    )


@post("/publiceren")
async def publish(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    settings: NamedDependency[Settings],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    return await _act(
        request,
        user,
        gemeente_info,
        vraag_id,
        lambda _: domain.publish(user, vraag_id, settings),
        "gepubliceerd",
    )


@post("/opnieuw")
async def retry(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    return await _act(
        request, user, gemeente_info, vraag_id, lambda _: domain.retry_failed(user, vraag_id), "opnieuw"
    )


@get("/voorbeeld")
async def preview(user: NamedDependency[Ingelogd], vraag_id: FromPath[int]) -> Template:
    _, rapport = await domain.rapport_van(user, vraag_id)
    if rapport.id is None:
        raise domain.RapportNietGevonden(domain.NOG_GEEN_RAPPORT)
    return Template(
        "rapporten/rapport.html", context={**await inhoud.context(rapport.opgeslagen_id), "voorbeeld": True}
    )


raad_router = Router(
    path="/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport",
    guards=raad,
    route_handlers=[beheer_page, save, approve, publish, retry, preview],
)


# --- public -----------------------------------------------------------------------------------


async def _published(gemeente_info: GemeenteRij, sleutel: str) -> domain.RapportRij:
    rapport = await domain.gepubliceerd_rapport(gemeente_info.id, sleutel)
    if rapport is None:
        raise NotFoundException()
    return rapport


@get("/", opt=PUBLIEK)
async def list_page(gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    rapporten = await domain.gepubliceerde_rapporten(gemeente_info.id)
    return Template(
        "rapporten/lijst.html",
        context={"raad": gemeente_info, "rapporten": rapporten, "thema": gemeente_info.slug},
    )


@get("/{sleutel:str}", opt=PUBLIEK)
async def report_page(gemeente_info: NamedDependency[GemeenteRij], sleutel: FromPath[str]) -> Template:
    rapport = await _published(gemeente_info, sleutel)
    return Template(
        "rapporten/rapport.html",
        context={
            **await inhoud.context(rapport.opgeslagen_id),
            "voorbeeld": False,
            "thema": gemeente_info.slug,
        },
    )


@get("/{sleutel:str}/pdf", opt=PUBLIEK)
async def report_pdf(gemeente_info: NamedDependency[GemeenteRij], sleutel: FromPath[str]) -> Response[bytes]:
    rapport = await _published(gemeente_info, sleutel)
    if rapport.pdf is None:
        raise NotFoundException()
    return Response(
        content=rapport.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="rapport-{sleutel}.pdf"'},
    )


publiek_router = Router(path="/rapporten/{gemeente:str}", route_handlers=[list_page, report_page, report_pdf])


@get("/", opt=PUBLIEK)
async def remove_me_page(
    settings: NamedDependency[Settings], rapport_id: FromPath[int], h: FromPath[str], token: FromPath[str]
) -> Template:
    # An unknown link is OngeldigeLink, a NietGevonden: the app's handler shows the 404.
    domain.check_afmeld_token(settings.secret_ring, rapport_id, h, token)
    return Template(
        "rapporten/afmelden.html", context={"klaar": False}, headers={"Cache-Control": "no-store"}
    )


# The one-click unsubscribe of RFC 8058: the resident's mail provider POSTs to the link in
# the List-Unsubscribe header, without our CSRF cookie. The link's own token (checked before
# anything changes, 404 otherwise) is what authorises it, so CSRF is off for this route only.
EEN_KLIK = {**PUBLIEK, "exclude_from_csrf": True}


@post("/", opt=EEN_KLIK)
async def remove_me(
    settings: NamedDependency[Settings], rapport_id: FromPath[int], h: FromPath[str], token: FromPath[str]
) -> Template:
    pad = await domain.remove_me(settings.secret_ring, rapport_id, h, token)
    return Template(
        "rapporten/afmelden.html",
        context={"klaar": True, "rapport_pad": pad},
        headers={"Cache-Control": "no-store"},
    )


afmeld_router = Router(
    path="/r/{rapport_id:int}/afmelden/{h:str}/{token:str}", route_handlers=[remove_me_page, remove_me]
)

ROUTES: list[ControllerRouterHandler] = [raad_router, publiek_router, afmeld_router]
