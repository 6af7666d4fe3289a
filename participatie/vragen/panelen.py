"""Panels of other domains on vragen's pages, registered by the app instead of imported here.

Peilingen, focusgroepen and rapporten build on vragen, so vragen must not import them. Their
part of the vraag page (the polls of this vraag, its focus groups, whether a report can be
written) and of the ambtenaar's portal (the groups they sit in) is a loader that create_app
registers; the page asks the registry for the keys its template reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from participatie.accounts.domain import Ingelogd


@dataclass(frozen=True)
class Paneel:
    """One key of a page's context, filled by another domain's loader."""

    naam: str
    laad: Callable[[Any], Awaitable[Any]]


_VRAAG: dict[str, Paneel] = {}
_PORTAAL: dict[str, Paneel] = {}

# The keys the vraag page and the portal read, and what they show when no loader is registered
# (an app built without that domain), so the templates always find their keys.
VRAAG_LEEG: dict[str, Any] = {"peilingen": [], "focusgroepen": [], "rapport_mogelijk": False}
PORTAAL_LEEG: dict[str, Any] = {"focusgroepen": []}


def register_vraag(naam: str, laad: Callable[[dict[str, Any]], Awaitable[Any]]) -> None:
    """A loader that gets the vraag (row) and returns the value of context key `naam`.

    Registering a name again replaces it, so building the app twice (tests) is harmless.
    """
    _VRAAG[naam] = Paneel(naam, laad)


def register_portaal(naam: str, laad: Callable[[Ingelogd], Awaitable[Any]]) -> None:
    """A loader that gets the signed-in ambtenaar and returns the value of context key `naam`."""
    _PORTAAL[naam] = Paneel(naam, laad)


async def voor_vraag(vraag: dict[str, Any]) -> dict[str, Any]:
    """The registered panels' context for the vraag page."""
    context = dict(VRAAG_LEEG)
    for paneel in _VRAAG.values():
        context[paneel.naam] = await paneel.laad(vraag)
    return context


async def voor_portaal(user: Ingelogd) -> dict[str, Any]:
    """The registered panels' context for the ambtenaar's portal."""
    context = dict(PORTAAL_LEEG)
    for paneel in _PORTAAL.values():
        context[paneel.naam] = await paneel.laad(user)
    return context
