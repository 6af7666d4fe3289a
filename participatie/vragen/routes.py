"""The council's board and vraag pages. Thin: parse, guard, one domain call, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from participatie import csvexport
from participatie.accounts import queries as account_queries
from participatie.accounts.domain import Ingelogd
from participatie.accounts.forms import read_form
from participatie.accounts.guards import alleen, current, eigen_gemeente
from participatie.accounts.tables import Rol
from participatie.vragen import domain, queries, stappen
from participatie.vragen.stappen import Stap
from participatie.web import gemeente_or_404

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]


async def _vraag_for(request: Request, vraag_id: int) -> dict[str, Any]:
    """The vraag, if this person may work on it; otherwise the same 404 as a missing one."""
    user = current(request)
    try:
        vraag = await domain.load_vraag(vraag_id)
    except domain.VraagError:
        raise NotFoundException() from None
    if user is None or not domain.may_work_on(user, vraag):
        raise NotFoundException()
    return vraag


@get("/raad/{gemeente:str}/vragen", guards=raad)
async def board(
    request: Request,
    gemeente: FromPath[str],
    thema: FromQuery[str] = "",
    stap: FromQuery[str] = "",
    herkomst: FromQuery[str] = "",
    deadline: FromQuery[str] = "",
    zoek: FromQuery[str] = "",
) -> Template:
    f = queries.BoardFilter(thema=thema, stap=stap, herkomst=herkomst, deadline=deadline, zoek=zoek.strip())
    return Template("vragen/board.html", context=await _board_context(gemeente, f))


async def _board_context(gemeente: str, f: queries.BoardFilter, melding: str = "") -> dict[str, Any]:
    info = await gemeente_or_404(gemeente)
    return {
        "gemeente": info,
        "kolommen": await queries.board(info["id"], f),
        "filter": f,
        "themas": stappen.THEMAS,
        "stappen": stappen,
        "Stap": Stap,
        "melding": melding,
    }


async def _vraag_page(
    request: Request,
    gemeente: str,
    vraag: dict[str, Any],
    *,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
    invoer: dict[str, str] | None = None,
) -> Template:
    info = await gemeente_or_404(gemeente)
    huidige = Stap(vraag["stap"])
    volgende = stappen.allowed_next(huidige)
    ontbrekend = {
        naar: stappen.missing_for(naar, vraag) for naar in volgende if not stappen.is_back(huidige, naar)
    }
    return Template(
        "vragen/vraag.html",
        status_code=status,
        context={
            "gemeente": info,
            "vraag": vraag,
            "stap": huidige,
            "volgende": volgende,
            "ontbrekend": ontbrekend,
            "fouten": fouten or {},
            "melding": melding,
            # What the person typed wins over what is stored, so a refused form keeps its input.
            "invoer": invoer or {},
            "tijdlijn": await queries.timeline(vraag["id"], with_internal=True),
            "bijlagen": await queries.bijlagen(vraag["id"]),
            "peilingen": await _peilingen(vraag["id"]),
            "focusgroepen": await _focusgroepen(vraag["id"]),
            "rapport_mogelijk": _rapport_mogelijk(vraag),
            "oordelen": domain.REACTIE_OORDELEN,
            "activiteiten": await queries.activiteiten(vraag["id"]),
            "raadslid_opties": [
                (str(r["id"]), r["naam"]) for r in await account_queries.raadsleden(vraag["gemeente"])
            ],
            "themas": stappen.THEMAS,
            "prioriteiten": stappen.PRIORITEITEN,
            "vormen": stappen.PARTICIPATIEVORMEN,
            "stappen": stappen,
            "Stap": Stap,
        },
    )


async def _peilingen(vraag_id: int) -> list[dict[str, Any]]:
    # Imported here: peilingen builds on vragen, not the other way round.
    from participatie.peilingen import queries as peiling_queries

    return await peiling_queries.peilingen_van(vraag_id)


def _rapport_mogelijk(vraag: dict[str, Any]) -> bool:
    from participatie.rapporten.domain import STAPPEN_SAMENSTELLEN

    return vraag["stap"] in STAPPEN_SAMENSTELLEN


async def _focusgroepen(vraag_id: int) -> list[dict[str, Any]]:
    from participatie.focusgroepen import queries as focusgroep_queries

    return await focusgroep_queries.groepen_van(vraag_id)


@get("/raad/{gemeente:str}/vragen/{vraag_id:int}", guards=raad)
async def vraag_page(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template:
    return await _vraag_page(request, gemeente, await _vraag_for(request, vraag_id))


def _versie(data: dict[str, str]) -> int:
    try:
        return int(data.get("versie", ""))
    except ValueError:
        return -1  # never matches: reported as a concurrent change


async def _apply(
    request: Request,
    gemeente: str,
    vraag_id: int,
    change: Callable[[], Awaitable[object]],
    invoer: dict[str, str] | None = None,
    anker: str = "",
) -> Template | Redirect:
    """Run one domain change; on a refusal show the vraag page again with the Dutch message."""
    await _vraag_for(request, vraag_id)
    try:
        await change()
    except domain.OngeldigeInvoer as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _vraag_page(request, gemeente, vraag, fouten=exc.fouten, status=422, invoer=invoer)
    except domain.VraagError as exc:
        vraag = await domain.load_vraag(vraag_id)
        status = 409 if isinstance(exc, domain.GelijktijdigGewijzigd) else 422
        return await _vraag_page(request, gemeente, vraag, melding=str(exc), status=status, invoer=invoer)
    return Redirect(path=f"/raad/{gemeente}/vragen/{vraag_id}{anker}")


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/trechter", guards=raad)
async def trechter(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    return await _apply(
        request,
        gemeente,
        vraag_id,
        lambda: domain.update_trechter(
            vraag_id,
            user,
            versie=_versie(data),
            scope=data.get("scope", ""),
            thema=data.get("thema", ""),
            prioriteit=data.get("prioriteit", ""),
            dubbel_van=data.get("dubbel_van", ""),
        ),
    )


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/concretisering", guards=raad)
async def concretisering(
    request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]
) -> Template | Redirect:
    form = await request.form()
    data = await read_form(request)
    user = current(request)
    assert user is not None
    vormen = [v for v in form.getall("participatievormen", []) if isinstance(v, str)]
    vormen += [v.strip() for v in data.get("andere_vorm", "").split(",") if v.strip()]
    return await _apply(
        request,
        gemeente,
        vraag_id,
        lambda: domain.update_concretisering(
            vraag_id,
            user,
            versie=_versie(data),
            precieze_vraag=data.get("precieze_vraag", ""),
            aanpak=data.get("aanpak", ""),
            doelgroep=data.get("doelgroep", ""),
            participatievormen=vormen,
            planning=data.get("planning", ""),
            deadline=data.get("deadline", ""),
            verantwoordelijke=data.get("verantwoordelijke", ""),
        ),
    )


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/stap", guards=raad)
async def stap(
    request: HTMXRequest, gemeente: FromPath[str], vraag_id: FromPath[int]
) -> Template | Redirect | HTMXBlockTemplate:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    if request.htmx and data.get("terug") == "bord":
        return await _move_on_board(request, gemeente, vraag_id, user, data)
    response = await _apply(
        request,
        gemeente,
        vraag_id,
        lambda: domain.advance_stap(
            vraag_id,
            user,
            versie=_versie(data),
            naar=data.get("naar", ""),
            notitie=data.get("notitie", ""),
            afwijsreden=data.get("afwijsreden", ""),
        ),
    )
    if isinstance(response, Redirect) and data.get("terug") == "bord":
        return Redirect(path=f"/raad/{gemeente}/vragen")
    return response


async def _move_on_board(
    request: HTMXRequest, gemeente: str, vraag_id: int, user: Ingelogd, data: dict[str, str]
) -> HTMXBlockTemplate:
    """htmx: move the card and answer with the board alone, carrying a message either way.

    The answer is a 200 even when the move is refused: htmx swaps only successful answers, and
    the refusal is shown in the board's message area, which screen readers announce.
    """
    vraag = await _vraag_for(request, vraag_id)
    try:
        naar = await domain.advance_stap(vraag_id, user, versie=_versie(data), naar=data.get("naar", ""))
        melding = f"Vraag {vraag_id} ({vraag['titel']}) staat nu in de stap {naar.label.lower()}."
    except domain.VraagError as exc:
        melding = f"Vraag {vraag_id} is niet verplaatst. {exc}"
    return HTMXBlockTemplate(
        template_name="vragen/board.html",
        block_name="bord",
        # The filters travel along (hx-include), so the board comes back as the person saw it.
        context=await _board_context(
            gemeente,
            queries.BoardFilter(
                thema=data.get("thema", ""),
                herkomst=data.get("herkomst", ""),
                deadline=data.get("deadline", ""),
                zoek=data.get("zoek", "").strip(),
            ),
            melding,
        ),
    )


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/activiteiten", guards=raad)
async def activiteit(
    request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]
) -> Template | Redirect:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    return await _apply(
        request,
        gemeente,
        vraag_id,
        lambda: domain.add_activiteit(
            vraag_id,
            user,
            waar=data.get("waar", ""),
            op=data.get("op", ""),
            bereikt=data.get("bereikt", ""),
            notities=data.get("notities", ""),
        ),
        invoer=data,
        anker="#activiteiten",
    )


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/advies", guards=raad)
async def advies(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    return await _apply(
        request,
        gemeente,
        vraag_id,
        lambda: domain.record_advies(
            vraag_id,
            user,
            versie=_versie(data),
            tekst=data.get("advies_tekst", ""),
            aan=data.get("advies_aan", ""),
        ),
        invoer=data,
        anker="#advies",
    )


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/reactie", guards=raad)
async def reactie(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    return await _apply(
        request,
        gemeente,
        vraag_id,
        lambda: domain.record_reactie(
            vraag_id,
            user,
            oordeel=data.get("reactie_oordeel", ""),
            toelichting=data.get("reactie_toelichting", ""),
            vervolg_op=data.get("vervolg_op", ""),
        ),
        invoer=data,
        anker="#borging",
    )


@get("/raad/{gemeente:str}/vragen/{vraag_id:int}/bijlagen/{bijlage_id:int}", guards=raad)
async def bijlage(
    request: Request, gemeente: FromPath[str], vraag_id: FromPath[int], bijlage_id: FromPath[int]
) -> Response[bytes]:
    await _vraag_for(request, vraag_id)
    return await bijlage_response(vraag_id, bijlage_id)


BIJLAGE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


async def bijlage_response(vraag_id: int, bijlage_id: int) -> Response[bytes]:
    """Always a download, never shown inline: the file came from outside."""
    row = await queries.bijlage(vraag_id, bijlage_id)
    if row is None:
        raise NotFoundException()
    naam = "".join(c for c in row["bestandsnaam"] if c.isalnum() or c in "._- ") or f"bijlage.{row['soort']}"
    return Response(
        content=bytes(row["inhoud"]),
        media_type=BIJLAGE_TYPES[row["soort"]],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(naam)}",
            "Cache-Control": "private, no-store",
        },
    )


CSV_KOLOMMEN = [
    "nummer",
    "titel",
    "herkomst",
    "gemeente",
    "ijmond_breed",
    "thema",
    "prioriteit",
    "huidige_stap",
    "participatievormen",
    "deadline",
    *[f"datum_{s.value}" for s in stappen.VOLGORDE],
    "reactie_gemeente",
]


@get("/raad/{gemeente:str}/vragen/export.csv", guards=raad)
async def export_csv(request: Request, gemeente: FromPath[str]) -> Response[str]:
    """The council's own evaluation: every vraag with the date it first reached each step."""
    info = await gemeente_or_404(gemeente)
    rows = await queries.export_rows(info["id"])
    datums = await queries.stap_data([r["id"] for r in rows])
    regels: list[list[object]] = [list(CSV_KOLOMMEN)]
    for r in rows:
        eerst = datums.get(r["id"], {})
        regels.append(
            [
                r["id"],
                r["titel"],
                r["herkomst"],
                r["gemeente_naam"],
                "ja" if r["scope"] == "regio" else "nee",
                r["thema"],
                r["prioriteit"],
                r["stap"],
                ", ".join(r["participatievormen"] or []),
                r["deadline"].isoformat() if r["deadline"] else "",
                *[eerst[s.value].date().isoformat() if s.value in eerst else "" for s in stappen.VOLGORDE],
                r["reactie_oordeel"],
            ]
        )
    # The one CSV writer: semicolons, a BOM and formula escaping, like every other download.
    return csvexport.response(regels, f"vragen-{info['slug']}-{domain.today()}.csv")


@get("/raad/{gemeente:str}/vragen/nieuw", guards=[alleen(Rol.RAADSLID), eigen_gemeente])
async def new_vraag_page(request: Request, gemeente: FromPath[str]) -> Template:
    return Template(
        "vragen/nieuw.html",
        context={
            "gemeente": await gemeente_or_404(gemeente),
            "waarden": {"titel": "", "tekst": "", "thema": ""},
            "fouten": {},
            "themas": stappen.THEMAS,
        },
    )


@post("/raad/{gemeente:str}/vragen/nieuw", guards=[alleen(Rol.RAADSLID), eigen_gemeente])
async def create_vraag(request: Request, gemeente: FromPath[str]) -> Template | Redirect:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    try:
        vraag_id = await domain.create_eigen_agendering(
            user, titel=data.get("titel", ""), tekst=data.get("tekst", ""), thema=data.get("thema", "")
        )
    except domain.OngeldigeInvoer as exc:
        return Template(
            "vragen/nieuw.html",
            status_code=422,
            context={
                "gemeente": await gemeente_or_404(gemeente),
                "fouten": exc.fouten,
                "waarden": {k: data.get(k, "") for k in ("titel", "tekst", "thema")},
                "themas": stappen.THEMAS,
            },
        )
    return Redirect(path=f"/raad/{gemeente}/vragen/{vraag_id}")


ROUTES = [
    board,
    export_csv,
    new_vraag_page,
    create_vraag,
    vraag_page,
    trechter,
    concretisering,
    stap,
    activiteit,
    advies,
    reactie,
    bijlage,
]
