"""The one Jinja environment: pages, mails (text and HTML) and the report PDF render with it.

One set of filters (dates by Babel on the Dutch clock, Markdown, static URLs) everywhere, so a
date in a mail reads like the same date on the page. Texts go through gettext (`_()`, Dutch msgid) in
the current language of participatie/taal.py. Autoescaping follows the file name: HTML,
SVG and XML are escaped; plain-text mails (.txt) are not, since "&amp;" would reach the reader.
"""

from __future__ import annotations

import hashlib
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from participatie import kenmerken, taal, tijd
from participatie.config import STATIC_DIR, TEMPLATES_DIR
from participatie.markdown import render_markdown


@cache
def _static_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    """URL of a static file with its content hash, so browsers may cache it for a long time."""
    return f"/static/{name}?v={_static_version(name)}"


def getal(value: float | int | None, decimalen: int = 1) -> str:
    """A number as the reader writes it: decimal comma in Dutch ('3,5'), point in English."""
    from babel.numbers import format_decimal

    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimalen if decimalen else "")
    return format_decimal(value, format=pattern, locale=taal.locale())


def create_environment(*, auto_reload: bool = False) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "svg", "xml"), disabled_extensions=("txt",), default_for_string=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
        extensions=["jinja2.ext.i18n"],
    )
    # `{{ _("...") }}` and `{% trans %}` with the Dutch text as msgid, looked up in the
    # language of the request or mail at render time (participatie/taal.py). Newstyle: the
    # placeholders are filled by name and escaped like any other value.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        taal.gettext, taal.ngettext, newstyle=True, pgettext=taal.pgettext, npgettext=taal.npgettext
    )
    env.globals["huidige_taal"] = taal.huidige_taal
    env.globals["taal_namen"] = taal.NAMEN
    env.globals["static_url"] = static_url
    # The builder offers a standard background item only where it has something to tell apart.
    env.globals["kenmerk_categorieen"] = kenmerken.categorieen
    env.filters["markdown"] = render_markdown
    env.filters["getal"] = getal
    # A text made in Python (a form error, a label from a list) in the reader's language. Plain
    # gettext, not `_()`: `_()` marks its result safe, and such a text may quote what was typed.
    env.filters["vertaal"] = taal.gettext
    env.filters.update(tijd.FILTERS)
    return env


@cache
def environment() -> Environment:
    """The shared environment for code outside a request (mails, the PDF)."""
    return create_environment()
