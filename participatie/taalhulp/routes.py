"""The B1 signal as a fragment for htmx (live while typing), and the beheerder's jargon page.

Without JavaScript the signal shows after saving: the pages that hold a council text render
`_macros/taalhulp.html` with `taalhulp.meet` of the saved text. With htmx the same fragment
comes from POST /taalhulp/signaal while the council member types.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import alleen
from participatie.accounts.tables import Rol
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.taal import N_
from participatie.taalhulp import domain, signaal

# Fields a form posts beside the text; the signal reads the one field that is left.
_NIET_DE_TEKST = {"_csrf_token", "veld"}


@post("/signaal")
async def signaal_fragment(request: Request[Any, Any, Any]) -> Template:
    """The signal of the posted text. The form names its text field in `veld`; without it the
    first other field is read (hx-include="this" sends just the textarea)."""
    data = await read_form(request)
    veld = data.get("veld", "")
    tekst = data.get(veld) if veld and veld not in _NIET_DE_TEKST else None
    if tekst is None:
        tekst = next((v for k, v in data.items() if k not in _NIET_DE_TEKST), "")
    return Template("taalhulp/_signaal.html", context={"signaal": await domain.meet(tekst)})


async def _page(
    melding: str = "",
    fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "taalhulp/beheer.html",
        status_code=status,
        context={
            "basis": sorted(signaal.JARGON.items()),
            "eigen": await domain.eigen_woorden(),
            "fouten": fouten or {},
            "waarden": waarden or {"woord": "", "alternatief": ""},
            "melding": melding,
        },
    )


@get("/")
async def jargon_page(request: Request[Any, Any, Any]) -> Template:
    melding = {
        "toegevoegd": N_("Het woord staat op de lijst."),
        "verwijderd": N_("Het woord is van de lijst."),
    }
    return await _page(melding.get(request.query_params.get("klaar", ""), ""))


@post("/")
async def add_jargonwoord(
    request: Request[Any, Any, Any], user: NamedDependency[Ingelogd]
) -> Template | Redirect:
    data = await read_form(request)
    try:
        await domain.add_jargonwoord(user, data.get("woord", ""), data.get("alternatief", ""))
    except OngeldigeInvoer as exc:
        waarden = {"woord": data.get("woord", ""), "alternatief": data.get("alternatief", "")}
        return await _page(fouten=exc.fouten, waarden=waarden, status=422)
    return Redirect(path="/beheer/taal?klaar=toegevoegd", status_code=303)


@post("/{woord_id:int}/verwijderen")
async def remove_jargonwoord(user: NamedDependency[Ingelogd], woord_id: FromPath[int]) -> Redirect:
    await domain.remove_jargonwoord(user, woord_id)
    return Redirect(path="/beheer/taal?klaar=verwijderd", status_code=303)


ROUTES: list[ControllerRouterHandler] = [
    Router(
        path="/taalhulp",
        guards=[alleen(Rol.RAADSLID, Rol.BEHEERDER, Rol.AMBTENAAR)],
        route_handlers=[signaal_fragment],
    ),
    Router(
        path="/beheer/taal",
        guards=[alleen(Rol.BEHEERDER)],
        route_handlers=[jargon_page, add_jargonwoord, remove_jargonwoord],
    ),
]
