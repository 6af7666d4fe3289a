"""The session cookie becomes `request.user` through Litestar's authentication middleware."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware

from participatie.accounts import domain
from participatie.accounts.guards import PUBLIEK, SESSION_COOKIE, SessionAuthenticationMiddleware
from tests.conftest import PASSWORD, login, make_gebruiker


@get("/wie", opt=PUBLIEK, sync_to_thread=False)
def wie(request: Request[domain.Ingelogd | None, str | None, State]) -> dict[str, Any]:
    user = request.user
    return {
        "naam": user.naam if user else None,
        "rol": user.rol.value if user else None,
        "auth": request.auth,
    }


async def _ask(settings, cookies: dict[str, str]) -> httpx.Response:
    app = Litestar(
        route_handlers=[wie],
        middleware=[DefineMiddleware(SessionAuthenticationMiddleware, settings=settings)],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as c:
        return await c.get("/wie")


async def test_request_user_is_the_person_of_the_session_cookie(database, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example", naam="Anna de Wit")
    token = await domain.login(settings, "anna@velsen.example", PASSWORD, "203.0.113.7")

    response = await _ask(settings, {SESSION_COOKIE: token})

    assert response.json() == {"naam": "Anna de Wit", "rol": "raadslid", "auth": token}
    assert response.headers["cache-control"] == "private, no-store"


async def test_an_unknown_or_missing_cookie_is_nobody(database, settings):
    unknown = await _ask(settings, {SESSION_COOKIE: "verzonnen"})
    missing = await _ask(settings, {})

    assert unknown.json() == missing.json() == {"naam": None, "rol": None, "auth": None}
    assert "cache-control" not in missing.headers


async def test_signed_in_pages_are_kept_out_of_caches_but_static_files_are_not(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    anonymous_login_page = await client.get("/inloggen")
    await login(client, "anna@velsen.example")

    page = await client.get("/raad/velsen")
    static = await client.get("/static/participatie.css")

    assert "no-store" not in anonymous_login_page.headers.get("cache-control", "")
    assert page.headers["cache-control"] == "private, no-store"
    assert static.status_code == 200
    assert static.headers["cache-control"] == "max-age=86400, public"


async def test_the_old_factory_name_still_builds_the_middleware(settings):
    from participatie.accounts.guards import session_middleware

    built = session_middleware(Litestar(), settings=settings)

    assert isinstance(built, SessionAuthenticationMiddleware)
