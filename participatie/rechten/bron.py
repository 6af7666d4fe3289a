"""What each domain holds about an e-mail address, in one shape, so the data page shows,
corrects, exports and erases it without knowing the domains.

A domain that keeps an address registers one `Bron`; rechten builds on none of them (the app
wires them together, like vragen.panelen). Lookups are by the address as typed, compared
lower-cased and stripped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from piccolo.columns import Column
from piccolo.query import WhereRaw


@dataclass(frozen=True)
class Veld:
    sleutel: str  # machine name: the JSON key and the form field name
    label: str  # Dutch, B1
    waarde: str
    # A field the person may correct: its choices (value, label), or () for free text.
    wijzigbaar: bool = False
    keuzes: tuple[tuple[str, str], ...] = ()
    # For the correction form; added with defaults, so older Veld(...) calls keep working.
    verplicht: bool = False
    uitleg: str = ""  # a hint under the field's label


@dataclass(frozen=True)
class Onderdeel:
    """One record held about the address, e.g. one panel membership or one focus group seat."""

    bron: str  # the registered Bron's naam
    id: str  # stable within the bron, used to correct this record
    titel: str  # "Inwonerpanel Velsen"
    waarom: str  # why it is kept (purpose), B1
    bewaard_tot: str  # until when, B1 ("tot u zich afmeldt", "tot het rapport is verstuurd")
    velden: tuple[Veld, ...] = ()


@dataclass(frozen=True)
class Bron:
    naam: str
    gegevens: Callable[[str], Awaitable[list[Onderdeel]]]
    # Erase everything this bron holds about the address; returns how many records went.
    wis: Callable[[str], Awaitable[int]]
    # Correct one record's wijzigbare velden; returns field errors (Dutch), {} when stored.
    corrigeer: Callable[[str, str, dict[str, str]], Awaitable[dict[str, str]]] | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # What the data page calls this bron when it counts what was erased ("Focusgroepen");
    # the naam when empty. Added last with a default: Bron(naam, gegevens, wis, corrigeer) stays.
    titel: str = ""


_BRONNEN: dict[str, Bron] = {}


def register(bron: Bron) -> None:
    _BRONNEN[bron.naam] = bron


def bronnen() -> list[Bron]:
    return list(_BRONNEN.values())


def adres(email: str) -> str:
    """The address as every bron compares it: stripped and lower-cased."""
    return email.strip().lower()


def zelfde_adres(column: Column, email: str) -> WhereRaw:
    """`column` holds this address, whatever its case. Exact equality, never LIKE: in a LIKE
    pattern the `_` of "a_b@x.nl" would also match "axb@x.nl", someone else's address."""
    naam = f"{column._meta.table._meta.tablename}.{column._meta.db_column_name}"
    return WhereRaw(f"LOWER({naam}) = {{}}", adres(email))
