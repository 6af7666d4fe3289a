"""The council's board and vraag pages. Thin: parse, guard, one domain call, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from participatie.accounts import queries as account_queries
from participatie.accounts.forms import read_form
from participatie.accounts.guards import alleen, current, eigen_gemeente
from participatie.accounts.tables import Rol
from participatie.vragen import domain, queries, stappen
from participatie.vragen.stappen import Stap

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]


async def _gemeente(slug: str) -> dict[str, Any]:
    info = await account_queries.get_gemeente(slug)
    if info is None:
        raise NotFoundException()
    return info


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
    info = await _gemeente(gemeente)
    f = queries.BoardFilter(thema=thema, stap=stap, herkomst=herkomst, deadline=deadline, zoek=zoek.strip())
    return Template(
        "vragen/board.html",
        context={
            "gemeente": info,
            "kolommen": await queries.board(info["id"], f),
            "filter": f,
            "themas": stappen.THEMAS,
            "stappen": stappen,
            "Stap": Stap,
        },
    )


async def _vraag_page(
    request: Request,
    gemeente: str,
    vraag: dict[str, Any],
    *,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Template:
    info = await _gemeente(gemeente)
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
            "tijdlijn": await queries.timeline(vraag["id"], with_internal=True),
            "activiteiten": await queries.activiteiten(vraag["id"]),
            "raadslid_opties": [
                (str(r["id"]), r["naam"]) for r in await queries.raadsleden(vraag["gemeente"])
            ],
            "themas": stappen.THEMAS,
            "prioriteiten": stappen.PRIORITEITEN,
            "vormen": stappen.PARTICIPATIEVORMEN,
            "stappen": stappen,
            "Stap": Stap,
        },
    )


@get("/raad/{gemeente:str}/vragen/{vraag_id:int}", guards=raad)
async def vraag_page(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template:
    return await _vraag_page(request, gemeente, await _vraag_for(request, vraag_id))


def _versie(data: dict[str, str]) -> int:
    try:
        return int(data.get("versie", ""))
    except ValueError:
        return -1  # never matches: reported as a concurrent change


async def _apply(
    request: Request, gemeente: str, vraag_id: int, change: Callable[[], Awaitable[object]]
) -> Template | Redirect:
    """Run one domain change; on a refusal show the vraag page again with the Dutch message."""
    await _vraag_for(request, vraag_id)
    try:
        await change()
    except domain.OngeldigeInvoer as exc:
        vraag = await domain.load_vraag(vraag_id)
        return await _vraag_page(request, gemeente, vraag, fouten=exc.fouten, status=422)
    except domain.VraagError as exc:
        vraag = await domain.load_vraag(vraag_id)
        status = 409 if isinstance(exc, domain.GelijktijdigGewijzigd) else 422
        return await _vraag_page(request, gemeente, vraag, melding=str(exc), status=status)
    return Redirect(path=f"/raad/{gemeente}/vragen/{vraag_id}")


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
    vormen = [v for v in form.getall("participatievormen") if isinstance(v, str)]
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
async def stap(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template | Redirect:
    data = await read_form(request)
    user = current(request)
    assert user is not None
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


@get("/raad/{gemeente:str}/vragen/nieuw", guards=[alleen(Rol.RAADSLID), eigen_gemeente])
async def new_vraag_page(request: Request, gemeente: FromPath[str]) -> Template:
    return Template(
        "vragen/nieuw.html",
        context={
            "gemeente": await _gemeente(gemeente),
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
                "gemeente": await _gemeente(gemeente),
                "fouten": exc.fouten,
                "waarden": {k: data.get(k, "") for k in ("titel", "tekst", "thema")},
                "themas": stappen.THEMAS,
            },
        )
    return Redirect(path=f"/raad/{gemeente}/vragen/{vraag_id}")


ROUTES = [board, new_vraag_page, create_vraag, vraag_page, trechter, concretisering, stap]
