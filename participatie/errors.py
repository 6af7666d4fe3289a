"""Error pages in the reader's language. Every refusal ends here, so no person ever sees a
stack trace.

The texts below are Dutch msgids, only marked (`N_`) when the module loads: the language is
known per request, so `error_page` translates them while it renders (participatie/taal.py).
"""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from participatie import taal
from participatie.auditlog import log_event
from participatie.taal import N_

logger = logging.getLogger("participatie.errors")


PAGES: dict[int, tuple[str, str]] = {
    400: (
        N_("Dit verzoek klopt niet"),
        N_("Wat u verstuurde konden we niet lezen. Ga terug en probeer het opnieuw."),
    ),
    403: (N_("Geen toegang"), N_("U heeft geen toegang tot deze pagina.")),
    404: (
        N_("Pagina niet gevonden"),
        N_("Deze pagina bestaat niet (meer). Controleer het adres, of ga naar de startpagina."),
    ),
    405: (N_("Dat kan hier niet"), N_("Deze pagina kan dit verzoek niet verwerken.")),
    409: (
        N_("Iemand was u voor"),
        N_("Iemand anders heeft dit net gewijzigd. Laad de pagina opnieuw en probeer het nog eens."),
    ),
    413: (
        N_("Dit is te groot"),
        N_("Wat u verstuurde is te groot. Maak het kleiner en probeer het opnieuw."),
    ),
    422: (
        N_("Niet goed ingevuld"),
        N_("Wat u invulde kunnen we niet verwerken. Ga terug en controleer uw antwoorden."),
    ),
    429: (N_("Even wachten"), N_("U heeft het te vaak geprobeerd. Wacht even en probeer het dan opnieuw.")),
    503: (
        N_("Even niet beschikbaar"),
        N_(
            "De website kan nu niet bij zijn gegevens. Probeer het over een paar minuten opnieuw. Wat u al had verstuurd en bevestigd kreeg, is bewaard."
        ),
    ),
    500: (
        N_("Er ging iets mis"),
        N_(
            "Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw. Lukt het dan nog niet? Neem dan contact op met de Participatieraad."
        ),
    ),
}
CSRF_TEXT = N_(
    "Het formulier is verlopen of niet compleet verstuurd. Ga terug, laad de pagina opnieuw "
    "en probeer het nog eens."
)


def error_page(
    request: Request, status: int, detail: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    titel, tekst = PAGES.get(status, PAGES[400] if status < 500 else PAGES[500])
    # Translated now, in the language of this request. A refusal's own sentence (detail) is
    # looked up too: one the catalogue does not know yet stays Dutch, never a key.
    return Template(
        template_name="fout.html",
        context={"status": status, "titel": taal.gettext(titel), "tekst": taal.gettext(detail or tekst)},
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
        return error_page(request, 403, N_("U bent niet (meer) ingelogd. Log opnieuw in."))
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
