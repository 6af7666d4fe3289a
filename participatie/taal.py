"""Dutch and English: which language a page or mail is in, and its texts from a Babel catalogue.

Source strings are the Dutch text itself (msgid = Dutch): Dutch needs no catalogue and a text
nobody translated yet still reads as Dutch, never as a key. The English catalogue is every
.po file in participatie/locale/en/LC_MESSAGES/ (messages.po for the shared and public texts, one
file per domain beside it, so each part's texts are translated in one place), compiled in memory
the first time it is needed. No .mo is committed and no build step runs: a fresh checkout, a
wheel and the tests all read the files translators edit, so the compiled form can never drift
from them (it costs a few milliseconds, once per process).

The language of a request comes from the `taal` cookie (set by POST /taal), else from the
browser's Accept-Language; a kiosk tablet ignores the cookie (see `TaalMiddleware`). Code
outside a request (mails, the planner) renders in the resident's language with `in_taal`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from litestar import Request, Response, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect
from litestar.types import ASGIApp, Receive, Scope, Send

from participatie.config import Settings

NL = "nl"
EN = "en"
TALEN = (NL, EN)
STANDAARD = NL
# The Babel locale that formats dates and numbers for each language.
LOCALES = {NL: "nl_NL", EN: "en_GB"}
# How each language calls itself: the switch shows the other language in its own words.
NAMEN = {NL: "Nederlands", EN: "English"}

COOKIE = "taal"
COOKIE_JAAR = 365 * 24 * 3600
# A kiosk tablet serves one resident after another: their choice must not outlive their form.
KIOSK_PAD = "/kiosk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_huidig: ContextVar[str] = ContextVar("taal", default=STANDAARD)


def huidige_taal() -> str:
    """ "nl" or "en": the language of what is being rendered now."""
    return _huidig.get()


def locale() -> str:
    """The Babel locale of the current language ("nl_NL", "en_GB")."""
    return LOCALES[huidige_taal()]


def geldig(code: str | None) -> str | None:
    """The language code when we speak it, else None."""
    code = (code or "").strip().lower()
    return code if code in TALEN else None


@contextmanager
def in_taal(code: str) -> Iterator[str]:
    """Render in `code` ("nl"/"en"; anything else means Dutch) inside the block."""
    taal = geldig(code) or STANDAARD
    token = _huidig.set(taal)
    try:
        yield taal
    finally:
        _huidig.reset(token)


def catalogus_bestanden(taal: str) -> list[Path]:
    """The .po files of `taal`: messages.po first, then each domain's file by name."""
    folder = LOCALE_DIR / taal / "LC_MESSAGES"
    return sorted(folder.glob("*.po"), key=lambda p: (p.name != "messages.po", p.name))


@cache
def vertalingen(taal: str) -> NullTranslations:
    """The catalogue of `taal`, compiled from its .po once per process."""
    if taal == NL:
        return NullTranslations()
    catalog = Catalog(locale=taal)
    for po in catalogus_bestanden(taal):
        with po.open("rb") as f:
            for message in read_po(f, locale=taal):
                if message.id:
                    catalog[message.id] = message
    buffer = io.BytesIO()
    # Fuzzy entries are guesses: shown as Dutch until a person confirmed them (the test
    # tests/taal/test_catalogus.py refuses them anyway).
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def gettext(message: str) -> str:
    return vertalingen(huidige_taal()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return vertalingen(huidige_taal()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return str(vertalingen(huidige_taal()).pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return str(vertalingen(huidige_taal()).npgettext(context, singular, plural, n))


_ = gettext


def N_(text: str) -> str:
    """Marks a text for the catalogue (pybabel finds `N_`) without translating it yet: for texts
    made when a module loads, translated where they are shown (`vertaal` in the templates)."""
    return text


# --- choosing the language of a request ------------------------------------------------------


def uit_accept_language(header: str) -> str:
    """English for a browser whose first listed language is English (en, en-GB, en-US),
    Dutch for every other (nl, de, fr, none): Dutch is the councils' language, English the
    help for those who do not read it."""
    beste = STANDAARD
    beste_q = -1.0
    for deel in header.split(","):
        naam, _, params = deel.strip().partition(";")
        naam = naam.strip().lower()
        if not naam:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > beste_q:
            beste_q = q
            beste = EN if naam == "en" or naam.startswith("en-") else NL
    return beste


def _cookies(scope: Scope) -> dict[str, str]:
    uit: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for deel in value.decode("latin-1").split(";"):
                naam, _, waarde = deel.strip().partition("=")
                uit.setdefault(naam, waarde)
    return uit


def _header(scope: Scope, naam: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == naam:
            return value.decode("latin-1")
    return ""


def is_kiosk(path: str) -> bool:
    return path == KIOSK_PAD or path.startswith(KIOSK_PAD + "/")


def taal_van(scope: Scope) -> str:
    """The language of one request.

    A kiosk tablet (/kiosk) never reads the cookie: the switch there is a `?taal=en` on that
    one form, and the kiosk's reset (static/kiosk.js, and every redirect after an answer)
    goes back to plain /kiosk, so the next resident starts in Dutch again.
    """
    if is_kiosk(scope.get("path", "")):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        gekozen = geldig((query.get(COOKIE) or [""])[0])
        return gekozen or uit_accept_language(_header(scope, b"accept-language"))
    gekozen = geldig(_cookies(scope).get(COOKIE))
    return gekozen or uit_accept_language(_header(scope, b"accept-language"))


class TaalMiddleware:
    """Sets the language of each HTTP request for everything that renders in it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar types scope["type"] as its own enum; the server sends a plain "http".
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self.app(scope, receive, send)
            return
        taal = taal_van(scope)
        token = _huidig.set(taal)
        if scope.get("path", "").startswith("/static/"):
            # A stylesheet is the same in both languages: keep it one cache entry.
            try:
                await self.app(scope, receive, send)
            finally:
                _huidig.reset(token)
            return

        async def send_vary(message: Any) -> None:
            # The same URL answers in two languages: a shared cache must keep them apart.
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"vary", b"Cookie, Accept-Language"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_vary)
        finally:
            _huidig.reset(token)


def taal_middleware(app: ASGIApp) -> ASGIApp:
    return TaalMiddleware(app)


def veilig_terug(terug: str) -> str:
    """A path on this site to go back to, or "/": never another host.

    "//evil.example", "/\\evil.example" and "https://..." all leave the site in a browser;
    only a single leading slash followed by an ordinary path character stays here.
    """
    terug = terug.strip()
    if (
        not terug.startswith("/")
        or terug.startswith(("//", "/\\"))
        or any(c in terug for c in "\\\r\n\t")
        or any(ord(c) < 32 or ord(c) == 127 for c in terug)
        or len(terug) > 2000
    ):
        return "/"
    return terug


def create_routes() -> list[HTTPRouteHandler]:
    """The route POST /taal. Made on demand: tijd.py formats in the current language, and
    the accounts guards (which this route needs) import tijd, so taal.py may not import
    them while it loads."""
    from participatie.accounts.guards import PUBLIEK

    @post("/taal", opt=PUBLIEK)
    async def choose_language(request: Request, settings: NamedDependency[Settings]) -> Response[Any]:
        """Remember the resident's language for a year and go back to the page they were on."""
        form = await request.form()
        taal = geldig(str(form.get("taal", ""))) or STANDAARD
        terug = veilig_terug(str(form.get("terug", "/")))
        return Redirect(
            path=terug,
            status_code=303,
            cookies=[
                Cookie(
                    key=COOKIE,
                    value=taal,
                    max_age=COOKIE_JAAR,
                    path="/",
                    httponly=True,
                    samesite="lax",
                    secure=settings.is_https,
                )
            ],
            headers={"Cache-Control": "no-store"},
        )

    return [choose_language]
