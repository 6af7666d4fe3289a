"""The council's board and vraag pages. Thin: parse, guard, one domain call, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from participatie import csvexport, spoor, tijd
from participatie.accounts import queries as account_queries
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import parse_id, read_form
from participatie.taal import gettext as _
from participatie.taalhulp import domain as taalhulp
from participatie.vragen import domain, panelen, queries, stappen
from participatie.vragen.stappen import Actie, Stap

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]


async def _vraag_for(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    """The vraag, if this person may work on it; otherwise the same 404 as a missing one."""
    vraag = await domain.load_vraag_for(user, vraag_id)
    if vraag is None:
        raise NotFoundException()
    return vraag


@get("/")
async def board(
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    thema: FromQuery[str] = "",
    stap: FromQuery[str] = "",
    herkomst: FromQuery[str] = "",
    deadline: FromQuery[str] = "",
    zoek: FromQuery[str] = "",
    verplaatst: FromQuery[str] = "",
) -> Template:
    """The board. `?verplaatst=<id>` is where a move without JavaScript lands: the message is
    made from the vraag as stored (never from the URL), and only for a vraag this person may see."""
    f = queries.BoardFilter(thema=thema, stap=stap, herkomst=herkomst, deadline=deadline, zoek=zoek.strip())
    melding, kaart = "", None
    # ASCII digits that fit the id column: anything else is ignored rather than a 500 from the database.
    is_id = verplaatst.isascii() and verplaatst.isdigit() and len(verplaatst) <= 9
    vraag = await domain.load_vraag_for(user, int(verplaatst)) if is_id else None
    if vraag is not None:
        melding, kaart = _moved_message(vraag["id"], vraag["titel"], Stap(vraag["stap"])), vraag["id"]
    return Template(
        "vragen/board.html", context=await _board_context(gemeente_info, f, melding, verplaatst=kaart)
    )


def _moved_message(vraag_id: int, titel: str, naar: Stap) -> str:
    return _("Vraag %(nummer)s (%(titel)s) staat nu in de stap %(stap)s.") % {
        "nummer": vraag_id,
        "titel": titel,
        "stap": naar.label.lower(),
    }


async def _board_context(
    info: GemeenteRij,
    f: queries.BoardFilter,
    melding: str = "",
    *,
    verplaatst: int | None = None,
    geweigerd: bool = False,
) -> dict[str, Any]:
    """`verplaatst`: the card that gets focus (after a move); `geweigerd`: the message is a
    refusal and gets focus itself."""
    return {
        "gemeente": info,
        "kolommen": await queries.board(info.id, f),
        "filter": f,
        "themas": stappen.THEMAS,
        "thema_labels": dict(stappen.THEMAS),
        "vandaag": tijd.today(),
        "stappen": stappen,
        "Stap": Stap,
        "melding": melding,
        "verplaatst": verplaatst,
        "geweigerd": geweigerd,
    }


async def _vraag_page(
    info: GemeenteRij,
    vraag: dict[str, Any],
    *,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
    invoer: dict[str, str] | None = None,
) -> Template:
    huidige = Stap(vraag["stap"])
    volgende = stappen.allowed_next(huidige)
    wijzigingen = await spoor.van_vraag(vraag["id"])
    # The B1 signal of the advice as typed (a refused form) or as stored, where it is written.
    advies_signaal = None
    if stappen.mag(huidige, Actie.ADVIES_GEVEN):
        advies_signaal = await taalhulp.meet((invoer or {}).get("advies_tekst", vraag["advies_tekst"] or ""))
    # The municipality's reasons go to residents in the follow-up mail: measured too.
    reactie_signaal = None
    if stappen.mag(huidige, Actie.REACTIE_VASTLEGGEN):
        reactie_signaal = await taalhulp.meet(
            (invoer or {}).get("reactie_toelichting", vraag["reactie_toelichting"] or "")
        )
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
            "stap_opties": [
                (
                    naar.value,
                    _("%(stap)s (terug)") % {"stap": naar.label}
                    if stappen.is_back(huidige, naar)
                    else naar.label,
                )
                for naar in volgende
            ],
            "ontbrekend": ontbrekend,
            "fouten": fouten or {},
            "melding": melding,
            # What the person typed wins over what is stored, so a refused form keeps its input.
            "invoer": invoer or {},
            "tijdlijn": await queries.timeline(vraag["id"], with_internal=True),
            "bijlagen": await queries.bijlagen(vraag["id"]),
            # Polls, focus groups and the report: their domains fill these keys (panelen).
            **await panelen.voor_vraag(vraag),
            # Which forms the page offers: exactly the actions the table stappen.MAG allows.
            "Actie": Actie,
            "wijzigingen": wijzigingen,
            # "Wie wijzigde wat" in words: actions named, dates on the Dutch clock, people by name.
            "actie_tekst": spoor.actie_tekst,
            "waarde_tekst": spoor.waarde_tekst,
            "veld_tekst": spoor.veld_tekst,
            "onderwerp_tekst": spoor.onderwerp_tekst,
            "namen": await spoor.namen(wijzigingen),
            "oordelen": stappen.opties(domain.REACTIE_OORDELEN),
            "activiteiten": await queries.activiteiten(vraag["id"]),
            "advies_signaal": advies_signaal,
            "reactie_signaal": reactie_signaal,
            "raadslid_opties": [
                (str(r["id"]), r["naam"]) for r in await account_queries.raadsleden(vraag["gemeente"])
            ],
            "themas": stappen.opties(stappen.THEMAS),
            "prioriteiten": stappen.opties(stappen.PRIORITEITEN),
            "notitie_tekst": domain.notitie_tekst,
            "vormen": stappen.PARTICIPATIEVORMEN,
            "stappen": stappen,
            "Stap": Stap,
        },
    )


@get("/{vraag_id:int}")
async def vraag_page(
    user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij], vraag_id: FromPath[int]
) -> Template:
    return await _vraag_page(gemeente_info, await _vraag_for(user, vraag_id))


def _versie(data: dict[str, str]) -> int:
    # parse_id, not int(): "99999999999999999999999" overflowed the database's integer (a 500
    # found by tests/test_fuzz.py); anything but a short number never matches a row's versie
    # and is reported as a concurrent change.
    versie = parse_id(data.get("versie", ""))
    return -1 if versie is None else versie


async def _apply(
    user: Ingelogd,
    info: GemeenteRij,
    vraag_id: int,
    change: Callable[[], Awaitable[object]],
    invoer: dict[str, str] | None = None,
    anker: str = "",
) -> Template | Redirect:
    """Run one domain change; on a refusal show the vraag page again with the Dutch message
    and the refusal's own status (409 for a concurrent change, 422 for a rule)."""
    await _vraag_for(user, vraag_id)
    try:
        await change()
    except OngeldigeInvoer as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _vraag_page(info, vraag, fouten=exc.fouten, status=exc.status, invoer=invoer)
    except domain.VraagError as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _vraag_page(info, vraag, melding=exc.melding, status=exc.status, invoer=invoer)
    return Redirect(path=f"/raad/{info.slug}/vragen/{vraag_id}{anker}")


@post("/{vraag_id:int}/trechter")
async def trechter(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    data = await read_form(request)
    return await _apply(
        user,
        gemeente_info,
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


@post("/{vraag_id:int}/concretisering")
async def concretisering(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    form = await request.form()
    data = await read_form(request)
    vormen = [v for v in form.getall("participatievormen", []) if isinstance(v, str)]
    vormen += [v.strip() for v in data.get("andere_vorm", "").split(",") if v.strip()]
    return await _apply(
        user,
        gemeente_info,
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


@post("/{vraag_id:int}/stap")
async def stap(
    request: HTMXRequest,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect | HTMXBlockTemplate:
    data = await read_form(request)
    if request.htmx and data.get("terug") == "bord":
        return await _move_on_board(gemeente_info, vraag_id, user, data)
    response = await _apply(
        user,
        gemeente_info,
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
        # Only the number travels; the board reads the vraag again to say where it went.
        return Redirect(path=f"/raad/{gemeente_info.slug}/vragen?verplaatst={vraag_id}")
    return response


async def _move_on_board(
    info: GemeenteRij, vraag_id: int, user: Ingelogd, data: dict[str, str]
) -> HTMXBlockTemplate:
    """htmx: move the card and answer with the board alone, carrying a message either way.

    The answer is a 200 even when the move is refused: htmx swaps only successful answers, and
    the refusal is shown in the board's message area, which screen readers announce.
    """
    vraag = await _vraag_for(user, vraag_id)
    verplaatst, geweigerd = None, False
    try:
        naar = await domain.advance_stap(vraag_id, user, versie=_versie(data), naar=data.get("naar", ""))
        melding, verplaatst = _moved_message(vraag_id, vraag["titel"], naar), vraag_id
    except domain.VraagError as exc:
        melding = _("Vraag %(nummer)s is niet verplaatst. %(reden)s") % {"nummer": vraag_id, "reden": exc}
        geweigerd = True
    return HTMXBlockTemplate(
        template_name="vragen/board.html",
        block_name="bord",
        # The filters travel along (hx-include), so the board comes back as the person saw it.
        context=await _board_context(
            info,
            queries.BoardFilter(
                thema=data.get("thema", ""),
                herkomst=data.get("herkomst", ""),
                deadline=data.get("deadline", ""),
                zoek=data.get("zoek", "").strip(),
            ),
            melding,
            verplaatst=verplaatst,
            geweigerd=geweigerd,
        ),
    )


@post("/{vraag_id:int}/activiteiten")
async def activiteit(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    data = await read_form(request)
    return await _apply(
        user,
        gemeente_info,
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


@post("/{vraag_id:int}/advies")
async def advies(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    data = await read_form(request)
    return await _apply(
        user,
        gemeente_info,
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


@post("/{vraag_id:int}/reactie")
async def reactie(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    data = await read_form(request)
    return await _apply(
        user,
        gemeente_info,
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


@get("/{vraag_id:int}/bijlagen/{bijlage_id:int}")
async def bijlage(
    user: NamedDependency[Ingelogd], vraag_id: FromPath[int], bijlage_id: FromPath[int]
) -> Response[bytes]:
    await _vraag_for(user, vraag_id)
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


@get("/export.csv")
async def export_csv(gemeente_info: NamedDependency[GemeenteRij]) -> Response[str]:
    """The council's own evaluation: every vraag with the date it first reached each step."""
    info = gemeente_info
    rows = await queries.export_rows(info.id)
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
                *[
                    tijd.local(eerst[s.value]).date().isoformat() if s.value in eerst else ""
                    for s in stappen.VOLGORDE
                ],
                r["reactie_oordeel"],
            ]
        )
    # The one CSV writer: semicolons, a BOM and formula escaping, like every other download.
    return csvexport.response(regels, f"vragen-{info.slug}-{tijd.today()}.csv")


# Only a raadslid puts something on the council's own agenda (on top of the router's guards).
@get("/nieuw", guards=[alleen(Rol.RAADSLID)])
async def new_vraag_page(gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    return Template(
        "vragen/nieuw.html",
        context={
            "gemeente": gemeente_info,
            "waarden": {"titel": "", "tekst": "", "thema": ""},
            "fouten": {},
            "themas": stappen.opties(stappen.THEMAS),
        },
    )


@post("/nieuw", guards=[alleen(Rol.RAADSLID)])
async def create_vraag(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij]
) -> Template | Redirect:
    data = await read_form(request)
    try:
        vraag_id = await domain.create_eigen_agendering(
            user, titel=data.get("titel", ""), tekst=data.get("tekst", ""), thema=data.get("thema", "")
        )
    except OngeldigeInvoer as exc:
        return Template(
            "vragen/nieuw.html",
            status_code=exc.status,
            context={
                "gemeente": gemeente_info,
                "fouten": exc.fouten,
                "waarden": {k: data.get(k, "") for k in ("titel", "tekst", "thema")},
                "themas": stappen.opties(stappen.THEMAS),
            },
        )
    return Redirect(path=f"/raad/{gemeente_info.slug}/vragen/{vraag_id}")


ROUTES = [
    Router(
        path="/raad/{gemeente:str}/vragen",
        guards=raad,
        route_handlers=[
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
        ],
    )
]
