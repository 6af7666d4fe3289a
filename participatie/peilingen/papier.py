"""Paper polls (issue 15): a printable A4 form, plain and in large print, and the council's
screen for typing in the forms that come back.

A typed-in form goes through the same check as an online answer (parse_antwoorden) and is
stored by the domain with bron "papier". Each entry form carries a random token; its keyed
hash is the response's participation key, so a form sent twice (a double Enter, Back and send
again) is stored once. Mounted in routes.py's router of one poll, which holds the council's
guards; here, as on every council page, a poll of another council is a 404.

Languages: the form prints in Dutch and in every language the council translated completely
(talen.aangeboden), right to left where the language is written so. The platform's own texts
on the form (how to tick a box, where to hand it in) exist in Dutch and English only: on a
form in another language they are English. The entry screen stays Dutch, with the same
choice ids in every language, so a typed-in Arabic form pools with the Dutch ones; only the
language of the paper is stored with the response.
"""

from __future__ import annotations

import bisect
import secrets
import shutil
import subprocess
import sys
from functools import cache
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
from participatie.peilingen import domain, queries, talen
from participatie.peilingen.beheer import NO_STORE, beheerbaar
from participatie.peilingen.domain import FormItem, Formulier
from participatie.peilingen.tables import Soort, Toegang
from participatie.rapporten.pdf import PdfNietBeschikbaar, PdfTeZwaar, make_pdf
from participatie.sjablonen import environment

_TAAL_FOUT = taal.N_("Kies de taal van het formulier uit de lijst.")
_GEEN_LETTERTYPE = taal.N_(
    "Het PDF-bestand zou lege vakjes tonen in plaats van letters. "
    "Vraag de beheerder van de website om een lettertype voor deze taal."
)


async def talen_op_papier(formulier: Formulier) -> list[talen.Taal]:
    """Dutch first, then the languages the council translated completely: the languages the
    form prints in (less niet_te_printen) and a typed-in form may be in."""
    nl = talen.taal_info(talen.NL)
    assert nl is not None  # Babel knows Dutch
    return [nl, *await talen.aangeboden(formulier)]


async def _taal(formulier: Formulier, code: str) -> talen.Taal | None:
    """The offered language behind `code`, or None for an unknown or unfinished one."""
    gezocht = talen.normalise(code or talen.NL)
    return next((t for t in await talen_op_papier(formulier) if t.code == gezocht), None)


@cache
def _tekensets() -> tuple[tuple[int, int], ...] | None:
    """Every character range some installed font has, from fontconfig (which Pango, and so
    WeasyPrint, uses to pick fonts). None when fc-list is missing: then nobody can tell, and
    the form prints as it is. Read once per process: fonts come with a package install, and a
    restart follows that."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        # A fixed program found on PATH with fixed arguments: no input of anyone in it.
        uit = subprocess.run(  # noqa: S603
            [fc_list, "--format", "%{charset}\\n"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    reeksen: set[tuple[int, int]] = set()
    for deel in uit.split():
        begin, _, eind = deel.partition("-")
        try:
            reeksen.add((int(begin, 16), int(eind or begin, 16)))
        except ValueError:
            continue
    # Merged into ranges that do not overlap, so one bisect finds a character.
    samen: list[tuple[int, int]] = []
    for van, tot in sorted(reeksen):
        if samen and van <= samen[-1][1] + 1:
            samen[-1] = (samen[-1][0], max(samen[-1][1], tot))
        else:
            samen.append((van, tot))
    return tuple(samen)


def zonder_lettertype(tekst: str) -> str:
    """The characters of `tekst` that no installed font has: they would print as empty boxes.
    "" when all can be printed, or when fontconfig cannot be asked."""
    reeksen = _tekensets()
    if reeksen is None:
        return ""
    ontbreekt = []
    for teken in sorted(set(tekst)):
        code = ord(teken)
        # Spaces and joiners have no glyph of their own: nothing to miss.
        if teken.isspace() or code in (0x200C, 0x200D, 0x200E, 0x200F):
            continue
        plek = bisect.bisect_right(reeksen, (code, sys.maxunicode + 1)) - 1
        if plek < 0 or reeksen[plek][1] < code:
            ontbreekt.append(teken)
    return "".join(ontbreekt)


async def niet_te_printen(formulier: Formulier) -> set[str]:
    """The offered languages whose translation has characters no installed font has: their PDF
    is refused (409) and the paper pages say why, instead of a form of empty boxes."""
    vertaald = await talen.vertalingen(formulier)
    return {
        t.code
        for t in await talen.aangeboden(formulier)
        if zonder_lettertype("".join(vertaald.get(t.code, {}).values()))
    }


def _regels(item: FormItem) -> int:
    """Lines to write on for an open question: about 60 characters a line, 3 to 8 lines."""
    return max(3, min(8, (item.max_lengte or 500) // 60))


def papier_html(formulier: Formulier, formtaal: talen.Taal, *, groot: bool, base_url: str) -> str:
    """The HTML WeasyPrint makes the A4 form of: `formulier` already in `formtaal`."""
    # The platform's own texts: Dutch on a Dutch form, whatever the council member's screen is
    # in; English on a form in any other language (the only other language they exist in).
    vast = talen.NL if formtaal.code == talen.NL else taal.EN
    with taal.in_taal(vast):
        return (
            environment()
            .get_template("peilingen/papier_pdf.html")
            .render(
                peiling=formulier,
                formtaal=formtaal,
                vast=vast,
                groot=groot,
                css=(STATIC_DIR / "publiek" / "papier.css").read_text(),
                link=f"{base_url.rstrip('/')}/p/{formulier.sleutel}"
                if formulier.toegang is Toegang.LINK
                else "",
                regels=_regels,
                Soort=Soort,
            )
        )


def _tekst(melding: str, status: int) -> Response[bytes]:
    return Response(
        content=melding.encode(), media_type="text/plain; charset=utf-8", status_code=status, headers=NO_STORE
    )


async def _pdf(settings: Settings, formulier: Formulier, code: str, *, groot: bool) -> Response[bytes]:
    formtaal = await _taal(formulier, code)
    if formtaal is None:
        # An unknown tag, or a language whose translation is not finished: no half-Dutch form.
        raise NotFoundException()
    if formtaal.code != talen.NL:
        if formtaal.code in await niet_te_printen(formulier):
            melding = taal.gettext("Voor het %(taal)s is op deze server geen lettertype.") % {
                "taal": formtaal.naam_nl
            }
            return _tekst(f"{melding} {taal.gettext(_GEEN_LETTERTYPE)}", 409)
        formulier = talen.vertaal(formulier, (await talen.vertalingen(formulier))[formtaal.code])
    html = papier_html(formulier, formtaal, groot=groot, base_url=settings.base_url)
    try:
        pdf = await make_pdf(html)
    except (PdfNietBeschikbaar, PdfTeZwaar):
        return _tekst(
            taal.gettext("Het PDF-bestand kan nu niet gemaakt worden. Probeer het later opnieuw."), 503
        )
    naam = f"peiling-{formulier.peiling_id}-{'groot' if groot else 'papier'}-{formtaal.code}.pdf"
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{naam}"', **NO_STORE},
    )


@get("/papier/pdf")
async def paper_pdf(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    peiling_id: FromPath[int],
) -> Response[bytes]:
    formulier = await beheerbaar(user, peiling_id)
    return await _pdf(settings, formulier, request.query_params.get("taal", ""), groot=False)


@get("/papier/groot/pdf")
async def paper_pdf_large(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    peiling_id: FromPath[int],
) -> Response[bytes]:
    formulier = await beheerbaar(user, peiling_id)
    return await _pdf(settings, formulier, request.query_params.get("taal", ""), groot=True)


async def _invoer(
    gemeente_info: GemeenteRij,
    formulier: Formulier,
    *,
    melding: str = "",
    fouten: dict[str, str] | None = None,
    gekozen: dict[str, list[str]] | None = None,
    formtaal: str = talen.NL,
    status: int = 200,
) -> Template:
    mag = await domain.papier_mag(formulier)
    aangeboden = await talen_op_papier(formulier)
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
        # The language of the paper: kept from the last form, so a pile of Arabic forms is
        # typed in without choosing Arabic each time.
        "talen": aangeboden,
        "formtaal": formtaal,
        "niet_te_printen": await niet_te_printen(formulier),
    }
    return Template("peilingen/papier.html", status_code=status, context=context, headers=NO_STORE)


@get("/papier")
async def paper_entry_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    peiling_id: FromPath[int],
) -> Template:
    formulier = await beheerbaar(user, peiling_id)
    uitkomst = request.query_params.get("klaar", "")
    melding = {
        "1": taal.gettext("Opgeslagen. Typ nu het volgende formulier over."),
        "al": taal.gettext("Dit formulier was al opgeslagen. Het telt één keer."),
    }.get(uitkomst, "")
    formtaal = await _taal(formulier, request.query_params.get("taal", ""))
    code = formtaal.code if formtaal else talen.NL
    return await _invoer(gemeente_info, formulier, melding=melding, formtaal=code)


@post("/papier")
async def enter_paper_form(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    peiling_id: FromPath[int],
) -> Template | Redirect:
    formulier = await beheerbaar(user, peiling_id)
    form = await request.form()
    data = {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form}
    gegeven, fouten = domain.parse_papier(formulier, data)
    gekozen_taal = (data.get("taal") or [talen.NL])[0][:40]
    formtaal = await _taal(formulier, gekozen_taal)
    if formtaal is None:
        fouten = {"taal": taal.gettext(_TAAL_FOUT), **fouten}
    if fouten or formtaal is None:
        return await _invoer(
            gemeente_info, formulier, fouten=fouten, gekozen=data, formtaal=gekozen_taal, status=422
        )
    token = (data.get("formulier") or [""])[0][:64]
    pad = f"/raad/{gemeente_info.slug}/peilingen/{peiling_id}/papier"
    # The language stays chosen for the next form; Dutch needs no parameter.
    verder = "" if formtaal.code == talen.NL else f"&taal={formtaal.code}"
    try:
        await domain.submit_papier(
            user,
            formulier,
            gegeven,
            token_sleutel=sleutels.keyed(settings.secret_key, f"papier:{peiling_id}:{token}"),
            taal=formtaal.code,
        )
    except domain.AlBeantwoord:
        return Redirect(path=f"{pad}?klaar=al{verder}", status_code=303)
    except OngeldigeInvoer as exc:
        return await _invoer(
            gemeente_info,
            formulier,
            fouten=exc.fouten,
            gekozen=data,
            formtaal=formtaal.code,
            status=exc.status,
        )
    except domain.PeilingError as exc:
        return await _invoer(
            gemeente_info,
            formulier,
            melding=exc.melding,
            gekozen=data,
            formtaal=formtaal.code,
            status=exc.status,
        )
    # Post/Redirect/Get: an empty form with its first field focused, for the next paper form.
    return Redirect(path=f"{pad}?klaar=1{verder}", status_code=303)


HANDLERS: list[HTTPRouteHandler] = [paper_pdf, paper_pdf_large, paper_entry_page, enter_paper_form]
