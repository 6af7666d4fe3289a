"""The beheerder's settings page: retention periods that belong to more than one domain.

Each period belongs to its own domain, whose setter checks the value and writes the trail
line of its change; this page changes them together, all or nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import alleen
from participatie.accounts.tables import Instelling, Rol
from participatie.focusgroepen import domain as focusgroepen
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.peilingen import adressen
from participatie.rapporten import domain as rapporten
from participatie.taal import N_

# Each field of the form, and the domain function that checks, stores and traces it.
SETTERS: tuple[tuple[str, Callable[[Ingelogd, str], Awaitable[None]]], ...] = (
    ("maanden", focusgroepen.set_bewaartermijn),
    ("vervolg_maanden", rapporten.set_vervolg_bewaartermijn),
    ("adres_maanden", adressen.set_bewaartermijn),
)
VELDEN = tuple(veld for veld, _ in SETTERS)


async def _waarden() -> dict[str, str]:
    return {
        "maanden": str(await focusgroepen.bewaartermijn_maanden()),
        "vervolg_maanden": str(await rapporten.vervolg_bewaartermijn_maanden()),
        "adres_maanden": str(await adressen.bewaartermijn_maanden()),
    }


async def change_bewaartermijnen(user: Ingelogd, data: Mapping[str, str]) -> None:
    """Set the three retention periods in one transaction: one wrong field changes nothing.

    Every field is checked, so the form can show all its messages at once. Raises
    OngeldigeInvoer with a message per wrong field; the trail lines of the valid fields'
    changes are rolled back with them.
    """
    fouten: dict[str, str] = {}
    async with Instelling._meta.db.transaction():
        for veld, setter in SETTERS:
            try:
                await setter(user, data.get(veld, ""))
            except OngeldigeInvoer as exc:
                fouten.update(exc.fouten)
        if fouten:
            # Raised inside the block, so what the valid fields wrote is rolled back.
            raise OngeldigeInvoer(fouten)


def _page(waarden: dict[str, str], fouten: dict[str, str], melding: str = "", status: int = 200) -> Template:
    return Template(
        "instellingen.html",
        status_code=status,
        context={"waarden": waarden, "fouten": fouten, "melding": melding},
    )


@get("/")
async def settings_page() -> Template:
    return _page(await _waarden(), {})


@post("/")
async def change_settings(request: Request[Any, Any, Any], user: NamedDependency[Ingelogd]) -> Template:
    data = await read_form(request)
    try:
        await change_bewaartermijnen(user, data)
    except OngeldigeInvoer as exc:
        return _page({k: data.get(k, "") for k in VELDEN}, exc.fouten, status=422)
    return _page(await _waarden(), {}, melding=N_("De bewaartermijnen zijn opgeslagen."))


ROUTES: list[ControllerRouterHandler] = [
    Router(
        path="/beheer/instellingen",
        guards=[alleen(Rol.BEHEERDER)],
        route_handlers=[settings_page, change_settings],
    )
]
