"""Dutch error pages. Every refusal ends here, so no person ever sees a stack trace."""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from participatie.auditlog import log_event

logger = logging.getLogger("participatie.errors")

PAGES: dict[int, tuple[str, str]] = {
    400: (
        "Dit verzoek klopt niet",
        "Wat u verstuurde konden we niet lezen. Ga terug en probeer het opnieuw.",
    ),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet (meer). Controleer het adres, of ga naar de startpagina.",
    ),
    405: ("Dat kan hier niet", "Deze pagina kan dit verzoek niet verwerken."),
    409: (
        "Iemand was u voor",
        "Iemand anders heeft dit net gewijzigd. Laad de pagina opnieuw en probeer het nog eens.",
    ),
    413: ("Dit is te groot", "Wat u verstuurde is te groot. Maak het kleiner en probeer het opnieuw."),
    422: (
        "Niet goed ingevuld",
        "Wat u invulde kunnen we niet verwerken. Ga terug en controleer uw antwoorden.",
    ),
    429: ("Even wachten", "U heeft het te vaak geprobeerd. Wacht even en probeer het dan opnieuw."),
    503: (
        "Even niet beschikbaar",
        "De website kan nu niet bij zijn gegevens. Probeer het over een paar minuten opnieuw. Wat u al had verstuurd en bevestigd kreeg, is bewaard.",
    ),
    500: (
        "Er ging iets mis",
        "Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw. Lukt het dan nog niet? Neem dan contact op met de Participatieraad.",
    ),
}
CSRF_TEXT = (
    "Het formulier is verlopen of niet compleet verstuurd. Ga terug, laad de pagina opnieuw "
    "en probeer het nog eens."
)


def error_page(
    request: Request, status: int, detail: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    titel, tekst = PAGES.get(status, PAGES[400] if status < 500 else PAGES[500])
    return Template(
        template_name="fout.html",
        context={"status": status, "titel": titel, "tekst": detail or tekst},
        status_code=status,
        headers=headers,
    )


def route_of(request: Request) -> str:
    """The route's template (`/f/{token}`), never the path itself: paths carry link tokens."""
    return str(request.scope.get("path_template") or "onbekend")


def _user_id(request: Request) -> int | None:
    return getattr(request.scope.get("user"), "id", None)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status in (401, 403) and not (status == 401 and request.method in ("GET", "HEAD")):
        # ASVS 7.2: refused access and forged or missing CSRF tokens are security events.
        csrf = "csrf" in str(exc.detail).lower()
        log_event(
            "csrf_geweigerd" if csrf else "toegang_geweigerd",
            door=_user_id(request),
            methode=request.method,
            route=route_of(request),
            status=status,
        )
    if status == 401:
        if request.method == "GET" and not request.headers.get("hx-request"):
            volgende = quote(request.url.path, safe="/")
            return Redirect(path=f"/inloggen?volgende={volgende}")
        return error_page(request, 403, "U bent niet (meer) ingelogd. Log opnieuw in.")
    detail = None
    if status == 403 and "csrf" in str(exc.detail).lower():
        detail = CSRF_TEXT
    elif status in (403, 429) and exc.detail and exc.detail not in ("Forbidden", "Too Many Requests"):
        # Our own guards and rules raise with a Dutch sentence meant for the person.
        detail = exc.detail
    elif status == 400 and "entity too large" in str(exc.detail).lower():
        # Litestar 2 reports an over-long multipart body as a 400; it is a 413 to the person.
        status = 413
    return error_page(request, status, detail, headers=exc.headers)


def database_unavailable(exc: BaseException) -> bool:
    """The database is down, restarting, full or read-only: the resident can try again later."""
    import asyncpg

    if isinstance(
        exc,
        OSError
        | TimeoutError
        | asyncpg.PostgresConnectionError
        | asyncpg.InterfaceError
        | asyncpg.CannotConnectNowError
        | asyncpg.AdminShutdownError
        | asyncpg.DiskFullError
        # A pooled connection cut by a server stop while asyncpg resets it for reuse leaves its
        # protocol half-way ("cannot switch to state ..."); seen under load in tests/fault/.
        | asyncpg.InternalClientError,
    ):
        return True
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        text = str(exc).lower()
        return any(
            reason in text
            for reason in ("locked", "readonly", "read-only", "disk i/o", "unable to open", "full")
        )
    return False


def internal_error_handler(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        logger.error(
            "database niet beschikbaar op %s %s: %s",
            request.method,
            route_of(request),
            exc.__class__.__name__,
        )
        return error_page(request, 503, headers={"Retry-After": "120"})
    logger.exception("onverwachte fout op %s %s", request.method, route_of(request), exc_info=exc)
    return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)
