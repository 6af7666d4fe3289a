"""Checks shared by every domain's forms. Each adds its Dutch message to `fouten` under the
field's name, so the form can show it next to that field, and returns the cleaned value."""

from __future__ import annotations


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
        fouten[veld] = f"Vul {label} in."
    elif len(value) > max_length:
        fouten[veld] = f"Dit mag hoogstens {max_length} tekens lang zijn."
    return value
