"""Who may use a route. Every route names its guards, or says it is public with opt publiek."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from participatie import taal
from participatie.accounts import domain
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.taal import N_

SESSION_COOKIE = "participatie_sessie"

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]
PUBLIEK = {"publiek": True}


class SessionAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """The signed-in person (`Ingelogd`, or None) as `request.user`, from the session cookie.

    `request.auth` is the cookie's token when it opened a session; a signed-in person's language
    cookie is remembered on their account (`domain.remember_taal`). Static files need no
    session lookup. Every response to a signed-in person is kept out of caches (`_no_store`).
    Registered on the app with `DefineMiddleware(SessionAuthenticationMiddleware, settings=...)`.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        super().__init__(app, exclude="^/static/")
        self.settings = settings

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        user = await domain.load_sessie(self.settings, token) if token else None
        if user is not None:
            # The language switch only sets a cookie: the account keeps the choice too, so the
            # mails it gets later (a password changed, a reset link) are in that language.
            gekozen = taal.geldig(connection.cookies.get(taal.COOKIE))
            if gekozen is not None and gekozen != user.taal:
                await domain.remember_taal(user.id, gekozen)
                user = replace(user, taal=gekozen)
        return AuthenticationResult(user=user, auth=token if user is not None else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Excluded paths (static files) get no lookup, but still read as "nobody signed in".
        scope.setdefault("user", None)
        await super().__call__(scope, receive, _no_store_when_signed_in(scope, send))


def session_middleware(app: ASGIApp, *, settings: Settings) -> ASGIApp:
    """Alias for app.py until it registers SessionAuthenticationMiddleware by DefineMiddleware."""
    return SessionAuthenticationMiddleware(app, settings=settings)


def _no_store_when_signed_in(scope: Scope, send: Send) -> Send:
    """Add no-store once the middleware has found a signed-in person in this request's scope."""
    no_store = _no_store(send)

    async def send_checked(message: Message) -> None:
        if scope.get("user") is not None:
            await no_store(message)
        else:
            await send(message)

    return send_checked


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


def current(connection: ASGIConnection[Any, Any, Any, Any]) -> domain.Ingelogd | None:
    """The signed-in person, or None (on static files and pages nobody needs to log in for)."""
    user = connection.scope.get("user")
    return user if isinstance(user, domain.Ingelogd) else None


def alleen(*rollen: Rol) -> Guard:
    """Guard: logged in with one of these roles."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = current(connection)
        if user is None:
            raise NotAuthorizedException("Log in om deze pagina te zien.")
        if user.rol not in rollen:
            raise PermissionDeniedException("U heeft geen toegang tot deze pagina.")

    guard.__name__ = "alleen_" + "_".join(r.value for r in rollen)
    return guard


def eigen_gemeente(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
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
        raise PermissionDeniedException(N_("Deze pagina hoort bij een andere gemeente."))
