"""The year report (issue 15): the council's page with a year to choose, and the public page
and PDF for the evaluation. Thin: parse the year, guard, count, render."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from participatie import taal, tijd
from participatie.accounts.guards import PUBLIEK, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import STATIC_DIR
from participatie.invoer import parse_id
from participatie.jaarverslag import queries
from participatie.rapporten.pdf import PdfNietBeschikbaar, PdfTeZwaar, make_pdf
from participatie.sjablonen import environment
from participatie.vragen.domain import REACTIE_OORDELEN
from participatie.vragen.stappen import LABELS

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
# The same figures give the same PDF: kept per (council, year, language, page) so a link
# shared around the evaluation does not start WeasyPrint for every reader. A few dozen is
# every council's recent years in both languages.
_PDFS: OrderedDict[str, bytes] = OrderedDict()
MAX_PDFS = 48


def _jaar_of_404(jaar: int) -> int:
    if not queries.is_geldig_jaar(jaar):
        raise NotFoundException()
    return jaar


async def _context(info: GemeenteRij, jaar: int) -> dict[str, Any]:
    return {
        "gemeente": info,
        "cijfers": await queries.jaarcijfers(info.id, jaar),
        "jaar": jaar,
        "vandaag": tijd.today(),
        "thema": info.slug,
        "stap_labels": {s.value: label for s, label in LABELS.items()},
        "oordelen": REACTIE_OORDELEN,
        "eerste_jaar": queries.EERSTE_JAAR,
        "laatste_jaar": queries.laatste_jaar(),
    }


@get("/")
async def raad_page(gemeente_info: NamedDependency[GemeenteRij], jaar: FromQuery[str] = "") -> Template:
    """The council's own view, with a year to choose; no or an unreadable year is this year."""
    gekozen = _jaar_of_404(parse_id(jaar) or tijd.today().year) if jaar else tijd.today().year
    context = await _context(gemeente_info, gekozen)
    context["jaren"] = [(str(j), str(j)) for j in range(queries.laatste_jaar(), queries.EERSTE_JAAR - 1, -1)]
    return Template("jaarverslag/raad.html", context=context)


@get("/{jaar:int}", opt=PUBLIEK)
async def public_page(gemeente_info: NamedDependency[GemeenteRij], jaar: FromPath[int]) -> Template:
    return Template("jaarverslag/publiek.html", context=await _context(gemeente_info, _jaar_of_404(jaar)))


@get("/{jaar:int}/pdf", opt=PUBLIEK)
async def public_pdf(
    gemeente_info: NamedDependency[GemeenteRij], jaar: FromPath[int]
) -> Response[bytes] | Template:
    """The public page's figures as a PDF, in the language of the request."""
    context = await _context(gemeente_info, _jaar_of_404(jaar))
    context["css"] = (STATIC_DIR / "publiek" / "jaarverslag.css").read_text()
    html = environment().get_template("jaarverslag/pdf.html").render(context)
    sleutel = hashlib.sha256(html.encode()).hexdigest()
    pdf = _PDFS.get(sleutel)
    if pdf is None:
        try:
            pdf = await make_pdf(html)
        except (PdfNietBeschikbaar, PdfTeZwaar):
            return Template(
                "jaarverslag/geen_pdf.html",
                status_code=503,
                context={"gemeente": gemeente_info, "jaar": jaar, "thema": gemeente_info.slug},
            )
        _PDFS[sleutel] = pdf
        while len(_PDFS) > MAX_PDFS:
            _PDFS.popitem(last=False)
    naam = f"jaarverslag-{gemeente_info.slug}-{jaar}-{taal.huidige_taal()}.pdf"
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{naam}"'},
    )


ROUTES: list[ControllerRouterHandler] = [
    Router(path="/raad/{gemeente:str}/jaarverslag", guards=raad, route_handlers=[raad_page]),
    Router(path="/{gemeente:str}/jaarverslag", route_handlers=[public_page, public_pdf]),
]
