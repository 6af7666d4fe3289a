"""What every domain's routes share: the dependencies (`Provide`) Litestar injects.

A handler names what it needs as a parameter marked `NamedDependency` (litestar.di; a bare
annotation is an "inferred dependency", a deprecation warning and so an error in the tests):
`user: NamedDependency[Ingelogd]` (the signed-in person, put on the request by the session
middleware; a guard has already refused anonymous visitors), `settings: NamedDependency[Settings]`,
and `gemeente_info: NamedDependency[dict[str, Any]]` (the council of the `{gemeente}` path
parameter, 404 when unknown). Registered once on the app, so no handler calls these helpers itself.
"""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath

from participatie.accounts import queries as account_queries
from participatie.accounts.domain import Ingelogd
from participatie.config import Settings


async def gemeente_or_404(slug: str) -> account_queries.GemeenteRij:
    """The council of a URL; an unknown slug is a 404 like any other missing page."""
    info = await account_queries.get_gemeente(slug)
    if info is None:
        raise NotFoundException()
    return info


def provide_settings(state: State) -> Settings:
    return state["settings"]


def provide_user(request: Request) -> Ingelogd:
    """The signed-in person. Only on guarded routes: a visitor without a session never gets here."""
    user = request.scope.get("user")
    if not isinstance(user, Ingelogd):
        raise NotAuthorizedException("Log in om deze pagina te zien.")
    return user


async def provide_gemeente_info(gemeente: FromPath[str]) -> account_queries.GemeenteRij:
    # FromPath, not a bare `str`: Litestar 2.25 warns about inferred parameters as soon as a
    # handler names this dependency with NamedDependency, and pytest turns warnings into errors.
    return await gemeente_or_404(gemeente)


DEPENDENCIES = {
    "settings": Provide(provide_settings, sync_to_thread=False),
    "user": Provide(provide_user, sync_to_thread=False),
    "gemeente_info": Provide(provide_gemeente_info),
}
