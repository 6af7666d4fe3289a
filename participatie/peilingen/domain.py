"""Peiling use cases: the only code that writes polls, their items and their answers.

Building: a raadslid creates a peiling on a vraag in voorleggen, adds items, publishes it.
Once an answer is in, only wording may change: removing or reordering would corrupt results.
Answering: `load_formulier` (cached per poll version), `parse_antwoorden` (pure validation),
`submit` (one transaction: claim the code or the browser, store the response).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from participatie import spoor, tijd
from participatie.accounts.domain import Ingelogd
from participatie.auditlog import log_event
from participatie.db import SerialisedSQLiteEngine
from participatie.fouten import GeenToegang as _GeenToegang
from participatie.fouten import Geweigerd, TeVaak
from participatie.fouten import OngeldigeInvoer as OngeldigeInvoer  # the one of fouten.py, named here too
from participatie.invoer import text_field as _text
from participatie.peilingen.tables import (
    Antwoord,
    Bron,
    Item,
    Keuze,
    Kiosk,
    Peiling,
    Peilingtaal,
    Soort,
    Status,
    Teller,
    Toegang,
    Uitnodiging,
    Waarde,
)
from participatie.sleutels import keyed
from participatie.taal import N_, ngettext
from participatie.taal import gettext as _
from participatie.vragen import domain as vragen
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie
from participatie.vragen.tables import Scope

# Dutch msgids (N_): shown through `vertaal` / gettext in the reader's language.
SOORT_LABELS = {
    Soort.ENKEL: N_("Eén antwoord kiezen"),
    Soort.MEER: N_("Meer antwoorden kiezen"),
    Soort.SCHAAL: N_("Schaal van 1 tot 5"),
    Soort.JANEE: N_("Ja of nee"),
    Soort.GETAL: N_("Getal"),
    Soort.TEKST: N_("Open antwoord"),
}
# What the builder asks per kind of question, besides the question itself, its explanation and
# whether it is required: the builder's form shows exactly these fields, and _check_item reads
# exactly these (so a field the form does not show for a kind can never matter for it).
SOORT_VELDEN: dict[Soort, tuple[str, ...]] = {
    Soort.ENKEL: ("keuzes", "is_achtergrond"),
    Soort.MEER: ("keuzes", "max_keuzes"),
    Soort.SCHAAL: ("label_laag", "label_hoog"),
    Soort.JANEE: ("is_achtergrond",),
    Soort.GETAL: ("min_getal", "max_getal"),
    Soort.TEKST: ("max_lengte",),
}
# One line per kind for the council member who picks it, in words a resident would use.
SOORT_UITLEG = {
    Soort.ENKEL: N_("Inwoners kiezen één antwoord uit een lijst."),
    Soort.MEER: N_("Inwoners kiezen één of meer antwoorden uit een lijst."),
    Soort.SCHAAL: N_("Inwoners kiezen een cijfer van 1 tot 5, zoals van heel moeilijk tot heel makkelijk."),
    Soort.JANEE: N_("Inwoners kiezen ja of nee."),
    Soort.GETAL: N_("Inwoners vullen een heel getal in, zoals een leeftijd of een aantal."),
    Soort.TEKST: N_("Inwoners schrijven zelf een kort antwoord."),
}
MAX_ITEMS = 20
MAX_KEUZES = 15
MAX_TEKST = 2000
CODE_ALFABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from a letter


class PeilingError(Geweigerd):
    """A refused change or submission; `str(error)` is the message, made in the language of the
    request that raised it. Most are about the poll's state (closed, already published, answers
    in), hence a conflict by default."""

    status = 409


class GeenToegang(_GeenToegang, PeilingError):
    def __init__(self) -> None:
        super().__init__(_("U kunt deze peiling niet wijzigen."))


class NietOpen(PeilingError):
    pass


class AlBeantwoord(PeilingError):
    def __init__(self) -> None:
        super().__init__(_("Deze peiling is op dit apparaat of met deze code al ingevuld. Dank u wel!"))


class OngeldigeCode(PeilingError):
    status = 422

    def __init__(self) -> None:
        super().__init__(_("Deze code kennen we niet, of hij is al gebruikt. Kijk de code nog eens na."))


class TeVeelInzendingen(TeVaak, PeilingError):
    """The poll is flooded this minute; `retry_after` is the rest of that minute in seconds."""

    def __init__(self, retry_after: int = 60) -> None:
        super().__init__(
            _("Er komen op dit moment erg veel antwoorden binnen. Probeer het over een minuut opnieuw."),
            retry_after,
        )


class VastNaAntwoorden(PeilingError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Er zijn al antwoorden binnen. Vragen en keuzes weghalen of verschuiven kan nu niet meer: "
                "dan kloppen de uitkomsten niet. U kunt wel de tekst verbeteren."
            )
        )


# Other domains and tests still call it through this module; it is the one clock of tijd.py.
now = tijd.now


# --- building --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peilingrij:
    """A poll as the builder's rules read it: its settings and state, moments in UTC."""

    id: int
    vraag_id: int
    gemeente_id: int
    titel: str
    intro: str
    toegang: Toegang
    status: Status
    opent_at: datetime | None
    sluit_at: datetime | None


async def load_peiling(peiling_id: int) -> Peilingrij | None:
    row = (
        await Peiling.select(
            Peiling.id,
            Peiling.vraag,
            Peiling.gemeente,
            Peiling.titel,
            Peiling.intro,
            Peiling.toegang,
            Peiling.status,
            Peiling.opent_at,
            Peiling.sluit_at,
        )
        .where(Peiling.id == peiling_id)
        .first()
    )
    if row is None:
        return None
    return Peilingrij(
        id=row["id"],
        vraag_id=row["vraag"],
        gemeente_id=row["gemeente"],
        titel=row["titel"],
        intro=row["intro"],
        toegang=Toegang(row["toegang"]),
        status=Status(row["status"]),
        # SQLite hands stored moments back without a zone.
        opent_at=tijd.as_utc(row["opent_at"]) if row["opent_at"] is not None else None,
        sluit_at=tijd.as_utc(row["sluit_at"]) if row["sluit_at"] is not None else None,
    )


async def _peiling_voor(user: Ingelogd, peiling_id: int) -> Peilingrij:
    """The poll, if this person may change it; GeenToegang for a missing one too."""
    peiling = await load_peiling(peiling_id)
    if peiling is None:
        raise GeenToegang()
    vraag = await vragen.load_vraag(peiling.vraag_id)
    if not vragen.may_work_on(user, vraag):
        raise GeenToegang()
    return peiling


async def may_manage(user: Ingelogd, peiling_id: int) -> bool:
    try:
        await _peiling_voor(user, peiling_id)
    except GeenToegang:
        return False
    return True


async def has_antwoorden(peiling_id: int) -> bool:
    return await Antwoord.exists().where(Antwoord.peiling == peiling_id)


def _moment(fouten: dict[str, str], veld: str, value: str) -> datetime | None:
    """A datetime-local field (Dutch time as the council types it) in UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fouten[veld] = _("Vul een geldige datum en tijd in.")
        return None
    return tijd.from_local(parsed)


async def _record(
    user: Ingelogd,
    actie: str,
    peiling: Peilingrij,
    *,
    voor: dict[str, Any] | None = None,
    na: dict[str, Any] | None = None,
) -> None:
    """One line in the council's trail about this poll, inside the caller's transaction.

    `voor`/`na` hold what the council set or wrote; an answer is named by its id, never by
    its text, and neither a code nor a kiosk token ever goes in."""
    await spoor.record(
        user,
        actie,
        onderwerp="peiling",
        onderwerp_id=peiling.id,
        vraag_id=peiling.vraag_id,
        gemeente_id=peiling.gemeente_id,
        voor=voor,
        na=na,
    )


async def create_peiling(user: Ingelogd, vraag_id: int, *, titel: str, intro: str, toegang: str) -> int:
    vraag = await vragen.load_vraag(vraag_id)
    if not vragen.may_work_on(user, vraag):
        raise GeenToegang()
    if reden := stappen.weigering(vraag["stap"], Actie.PEILING_MAKEN):
        raise PeilingError(reden)
    fouten: dict[str, str] = {}
    titel = _text(fouten, "titel", titel, N_("een titel"), max_length=200)
    intro = _text(fouten, "intro", intro, N_("een korte uitleg"), max_length=2000, required=False)
    if toegang not in {t.value for t in Toegang}:
        fouten["toegang"] = _("Kies hoe inwoners de peiling bereiken.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Peiling._meta.db.transaction():
        rows = await Peiling.insert(
            Peiling(
                vraag=vraag_id,
                gemeente=vraag["gemeente"],
                titel=titel,
                intro=intro,
                toegang=toegang,
                sleutel=secrets.token_urlsafe(6),
                aangemaakt_at=tijd.now(),
            )
        )
        peiling_id = int(rows[0]["id"])
        await _record(
            user,
            "peiling_aangemaakt",
            Peilingrij(
                id=peiling_id,
                vraag_id=vraag_id,
                gemeente_id=vraag["gemeente"],
                titel=titel,
                intro=intro,
                toegang=Toegang(toegang),
                status=Status.CONCEPT,
                opent_at=None,
                sluit_at=None,
            ),
            na={"titel": titel, "intro": intro, "toegang": toegang},
        )
    log_event("peiling_aangemaakt", door=user.id, peiling=peiling_id, vraag=vraag_id)
    return peiling_id


# The settings of a poll the trail shows before and after a change.
_INSTELLINGEN = ("titel", "intro", "toegang", "opent_at", "sluit_at")


async def update_peiling(
    user: Ingelogd, peiling_id: int, *, titel: str, intro: str, toegang: str, opent_at: str, sluit_at: str
) -> None:
    peiling = await _peiling_voor(user, peiling_id)
    if peiling.status is Status.GESLOTEN:
        raise PeilingError(_("Deze peiling is gesloten en kan niet meer veranderen."))
    fouten: dict[str, str] = {}
    titel = _text(fouten, "titel", titel, N_("een titel"), max_length=200)
    intro = _text(fouten, "intro", intro, N_("een korte uitleg"), max_length=2000, required=False)
    if toegang not in {t.value for t in Toegang}:
        fouten["toegang"] = _("Kies hoe inwoners de peiling bereiken.")
    elif toegang != peiling.toegang and await has_antwoorden(peiling_id):
        fouten["toegang"] = _("Er zijn al antwoorden binnen; de manier van meedoen blijft nu zo.")
    opent = _moment(fouten, "opent_at", opent_at)
    sluit = _moment(fouten, "sluit_at", sluit_at)
    if opent and sluit and sluit <= opent:
        fouten["sluit_at"] = _("De peiling moet sluiten na het moment dat hij opent.")
    elif sluit and sluit <= tijd.now():
        fouten["sluit_at"] = _("Dit moment is al voorbij. Kies een moment in de toekomst.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    waren = {k: getattr(peiling, k) for k in _INSTELLINGEN}
    voor, na = spoor.changed(
        waren, {"titel": titel, "intro": intro, "toegang": toegang, "opent_at": opent, "sluit_at": sluit}
    )
    async with Peiling._meta.db.transaction():
        await Peiling.update(
            {
                Peiling.titel: titel,
                Peiling.intro: intro,
                Peiling.toegang: toegang,
                Peiling.opent_at: opent,
                Peiling.sluit_at: sluit,
                Peiling.versie: Peiling.versie + 1,
            }
        ).where(Peiling.id == peiling_id)
        if na:
            await _record(user, "peiling_gewijzigd", peiling, voor=voor, na=na)
    _changed()
    if peiling.status is Status.OPEN:
        log_event(
            "open_peiling_gewijzigd",
            door=user.id,
            peiling=peiling_id,
            titel_gewijzigd=titel != peiling.titel,
            intro_gewijzigd=intro != peiling.intro,
            sluit_at=sluit,
        )


@dataclass
class ItemInvoer:
    soort: str
    tekst: str
    toelichting: str = ""
    verplicht: bool = True
    is_achtergrond: bool = False
    keuzes: list[str] = field(default_factory=list)
    max_keuzes: str = ""
    min_getal: str = ""
    max_getal: str = ""
    max_lengte: str = ""
    label_laag: str = ""
    label_hoog: str = ""


def _int(fouten: dict[str, str], veld: str, value: str, label: str, lo: int, hi: int) -> int | None:
    """`label` is a Dutch msgid (N_), translated here."""
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        fouten[veld] = _("Vul bij %(label)s een heel getal in.") % {"label": _(label)}
        return None
    if not lo <= number <= hi:
        fouten[veld] = _("%(label)s ligt tussen %(lo)s en %(hi)s.") % {
            "label": _(label).capitalize(),
            "lo": lo,
            "hi": hi,
        }
        return None
    return number


def _check_item(invoer: ItemInvoer) -> tuple[dict[str, Any], list[str]]:
    """The item's columns and choices, or OngeldigeInvoer. Only the fields SOORT_VELDEN names
    for the kind are read; the others get their empty value."""
    fouten: dict[str, str] = {}
    try:
        soort = Soort(invoer.soort)
    except ValueError:
        raise OngeldigeInvoer({"soort": _("Kies wat voor vraag het is.")}) from None
    velden = SOORT_VELDEN[soort]
    values: dict[str, Any] = {
        "soort": soort.value,
        "tekst": _text(fouten, "tekst", invoer.tekst, N_("de vraag"), max_length=500),
        "toelichting": _text(fouten, "toelichting", invoer.toelichting, "", max_length=500, required=False),
        "verplicht": invoer.verplicht,
        "is_achtergrond": False,
        "max_keuzes": None,
        "min_getal": None,
        "max_getal": None,
        "max_lengte": None,
        "label_laag": "",
        "label_hoog": "",
    }
    keuzes: list[str] = []
    if "keuzes" in velden:
        keuzes = [k.strip()[:200] for k in invoer.keuzes if k.strip()]
        if len(keuzes) < 2:
            fouten["keuzes"] = _("Geef minstens twee antwoorden om uit te kiezen, elk op een eigen regel.")
        elif len(keuzes) > MAX_KEUZES:
            fouten["keuzes"] = _("Hoogstens %(aantal)s antwoorden om uit te kiezen.") % {"aantal": MAX_KEUZES}
        elif len(set(keuzes)) != len(keuzes):
            fouten["keuzes"] = _("Elk antwoord mag maar één keer voorkomen.")
    if "max_keuzes" in velden:
        values["max_keuzes"] = _int(fouten, "max_keuzes", invoer.max_keuzes, N_("het maximum"), 1, MAX_KEUZES)
    if "label_laag" in velden:
        values["label_laag"] = _text(
            fouten, "label_laag", invoer.label_laag, N_("wat 1 betekent"), max_length=60
        )
    if "label_hoog" in velden:
        values["label_hoog"] = _text(
            fouten, "label_hoog", invoer.label_hoog, N_("wat 5 betekent"), max_length=60
        )
    if "min_getal" in velden:
        values["min_getal"] = _int(
            fouten, "min_getal", invoer.min_getal, N_("het kleinste getal"), -1_000_000, 1_000_000
        )
        if values["min_getal"] is None and "min_getal" not in fouten:
            values["min_getal"] = 0
    if "max_getal" in velden:
        values["max_getal"] = _int(
            fouten, "max_getal", invoer.max_getal, N_("het grootste getal"), -1_000_000, 1_000_000
        )
        if values["max_getal"] is None and "max_getal" not in fouten:
            values["max_getal"] = 1000
        if (
            values["min_getal"] is not None
            and values["max_getal"] is not None
            and values["min_getal"] >= values["max_getal"]
        ):
            fouten["max_getal"] = _("Het grootste getal moet groter zijn dan het kleinste.")
    if "max_lengte" in velden:
        values["max_lengte"] = (
            _int(fouten, "max_lengte", invoer.max_lengte, N_("de lengte"), 10, MAX_TEKST) or 500
        )
    if invoer.is_achtergrond:
        if "is_achtergrond" in velden:
            values["is_achtergrond"] = True
        else:
            fouten["is_achtergrond"] = _(
                "Een achtergrondvraag is een vraag met één antwoord, zoals wijk of leeftijd."
            )
    if fouten:
        raise OngeldigeInvoer(fouten)
    return values, keuzes


async def add_item(user: Ingelogd, peiling_id: int, invoer: ItemInvoer) -> int:
    peiling = await _peiling_voor(user, peiling_id)
    if await has_antwoorden(peiling_id):
        raise VastNaAntwoorden()
    values, keuzes = _check_item(invoer)
    async with Peiling._meta.db.transaction():
        items = await Item.select(Item.positie).where(Item.peiling == peiling_id)
        if len(items) >= MAX_ITEMS:
            raise PeilingError(
                _("Een peiling heeft hoogstens %(aantal)s vragen: kort houden helpt.") % {"aantal": MAX_ITEMS}
            )
        positie = max((i["positie"] for i in items), default=0) + 1
        rows = await Item.insert(Item(peiling=peiling_id, positie=positie, **values))
        item_id = int(rows[0]["id"])
        if keuzes:
            await Keuze.insert(*[Keuze(item=item_id, positie=n, tekst=t) for n, t in enumerate(keuzes, 1)])
        await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == peiling_id)
        await _record(
            user,
            "peilingvraag_toegevoegd",
            peiling,
            na={"item": item_id, "soort": values["soort"], "tekst": values["tekst"], "keuzes": keuzes},
        )
    _changed()
    return item_id


async def _item_voor(user: Ingelogd, item_id: int) -> tuple[dict[str, Any], Peilingrij]:
    """The item and its poll, if this person may change that poll."""
    item = (
        await Item.select(Item.id, Item.peiling, Item.positie, Item.tekst, Item.toelichting)
        .where(Item.id == item_id)
        .first()
    )
    if item is None:
        raise GeenToegang()
    return item, await _peiling_voor(user, item["peiling"])


async def update_item_tekst(user: Ingelogd, item_id: int, *, tekst: str, toelichting: str) -> None:
    """Improve the wording; allowed also after answers came in, since it changes no result."""
    item, peiling = await _item_voor(user, item_id)
    fouten: dict[str, str] = {}
    tekst = _text(fouten, "tekst", tekst, "de vraag", max_length=500)
    toelichting = _text(fouten, "toelichting", toelichting, "", max_length=500, required=False)
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Peiling._meta.db.transaction():
        oud = await Item.select(Item.tekst, Item.toelichting).where(Item.id == item_id).first()
        await Item.update({Item.tekst: tekst, Item.toelichting: toelichting}).where(Item.id == item_id)
        await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == item["peiling"])
        voor, na = spoor.changed(oud or {}, {"tekst": tekst, "toelichting": toelichting})
        if na:
            # The council's own wording, before and after: no resident's data.
            await _record(
                user,
                "peilingvraag_herschreven",
                peiling,
                voor={"item": item_id, **voor},
                na={"item": item_id, **na},
            )
    _changed()
    # A security event when residents are already answering: changed wording changes what
    # the answers mean (ASVS 7.2). Council text only, no resident's data.
    log_event(
        "peilingvraag_herschreven",
        door=user.id,
        peiling=item["peiling"],
        item=item_id,
        na_antwoorden=await has_antwoorden(item["peiling"]),
        voor=oud["tekst"] if oud else None,
        na=tekst,
        toelichting_gewijzigd=oud is not None and oud["toelichting"] != toelichting,
    )


async def remove_item(user: Ingelogd, item_id: int) -> None:
    item, peiling = await _item_voor(user, item_id)
    if await has_antwoorden(item["peiling"]):
        raise VastNaAntwoorden()
    async with Peiling._meta.db.transaction():
        await Item.delete().where(Item.id == item_id)
        await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == item["peiling"])
        await _record(
            user, "peilingvraag_verwijderd", peiling, voor={"item": item_id, "tekst": item["tekst"]}
        )
    _changed()


async def move_item(user: Ingelogd, item_id: int, richting: int) -> None:
    """Swap an item with its neighbour above (-1) or below (+1)."""
    item, peiling = await _item_voor(user, item_id)
    if await has_antwoorden(item["peiling"]):
        raise VastNaAntwoorden()
    items = (
        await Item.select(Item.id, Item.positie).where(Item.peiling == item["peiling"]).order_by(Item.positie)
    )
    index = next(i for i, row in enumerate(items) if row["id"] == item_id)
    other = index + (1 if richting > 0 else -1)
    if not 0 <= other < len(items):
        return
    a, b = items[index], items[other]
    async with Peiling._meta.db.transaction():
        # Through a free position, so the unique (peiling, positie) index never sees two alike.
        await Item.update({Item.positie: -1}).where(Item.id == a["id"])
        await Item.update({Item.positie: a["positie"]}).where(Item.id == b["id"])
        await Item.update({Item.positie: b["positie"]}).where(Item.id == a["id"])
        await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == item["peiling"])
        # Positions as the council counts them: 1 is the first question.
        await _record(
            user,
            "peilingvraag_verplaatst",
            peiling,
            voor={"item": item_id, "plaats": index + 1},
            na={"item": item_id, "plaats": other + 1},
        )
    _changed()


def publish_bezwaren(
    *, status: Any, stap: Any, gewone_vragen: int, sluit_at: datetime | None, moment: datetime
) -> list[tuple[str | None, str]]:
    """Every reason a poll cannot be published yet, as (form field or None, message in the
    request's language);
    empty when it can. The one rule: publish() enforces it and the builder page shows it, so
    the "Publiceren" button is offered exactly when pressing it would work, and otherwise the
    page lists all that is still missing."""
    if status != Status.CONCEPT:
        return [(None, _("Deze peiling is al gepubliceerd."))]
    bezwaren: list[tuple[str | None, str]] = []
    if reden := stappen.weigering(stap, Actie.PEILING_PUBLICEREN):
        bezwaren.append((None, reden))
    if gewone_vragen == 0:
        bezwaren.append((None, _("Voeg eerst een vraag toe.")))
    if sluit_at is None:
        bezwaren.append(("sluit_at", _("Kies wanneer de peiling sluit.")))
    elif sluit_at <= moment:
        bezwaren.append(("sluit_at", _("Het sluitmoment is al voorbij. Kies een moment in de toekomst.")))
    return bezwaren


def publish_bezwaar(
    *, status: Any, stap: Any, gewone_vragen: int, sluit_at: datetime | None, moment: datetime
) -> tuple[str | None, str] | None:
    """The first of publish_bezwaren(), or None when the poll can be published."""
    bezwaren = publish_bezwaren(
        status=status, stap=stap, gewone_vragen=gewone_vragen, sluit_at=sluit_at, moment=moment
    )
    return bezwaren[0] if bezwaren else None


async def publish(user: Ingelogd, peiling_id: int) -> Status:
    """Make the poll available: open now, or at opent_at through the planner."""
    peiling = await _peiling_voor(user, peiling_id)
    vraag = await vragen.load_vraag(peiling.vraag_id)
    gewone = await Item.count().where((Item.peiling == peiling_id) & (Item.is_achtergrond == False))  # noqa: E712
    moment = tijd.now()
    if bezwaar := publish_bezwaar(
        status=peiling.status,
        stap=vraag["stap"],
        gewone_vragen=gewone,
        sluit_at=peiling.sluit_at,
        moment=moment,
    ):
        veld, melding = bezwaar
        raise OngeldigeInvoer({veld: melding}) if veld else PeilingError(melding)
    status = Status.OPEN if peiling.opent_at is None or peiling.opent_at <= moment else Status.GEPLAND
    changes: dict[Any, Any] = {Peiling.status: status.value, Peiling.versie: Peiling.versie + 1}
    if status is Status.OPEN:
        changes[Peiling.geopend_at] = moment
    async with Peiling._meta.db.transaction():
        published = (
            await Peiling.update(changes)
            .where((Peiling.id == peiling_id) & (Peiling.status == Status.CONCEPT.value))
            .returning(Peiling.id)
        )
        if published:
            await _record(
                user,
                "peiling_gepubliceerd",
                peiling,
                voor={"status": Status.CONCEPT.value},
                na={"status": status.value},
            )
    _changed()
    log_event("peiling_gepubliceerd", door=user.id, peiling=peiling_id, status=status.value)
    return status


async def close_early(user: Ingelogd, peiling_id: int) -> None:
    peiling = await _peiling_voor(user, peiling_id)
    if peiling.status not in (Status.OPEN, Status.GEPLAND):
        raise PeilingError(_("Deze peiling is niet open."))
    async with Peiling._meta.db.transaction():
        closed = (
            await Peiling.update(
                {
                    Peiling.status: Status.GESLOTEN.value,
                    Peiling.gesloten_at: tijd.now(),
                    Peiling.versie: Peiling.versie + 1,
                }
            )
            .where(
                (Peiling.id == peiling_id) & Peiling.status.is_in([Status.OPEN.value, Status.GEPLAND.value])
            )
            .returning(Peiling.id)
        )
        if closed:
            await _record(
                user,
                "peiling_vroeg_gesloten",
                peiling,
                voor={"status": peiling.status.value},
                na={"status": Status.GESLOTEN.value},
            )
    _changed()
    log_event("peiling_vroeg_gesloten", door=user.id, peiling=peiling_id)


async def open_and_close_due(moment: datetime | None = None) -> int:
    """The planner's job: open what is due to open, close what is due to close. Idempotent:
    each update names the status it moves from."""
    moment = moment or tijd.now()
    opened = (
        await Peiling.update(
            {
                Peiling.status: Status.OPEN.value,
                Peiling.geopend_at: moment,
                Peiling.versie: Peiling.versie + 1,
            }
        )
        .where((Peiling.status == Status.GEPLAND.value) & (Peiling.opent_at <= moment))
        .returning(Peiling.id)
    )
    closed = (
        await Peiling.update(
            {
                Peiling.status: Status.GESLOTEN.value,
                Peiling.gesloten_at: moment,
                Peiling.versie: Peiling.versie + 1,
            }
        )
        .where(
            Peiling.status.is_in([Status.OPEN.value, Status.GEPLAND.value])
            & Peiling.sluit_at.is_not_null()
            & (Peiling.sluit_at <= moment)
        )
        .returning(Peiling.id)
    )
    if opened or closed:
        _changed()
    return len(opened) + len(closed)


async def create_codes(user: Ingelogd, peiling_id: int, aantal: int, secret: str) -> list[str]:
    """Generate personal single-use codes. Returned once, for letters or mail; stored as hashes.
    The trail names how many, never a code."""
    peiling = await _peiling_voor(user, peiling_id)
    if not 1 <= aantal <= 5000:
        raise OngeldigeInvoer({"aantal": _("Maak tussen 1 en 5000 codes tegelijk.")})
    codes = ["".join(secrets.choice(CODE_ALFABET) for _ in range(8)) for _ in range(aantal)]
    rows = [Uitnodiging(peiling=peiling_id, code_hash=keyed(secret, f"code:{c}")) for c in codes]
    async with Peiling._meta.db.transaction():
        for start in range(0, len(rows), 500):
            await Uitnodiging.insert(*rows[start : start + 500])
        await _record(user, "codes_gemaakt", peiling, na={"aantal": aantal})
    log_event("codes_gemaakt", door=user.id, peiling=peiling_id, aantal=aantal)
    return codes


async def hide_open_answer(user: Ingelogd, peiling_id: int, waarde_id: int, verborgen: bool) -> None:
    peiling = await _peiling_voor(user, peiling_id)
    van_peiling = (Waarde.id == waarde_id) & Waarde.antwoord.is_in(
        Antwoord.select(Antwoord.id).where(Antwoord.peiling == peiling_id)
    )
    async with Peiling._meta.db.transaction():
        changed = (
            await Waarde.update({Waarde.verborgen: verborgen})
            .where(van_peiling & (Waarde.verborgen != verborgen))
            .returning(Waarde.id)
        )
        if changed:
            # Which answer, by its number; never its text.
            await _record(
                user,
                "antwoord_verborgen" if verborgen else "antwoord_getoond",
                peiling,
                voor={"antwoord": waarde_id, "verborgen": not verborgen},
                na={"antwoord": waarde_id, "verborgen": verborgen},
            )
    if changed:
        log_event(
            "open_antwoord_verborgen" if verborgen else "open_antwoord_getoond",
            door=user.id,
            peiling=peiling_id,
            waarde=waarde_id,
        )


# --- answering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormItem:
    id: int
    soort: Soort
    tekst: str
    toelichting: str
    verplicht: bool
    is_achtergrond: bool
    max_keuzes: int | None
    min_getal: int | None
    max_getal: int | None
    max_lengte: int | None
    label_laag: str
    label_hoog: str
    keuzes: tuple[tuple[int, str], ...]
    # A standard background item's characteristic (participatie.kenmerken), else None.
    kenmerk: str | None = None

    @property
    def veld(self) -> str:
        return f"item-{self.id}"


@dataclass(frozen=True)
class Formulier:
    peiling_id: int
    vraag_id: int
    gemeente_id: int
    sleutel: str
    titel: str
    intro: str
    toegang: Toegang
    status: Status
    opent_at: datetime | None
    sluit_at: datetime | None
    versie: int
    items: tuple[FormItem, ...]
    # The colours of the resident's pages: the council's own, IJmond's for an IJmond-wide vraag.
    thema: str = "ijmond"
    raad_naam: str = ""


_cache: dict[tuple[int, str, int], tuple[FormItem, ...]] = {}


async def _items(peiling_id: int, sleutel: str, versie: int) -> tuple[FormItem, ...]:
    """Items change only with the poll's version, so a process keeps them per version. The
    random link key is part of the cache key: ids repeat when a database is recreated."""
    key = (peiling_id, sleutel, versie)
    if key in _cache:
        return _cache[key]
    rows = await Item.select().where(Item.peiling == peiling_id).order_by(Item.positie)
    keuzes = (
        await Keuze.select(Keuze.id, Keuze.item, Keuze.tekst)
        .where(Keuze.item.is_in([r["id"] for r in rows]))
        .order_by(Keuze.positie)
        if rows
        else []
    )
    per_item: dict[int, list[tuple[int, str]]] = {}
    for k in keuzes:
        per_item.setdefault(k["item"], []).append((k["id"], k["tekst"]))
    items = tuple(
        FormItem(
            id=r["id"],
            soort=Soort(r["soort"]),
            tekst=r["tekst"],
            toelichting=r["toelichting"],
            verplicht=r["verplicht"],
            is_achtergrond=r["is_achtergrond"],
            max_keuzes=r["max_keuzes"],
            min_getal=r["min_getal"],
            max_getal=r["max_getal"],
            max_lengte=r["max_lengte"],
            label_laag=r["label_laag"],
            label_hoog=r["label_hoog"],
            keuzes=tuple(per_item.get(r["id"], [])),
            kenmerk=r["kenmerk"],
        )
        for r in rows
    )
    if len(_cache) > 500:
        _cache.clear()
    _cache[key] = items
    return items


# The public poll page and every submission look the poll up by its link key. Kept for a
# second per process: a poll that closes elsewhere stops taking answers within that second,
# and every change made through this process clears it at once.
ROW_TTL = timedelta(seconds=1)
_rows: dict[str, tuple[datetime, Formulier]] = {}


_talen_cache: dict[tuple[int, str, int], tuple[str, ...]] = {}


async def _talen_van(formulier: Formulier) -> tuple[str, ...]:
    """The languages added to a poll (Peilingtaal), kept per poll version like its items:
    adding or removing one raises the version."""
    key = (formulier.peiling_id, formulier.sleutel, formulier.versie)
    if key not in _talen_cache:
        if len(_talen_cache) > 500:
            _talen_cache.clear()
        rows = (
            await Peilingtaal.select(Peilingtaal.taal)
            .where(Peilingtaal.peiling == formulier.peiling_id)
            .order_by(Peilingtaal.id)
        )
        _talen_cache[key] = tuple(r["taal"] for r in rows)
    return _talen_cache[key]


def _changed() -> None:
    _rows.clear()


async def load_formulier(*, sleutel: str | None = None, peiling_id: int | None = None) -> Formulier | None:
    if sleutel is not None:
        cached = _rows.get(sleutel)
        moment = tijd.now()
        if cached is not None and moment - cached[0] < ROW_TTL:
            return cached[1]
        formulier = await _load_formulier(Peiling.sleutel == sleutel)
        if formulier is not None:
            if len(_rows) > 1000:
                _rows.clear()
            _rows[sleutel] = (moment, formulier)
        return formulier
    return await _load_formulier(Peiling.id == peiling_id)


async def _load_formulier(where: Any) -> Formulier | None:
    row = (
        await Peiling.select(
            Peiling.id,
            Peiling.vraag,
            Peiling.gemeente,
            Peiling.sleutel,
            Peiling.titel,
            Peiling.intro,
            Peiling.toegang,
            Peiling.status,
            Peiling.opent_at,
            Peiling.sluit_at,
            Peiling.versie,
            Peiling.gemeente.slug.as_alias("gemeente_slug"),
            Peiling.gemeente.raad_naam.as_alias("raad_naam"),
            Peiling.vraag.scope.as_alias("scope"),
        )
        .where(where)
        .first()
    )
    if row is None:
        return None
    return Formulier(
        peiling_id=row["id"],
        vraag_id=row["vraag"],
        gemeente_id=row["gemeente"],
        sleutel=row["sleutel"],
        titel=row["titel"],
        intro=row["intro"],
        toegang=Toegang(row["toegang"]),
        status=Status(row["status"]),
        opent_at=row["opent_at"],
        sluit_at=row["sluit_at"],
        versie=row["versie"],
        items=await _items(row["id"], row["sleutel"], row["versie"]),
        thema="ijmond" if row["scope"] == Scope.REGIO.value else row["gemeente_slug"],
        raad_naam=row["raad_naam"],
    )


def is_open(formulier: Formulier, moment: datetime | None = None) -> bool:
    moment = moment or tijd.now()
    return formulier.status is Status.OPEN and (formulier.sluit_at is None or formulier.sluit_at > moment)


@dataclass(frozen=True)
class Gegeven:
    item_id: int
    keuze: int | None = None
    getal: int | None = None
    tekst: str | None = None


# What to do about a required question left open, per kind; the question is named, since the
# list at the top of the form shows the message without its question around it.
_ONBEANTWOORD = {
    Soort.ENKEL: N_("Kies een antwoord bij vraag %(nummer)s: %(vraag)s"),
    Soort.MEER: N_("Kies één of meer antwoorden bij vraag %(nummer)s: %(vraag)s"),
    Soort.SCHAAL: N_("Kies een cijfer bij vraag %(nummer)s: %(vraag)s"),
    Soort.JANEE: N_("Kies ja of nee bij vraag %(nummer)s: %(vraag)s"),
    Soort.GETAL: N_("Vul een getal in bij vraag %(nummer)s: %(vraag)s"),
    Soort.TEKST: N_("Schrijf een antwoord bij vraag %(nummer)s: %(vraag)s"),
}
_VRAAG_KORT = 80


def missing_answer(nummer: int, item: FormItem) -> str:
    """'Kies een antwoord bij vraag 2: Waar hoort u erover?', a long question shortened."""
    vraag = item.tekst.strip()
    if len(vraag) > _VRAAG_KORT:
        vraag = vraag[: _VRAAG_KORT - 1].rstrip() + "…"
    return _(_ONBEANTWOORD[item.soort]) % {"nummer": nummer, "vraag": vraag}


def parse_antwoorden(
    formulier: Formulier, data: dict[str, list[str]]
) -> tuple[list[Gegeven], dict[str, str]]:
    """Check every answer against its item. Pure: the same input always gives the same result.

    `data` maps a field name to all its submitted values (a multiple-choice item sends several).
    """
    gegeven: list[Gegeven] = []
    fouten: dict[str, str] = {}
    for nummer, item in enumerate(formulier.items, 1):
        values = [v.replace("\x00", "").strip() for v in data.get(item.veld, [])]
        values = [v for v in values if v]
        if not values:
            if item.verplicht:
                fouten[item.veld] = missing_answer(nummer, item)
            continue
        if item.soort in (Soort.ENKEL, Soort.MEER):
            ids = {k for k, _ in item.keuzes}
            try:
                chosen = [int(v) for v in values]
            except ValueError:
                chosen = [-1]
            if any(c not in ids for c in chosen) or len(set(chosen)) != len(chosen):
                fouten[item.veld] = _("Kies een antwoord uit de lijst.")
            elif item.soort is Soort.ENKEL and len(chosen) > 1:
                fouten[item.veld] = _("Kies één antwoord.")
            elif item.max_keuzes and len(chosen) > item.max_keuzes:
                fouten[item.veld] = _("Kies hoogstens %(aantal)s antwoorden.") % {"aantal": item.max_keuzes}
            else:
                gegeven.extend(Gegeven(item.id, keuze=c) for c in chosen)
        elif item.soort in (Soort.SCHAAL, Soort.JANEE, Soort.GETAL):
            lo, hi = {Soort.SCHAAL: (1, 5), Soort.JANEE: (0, 1)}.get(
                item.soort, (item.min_getal, item.max_getal)
            )
            if len(values) != 1:
                fouten[item.veld] = _("Geef één antwoord.")
                continue
            try:
                number = int(values[0])
            except ValueError:
                fouten[item.veld] = (
                    _("Vul een heel getal in, zoals 3.")
                    if item.soort is Soort.GETAL
                    else _("Kies een antwoord.")
                )
                continue
            if (lo is not None and number < lo) or (hi is not None and number > hi):
                fouten[item.veld] = (
                    _("Vul een getal in van %(lo)s tot en met %(hi)s.") % {"lo": lo, "hi": hi}
                    if item.soort is Soort.GETAL
                    else _("Kies een antwoord.")
                )
                continue
            gegeven.append(Gegeven(item.id, getal=number))
        else:
            if len(values) != 1:
                fouten[item.veld] = _("Geef één antwoord.")
                continue
            limit = item.max_lengte or 500
            if len(values[0]) > limit:
                fouten[item.veld] = _(
                    "Uw antwoord is %(lengte)s tekens. Het mag hoogstens %(limiet)s tekens zijn."
                ) % {
                    "lengte": len(values[0]),
                    "limiet": limit,
                }
                continue
            gegeven.append(Gegeven(item.id, tekst=values[0]))
    return gegeven, fouten


@dataclass(frozen=True)
class Drempels:
    """Flood thresholds of the public submissions, from the settings.

    Many residents share one address (a library's wifi, a care home, every mobile network),
    so one address alone never refuses a resident at an ordinary count. What is limited is a
    poll's total per minute: above `druk_per_minuut` each answer is slowed down and the
    council sees the burst on the results page; above `max_per_minuut` answers are refused
    until the minute is over. An address is refused only above `per_adres` per 10 minutes,
    far beyond what a shared address does.
    """

    druk_per_minuut: int = 300
    max_per_minuut: int = 1500
    per_adres: int = 2000
    vertraging_s: float = 1.0


SHARDS = 8  # rows per hot count: concurrent submissions update different rows
MAX_FOUTE_CODES_PER_ADRES = 20
MAX_FOUTE_CODES_PER_PEILING = 200


class TeVeelCodes(TeVaak, PeilingError):
    """Too many wrong invitation codes from this address or on this poll; retry after `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        minuten = max(1, -(-retry_after // 60))
        super().__init__(
            ngettext(
                "Er zijn te veel verkeerde codes ingevuld. Wacht even en probeer het over "
                "%(num)s minuut opnieuw.",
                "Er zijn te veel verkeerde codes ingevuld. Wacht even en probeer het over "
                "%(num)s minuten opnieuw.",
                minuten,
            )
            % {"num": minuten},
            retry_after,
        )


def _minuut(moment: datetime) -> int:
    """A counter window's start: whole minutes since 1970 UTC."""
    return int(moment.timestamp()) // 60


def _tien_minuten(moment: datetime) -> int:
    return _minuut(moment) // 10 * 10


def _rest_van_minuut(moment: datetime) -> int:
    """Seconds until the counter's next minute, when a flooded poll takes answers again."""
    return 60 - moment.second


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Ontvangen:
    """A stored response; `is_druk` when the poll is busier than its threshold (slow down)."""

    is_druk: bool


async def submit(
    formulier: Formulier,
    gegeven: list[Gegeven],
    *,
    bron: str,
    deelname_sleutel: str,
    code_hashes: list[str] | None = None,
    adres_sleutel: str | None = None,
    drempels: Drempels = Drempels(),
    na_sluiten: bool = False,
    taal: str = "nl",
) -> Ontvangen:
    """Store one response, exactly once, unless the poll is being flooded.

    In one transaction: the single-use code is claimed (UPDATE ... WHERE gebruikt = false),
    the flood counters are read, the participation key is inserted (unique per poll: a double
    click, a resubmission or 50 parallel posts leave one row), then the response and its
    values, and the poll's counter for this minute (and the address's, when given) goes up.
    Any refusal rolls all of it back; a flood refusal is itself counted, for the results page.
    With a code, wrong codes are counted per address and per poll, and refused above their
    limit before the code is even looked at. `code_hashes` is the typed code's keyed hash under
    each key of the ring (sleutels.keyed_all): a code handed out before a key rotation works.
    `taal` is the language the form was shown in ("nl" or an offered tag; the route checks it).
    It is counted per poll and year (Teller soort "taal"), never stored on the response: an
    address left in English beside the one answer given in English would name its author.
    """
    moment = tijd.now()
    # `na_sluiten`: a paper form typed in after closing (submit_papier checks its own window).
    if not na_sluiten and not is_open(formulier, moment):
        raise NietOpen(_("Deze peiling is gesloten. U kunt niet meer meedoen."))
    if code_hashes is not None:
        await _check_code_pogingen(formulier.peiling_id, adres_sleutel or "", moment)
    telling = _Telling(
        minuut=_minuut(moment),
        shard=secrets.randbelow(SHARDS),
        max_per_minuut=drempels.max_per_minuut,
        adres=adres_sleutel or "",
        adres_venster=_tien_minuten(moment),
        per_adres=drempels.per_adres,
        jaar=tijd.local(moment).year,
        talen=tuple(dict.fromkeys(("nl", *await _talen_van(formulier), taal))),
    )
    engine = Peiling._meta.db
    try:
        if isinstance(engine, SerialisedSQLiteEngine):
            rows = [(g.item_id, g.keuze, g.getal, g.tekst) for g in gegeven]
            ok, eerder = await engine.run_in_writer(
                lambda conn: _submit_sqlite(
                    conn,
                    formulier.peiling_id,
                    rows,
                    _hour(moment),
                    bron,
                    deelname_sleutel,
                    code_hashes,
                    telling,
                    taal,
                )
            )
        else:
            ok, eerder = await _submit_postgres(
                engine,
                formulier.peiling_id,
                gegeven,
                _hour(moment),
                bron,
                deelname_sleutel,
                code_hashes,
                telling,
                taal,
            )
    except OngeldigeCode:
        # Only an unknown code is a guess; a used one typed again (a resubmission, a double
        # click) is a resident who already had a code.
        assert code_hashes is not None
        if not await Uitnodiging.exists().where(
            Uitnodiging.code_hash.is_in(code_hashes) & (Uitnodiging.peiling == formulier.peiling_id)
        ):
            await _count_foute_code(formulier.peiling_id, adres_sleutel or "", moment)
        raise
    except _Vol:
        raise TeVeelInzendingen(_rest_van_minuut(moment)) from None
    if not ok:
        raise TeVeelInzendingen(_rest_van_minuut(moment))
    return Ontvangen(is_druk=eerder + 1 > drempels.druk_per_minuut)


@dataclass(frozen=True)
class _Telling:
    """Where a submission is counted, and the limits it is checked against."""

    minuut: int
    shard: int
    max_per_minuut: int
    adres: str  # keyed hash of the address, or "" (not counted per address)
    adres_venster: int
    per_adres: int
    # The year (Europe/Amsterdam) the language count goes in, for the council's year report.
    jaar: int
    # Every language of the poll: each submission writes the count row of every one of them
    # (+1 for its own, +0 for the others), so no row's transaction id, version or creation
    # singles out the language of one response.
    talen: tuple[str, ...] = ("nl",)


# The flood check, the participation key, the response, its values and the counters in one
# statement: one round trip. Data-modifying CTEs always run to completion; `d` inserts only
# when the poll and the address are under their limits, and `a` only when `d` did, so a
# duplicate key or a flood stores nothing. A refusal is counted in `geweigerd`.
_SUBMIT_PG = """
WITH o AS (
    SELECT
        (SELECT coalesce(sum(aantal), 0) FROM teller
         WHERE peiling = $1 AND soort = 'minuut' AND venster = $9) AS eerder,
        (SELECT coalesce(sum(aantal), 0) FROM teller
         WHERE peiling = $1 AND soort = 'adres' AND sleutel = $12 AND venster = $13) AS van_adres
), k AS (
    SELECT eerder, eerder < $11 AND ($12 = '' OR van_adres < $14) AS ok FROM o
), d AS (
    INSERT INTO deelname (peiling, sleutel) SELECT $1, $2 FROM k WHERE k.ok
    ON CONFLICT DO NOTHING RETURNING id
), a AS (
    INSERT INTO antwoord (peiling, ingediend_uur, bron) SELECT $1, $3, $4 FROM d RETURNING id
), w AS (
    INSERT INTO waarde (antwoord, item, keuze, getal, tekst, verborgen)
    SELECT a.id, v.item, v.keuze, v.getal, v.tekst, false
    FROM a, unnest($5::integer[], $6::integer[], $7::integer[], $8::text[]) AS v(item, keuze, getal, tekst)
), t AS (
    INSERT INTO teller (peiling, soort, sleutel, venster, shard, aantal, geweigerd)
    SELECT $1, 'minuut', '', $9, $10::integer, (SELECT count(*) FROM d), CASE WHEN k.ok THEN 0 ELSE 1 END
    FROM k WHERE NOT k.ok OR EXISTS (SELECT 1 FROM d)
    ON CONFLICT (peiling, soort, venster, sleutel, shard) DO UPDATE
    SET aantal = teller.aantal + excluded.aantal, geweigerd = teller.geweigerd + excluded.geweigerd
), x AS (
    INSERT INTO teller (peiling, soort, sleutel, venster, shard, aantal, geweigerd)
    SELECT $1, 'adres', $12, $13, $10::integer, 1, 0 FROM d WHERE $12 <> ''
    ON CONFLICT (peiling, soort, venster, sleutel, shard) DO UPDATE SET aantal = teller.aantal + 1
), l AS (
    INSERT INTO teller (peiling, soort, sleutel, venster, shard, aantal, geweigerd)
    SELECT $1, 'taal', t.taal, $16, $10::integer, CASE WHEN t.taal = $15 THEN 1 ELSE 0 END, 0
    FROM d, unnest($17::text[]) AS t(taal)
    ON CONFLICT (peiling, soort, venster, sleutel, shard) DO UPDATE
    SET aantal = teller.aantal + excluded.aantal
)
SELECT (SELECT count(*) FROM d) AS joined, k.ok, k.eerder FROM k
"""

_CLAIM_PG = (
    "UPDATE uitnodiging SET gebruikt = true "
    "WHERE code_hash = ANY($1::varchar[]) AND peiling = $2 AND gebruikt = false"
)


async def _submit_postgres(
    engine: Any,
    peiling_id: int,
    gegeven: list[Gegeven],
    uur: datetime,
    bron: str,
    deelname_sleutel: str,
    code_hashes: list[str] | None,
    telling: _Telling,
    taal: str = "nl",
) -> tuple[bool, int]:
    """submit() on PostgreSQL, straight on the asyncpg connection: the resident's hot path.

    Returns (under the limits, responses this minute before this one)."""
    columns = (
        [g.item_id for g in gegeven],
        [g.keuze for g in gegeven],
        [g.getal for g in gegeven],
        [g.tekst for g in gegeven],
    )
    args = (
        peiling_id,
        deelname_sleutel,
        uur,
        bron,
        *columns,
        telling.minuut,
        telling.shard,
        telling.max_per_minuut,
        telling.adres,
        telling.adres_venster,
        telling.per_adres,
        taal,
        telling.jaar,
        list(telling.talen),
    )
    async with _pg_connection(engine) as conn:
        if code_hashes is None:
            row = await conn.fetchrow(_SUBMIT_PG, *args)
        else:
            async with conn.transaction():
                if await conn.execute(_CLAIM_PG, code_hashes, peiling_id) == "UPDATE 0":
                    raise OngeldigeCode()
                row = await conn.fetchrow(_SUBMIT_PG, *args)
                if row["ok"] and not row["joined"]:
                    raise AlBeantwoord()
                if not row["ok"]:
                    raise _Vol()
    if row["ok"] and not row["joined"]:
        raise AlBeantwoord()
    return bool(row["ok"]), int(row["eerder"])


class _Vol(Exception):
    """Rolls a code's claim back when the poll is full this minute."""


@contextlib.asynccontextmanager
async def _pg_connection(engine: Any) -> AsyncIterator[Any]:
    if engine.pool is not None:
        async with engine.pool.acquire() as conn:
            yield conn
        return
    # Without a pool (CLI commands, tests): a connection of its own.
    conn = await engine.get_new_connection()
    try:
        yield conn
    finally:
        await conn.close()


_TEL_SQLITE = (
    "INSERT INTO teller (peiling, soort, sleutel, venster, shard, aantal, geweigerd) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (peiling, soort, venster, sleutel, shard) DO UPDATE "
    "SET aantal = aantal + excluded.aantal, geweigerd = geweigerd + excluded.geweigerd"
)


def _submit_sqlite(
    conn: sqlite3.Connection,
    peiling_id: int,
    rows: list[tuple[int, int | None, int | None, str | None]],
    uur: datetime,
    bron: str,
    deelname_sleutel: str,
    code_hashes: list[str] | None,
    telling: _Telling,
    taal: str = "nl",
) -> tuple[bool, int]:
    """submit() on SQLite: the same statements as on PostgreSQL, in one thread hop.

    Runs inside run_in_writer's transaction; raising rolls every statement back, so a flood
    refusal returns instead, to keep its count.
    """
    if code_hashes is not None:
        # A code is stored under one key; at most one of the ring's hashes can match it.
        placeholders = ", ".join("?" * len(code_hashes))
        claimed = conn.execute(
            # Only "?" placeholders are put into the text; the hashes go as parameters.
            f"UPDATE uitnodiging SET gebruikt = 1 WHERE code_hash IN ({placeholders}) "  # noqa: S608
            "AND peiling = ? AND gebruikt = 0",
            (*code_hashes, peiling_id),
        ).rowcount
        if not claimed:
            raise OngeldigeCode()
    eerder = conn.execute(
        "SELECT coalesce(sum(aantal), 0) FROM teller WHERE peiling = ? AND soort = 'minuut' AND venster = ?",
        (peiling_id, telling.minuut),
    ).fetchone()[0]
    ok = eerder < telling.max_per_minuut
    if ok and telling.adres:
        van_adres = conn.execute(
            "SELECT coalesce(sum(aantal), 0) FROM teller "
            "WHERE peiling = ? AND soort = 'adres' AND sleutel = ? AND venster = ?",
            (peiling_id, telling.adres, telling.adres_venster),
        ).fetchone()[0]
        ok = van_adres < telling.per_adres
    if not ok:
        if code_hashes is not None:
            raise _Vol()
        conn.execute(_TEL_SQLITE, (peiling_id, "minuut", "", telling.minuut, telling.shard, 0, 1))
        return False, eerder
    joined = conn.execute(
        "INSERT INTO deelname (peiling, sleutel) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (peiling_id, deelname_sleutel),
    ).rowcount
    if not joined:
        raise AlBeantwoord()
    antwoord_id = conn.execute(
        "INSERT INTO antwoord (peiling, ingediend_uur, bron) VALUES (?, ?, ?)",
        (peiling_id, uur, bron),
    ).lastrowid
    conn.executemany(
        "INSERT INTO waarde (antwoord, item, keuze, getal, tekst, verborgen) VALUES (?, ?, ?, ?, ?, 0)",
        [(antwoord_id, *row) for row in rows],
    )
    conn.execute(_TEL_SQLITE, (peiling_id, "minuut", "", telling.minuut, telling.shard, 1, 0))
    conn.executemany(
        _TEL_SQLITE,
        [(peiling_id, "taal", t, telling.jaar, telling.shard, int(t == taal), 0) for t in telling.talen],
    )
    if telling.adres:
        conn.execute(
            _TEL_SQLITE, (peiling_id, "adres", telling.adres, telling.adres_venster, telling.shard, 1, 0)
        )
    return True, eerder


# --- paper forms, typed in by the council ----------------------------------------------------


class PapierDicht(PeilingError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Papieren formulieren invoeren kan zolang de peiling open is, en na het sluiten "
                "tot het rapport gepubliceerd is."
            )
        )


async def papier_mag(formulier: Formulier) -> bool:
    """Paper comes back late (the food bank collects for a week), so forms may be typed in while
    the poll is open and after it closed, until the vraag's report is published: from then on
    the figures are public and must not change any more. Never before the poll opened."""
    if formulier.status not in (Status.OPEN, Status.GESLOTEN):
        return False
    from participatie.rapporten.tables import Rapport  # rapporten reads polls: imported late

    return not await Rapport.exists().where(
        (Rapport.vraag == formulier.vraag_id) & Rapport.gepubliceerd_at.is_not_null()
    )


LEEG = N_("Dit formulier is leeg. Vul minstens één antwoord in, of leg het formulier apart.")


def parse_papier(formulier: Formulier, data: dict[str, list[str]]) -> tuple[list[Gegeven], dict[str, str]]:
    """The same check as online (parse_antwoorden); a form without a single answer is refused
    as a whole, so that pressing Enter on an empty screen stores nothing."""
    if not any(v.strip() for item in formulier.items for v in data.get(item.veld, [])):
        return [], {"formulier": _(LEEG)}
    return parse_antwoorden(formulier, data)


async def submit_papier(
    user: Ingelogd, formulier: Formulier, gegeven: list[Gegeven], *, token_sleutel: str, taal: str = "nl"
) -> None:
    """Store one returned paper form, with bron papier, exactly once per entry form.

    `token_sleutel` is the keyed hash of the entry form's random token: sent twice (a double
    Enter, Back and send again) the second one is AlBeantwoord, as with the kiosk. The trail
    gets a line per form without its answers; it is written after the response's own
    transaction (submit's statements run in the engine's writer)."""
    peiling = await _peiling_voor(user, formulier.peiling_id)
    if not await papier_mag(formulier):
        raise PapierDicht()
    if not gegeven:
        raise OngeldigeInvoer({"formulier": _(LEEG)})
    # No flood limits: a council member typing in forms is no flood.
    await submit(
        formulier,
        gegeven,
        bron=Bron.PAPIER.value,
        deelname_sleutel=token_sleutel,
        drempels=Drempels(druk_per_minuut=10**9, max_per_minuut=10**9, per_adres=10**9),
        na_sluiten=True,
        taal=taal,
    )
    async with Peiling._meta.db.transaction():
        await _record(user, "peiling_papier_ingevoerd", peiling, na={"aantal": 1})
    log_event("peiling_papier_ingevoerd", door=user.id, peiling=formulier.peiling_id)


# --- invitation codes: wrong guesses --------------------------------------------------------


async def _check_code_pogingen(peiling_id: int, adres_sleutel: str, moment: datetime) -> None:
    """Refuse before the code is looked at when this address, or everyone together, guessed
    wrong too often in this 10-minute window. The poll-wide cap bounds a guesser with many
    addresses: at 200 per 10 minutes, finding one of 5,000 codes among 32^8 takes centuries."""
    venster = _tien_minuten(moment)
    rows = await Teller.select(Teller.soort, Teller.sleutel, Teller.aantal).where(
        (Teller.peiling == peiling_id)
        & (Teller.venster == venster)
        & (
            ((Teller.soort == "code") & (Teller.sleutel == adres_sleutel))
            | ((Teller.soort == "codes") & (Teller.sleutel == ""))
        )
    )
    fout = {r["soort"]: r["aantal"] for r in rows}
    if fout.get("code", 0) < MAX_FOUTE_CODES_PER_ADRES and fout.get("codes", 0) < MAX_FOUTE_CODES_PER_PEILING:
        return
    retry_after = (venster + 10) * 60 - int(moment.timestamp())
    async with Peiling._meta.db.transaction():
        geweigerd = await _tel(peiling_id, "code", adres_sleutel, venster, geweigerd=1)
    # One log line when an address first goes over the limit in a window, then one per 100.
    if geweigerd % 100 == 1:
        log_event(
            "code_pogingen_geweigerd",
            peiling=peiling_id,
            per_peiling=fout.get("codes", 0) >= MAX_FOUTE_CODES_PER_PEILING,
            geweigerd=geweigerd,
        )
    raise TeVeelCodes(max(1, retry_after))


async def _count_foute_code(peiling_id: int, adres_sleutel: str, moment: datetime) -> None:
    venster = _tien_minuten(moment)
    async with Peiling._meta.db.transaction():
        await _tel(peiling_id, "code", adres_sleutel, venster, aantal=1)
        await _tel(peiling_id, "codes", "", venster, aantal=1)


async def _tel(
    peiling_id: int, soort: str, sleutel: str, venster: int, *, aantal: int = 0, geweigerd: int = 0
) -> int:
    """Add to a counter (an upsert on both engines); returns its new `geweigerd`."""
    rows = await Teller.raw(
        "INSERT INTO teller (peiling, soort, sleutel, venster, aantal, geweigerd) "
        "VALUES ({}, {}, {}, {}, {}, {}) "
        "ON CONFLICT (peiling, soort, venster, sleutel, shard) DO UPDATE "
        "SET aantal = teller.aantal + excluded.aantal, geweigerd = teller.geweigerd + excluded.geweigerd "
        "RETURNING geweigerd",
        peiling_id,
        soort,
        sleutel,
        venster,
        aantal,
        geweigerd,
    )
    return int(rows[0]["geweigerd"])


async def purge_tellers(moment: datetime | None = None) -> int:
    """The planner's job: forget counters that hold an address hash once their window is an
    hour past, and poll-wide code counters after a day. Per-minute poll counts stay: the
    results page shows bursts from them."""
    minuut = _minuut(moment or tijd.now())
    deleted = (
        await Teller.delete()
        .where(
            (Teller.soort.is_in(["adres", "code"]) & (Teller.venster < minuut - 60))
            | ((Teller.soort == "codes") & (Teller.venster < minuut - 24 * 60))
        )
        .returning(Teller.id)
    )
    return len(deleted)


# --- the kiosk ------------------------------------------------------------------------------


class KioskGeweigerd(PeilingError):
    status = 403

    def __init__(self) -> None:
        super().__init__(_("Deze kiosk is gesloten. Vraag een raadslid om hem opnieuw te starten."))


def _kiosk_hash(token: str) -> str:
    # The token is 256 random bits: a plain hash cannot be reversed or guessed.
    return hashlib.sha256(token.encode()).hexdigest()


def kiosk_einde(moment: datetime, sluit_at: datetime | None) -> datetime:
    """When a kiosk unlocked at `moment` stops: midnight in Amsterdam, or when the poll closes."""
    lokaal = tijd.local(moment)
    middernacht = datetime.combine(lokaal.date() + timedelta(days=1), datetime.min.time(), tijd.AMSTERDAM)
    einde = tijd.as_utc(middernacht)
    return min(einde, sluit_at) if sluit_at is not None else einde


@dataclass(frozen=True)
class Ontgrendeld:
    token: str
    verloopt_at: datetime


async def unlock_kiosk(user: Ingelogd, peiling_id: int) -> Ontgrendeld:
    """Unlock a tablet for this poll's kiosk form: a new random token (only its hash is kept)
    that opens this form and nothing else, until the end of the day at the latest."""
    peiling = await _peiling_voor(user, peiling_id)
    formulier = await load_formulier(peiling_id=peiling_id)
    if formulier is None:
        raise GeenToegang()
    moment = tijd.now()
    if not is_open(formulier, moment):
        raise PeilingError(_("Een kiosk starten kan alleen als de peiling open is."))
    token = secrets.token_urlsafe(32)
    verloopt_at = kiosk_einde(moment, formulier.sluit_at)
    async with Peiling._meta.db.transaction():
        rows = await Kiosk.insert(
            Kiosk(
                peiling=peiling_id,
                token_hash=_kiosk_hash(token),
                gemaakt_door=user.id,
                aangemaakt_at=moment,
                verloopt_at=verloopt_at,
            )
        )
        # Which kiosk and until when; never its token.
        await _record(
            user, "kiosk_ontgrendeld", peiling, na={"kiosk": rows[0]["id"], "verloopt_at": verloopt_at}
        )
    log_event("kiosk_ontgrendeld", door=user.id, peiling=peiling_id, kiosk=rows[0]["id"], tot=verloopt_at)
    return Ontgrendeld(token=token, verloopt_at=verloopt_at)


async def revoke_kiosk(user: Ingelogd, peiling_id: int, kiosk_id: int) -> None:
    peiling = await _peiling_voor(user, peiling_id)
    async with Peiling._meta.db.transaction():
        revoked = (
            await Kiosk.update({Kiosk.ingetrokken_at: tijd.now()})
            .where((Kiosk.id == kiosk_id) & (Kiosk.peiling == peiling_id) & Kiosk.ingetrokken_at.is_null())
            .returning(Kiosk.id)
        )
        if revoked:
            await _record(
                user, "kiosk_ingetrokken", peiling, voor={"kiosk": kiosk_id}, na={"ingetrokken": True}
            )
    if revoked:
        log_event("kiosk_ingetrokken", door=user.id, peiling=peiling_id, kiosk=kiosk_id)


async def load_kiosk(token: str) -> Formulier:
    """The poll a kiosk token opens, or KioskGeweigerd when it is unknown, expired or revoked."""
    if not token:
        raise KioskGeweigerd()
    row = (
        await Kiosk.select(Kiosk.peiling)
        .where(
            (Kiosk.token_hash == _kiosk_hash(token))
            & Kiosk.ingetrokken_at.is_null()
            & (Kiosk.verloopt_at > tijd.now())
        )
        .first()
    )
    if row is None:
        raise KioskGeweigerd()
    formulier = await load_formulier(peiling_id=row["peiling"])
    if formulier is None:
        raise KioskGeweigerd()
    return formulier
