"""Headers and limits every response and request gets, before any route runs."""

from __future__ import annotations

import hmac

from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from participatie import taal
from participatie.taal import N_

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

# Every route is GET or POST (forms work without JavaScript); HEAD is answered for every GET.
ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST"})


def security_middleware(app: ASGIApp, *, hsts: bool) -> ASGIApp:
    headers = [*_HEADERS]
    if hsts:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        # ScopeType, not "http": only the enum member narrows Scope to HTTPScope for mypy.
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in headers if n not in existing]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if scope["method"] not in ALLOWED_METHODS:
            # Litestar answers OPTIONS itself for CORS; we serve no cross-origin clients.
            await _plain(
                send_with_headers,
                405,
                _in_taal_van(scope, N_("Deze methode wordt niet ondersteund.")),
                [(b"allow", b"GET, HEAD, POST")],
            )
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            # No page has a NUL byte in its address, and PostgreSQL refuses them in text: a
            # path like /p/%00 reached the database as a key and ended in a 500.
            await _plain(send_with_headers, 404, _in_taal_van(scope, N_("Deze pagina bestaat niet.")))
            return
        if scope["method"] == "HEAD":
            # Litestar answers HEAD only where a route declares it. Monitors, link checkers and
            # caches ask HEAD of pages that exist: run the GET and send its headers only.
            get_scope: HTTPScope = {**scope, "method": "GET"}
            await app(get_scope, receive, _without_body(send_with_headers))
            return
        await app(scope, receive, send_with_headers)

    return middleware


def _in_taal_van(scope: Scope, tekst: str) -> str:
    """A refusal made before any route (and before the language middleware) runs, in the
    language the request asks for all the same."""
    return taal.vertalingen(taal.taal_van(scope)).gettext(tekst)


def _without_body(send: Send) -> Send:
    async def send_headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_headers_only


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def stale_csrf_cookie_dropped(app: ASGIApp, *, secret: str, cookie_name: str) -> ASGIApp:
    """Leave a CSRF cookie the current key did not sign out of GET and HEAD requests.

    Litestar reuses whatever CSRF cookie a browser sends on a GET and only checks it on the
    POST. After a rotation of PARTICIPATIE_SECRET_KEY (docs/beheer.md) a browser still holding a
    cookie signed with the old key would be refused on every form until it is closed, though
    the refusal tells the resident to reload the page. Without the stale cookie Litestar sets a
    fresh one on that reload, and the form works again.
    """
    prefix = cookie_name.encode() + b"="

    def signed_now(value: bytes) -> bool:
        token = value.decode("latin-1")
        expected = generate_csrf_hash(token=token[:CSRF_SECRET_LENGTH], secret=secret)
        return hmac.compare_digest(token[CSRF_SECRET_LENGTH:].encode("latin-1"), expected.encode())

    def keep(part: bytes) -> bool:
        part = part.strip()
        return not part.startswith(prefix) or signed_now(part[len(prefix) :])

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["method"] in ("GET", "HEAD"):
            headers = [
                (name, b";".join(p for p in value.split(b";") if keep(p)) if name == b"cookie" else value)
                for name, value in scope["headers"]
            ]
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return middleware
