"""Form input shared by every domain: reading a posted form, and the checks its fields share.

Each check adds its message to `fouten` under the field's name, so the form can show it next
to that field, and returns the cleaned value. Messages are made in the language of the request
(Dutch outside one); a field's `label` is a Dutch msgid (mark it with `N_`), translated here.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from participatie.taal import gettext as _


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The first value of each field, stripped of NUL bytes that no database wants.

    Missing or repeated fields never raise: a file upload or an absent field reads as "".
    """
    form = await request.form()
    values: dict[str, str] = {}
    for key in form:
        value = form.get(key)
        values[key] = value.replace("\x00", "") if isinstance(value, str) else ""
    return values


def text_field(
    fouten: dict[str, str],
    veld: str,
    value: str,
    label: str,
    *,
    max_length: int = 10_000,
    required: bool = True,
) -> str:
    # NUL bytes are refused by PostgreSQL; nobody types them on purpose.
    value = value.replace("\x00", "").strip()
    if required and not value:
        # gettext("") would be the catalogue's header, not an empty label.
        fouten[veld] = _("Vul %(label)s in.") % {"label": _(label) if label else label}
    elif len(value) > max_length:
        fouten[veld] = _("Dit mag hoogstens %(aantal)s tekens lang zijn.") % {"aantal": max_length}
    return value


def parse_id(text: str) -> int | None:
    """A row number typed or posted as text, or None.

    Only ASCII digits, at most 9 of them: "٣" is a digit to Python but not to a database, and
    a 20-digit number overflows SQLite's and PostgreSQL's integers (a 500 instead of "not found").
    """
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None
