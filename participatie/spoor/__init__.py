"""The trail of every council action (Decidim's traceability, pretalx's log_action).

Each domain function that changes something on behalf of a council member, ambtenaar or
beheerder calls `record` inside its own transaction, so the change and its trace are stored
together or not at all. A regel names who, when, what (actie on onderwerp), and the fields
before and after. Residents' personal data never goes in: no addresses, names, phone numbers
or the text of their answers (an answer is named by its number only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from participatie import tijd
from participatie.zoek import contains


class Actor(Protocol):
    """Who acts: the signed-in person (accounts.domain.Ingelogd fits)."""

    @property
    def id(self) -> int: ...

    @property
    def naam(self) -> str: ...


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, sets as sorted lists)."""
    if isinstance(value, datetime):
        return tijd.as_utc(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def changed(voor: dict[str, Any], na: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so a trail line reads as what was changed."""
    keys = [k for k in na if _plain(voor.get(k)) != _plain(na.get(k))]
    return {k: _plain(voor.get(k)) for k in keys}, {k: _plain(na.get(k)) for k in keys}


async def record(
    door: Actor | None,
    actie: str,
    *,
    onderwerp: str,
    onderwerp_id: int | None = None,
    vraag_id: int | None = None,
    gemeente_id: int | None = None,
    voor: dict[str, Any] | None = None,
    na: dict[str, Any] | None = None,
) -> None:
    """Write one trail line. Call it inside the domain function's transaction.

    `voor`/`na` hold only council-side fields (titles, texts the council wrote, settings,
    numbers of hidden answers); never a resident's address, name or answer text.
    """
    from participatie.spoor.tables import Spoorregel

    await Spoorregel.insert(
        Spoorregel(
            at=tijd.now(),
            door=door.id if door is not None else None,
            door_naam=door.naam if door is not None else "",
            gemeente=gemeente_id,
            vraag_id=vraag_id,
            onderwerp=onderwerp,
            onderwerp_id=onderwerp_id,
            actie=actie,
            voor=_plain(voor or {}),
            na=_plain(na or {}),
        )
    )


@dataclass(frozen=True)
class Regel:
    """One line of the trail as pages show it."""

    id: int
    at: datetime
    door_naam: str
    gemeente_id: int | None
    vraag_id: int | None
    onderwerp: str
    onderwerp_id: int | None
    actie: str
    voor: dict[str, Any]
    na: dict[str, Any]

    @property
    def velden(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field this action changed."""
        keys = list(dict.fromkeys([*self.voor, *self.na]))
        return [(k, self.voor.get(k), self.na.get(k)) for k in keys]


def _regel(row: dict[str, Any]) -> Regel:
    import json

    def parsed(value: Any) -> dict[str, Any]:
        return json.loads(value) if isinstance(value, str) else (value or {})

    return Regel(
        id=row["id"],
        at=tijd.as_utc(row["at"]),
        door_naam=row["door_naam"],
        gemeente_id=row["gemeente"],
        vraag_id=row["vraag_id"],
        onderwerp=row["onderwerp"],
        onderwerp_id=row["onderwerp_id"],
        actie=row["actie"],
        voor=parsed(row["voor"]),
        na=parsed(row["na"]),
    )


async def van_vraag(vraag_id: int, *, limit: int = 200) -> list[Regel]:
    """Every council action on a vraag and on its polls, focus groups and report, newest first."""
    from participatie.spoor.tables import Spoorregel

    rows = (
        await Spoorregel.select()
        .where(Spoorregel.vraag_id == vraag_id)
        .order_by(Spoorregel.at, ascending=False)
        .order_by(Spoorregel.id, ascending=False)
        .limit(limit)
    )
    return [_regel(r) for r in rows]


@dataclass(frozen=True)
class Zoekopdracht:
    """What a beheerder searches the trail on; empty fields do not filter."""

    door: str = ""  # part of the name
    actie: str = ""  # part of the action's name
    onderwerp: str = ""
    vraag_id: int | None = None
    gemeente_id: int | None = None
    van: datetime | None = None
    tot: datetime | None = None


async def zoek(z: Zoekopdracht, *, limit: int = 200, offset: int = 0) -> list[Regel]:
    """The trail for a beheerder, newest first."""
    from participatie.spoor.tables import Spoorregel

    query = Spoorregel.select()
    if z.door:
        query = query.where(contains(Spoorregel.door_naam, z.door))
    if z.actie:
        query = query.where(contains(Spoorregel.actie, z.actie))
    if z.onderwerp:
        query = query.where(Spoorregel.onderwerp == z.onderwerp)
    if z.vraag_id is not None:
        query = query.where(Spoorregel.vraag_id == z.vraag_id)
    if z.gemeente_id is not None:
        query = query.where(Spoorregel.gemeente == z.gemeente_id)
    if z.van is not None:
        query = query.where(Spoorregel.at >= z.van)
    if z.tot is not None:
        query = query.where(Spoorregel.at < z.tot)
    rows = (
        await query.order_by(Spoorregel.at, ascending=False)
        .order_by(Spoorregel.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    return [_regel(r) for r in rows]


# --- the trail as people read it ------------------------------------------------------------

# The actions' names as a council member reads them. Names not listed here are shown as they
# are, with spaces for underscores.
ACTIE_TEKSTEN = {
    # vragen
    "adviesaanvraag_ingediend": "Adviesaanvraag ingediend",
    "vraag_geagendeerd": "Vraag op de agenda gezet",
    "idee_ontvangen": "Idee van een inwoner ontvangen",
    "vraag_getrechterd": "Trechteren opgeslagen",
    "concretisering_gewijzigd": "Concretisering gewijzigd",
    "stap_gewijzigd": "Naar een volgende stap",
    "stap_terug": "Terug naar een eerdere stap",
    "activiteit_vastgelegd": "Activiteit vastgelegd",
    "advies_gewijzigd": "Advies opgeslagen",
    "reactie_vastgelegd": "Reactie van de gemeente vastgelegd",
    # raden (the council's own page)
    "raadspagina_gewijzigd": "Pagina van de raad gewijzigd",
    "zichtbaarheid_gewijzigd": "Zichtbaarheid op de website gewijzigd",
    "vergadering_gepland": "Vergadering gepland",
    "vergadering_gewijzigd": "Vergadering gewijzigd",
    "vergadering_geannuleerd": "Vergadering afgezegd",
    # panel
    "panel_uitgenodigd": "Inwonerpanel uitgenodigd voor een peiling",
    # named by the fallback until the test below found them
    "bevinding_gewijzigd": "Bevinding gewijzigd",
    "bewaartermijn_gewijzigd": "Bewaartermijn gewijzigd",
    "vervolg_bewaartermijn_gewijzigd": "Bewaartermijn voor het vervolg gewijzigd",
    "focusgroep_gewijzigd": "Focusgroep gewijzigd",
    "gebruiker_aangemaakt": "Account aangemaakt",
    "herstellink_verstuurd": "Link om het wachtwoord te herstellen verstuurd",
    "wachtwoord_gewijzigd": "Wachtwoord gewijzigd",
    # peilingen
    "peiling_aangemaakt": "Peiling gemaakt",
    "peiling_gewijzigd": "Peiling gewijzigd",
    "peiling_gepubliceerd": "Peiling geopend",
    "peiling_vroeg_gesloten": "Peiling eerder gesloten",
    "peilingvraag_toegevoegd": "Vraag aan de peiling toegevoegd",
    "peilingvraag_herschreven": "Vraag van de peiling herschreven",
    "peilingvraag_verplaatst": "Vraag van de peiling verplaatst",
    "peilingvraag_verwijderd": "Vraag uit de peiling gehaald",
    "antwoord_verborgen": "Antwoord verborgen",
    "antwoord_getoond": "Antwoord weer getoond",
    "codes_gemaakt": "Codes gemaakt",
    "kiosk_ontgrendeld": "Kiosk geopend",
    "kiosk_ingetrokken": "Kiosk gesloten",
    # focusgroepen
    "focusgroep_aangemaakt": "Focusgroep gestart",
    "focusgroep_gesloten": "Focusgroep afgesloten",
    "lid_toegevoegd": "Lid toegevoegd",
    "lid_verwijderd": "Lid verwijderd",
    "inwoner_uitgenodigd": "Inwoner uitgenodigd",
    "bijeenkomst_gepland": "Bijeenkomst gepland",
    "bijeenkomst_gewijzigd": "Bijeenkomst gewijzigd",
    "bijeenkomst_afgezegd": "Bijeenkomst afgezegd",
    "verslag_vastgelegd": "Verslag vastgelegd",
    "bevinding_toegevoegd": "Bevinding toegevoegd",
    "bevinding_verwijderd": "Bevinding verwijderd",
    # rapporten
    "rapport_aangemaakt": "Rapport begonnen",
    "rapport_gewijzigd": "Rapport gewijzigd",
    "rapport_gewijzigd_na_publicatie": "Rapport gewijzigd na publicatie",
    "rapport_goedgekeurd": "Rapport goedgekeurd",
    "rapport_gepubliceerd": "Rapport gepubliceerd",
    "rapport_mails_opnieuw": "Mails over het rapport opnieuw verstuurd",
    "rapport_vervolg_verstuurd": "Vervolg op het rapport verstuurd",
}

# Field names where the stored name is not the word on the form.
VELD_TEKSTEN = {
    "deadline": "uiterste datum",
    "verantwoordelijke": "verantwoordelijk raadslid",
    "advies_tekst": "tekst van het advies",
    "advies_aan": "advies aan",
    "gebruiker_id": "account",
}

# Fields that hold the id of an account: shown as that person's name.
PERSOON_VELDEN = frozenset({"verantwoordelijke", "gebruiker_id"})

_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")


def veld_tekst(veld: str) -> str:
    return VELD_TEKSTEN.get(veld) or veld.replace("_", " ")


def actie_tekst(actie: str) -> str:
    return ACTIE_TEKSTEN.get(actie) or actie.replace("_", " ")


async def namen(regels: Iterable[Regel]) -> dict[int, str]:
    """The names of the accounts the regels' person fields point at (one query)."""
    from participatie.accounts.tables import Gebruiker

    ids = {
        waarde
        for r in regels
        for veld, voor, na in r.velden
        if veld in PERSOON_VELDEN
        for waarde in (voor, na)
        if isinstance(waarde, int) and not isinstance(waarde, bool)
    }
    if not ids:
        return {}
    rows = await Gebruiker.select(Gebruiker.id, Gebruiker.naam).where(Gebruiker.id.is_in(sorted(ids)))
    return {r["id"]: r["naam"] for r in rows}


def waarde_tekst(value: object, veld: str = "", namen: Mapping[int, str] | None = None) -> str:
    """A before/after value of the trail in a few words: dates and moments on the Dutch clock,
    people by name, yes/no in words; long texts are cut, empty says so."""
    if value is None or value == "" or value == []:
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if veld in PERSOON_VELDEN and isinstance(value, int):
        naam = (namen or {}).get(value)
        return naam if naam else f"account {value} (bestaat niet meer)"
    if isinstance(value, list):
        text = ", ".join(waarde_tekst(v, veld, namen) for v in value)
    elif isinstance(value, str) and _MOMENT.match(value):
        text = _moment_tekst(value)
    elif isinstance(value, str) and _DATUM.fullmatch(value):
        text = _datum_tekst(value)
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77].rstrip() + "..."


def _moment_tekst(value: str) -> str:
    try:
        return tijd.moment(datetime.fromisoformat(value))
    except ValueError:
        return value


def _datum_tekst(value: str) -> str:
    try:
        return tijd.datum(date.fromisoformat(value))
    except ValueError:
        return value
