"""The beheerder's reference figures per municipality, and the builder's standard background items.

Thin: parse, guard, one domain call, render. Both forms work as plain posts that redirect back;
a wrong cell comes back on the table with every other cell as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Gemeente, Rol
from participatie.bereik import kenmerkitems, referenties
from participatie.bereik.tables import Referentie
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.kenmerken import KENMERKEN, LEEFTIJD, categorieen
from participatie.peilingen import domain as peilingen
from participatie.taal import N_
from participatie.taal import gettext as _

# Council pages hold figures that change: never from a cache (as the poll builder).
NO_STORE = {"Cache-Control": "no-store"}
KENMERK_NAMEN = {LEEFTIJD: N_("Leeftijd"), "kern": N_("Kern of wijk")}


@dataclass(frozen=True)
class Rij:
    """One row of a table: a category, the typed value, its error, and its share of the total."""

    veld: str
    label: str
    waarde: str
    fout: str
    aandeel: float | None


@dataclass(frozen=True)
class Tabel:
    kenmerk: str
    naam: str
    rijen: tuple[Rij, ...]
    totaal: int


def _label(kenmerk: str, categorie: str) -> str:
    # The panel's "66-80 jaar" (same msgid), or the place's name, which reads the same in English.
    return _("%(leeftijd)s jaar") % {"leeftijd": categorie} if kenmerk == LEEFTIJD else categorie


def _tabellen(slug: str, waarden: Mapping[str, Mapping[str, str]], fouten: Mapping[str, str]) -> list[Tabel]:
    """One table per characteristic; totals and shares count the cells that hold a valid number."""
    tabellen = []
    for kenmerk in KENMERKEN:
        cats = categorieen(kenmerk, slug)
        if not cats:
            continue
        getallen = [referenties.parse_aantal(waarden.get(kenmerk, {}).get(c, ""))[0] for c in cats]
        totaal = sum(g for g in getallen if g is not None)
        rijen = tuple(
            Rij(
                veld=referenties.veldnaam(kenmerk, n),
                label=_label(kenmerk, c),
                waarde=waarden.get(kenmerk, {}).get(c, ""),
                fout=fouten.get(referenties.veldnaam(kenmerk, n), ""),
                aandeel=100 * g / totaal if g is not None and totaal else None,
            )
            for n, (c, g) in enumerate(zip(cats, getallen, strict=True))
        )
        tabellen.append(Tabel(kenmerk, KENMERK_NAMEN[kenmerk], rijen, totaal))
    return tabellen


async def _gemeente(slug: str) -> dict[str, Any]:
    row = (
        await Gemeente.select(Gemeente.id, Gemeente.slug, Gemeente.naam).where(Gemeente.slug == slug).first()
    )
    if row is None:
        raise NotFoundException()
    return row


@get("/")
async def chooser_page() -> Template:
    gemeenten = await Gemeente.select(Gemeente.id, Gemeente.slug, Gemeente.naam).order_by(Gemeente.naam)
    ingevuld: dict[int, int] = {}
    for row in await Referentie.select(Referentie.gemeente):
        ingevuld[row["gemeente"]] = ingevuld.get(row["gemeente"], 0) + 1
    return Template(
        "bereik/referenties_kiezen.html",
        context={"gemeenten": gemeenten, "ingevuld": ingevuld},
        headers=NO_STORE,
    )


async def _page(
    gemeente: dict[str, Any],
    waarden: Mapping[str, Mapping[str, str]],
    bron: str,
    *,
    fouten: Mapping[str, str] | None = None,
    melding: str = "",
    status: int = 200,
) -> Template:
    fouten = fouten or {}
    tabellen = _tabellen(gemeente["slug"], waarden, fouten)
    # The summary above the form names the cell: "80+ jaar: ..." tells which of twelve it is.
    groepen = {rij.veld: rij.label for tabel in tabellen for rij in tabel.rijen}
    samenvatting = {
        veld: _("%(groep)s: %(fout)s") % {"groep": groepen[veld], "fout": fout} if veld in groepen else fout
        for veld, fout in fouten.items()
    }
    return Template(
        "bereik/referenties.html",
        status_code=status,
        context={
            "gemeente": gemeente,
            "tabellen": tabellen,
            "samenvatting": samenvatting,
            "bron": bron,
            "opgeslagen": await referenties.load_bron(gemeente["id"]),
            "fouten": fouten,
            "melding": melding,
        },
        headers=NO_STORE,
    )


@get("/{slug:str}")
async def referenties_page(request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
    gemeente = await _gemeente(slug)
    cijfers = await referenties.load_referenties(gemeente["id"])
    waarden = {k: {c: str(n) for c, n in cs.items()} for k, cs in cijfers.items()}
    melding = N_("De referentiecijfers zijn opgeslagen.") if request.query_params.get("klaar") == "1" else ""
    return await _page(
        gemeente, waarden, (await referenties.load_bron(gemeente["id"])).tekst, melding=melding
    )


@post("/{slug:str}")
async def save_referenties(
    request: Request[Any, Any, Any], user: NamedDependency[Ingelogd], slug: FromPath[str]
) -> Template | Redirect:
    gemeente = await _gemeente(slug)
    data = await read_form(request)
    waarden = {
        kenmerk: {
            c: data.get(referenties.veldnaam(kenmerk, n), "")
            for n, c in enumerate(categorieen(kenmerk, slug))
        }
        for kenmerk in KENMERKEN
    }
    try:
        await referenties.save_referenties(user, slug, waarden, data.get("bron", ""))
    except OngeldigeInvoer as exc:
        return await _page(gemeente, waarden, data.get("bron", ""), fouten=exc.fouten, status=422)
    return Redirect(path=f"/beheer/referenties/{slug}?klaar=1", status_code=303)


# --- the poll builder: one button per characteristic -----------------------------------------


@post("/kenmerk")
async def add_kenmerk_item(
    request: Request[Any, Any, Any],
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    peiling_id: FromPath[int],
) -> Redirect:
    """A refusal (answers already in, a second item on the same characteristic) reaches the
    error page with its own status and Dutch message; success goes back to the new item."""
    # Another council's poll is not shown to exist: the same check as the builder's own pages.
    if not await peilingen.may_manage(user, peiling_id):
        raise NotFoundException()
    data = await read_form(request)
    item_id = await kenmerkitems.add_kenmerk_item(user, peiling_id, data.get("kenmerk", "")[:20])
    pad = f"/raad/{gemeente_info.slug}/peilingen/{peiling_id}"
    return Redirect(path=f"{pad}?toegevoegd={item_id}#item-{item_id}", status_code=303)


ROUTES: list[ControllerRouterHandler] = [
    Router(
        path="/beheer/referenties",
        guards=[alleen(Rol.BEHEERDER)],
        route_handlers=[chooser_page, referenties_page, save_referenties],
    ),
    Router(
        path="/raad/{gemeente:str}/peilingen/{peiling_id:int}",
        guards=[alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente],
        route_handlers=[add_kenmerk_item],
    ),
]
