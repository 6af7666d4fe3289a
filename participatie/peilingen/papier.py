"""Paper polls (issue 15): a printable A4 form, plain and in large print, and the council's
screen for typing in the forms that come back.

A typed-in form goes through the same check as an online answer (parse_antwoorden) and is
stored by the domain with bron "papier". Each entry form carries a random token; its keyed
hash is the response's participation key, so a form sent twice (a double Enter, Back and send
again) is stored once. Mounted in routes.py's router of one poll, which holds the council's
guards; here, as on every council page, a poll of another council is a 404.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie import sleutels, taal
from participatie.accounts.domain import Ingelogd
from participatie.accounts.queries import GemeenteRij
from participatie.config import STATIC_DIR, Settings
from participatie.fouten import OngeldigeInvoer
from participatie.peilingen import domain, queries
from participatie.peilingen.domain import FormItem, Formulier
from participatie.peilingen.tables import Soort, Toegang
from participatie.rapporten.pdf import PdfNietBeschikbaar, PdfTeZwaar, make_pdf
from participatie.sjablonen import environment

NO_STORE = {"Cache-Control": "no-store"}


async def _formulier(user: Ingelogd, peiling_id: int) -> Formulier:
    if not await domain.may_manage(user, peiling_id):
        raise NotFoundException()
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    if formulier is None:
        raise NotFoundException()
    return formulier


def _regels(item: FormItem) -> int:
    """Lines to write on for an open question: about 60 characters a line, 3 to 8 lines."""
    return max(3, min(8, (item.max_lengte or 500) // 60))


async def _pdf(settings: Settings, formulier: Formulier, *, groot: bool) -> Response[bytes]:
    # In Dutch, whatever the council member's screen is in: the questions are the poll's own
    # Dutch texts (as on the poster), and the form's instructions must not be in another language.
    with taal.in_taal("nl"):
        html = (
            environment()
            .get_template("peilingen/papier_pdf.html")
            .render(
                peiling=formulier,
                groot=groot,
                css=(STATIC_DIR / "publiek" / "papier.css").read_text(),
                link=f"{settings.base_url.rstrip('/')}/p/{formulier.sleutel}"
                if formulier.toegang is Toegang.LINK
                else "",
                regels=_regels,
                Soort=Soort,
            )
        )
    try:
        pdf = await make_pdf(html)
    except (PdfNietBeschikbaar, PdfTeZwaar):
        return Response(
            content=taal.gettext(
                "Het PDF-bestand kan nu niet gemaakt worden. Probeer het later opnieuw."
            ).encode(),
            media_type="text/plain; charset=utf-8",
            status_code=503,
        )
    naam = f"peiling-{formulier.peiling_id}-{'groot' if groot else 'papier'}-nl.pdf"
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{naam}"', **NO_STORE},
    )


@get("/papier/pdf")
async def paper_pdf(
    user: NamedDependency[Ingelogd], settings: NamedDependency[Settings], peiling_id: FromPath[int]
) -> Response[bytes]:
    return await _pdf(settings, await _formulier(user, peiling_id), groot=False)


@get("/papier/groot/pdf")
async def paper_pdf_large(
    user: NamedDependency[Ingelogd], settings: NamedDependency[Settings], peiling_id: FromPath[int]
) -> Response[bytes]:
    return await _pdf(settings, await _formulier(user, peiling_id), groot=True)


async def _invoer(
    gemeente_info: GemeenteRij,
    formulier: Formulier,
    *,
    melding: str = "",
    fouten: dict[str, str] | None = None,
    gekozen: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Template:
    mag = await domain.papier_mag(formulier)
    context: dict[str, Any] = {
        "gemeente": gemeente_info,
        "peiling": formulier,
        "aantal": await queries.count_papier(formulier.peiling_id),
        "melding": melding,
        "fouten": fouten or {},
        "gekozen": gekozen or {},
        "mag": mag,
        "dicht": "" if mag else domain.PapierDicht().melding,
        # A new token for every empty form: the next paper form is a new response.
        "formulier_token": secrets.token_urlsafe(16),
        "Soort": Soort,
    }
    return Template("peilingen/papier.html", status_code=status, context=context, headers=NO_STORE)


@get("/papier")
async def paper_entry_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    peiling_id: FromPath[int],
) -> Template:
    formulier = await _formulier(user, peiling_id)
    uitkomst = request.query_params.get("klaar", "")
    melding = {
        "1": taal.gettext("Opgeslagen. Typ nu het volgende formulier over."),
        "al": taal.gettext("Dit formulier was al opgeslagen. Het telt één keer."),
    }.get(uitkomst, "")
    return await _invoer(gemeente_info, formulier, melding=melding)


@post("/papier")
async def enter_paper_form(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    peiling_id: FromPath[int],
) -> Template | Redirect:
    formulier = await _formulier(user, peiling_id)
    form = await request.form()
    data = {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form}
    gegeven, fouten = domain.parse_papier(formulier, data)
    if fouten:
        return await _invoer(gemeente_info, formulier, fouten=fouten, gekozen=data, status=422)
    token = (data.get("formulier") or [""])[0][:64]
    pad = f"/raad/{gemeente_info.slug}/peilingen/{peiling_id}/papier"
    try:
        await domain.submit_papier(
            user,
            formulier,
            gegeven,
            token_sleutel=sleutels.keyed(settings.secret_key, f"papier:{peiling_id}:{token}"),
        )
    except domain.AlBeantwoord:
        return Redirect(path=f"{pad}?klaar=al", status_code=303)
    except OngeldigeInvoer as exc:
        return await _invoer(gemeente_info, formulier, fouten=exc.fouten, gekozen=data, status=exc.status)
    except domain.PeilingError as exc:
        return await _invoer(gemeente_info, formulier, melding=exc.melding, gekozen=data, status=exc.status)
    # Post/Redirect/Get: an empty form with its first field focused, for the next paper form.
    return Redirect(path=f"{pad}?klaar=1", status_code=303)


HANDLERS: list[HTTPRouteHandler] = [paper_pdf, paper_pdf_large, paper_entry_page, enter_paper_form]
