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
from participatie.taal import N_, gettext
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

# The actions' names as a council member reads them, marked for the catalogue and translated
# where shown (`actie_tekst`). Names not listed here are shown as they are, with spaces for
# underscores.
ACTIE_TEKSTEN = {
    # vragen
    "adviesaanvraag_ingediend": N_("Adviesaanvraag ingediend"),
    "vraag_geagendeerd": N_("Vraag op de agenda gezet"),
    "idee_ontvangen": N_("Idee van een inwoner ontvangen"),
    "vraag_getrechterd": N_("Trechteren opgeslagen"),
    "concretisering_gewijzigd": N_("Concretisering gewijzigd"),
    "stap_gewijzigd": N_("Naar een volgende stap"),
    "stap_terug": N_("Terug naar een eerdere stap"),
    "activiteit_vastgelegd": N_("Activiteit vastgelegd"),
    "advies_gewijzigd": N_("Advies opgeslagen"),
    "reactie_vastgelegd": N_("Reactie van de gemeente vastgelegd"),
    "doelgroep_vastgelegd": N_("Doelgroep per kenmerk opgeslagen"),
    "bereikactiviteit_toegevoegd": N_("Activiteit om inwoners te bereiken vastgelegd"),
    "bereikactiviteit_verwijderd": N_("Activiteit om inwoners te bereiken verwijderd"),
    # raden (the council's own page)
    "raadspagina_gewijzigd": N_("Pagina van de raad gewijzigd"),
    "zichtbaarheid_gewijzigd": N_("Zichtbaarheid op de website gewijzigd"),
    "vergadering_gepland": N_("Vergadering gepland"),
    "vergadering_gewijzigd": N_("Vergadering gewijzigd"),
    "vergadering_geannuleerd": N_("Vergadering afgezegd"),
    # panel
    "panel_uitgenodigd": N_("Inwonerpanel uitgenodigd voor een peiling"),
    # named by the fallback until the test below found them
    "bevinding_gewijzigd": N_("Bevinding gewijzigd"),
    "bewaartermijn_gewijzigd": N_("Bewaartermijn gewijzigd"),
    "vervolg_bewaartermijn_gewijzigd": N_("Bewaartermijn voor het vervolg gewijzigd"),
    "focusgroep_gewijzigd": N_("Focusgroep gewijzigd"),
    "gebruiker_aangemaakt": N_("Account aangemaakt"),
    "gebruiker_gewijzigd": N_("Account gewijzigd"),
    "gebruiker_uitgezet": N_("Account uitgezet"),
    "gebruiker_aangezet": N_("Account weer aangezet"),
    "herstellink_verstuurd": N_("Link om het wachtwoord te herstellen verstuurd"),
    "wachtwoord_gewijzigd": N_("Wachtwoord gewijzigd"),
    # peilingen
    "peiling_aangemaakt": N_("Peiling gemaakt"),
    "peiling_gewijzigd": N_("Peiling gewijzigd"),
    "peiling_gepubliceerd": N_("Peiling geopend"),
    "peiling_vroeg_gesloten": N_("Peiling eerder gesloten"),
    "peiling_papier_ingevoerd": N_("Papieren formulier van de peiling ingevoerd"),
    "peilingvraag_toegevoegd": N_("Vraag aan de peiling toegevoegd"),
    "peilingvraag_herschreven": N_("Vraag van de peiling herschreven"),
    "peilingvraag_verplaatst": N_("Vraag van de peiling verplaatst"),
    "peilingvraag_verwijderd": N_("Vraag uit de peiling gehaald"),
    "peilingtaal_toegevoegd": N_("Taal aan de peiling toegevoegd"),
    "peilingtaal_verwijderd": N_("Taal uit de peiling gehaald"),
    "peilingvertaling_opgeslagen": N_("Vertaling van de peiling opgeslagen"),
    "antwoord_verborgen": N_("Antwoord verborgen"),
    "antwoord_getoond": N_("Antwoord weer getoond"),
    "codes_gemaakt": N_("Codes gemaakt"),
    "kiosk_ontgrendeld": N_("Kiosk geopend"),
    "kiosk_ingetrokken": N_("Kiosk gesloten"),
    # focusgroepen
    "focusgroep_aangemaakt": N_("Focusgroep gestart"),
    "focusgroep_gesloten": N_("Focusgroep afgesloten"),
    "lid_toegevoegd": N_("Lid toegevoegd"),
    "lid_verwijderd": N_("Lid verwijderd"),
    "inwoner_uitgenodigd": N_("Inwoner uitgenodigd"),
    "bijeenkomst_gepland": N_("Bijeenkomst gepland"),
    "bijeenkomst_gewijzigd": N_("Bijeenkomst gewijzigd"),
    "bijeenkomst_afgezegd": N_("Bijeenkomst afgezegd"),
    "verslag_vastgelegd": N_("Verslag vastgelegd"),
    "bevinding_toegevoegd": N_("Bevinding toegevoegd"),
    "bevinding_verwijderd": N_("Bevinding verwijderd"),
    # rapporten
    "rapport_aangemaakt": N_("Rapport begonnen"),
    "rapport_gewijzigd": N_("Rapport gewijzigd"),
    "rapport_gewijzigd_na_publicatie": N_("Rapport gewijzigd na publicatie"),
    "rapport_goedgekeurd": N_("Rapport goedgekeurd"),
    "rapport_gepubliceerd": N_("Rapport gepubliceerd"),
    "rapport_mails_opnieuw": N_("Mails over het rapport opnieuw verstuurd"),
    "rapport_vervolg_verstuurd": N_("Vervolg op het rapport verstuurd"),
    # taalhulp (the beheerder's jargon list)
    "jargonwoord_toegevoegd": N_("Jargonwoord toegevoegd"),
    "jargonwoord_verwijderd": N_("Jargonwoord verwijderd"),
    # bereik (the beheerder's reference figures)
    "referentiecijfers_gewijzigd": N_("Referentiecijfers gewijzigd"),
}

# Field names as the trail shows them: where the stored name is not the word on the form,
# and common ones, so they can be translated.
VELD_TEKSTEN = {
    "deadline": N_("uiterste datum"),
    "verantwoordelijke": N_("verantwoordelijk raadslid"),
    "advies_tekst": N_("tekst van het advies"),
    "advies_aan": N_("advies aan"),
    "gebruiker_id": N_("account"),
    # Named as stored, listed to be translated.
    "rol": N_("rol"),
    "gemeente": N_("gemeente"),
    "is_actief": N_("is actief"),
    "titel": N_("titel"),
    "tekst": N_("tekst"),
    "maanden": N_("maanden"),
    "aanpak": N_("aanpak"),
    "agenda": N_("agenda"),
    "begint_at": N_("begint at"),
    "bereikt": N_("bereikt"),
    "bijeenkomsten": N_("bijeenkomsten"),
    "conclusies": N_("conclusies"),
    "doel": N_("doel"),
    "doelgroep": N_("doelgroep"),
    "eind_op": N_("eind op"),
    "eindigt_at": N_("eindigt at"),
    "focusgroep_id": N_("focusgroep id"),
    "gepubliceerd_at": N_("gepubliceerd at"),
    "goedgekeurd_at": N_("goedgekeurd at"),
    "herkomst": N_("herkomst"),
    "inleiding": N_("inleiding"),
    "intro": N_("intro"),
    "is_geannuleerd": N_("is geannuleerd"),
    "is_zichtbaar_op_site": N_("is zichtbaar op site"),
    "kern": N_("kern"),
    "keuzes": N_("keuzes"),
    "lid_id": N_("lid id"),
    "online_link": N_("online link"),
    "ontvangers": N_("ontvangers"),
    "participatievormen": N_("participatievormen"),
    "plaats": N_("plaats"),
    "precieze_vraag": N_("precieze vraag"),
    "prioriteit": N_("prioriteit"),
    "samenvatting": N_("samenvatting"),
    "sluit_at": N_("sluit at"),
    "soort": N_("soort"),
    "stap": N_("stap"),
    "status": N_("status"),
    "steun": N_("steun"),
    "thema": N_("thema"),
    "toegang": N_("toegang"),
    "uitnodigingen": N_("uitnodigingen"),
    "verborgen": N_("verborgen"),
    "verloopt_at": N_("verloopt at"),
    "vervolg_ontvangers": N_("vervolg ontvangers"),
    "waar": N_("waar"),
}

# What a trail line is about, as the trail page names it (the stored name is Dutch already).
ONDERWERP_TEKSTEN = {
    "activiteit": N_("activiteit"),
    "bevinding": N_("bevinding"),
    "bijeenkomst": N_("bijeenkomst"),
    "focusgroep": N_("focusgroep"),
    "gebruiker": N_("gebruiker"),
    "instelling": N_("instelling"),
    "jargonwoord": N_("jargonwoord"),
    "peiling": N_("peiling"),
    "raadspagina": N_("raadspagina"),
    "rapport": N_("rapport"),
    "vergadering": N_("vergadering"),
    "vraag": N_("vraag"),
}

# Fields that hold the id of an account: shown as that person's name.
PERSOON_VELDEN = frozenset({"verantwoordelijke", "gebruiker_id"})

_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")


def veld_tekst(veld: str) -> str:
    """A field's name in the reader's language (an unlisted one as stored, without underscores)."""
    tekst = VELD_TEKSTEN.get(veld)
    return gettext(tekst) if tekst else veld.replace("_", " ")


def actie_tekst(actie: str) -> str:
    """An action's name in the reader's language (an unlisted one as stored, without underscores)."""
    tekst = ACTIE_TEKSTEN.get(actie)
    return gettext(tekst) if tekst else actie.replace("_", " ")


def onderwerp_tekst(onderwerp: str) -> str:
    """What a line is about in the reader's language (an unlisted one as stored)."""
    tekst = ONDERWERP_TEKSTEN.get(onderwerp)
    return gettext(tekst) if tekst else onderwerp


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
        return gettext("(leeg)")
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    if veld in PERSOON_VELDEN and isinstance(value, int):
        naam = (namen or {}).get(value)
        return naam if naam else gettext("account %(id)s (bestaat niet meer)") % {"id": value}
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
