"""Who may use a route. Every route names its guards, or says it is public with opt publiek."""

from __future__ import annotations

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from participatie.accounts import domain
from participatie.accounts.tables import Rol
from participatie.config import Settings

SESSION_COOKIE = "participatie_sessie"

Guard = Callable[[ASGIConnection, BaseRouteHandler], None]
PUBLIEK = {"publiek": True}


def session_middleware(app: ASGIApp, *, settings: Settings) -> ASGIApp:
    """Put the logged-in person (or None) in scope["user"] before the route runs."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/static/"):
            scope["user"] = None  # static files need no session lookup
        elif scope["type"] == "http":
            token = ASGIConnection(scope).cookies.get(SESSION_COOKIE)
            scope["user"] = await domain.load_sessie(settings, token) if token else None
            if scope["user"] is not None:
                await app(scope, receive, _no_store(send))
                return
        await app(scope, receive, send)

    return middleware


def _no_store(send: Send) -> Send:
    """Every response to a signed-in person is kept out of caches and the Back/forward cache.

    Council pages hold residents' names and phone numbers; on a shared computer or tablet
    nothing of them may be read back from the browser's cache after logging out.
    """

    async def send_no_store(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(n, v) for n, v in message.get("headers", []) if n.lower() != b"cache-control"]
            message = {**message, "headers": [*headers, (b"cache-control", b"private, no-store")]}
        await send(message)

    return send_no_store


def current(connection: ASGIConnection) -> domain.Ingelogd | None:
    user = connection.scope.get("user")
    return user if isinstance(user, domain.Ingelogd) else None


def alleen(*rollen: Rol) -> Guard:
    """Guard: logged in with one of these roles."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = current(connection)
        if user is None:
            raise NotAuthorizedException("Log in om deze pagina te zien.")
        if user.rol not in rollen:
            raise PermissionDeniedException("U heeft geen toegang tot deze pagina.")

    guard.__name__ = "alleen_" + "_".join(r.value for r in rollen)
    return guard


def eigen_gemeente(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard: the {gemeente} in the path is the person's own (a beheerder may open all).

    Runs after a role guard. An unknown slug and someone else's slug both end in a refusal, so
    changing the URL reveals nothing about another council.
    """
    user = current(connection)
    slug = connection.path_params.get("gemeente")
    if user is None:
        raise NotAuthorizedException("Log in om deze pagina te zien.")
    if not isinstance(slug, str):
        raise NotFoundException()
    if not user.may_open_gemeente(slug):
        raise PermissionDeniedException("Deze pagina hoort bij een andere gemeente.")
