"""Focusgroep use cases: the only code that writes groups, members, meetings and findings.

Residents in a group have no account. They act through personal links whose token is a
keyed hash of (purpose, member, meeting): nothing to store, nothing to guess, and a link
works only for the member it was made for. Every mail goes through the outbox in the same
transaction as the change it reports.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlparse

import icalendar

from participatie import sleutels, spoor, tijd
from participatie.accounts import instellingen
from participatie.accounts import queries as account_queries
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Gebruiker, Gemeente, Rol
from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.focusgroepen.tables import (
    Aanmelding,
    Antwoord,
    Bevinding,
    BevindingBijeenkomst,
    Bijeenkomst,
    Focusgroep,
    Lid,
    Reactie,
    Soort,
    Steun,
)
from participatie.fouten import GeenToegang, Geweigerd, NietGevonden, OngeldigeInvoer
from participatie.invoer import parse_id, text_field
from participatie.mail import outbox
from participatie.sleutels import keyed
from participatie.taal import N_, STANDAARD, geldig, huidige_taal, in_taal, ngettext
from participatie.taal import gettext as _
from participatie.tijd import as_utc, now
from participatie.vragen import domain as vragen
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie

AANMELDING_GELDIG = timedelta(days=14)
BEWAARTERMIJN_SLEUTEL = "focusgroep_bewaartermijn_maanden"
BEWAARTERMIJN_STANDAARD = 3
HERINNERING_VANAF = time(9, 0)  # the reminder goes out from 9:00 on the day before
_TELEFOON = re.compile(r"^\+?[0-9 ()-]{8,20}$")


def toestemming_tekst(maanden: int) -> str:
    """What a resident consents to, in the current language: shown on the forms and stored
    with the member in the words they agreed to."""
    return ngettext(
        "Mijn naam en contactgegevens worden gebruikt om mij uit te nodigen voor de bijeenkomsten "
        "van deze focusgroep en mij te vertellen wat ermee gebeurt. Alleen de raadsleden en "
        "beleidsmedewerkers van de groep zien ze. Ze worden gewist als ik stop, of uiterlijk "
        "%(num)s maand nadat de groep klaar is.",
        "Mijn naam en contactgegevens worden gebruikt om mij uit te nodigen voor de bijeenkomsten "
        "van deze focusgroep en mij te vertellen wat ermee gebeurt. Alleen de raadsleden en "
        "beleidsmedewerkers van de groep zien ze. Ze worden gewist als ik stop, of uiterlijk "
        "%(num)s maanden nadat de groep klaar is.",
        maanden,
    ) % {"num": maanden}


class FocusgroepError(Geweigerd):
    """A refused change; `str(error)` is the message in the language of the request. Invalid
    input is `fouten.OngeldigeInvoer`, no access `fouten.GeenToegang`, both re-exported here."""


class OngeldigeLink(FocusgroepError):
    status = 404

    def __init__(self) -> None:
        super().__init__(_("Deze link werkt niet (meer). Misschien is hij al gebruikt of verlopen."))


class Gesloten(FocusgroepError):
    def __init__(self) -> None:
        super().__init__(_("Deze focusgroep is afgesloten. Er kan niets meer bij."))


# Made at import: translated where it is raised (`_(GEEN_TOEGANG)`).
GEEN_TOEGANG = N_("U kunt deze focusgroep niet wijzigen.")
# Stored as the group's summary when it closes without findings: Dutch in the database (the
# council's record), shown through `vertaal`, so an English reader gets it in English.
GEEN_BEVINDINGEN = N_("De groep heeft geen bevindingen vastgelegd.")

# --- links without accounts ----------------------------------------------------------------


def link_token(secret: str, doel: str, lid_id: int, bijeenkomst_id: int = 0) -> str:
    """The link's token, made with the current key."""
    return keyed(secret, f"focusgroep:{doel}:{lid_id}:{bijeenkomst_id}")[:32]


def check_token(
    secret: sleutels.Sleutels, token: str, doel: str, lid_id: int, bijeenkomst_id: int = 0
) -> None:
    """Any key of the ring may have made the link: one mailed before a key rotation works."""
    if not sleutels.matches(secret, f"focusgroep:{doel}:{lid_id}:{bijeenkomst_id}", token, 32):
        raise OngeldigeLink()


def afmeld_pad(secret: str, lid_id: int) -> str:
    return f"/f/{lid_id}/afmelden/{link_token(secret, 'afmelden', lid_id)}"


def reactie_pad(secret: str, lid_id: int, bijeenkomst_id: int) -> str:
    return (
        f"/f/{lid_id}/bijeenkomsten/{bijeenkomst_id}/{link_token(secret, 'reactie', lid_id, bijeenkomst_id)}"
    )


# --- who may do what -----------------------------------------------------------------------


@dataclass(frozen=True)
class Groep:
    """A focus group as the domain and its pages read it."""

    id: int
    vraag: int
    gemeente: int
    thema: str
    doel: str
    eind_op: date
    verantwoordelijke: int | None
    samenvatting: str
    gesloten_at: datetime | None
    gegevens_verwijderd_at: datetime | None
    aantal_inwoners: int | None
    aangemaakt_at: datetime


def _moment(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


async def load_groep(groep_id: int) -> Groep | None:
    row = await Focusgroep.select().where(Focusgroep.id == groep_id).first()
    if row is None:
        return None
    return Groep(
        id=row["id"],
        vraag=row["vraag"],
        gemeente=row["gemeente"],
        thema=row["thema"],
        doel=row["doel"],
        eind_op=row["eind_op"],
        verantwoordelijke=row["verantwoordelijke"],
        samenvatting=row["samenvatting"],
        gesloten_at=_moment(row["gesloten_at"]),
        gegevens_verwijderd_at=_moment(row["gegevens_verwijderd_at"]),
        aantal_inwoners=row["aantal_inwoners"],
        aangemaakt_at=as_utc(row["aangemaakt_at"]),
    )


async def _raad(groep: Groep) -> dict[str, Any]:
    """Slug and name of the group's council, for mails and links."""
    raad = (
        await Gemeente.select(Gemeente.slug, Gemeente.raad_naam).where(Gemeente.id == groep.gemeente).first()
    )
    if raad is None:  # a foreign key with ON DELETE RESTRICT: cannot happen
        raise NietGevonden()
    return raad


async def rapporten_pad(groep: Groep) -> str:
    """Where the group's council publishes its reports: a resident's next step after a page."""
    return f"/rapporten/{(await _raad(groep))['slug']}"


async def rol_in_groep(user: Ingelogd, groep_id: int) -> str | None:
    """ "beheer" for the council (and beheerder), "lid" for a policy officer in the group of
    their own municipality, None for everyone else: they get the same 404 as a missing group."""
    groep = await load_groep(groep_id)
    if groep is None:
        return None
    vraag = await vragen.load_vraag(groep.vraag)
    if vragen.may_work_on(user, vraag):
        return "beheer"
    if user.rol is Rol.AMBTENAAR and groep.gemeente == user.gemeente_id:
        member = await Lid.exists().where(
            (Lid.focusgroep == groep_id) & (Lid.gebruiker == user.id) & Lid.vertrokken_at.is_null()
        )
        return "lid" if member else None
    return None


async def _spoor(
    user: Ingelogd | None,
    actie: str,
    groep: Groep,
    *,
    onderwerp: str = "focusgroep",
    onderwerp_id: int | None = None,
    voor: dict[str, Any] | None = None,
    na: dict[str, Any] | None = None,
) -> None:
    """One trail line about this group (or one of its meetings or findings), filed under the
    group's vraag and council. Call inside the change's transaction."""
    await spoor.record(
        user,
        actie,
        onderwerp=onderwerp,
        onderwerp_id=groep.id if onderwerp_id is None else onderwerp_id,
        vraag_id=groep.vraag,
        gemeente_id=groep.gemeente,
        voor=voor,
        na=na,
    )


async def _beheer(user: Ingelogd, groep_id: int, *, open_only: bool = True) -> Groep:
    groep = await load_groep(groep_id)
    if groep is None:
        raise NietGevonden()
    if await rol_in_groep(user, groep_id) != "beheer":
        raise GeenToegang(_(GEEN_TOEGANG))
    if open_only and groep.gesloten_at is not None:
        raise Gesloten()
    return groep


# --- validation helpers --------------------------------------------------------------------


def _text(
    fouten: dict[str, str], veld: str, value: str, leeg: str, *, max_length: int, required: bool
) -> str:
    """invoer.text_field, with `leeg` as the whole sentence for a required field left empty
    (made with `_()` by the caller): one sentence translates better than a label glued into
    another, and keeps "Vul het thema in." as it was."""
    eigen: dict[str, str] = {}
    value = text_field(eigen, veld, value, "", max_length=max_length, required=required)
    if veld in eigen:
        fouten[veld] = leeg if required and not value else eigen[veld]
    return value


def _email(fouten: dict[str, str], veld: str, value: str, *, required: bool) -> str | None:
    value = value.strip()
    if not value:
        if required:
            fouten[veld] = _("Vul een e-mailadres in.")
        return None
    try:
        return outbox.check_address(value)
    except outbox.OngeldigAdres:
        fouten[veld] = _("Dit e-mailadres klopt niet. Kijk het nog eens na, bijvoorbeeld naam@voorbeeld.nl.")
        return None


def _telefoon(fouten: dict[str, str], value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not _TELEFOON.match(value):
        fouten["telefoon"] = _("Dit telefoonnummer klopt niet. Gebruik alleen cijfers, zoals 0251 123456.")
        return None
    return value


def _contact(
    fouten: dict[str, str], *, naam: str, email: str, telefoon: str, toestemming: bool
) -> tuple[str, str | None, str | None]:
    naam = _text(fouten, "naam", naam, _("Vul een naam in."), max_length=150, required=True)
    adres = _email(fouten, "email", email, required=False)
    nummer = _telefoon(fouten, telefoon)
    if not email.strip() and not telefoon.strip():
        fouten["email"] = _("Vul een e-mailadres of een telefoonnummer in, zodat we kunnen uitnodigen.")
    if not toestemming:
        fouten["toestemming"] = _("Zonder toestemming kunnen we de gegevens niet bewaren. Zet een vinkje.")
    return naam, adres, nummer


async def bewaartermijn_maanden() -> int:
    return await instellingen.read_int(BEWAARTERMIJN_SLEUTEL, BEWAARTERMIJN_STANDAARD)


async def set_bewaartermijn(user: Ingelogd, maanden: str) -> None:
    if user.rol is not Rol.BEHEERDER:
        raise GeenToegang(_(GEEN_TOEGANG))
    value = instellingen.parse_int(maanden)
    if value is None or not 1 <= value <= 24:
        raise OngeldigeInvoer({"maanden": _("Kies een bewaartermijn van 1 tot en met 24 maanden.")})
    async with Focusgroep._meta.db.transaction():
        voor = await bewaartermijn_maanden()
        await instellingen.write(BEWAARTERMIJN_SLEUTEL, value)
        if voor != value:
            await spoor.record(
                user,
                "bewaartermijn_gewijzigd",
                onderwerp="instelling",
                voor={"focusgroep_bewaartermijn_maanden": voor},
                na={"focusgroep_bewaartermijn_maanden": value},
            )
    log_event("bewaartermijn_gewijzigd", door=user.id, maanden=value)


# --- the group -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroepGegevens:
    """What the council fills in for a group, checked."""

    thema: str
    doel: str
    eind_op: date
    verantwoordelijke: int


async def _check_groep(
    gemeente_id: int, *, thema: str, doel: str, eind_op: str, verantwoordelijke: str
) -> GroepGegevens:
    fouten: dict[str, str] = {}
    thema = _text(fouten, "thema", thema, _("Vul het thema in."), max_length=200, required=True)
    doel = _text(fouten, "doel", doel, _("Vul het doel in."), max_length=2000, required=True)
    einde = tijd.parse_date(fouten, "eind_op", eind_op, required=True, future=True)
    # The same choice the form offers: an active raadslid of the group's own council.
    keuze = verantwoordelijke.strip()
    raadslid = next((r for r in await account_queries.raadsleden(gemeente_id) if str(r["id"]) == keuze), None)
    if raadslid is None:
        fouten["verantwoordelijke"] = _("Kies het raadslid dat verantwoordelijk is.")
    if fouten or raadslid is None or einde is None:
        raise OngeldigeInvoer(fouten)
    return GroepGegevens(thema=thema, doel=doel, eind_op=einde, verantwoordelijke=int(raadslid["id"]))


async def create_focusgroep(
    user: Ingelogd, vraag_id: int, *, thema: str, doel: str, eind_op: str, verantwoordelijke: str
) -> int:
    vraag = await vragen.load_vraag(vraag_id)
    if not vragen.may_work_on(user, vraag):
        raise GeenToegang(_(GEEN_TOEGANG))
    weigering = stappen.weigering(vraag["stap"], Actie.FOCUSGROEP_STARTEN)
    if weigering is not None:
        raise FocusgroepError(weigering)
    gegevens = await _check_groep(
        vraag["gemeente"], thema=thema, doel=doel, eind_op=eind_op, verantwoordelijke=verantwoordelijke
    )
    thema, doel, einde = gegevens.thema, gegevens.doel, gegevens.eind_op
    raadslid_id = gegevens.verantwoordelijke
    moment = now()
    async with Focusgroep._meta.db.transaction():
        rows = await Focusgroep.insert(
            Focusgroep(
                vraag=vraag_id,
                gemeente=vraag["gemeente"],
                thema=thema,
                doel=doel,
                eind_op=einde,
                verantwoordelijke=raadslid_id,
                aangemaakt_at=moment,
            )
        )
        groep_id = int(rows[0]["id"])
        await Lid.insert(
            Lid(
                focusgroep=groep_id,
                soort=Soort.RAADSLID.value,
                gebruiker=raadslid_id,
                aangemaakt_at=moment,
            )
        )
        await spoor.record(
            user,
            "focusgroep_aangemaakt",
            onderwerp="focusgroep",
            onderwerp_id=groep_id,
            vraag_id=vraag_id,
            gemeente_id=vraag["gemeente"],
            na={"thema": thema, "doel": doel, "eind_op": einde, "verantwoordelijke": raadslid_id},
        )
    log_event("focusgroep_aangemaakt", door=user.id, focusgroep=groep_id, vraag=vraag_id)
    return groep_id


async def change_focusgroep(
    user: Ingelogd, groep_id: int, *, thema: str, doel: str, eind_op: str, verantwoordelijke: str
) -> None:
    """Change what the group is about, until when, and who in the council leads it. A new
    responsible raadslid becomes a member too, as at the start. Nothing changed: no trail line."""
    groep = await _beheer(user, groep_id)
    gegevens = await _check_groep(
        groep.gemeente, thema=thema, doel=doel, eind_op=eind_op, verantwoordelijke=verantwoordelijke
    )
    voor, na = spoor.changed(
        {
            "thema": groep.thema,
            "doel": groep.doel,
            "eind_op": groep.eind_op,
            "verantwoordelijke": groep.verantwoordelijke,
        },
        {
            "thema": gegevens.thema,
            "doel": gegevens.doel,
            "eind_op": gegevens.eind_op,
            "verantwoordelijke": gegevens.verantwoordelijke,
        },
    )
    if not na:
        return
    async with Focusgroep._meta.db.transaction():
        await Focusgroep.update(
            {
                Focusgroep.thema: gegevens.thema,
                Focusgroep.doel: gegevens.doel,
                Focusgroep.eind_op: gegevens.eind_op,
                Focusgroep.verantwoordelijke: gegevens.verantwoordelijke,
            }
        ).where(Focusgroep.id == groep_id)
        if "verantwoordelijke" in na:
            await _join(groep_id, gegevens.verantwoordelijke, Soort.RAADSLID)
        await _spoor(user, "focusgroep_gewijzigd", groep, voor=voor, na=na)
    log_event("focusgroep_gewijzigd", door=user.id, focusgroep=groep_id)


async def _join(groep_id: int, gebruiker_id: int, soort: Soort) -> int:
    """An account as an active member: one who left comes back as the same member, so earlier
    attendance stays theirs."""
    existing = (
        await Lid.select(Lid.id).where((Lid.focusgroep == groep_id) & (Lid.gebruiker == gebruiker_id)).first()
    )
    if existing is not None:
        await Lid.update({Lid.vertrokken_at: None}).where(Lid.id == existing["id"])
        return int(existing["id"])
    rows = await Lid.insert(
        Lid(focusgroep=groep_id, soort=soort.value, gebruiker=gebruiker_id, aangemaakt_at=now())
    )
    return int(rows[0]["id"])


async def add_inwoner(
    user: Ingelogd,
    groep_id: int,
    *,
    naam: str,
    email: str,
    telefoon: str,
    toestemming: bool,
    taal: str = STANDAARD,
) -> int:
    """A resident added by the council, who gave consent on paper or in person. `taal` is the
    language the council chose for their mails (Dutch unless it says otherwise)."""
    groep = await _beheer(user, groep_id)
    fouten: dict[str, str] = {}
    naam, adres, nummer = _contact(fouten, naam=naam, email=email, telefoon=telefoon, toestemming=toestemming)
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Focusgroep._meta.db.transaction():
        lid_id = await _insert_inwoner(groep_id, naam, adres, nummer, geldig(taal) or STANDAARD)
        # Only the member's number: a resident's name and contact details stay out of the trail.
        await _spoor(user, "lid_toegevoegd", groep, na={"lid_id": lid_id, "soort": Soort.INWONER.value})
    log_event("focusgroep_lid_toegevoegd", door=user.id, focusgroep=groep_id, lid=lid_id)
    return lid_id


async def _insert_inwoner(
    groep_id: int, naam: str, email: str | None, telefoon: str | None, taal: str
) -> int:
    moment = now()
    # The consent is kept in the words of the member's language: the ones they agreed to.
    with in_taal(taal):
        toestemming_voor = toestemming_tekst(await bewaartermijn_maanden())
    rows = await Lid.insert(
        Lid(
            focusgroep=groep_id,
            soort=Soort.INWONER.value,
            naam=naam,
            email=email,
            telefoon=telefoon,
            toestemming_op=tijd.local(moment).date(),
            toestemming_voor=toestemming_voor,
            aangemaakt_at=moment,
            taal=taal,
        )
    )
    return int(rows[0]["id"])


async def add_account_lid(user: Ingelogd, groep_id: int, gebruiker_id: str) -> int:
    """A raadslid or beleidsmedewerker of the group's own municipality."""
    groep = await _beheer(user, groep_id)
    persoon = None
    gekozen_id = parse_id(gebruiker_id)
    if gekozen_id is not None:
        persoon = (
            await Gebruiker.select(Gebruiker.id, Gebruiker.rol)
            .where(
                (Gebruiker.id == gekozen_id)
                & (Gebruiker.gemeente == groep.gemeente)
                & Gebruiker.rol.is_in([Rol.RAADSLID.value, Rol.AMBTENAAR.value])
                & (Gebruiker.is_actief == True)  # noqa: E712
            )
            .first()
        )
    if persoon is None:
        raise OngeldigeInvoer({"gebruiker": _("Kies een raadslid of beleidsmedewerker van deze gemeente.")})
    soort = Soort.RAADSLID if persoon["rol"] == Rol.RAADSLID.value else Soort.BELEIDSMEDEWERKER
    async with Focusgroep._meta.db.transaction():
        lid_id = await _join(groep_id, persoon["id"], soort)
        await _spoor(
            user,
            "lid_toegevoegd",
            groep,
            na={"lid_id": lid_id, "soort": soort.value, "gebruiker_id": persoon["id"]},
        )
    log_event("focusgroep_lid_toegevoegd", door=user.id, focusgroep=groep_id, lid=lid_id)
    return lid_id


async def remove_lid(user: Ingelogd, groep_id: int, lid_id: int) -> None:
    groep = await _beheer(user, groep_id, open_only=False)
    lid = await Lid.select().where((Lid.id == lid_id) & (Lid.focusgroep == groep_id)).first()
    if lid is None:
        raise NietGevonden()
    async with Focusgroep._meta.db.transaction():
        await _leave(lid)
        await _spoor(user, "lid_verwijderd", groep, voor={"lid_id": lid_id, "soort": lid["soort"]})
    log_event("focusgroep_lid_verwijderd", door=user.id, focusgroep=groep_id, lid=lid_id)


async def _leave(lid: dict[str, Any]) -> None:
    # A resident who leaves no longer needs to be reached: their contact data go at once.
    # The row stays, without a name, so the group's counts stay right.
    changes: dict[Any, Any] = {Lid.vertrokken_at: lid["vertrokken_at"] or now()}
    if lid["soort"] == Soort.INWONER.value:
        changes.update({Lid.naam: "", Lid.email: None, Lid.telefoon: None})
    await Lid.update(changes).where(Lid.id == lid["id"])


async def leave_by_link(secret: sleutels.Sleutels, lid_id: int, token: str) -> Groep:
    check_token(secret, token, "afmelden", lid_id)
    lid = await Lid.select().where(Lid.id == lid_id).first()
    if lid is None:
        raise OngeldigeLink()
    await _leave(lid)
    groep = await load_groep(lid["focusgroep"])
    if groep is None:  # the member row goes with its group (ON DELETE CASCADE)
        raise OngeldigeLink()
    log_event("focusgroep_lid_afgemeld", lid=lid_id, focusgroep=groep.id)
    return groep


# --- signing up by invitation ----------------------------------------------------------------


async def invite_inwoner(
    user: Ingelogd, groep_id: int, settings: Settings, email: str, *, taal: str = STANDAARD
) -> None:
    """Mail a single-use sign-up link, in `taal` (the language the council chose, Dutch unless
    it says otherwise). Who signs up through it gets their mails in the language of that page."""
    groep = await _beheer(user, groep_id)
    taal = geldig(taal) or STANDAARD
    fouten: dict[str, str] = {}
    adres = _email(fouten, "uitnodiging_email", email, required=True)
    if fouten or adres is None:
        raise OngeldigeInvoer(fouten)
    token = secrets.token_urlsafe(24)
    raad = await _raad(groep)
    with in_taal(taal):
        geldig_tot = tijd.datum_lang(now() + AANMELDING_GELDIG)
    async with Focusgroep._meta.db.transaction():
        # A count, not the address: whom the council invited is none of the trail's business.
        await _spoor(user, "inwoner_uitgenodigd", groep, na={"uitnodigingen": 1})
        await Aanmelding.insert(
            Aanmelding(
                focusgroep=groep_id,
                email=adres,
                token_hash=keyed(settings.secret_key, f"aanmelding:{token}"),
                verloopt_at=now() + AANMELDING_GELDIG,
            )
        )
        await outbox.enqueue(
            adres,
            "focusgroep_aanmelden",
            {
                "raad_naam": raad["raad_naam"],
                "thema": groep.thema,
                "doel": groep.doel,
                "pad": f"/f/aanmelden/{token}",
                "geldig_tot": geldig_tot,
            },
            groep=f"focusgroep:{groep_id}",
            taal=taal,
        )
    log_event("focusgroep_uitnodiging", door=user.id, focusgroep=groep_id)


async def load_aanmelding(secret: sleutels.Sleutels, token: str) -> dict[str, Any] | None:
    """The invitation's group if the token is valid and unused, else None. The token's hash may
    have been stored under any key of the ring."""
    row = (
        await Aanmelding.select(
            Aanmelding.id, Aanmelding.focusgroep, Aanmelding.email, Aanmelding.verloopt_at
        )
        .where(Aanmelding.token_hash.is_in(sleutels.keyed_all(secret, f"aanmelding:{token}")))
        .first()
    )
    if row is None or as_utc(row["verloopt_at"]) < now():
        return None
    groep = await load_groep(row["focusgroep"])
    if groep is None or groep.gesloten_at is not None:
        return None
    return {**row, "groep": groep}


async def sign_up(
    secret: sleutels.Sleutels, token: str, *, naam: str, email: str, telefoon: str, toestemming: bool
) -> int:
    """The resident signs themselves up and gives consent. The invitation is used up in the
    same transaction that adds the member, so a second click adds nobody. Their mails come in
    the language of the page they signed up on."""
    aanmelding = await load_aanmelding(secret, token)
    if aanmelding is None:
        raise OngeldigeLink()
    fouten: dict[str, str] = {}
    naam, adres, nummer = _contact(fouten, naam=naam, email=email, telefoon=telefoon, toestemming=toestemming)
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Focusgroep._meta.db.transaction():
        used = await Aanmelding.delete().where(Aanmelding.id == aanmelding["id"]).returning(Aanmelding.id)
        if not used:
            raise OngeldigeLink()
        lid_id = await _insert_inwoner(aanmelding["focusgroep"], naam, adres, nummer, huidige_taal())
    log_event("focusgroep_aangemeld", focusgroep=aanmelding["focusgroep"], lid=lid_id)
    return lid_id


# --- meetings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BijeenkomstInvoer:
    datum: str
    begintijd: str
    eindtijd: str
    plaats: str = ""
    online_link: str = ""
    agenda: str = ""


def _check_bijeenkomst(invoer: BijeenkomstInvoer, moment: datetime) -> dict[str, Any]:
    fouten: dict[str, str] = {}
    dag = tijd.parse_date(fouten, "datum", invoer.datum, required=True)
    begin = _tijd(fouten, "begintijd", invoer.begintijd)
    einde = _tijd(fouten, "eindtijd", invoer.eindtijd)
    plaats = _text(fouten, "plaats", invoer.plaats, "", max_length=300, required=False)
    link = invoer.online_link.strip()
    if link and (urlparse(link).scheme != "https" or not urlparse(link).netloc or len(link) > 500):
        fouten["online_link"] = _(
            "Een online link begint met https://, bijvoorbeeld https://meet.example.nl/abc."
        )
    if not plaats and not link and "plaats" not in fouten:
        fouten["plaats"] = _("Vul een plaats in, of een link voor een online bijeenkomst.")
    agenda = _text(fouten, "agenda", invoer.agenda, "", max_length=5000, required=False)
    values: dict[str, Any] = {}
    if dag and begin and einde:
        start = tijd.from_local(datetime.combine(dag, begin))
        stop = tijd.from_local(datetime.combine(dag, einde))
        if start <= moment:
            fouten["datum"] = _("Deze bijeenkomst ligt in het verleden. Kies een moment in de toekomst.")
        elif stop <= start:
            fouten["eindtijd"] = _("De eindtijd ligt voor de begintijd. Kies een latere eindtijd.")
        values = {"begint_at": start, "eindigt_at": stop}
    if fouten:
        raise OngeldigeInvoer(fouten)
    return {**values, "plaats": plaats, "online_link": link, "agenda": agenda}


def _tijd(fouten: dict[str, str], veld: str, value: str) -> time | None:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        fouten[veld] = _("Vul een tijd in, zoals 19:30.")
        return None


async def _ontvangers(groep_id: int) -> list[dict[str, Any]]:
    """Members who can be mailed: residents with an address, and active accounts."""
    leden = await Lid.select(
        Lid.id,
        Lid.soort,
        Lid.naam,
        Lid.email,
        Lid.taal,
        Lid.gebruiker.email.as_alias("account_email"),
        Lid.gebruiker.naam.as_alias("account_naam"),
        Lid.gebruiker.is_actief.as_alias("account_actief"),
    ).where((Lid.focusgroep == groep_id) & Lid.vertrokken_at.is_null())
    out = []
    for lid in leden:
        if lid["soort"] == Soort.INWONER.value:
            if lid["email"]:
                out.append({"id": lid["id"], "naam": lid["naam"], "email": lid["email"], "taal": lid["taal"]})
        elif lid["account_email"] and lid["account_actief"]:
            # Council members and officers read Dutch: their accounts store no other language.
            naam, email = lid["account_naam"], lid["account_email"]
            out.append({"id": lid["id"], "naam": naam, "email": email, "taal": STANDAARD})
    return out


def wanneer(bijeenkomst: dict[str, Any]) -> str:
    """'vrijdag 4 december 2026, 19:30 tot 21:00', in the current language."""
    start = tijd.local(bijeenkomst["begint_at"])
    stop = tijd.local(bijeenkomst["eindigt_at"])
    return _("%(datum)s, %(begin)s tot %(einde)s") % {
        "datum": tijd.datum_lang(start),
        "begin": tijd.tijd(start),
        "einde": tijd.tijd(stop),
    }


def calendar(
    bijeenkomst: dict[str, Any], *, thema: str, raad_naam: str, settings: Settings, aan: str, reactie_url: str
) -> bytes:
    """The iCalendar invitation: the same UID for every version, a higher SEQUENCE for each
    change, METHOD:CANCEL when the meeting is called off. Its texts in the current language."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Participatieraden IJmond//participatie//NL")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if bijeenkomst["geannuleerd"] else "REQUEST")
    event = icalendar.Event()
    event.add("uid", bijeenkomst["uid"])
    event.add("sequence", bijeenkomst["sequence"])
    event.add("dtstamp", now())
    event.add("dtstart", as_utc(bijeenkomst["begint_at"]))
    event.add("dtend", as_utc(bijeenkomst["eindigt_at"]))
    event.add("summary", _("Focusgroep: %(thema)s") % {"thema": thema})
    locatie = bijeenkomst["plaats"] or bijeenkomst["online_link"]
    event.add("location", locatie)
    beschrijving = bijeenkomst["agenda"]
    if bijeenkomst["online_link"]:
        beschrijving += "\n\n" + _("Online: %(link)s") % {"link": bijeenkomst["online_link"]}
    beschrijving += "\n\n" + _("Laat weten of u komt: %(url)s") % {"url": reactie_url}
    event.add("description", beschrijving.strip())
    if bijeenkomst["online_link"]:
        event.add("url", bijeenkomst["online_link"])
    event.add("status", "CANCELLED" if bijeenkomst["geannuleerd"] else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{_address_of(settings.mail_from)}")
    organizer.params["cn"] = icalendar.vText(raad_naam)
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{aan}")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def _address_of(mail_from: str) -> str:
    match = re.search(r"<([^>]+)>", mail_from)
    return match.group(1) if match else mail_from.strip()


async def _meeting_mails(
    groep: Groep,
    bijeenkomst: dict[str, Any],
    settings: Settings,
    *,
    sjabloon: str,
    soort: str,
    ontvangers: list[dict[str, Any]] | None = None,
) -> None:
    """Queue one mail per member, inside the caller's transaction. The key includes the
    calendar sequence, so each version of a meeting reaches each member once."""
    raad = await _raad(groep)
    base = settings.base_url.rstrip("/")
    for lid in ontvangers if ontvangers is not None else await _ontvangers(groep.id):
        reactie = reactie_pad(settings.secret_key, lid["id"], bijeenkomst["id"])
        # The date and the calendar item in the member's language; the outbox renders the
        # mail's own text in it too.
        with in_taal(lid["taal"]):
            moment = wanneer(bijeenkomst)
            agenda_item = calendar(
                bijeenkomst,
                thema=groep.thema,
                raad_naam=raad["raad_naam"],
                settings=settings,
                aan=lid["email"],
                reactie_url=base + reactie,
            )
        await outbox.enqueue(
            lid["email"],
            sjabloon,
            {
                "soort": soort,
                "naam": lid["naam"],
                "raad_naam": raad["raad_naam"],
                "thema": groep.thema,
                "wanneer": moment,
                "plaats": bijeenkomst["plaats"],
                "online_link": bijeenkomst["online_link"],
                "agenda": bijeenkomst["agenda"],
                "reactie_pad": reactie,
                "afmeld_pad": afmeld_pad(settings.secret_key, lid["id"]),
            },
            groep=f"focusgroep:{groep.id}",
            sleutel=f"bijeenkomst:{bijeenkomst['id']}:{sjabloon}:{bijeenkomst['sequence']}:lid:{lid['id']}",
            bijlage=outbox.Bijlage(
                naam="bijeenkomst.ics",
                mime_type="text/calendar; method=" + ("CANCEL" if bijeenkomst["geannuleerd"] else "REQUEST"),
                inhoud=agenda_item,
            ),
            taal=lid["taal"],
        )


async def plan_bijeenkomst(
    user: Ingelogd, groep_id: int, settings: Settings, invoer: BijeenkomstInvoer
) -> int:
    groep = await _beheer(user, groep_id)
    values = _check_bijeenkomst(invoer, now())
    host = urlparse(settings.base_url).hostname or "participatie.local"
    async with Focusgroep._meta.db.transaction():
        rows = await Bijeenkomst.insert(
            Bijeenkomst(focusgroep=groep_id, uid=f"{uuid.uuid4()}@{host}", sequence=0, **values)
        )
        bijeenkomst = await _bijeenkomst_row(int(rows[0]["id"]))
        await _meeting_mails(groep, bijeenkomst, settings, sjabloon="focusgroep_uitnodiging", soort="nieuw")
        await _spoor(
            user,
            "bijeenkomst_gepland",
            groep,
            onderwerp="bijeenkomst",
            onderwerp_id=bijeenkomst["id"],
            na={"focusgroep_id": groep_id, **values},
        )
    log_event("bijeenkomst_gepland", door=user.id, focusgroep=groep_id, bijeenkomst=rows[0]["id"])
    return int(rows[0]["id"])


async def _bijeenkomst_row(bijeenkomst_id: int) -> dict[str, Any]:
    bijeenkomst = await Bijeenkomst.select().where(Bijeenkomst.id == bijeenkomst_id).first()
    if bijeenkomst is None:
        raise NietGevonden()
    return bijeenkomst


async def _bijeenkomst_voor(
    user: Ingelogd, bijeenkomst_id: int, *, open_only: bool = True
) -> tuple[Groep, dict[str, Any]]:
    bijeenkomst = await _bijeenkomst_row(bijeenkomst_id)
    groep = await _beheer(user, bijeenkomst["focusgroep"], open_only=open_only)
    return groep, bijeenkomst


async def change_bijeenkomst(
    user: Ingelogd, bijeenkomst_id: int, settings: Settings, invoer: BijeenkomstInvoer
) -> None:
    groep, bijeenkomst = await _bijeenkomst_voor(user, bijeenkomst_id)
    if bijeenkomst["geannuleerd"]:
        raise FocusgroepError(_("Deze bijeenkomst is afgezegd. Plan een nieuwe als u toch bij elkaar komt."))
    values = _check_bijeenkomst(invoer, now())
    opgeslagen = {k: as_utc(v) if isinstance(v, datetime) else v for k, v in bijeenkomst.items()}
    if all(opgeslagen[k] == v for k, v in values.items()):
        # Saved unchanged: no new calendar version, no mail to every member, no trail line.
        return
    async with Focusgroep._meta.db.transaction():
        await Bijeenkomst.update(
            {
                **{getattr(Bijeenkomst, k): v for k, v in values.items()},
                Bijeenkomst.sequence: Bijeenkomst.sequence + 1,
                Bijeenkomst.herinnering_at: None,
            }
        ).where(Bijeenkomst.id == bijeenkomst_id)
        changed = await _bijeenkomst_row(bijeenkomst_id)
        await _meeting_mails(groep, changed, settings, sjabloon="focusgroep_uitnodiging", soort="gewijzigd")
        voor, na = spoor.changed({k: bijeenkomst[k] for k in values}, values)
        await _spoor(
            user,
            "bijeenkomst_gewijzigd",
            groep,
            onderwerp="bijeenkomst",
            onderwerp_id=bijeenkomst_id,
            voor=voor,
            na=na,
        )
    log_event("bijeenkomst_gewijzigd", door=user.id, bijeenkomst=bijeenkomst_id)


async def cancel_bijeenkomst(user: Ingelogd, bijeenkomst_id: int, settings: Settings) -> None:
    groep, bijeenkomst = await _bijeenkomst_voor(user, bijeenkomst_id)
    if bijeenkomst["geannuleerd"]:
        return
    async with Focusgroep._meta.db.transaction():
        await Bijeenkomst.update(
            {Bijeenkomst.geannuleerd: True, Bijeenkomst.sequence: Bijeenkomst.sequence + 1}
        ).where(Bijeenkomst.id == bijeenkomst_id)
        changed = await _bijeenkomst_row(bijeenkomst_id)
        await _meeting_mails(groep, changed, settings, sjabloon="focusgroep_uitnodiging", soort="afgezegd")
        await _spoor(
            user,
            "bijeenkomst_afgezegd",
            groep,
            onderwerp="bijeenkomst",
            onderwerp_id=bijeenkomst_id,
            voor={"geannuleerd": False},
            na={"geannuleerd": True},
        )
    log_event("bijeenkomst_afgezegd", door=user.id, bijeenkomst=bijeenkomst_id)


async def load_reactie_link(
    secret: sleutels.Sleutels, lid_id: int, bijeenkomst_id: int, token: str
) -> dict[str, Any]:
    """The meeting and the member's current answer, if the link is this member's own."""
    check_token(secret, token, "reactie", lid_id, bijeenkomst_id)
    bijeenkomst = await Bijeenkomst.select().where(Bijeenkomst.id == bijeenkomst_id).first()
    lid = await Lid.select(Lid.id, Lid.focusgroep, Lid.vertrokken_at).where(Lid.id == lid_id).first()
    if bijeenkomst is None or lid is None or lid["focusgroep"] != bijeenkomst["focusgroep"]:
        raise OngeldigeLink()
    groep = await load_groep(bijeenkomst["focusgroep"])
    reactie = (
        await Reactie.select(Reactie.antwoord)
        .where((Reactie.bijeenkomst == bijeenkomst_id) & (Reactie.lid == lid_id))
        .first()
    )
    return {
        "bijeenkomst": bijeenkomst,
        "groep": groep,
        "lid": lid,
        "antwoord": reactie["antwoord"] if reactie else None,
        "wanneer": wanneer(bijeenkomst),
    }


async def reply(
    secret: sleutels.Sleutels, lid_id: int, bijeenkomst_id: int, token: str, antwoord: str
) -> None:
    info = await load_reactie_link(secret, lid_id, bijeenkomst_id, token)
    if info["lid"]["vertrokken_at"] is not None:
        raise FocusgroepError(_("U heeft zich afgemeld voor deze focusgroep."))
    if info["bijeenkomst"]["geannuleerd"]:
        raise FocusgroepError(_("Deze bijeenkomst gaat niet door."))
    if as_utc(info["bijeenkomst"]["eindigt_at"]) < now():
        raise FocusgroepError(_("Deze bijeenkomst is al geweest."))
    if antwoord not in {a.value for a in Antwoord}:
        raise OngeldigeInvoer({"antwoord": _("Kies ja, nee of misschien.")})
    await Reactie.insert(Reactie(bijeenkomst=bijeenkomst_id, lid=lid_id, antwoord=antwoord)).on_conflict(
        target=(Reactie.bijeenkomst, Reactie.lid), action="DO UPDATE", values=[Reactie.antwoord]
    )


async def record_verslag(user: Ingelogd, bijeenkomst_id: int, *, verslag: str, aanwezig: set[int]) -> None:
    """Minutes and attendance, after the meeting has started."""
    groep, bijeenkomst = await _bijeenkomst_voor(user, bijeenkomst_id, open_only=False)
    if groep.gegevens_verwijderd_at is not None:
        raise Gesloten()
    if as_utc(bijeenkomst["begint_at"]) > now():
        raise FocusgroepError(_("Het verslag en wie er was, vult u in als de bijeenkomst begonnen is."))
    fouten: dict[str, str] = {}
    verslag = _text(fouten, "verslag", verslag, "", max_length=20_000, required=False)
    if fouten:
        raise OngeldigeInvoer(fouten)
    leden = await Lid.select(Lid.id).where(Lid.focusgroep == groep.id)
    ids = {lid["id"] for lid in leden}
    if not aanwezig <= ids:
        raise OngeldigeInvoer({"aanwezig": _("Kies alleen leden van deze groep.")})
    async with Focusgroep._meta.db.transaction():
        eerder = await Reactie.count().where(
            (Reactie.bijeenkomst == bijeenkomst_id) & (Reactie.aanwezig == True)  # noqa: E712
        )
        # How many came, not who: the attendance list names residents.
        voor, na = spoor.changed(
            {"verslag": bijeenkomst["verslag"], "aanwezig": eerder},
            {"verslag": verslag, "aanwezig": len(aanwezig)},
        )
        await _spoor(
            user,
            "verslag_vastgelegd",
            groep,
            onderwerp="bijeenkomst",
            onderwerp_id=bijeenkomst_id,
            voor=voor,
            na=na,
        )
        await Bijeenkomst.update({Bijeenkomst.verslag: verslag}).where(Bijeenkomst.id == bijeenkomst_id)
        for lid_id in sorted(ids):
            await Reactie.insert(
                Reactie(bijeenkomst=bijeenkomst_id, lid=lid_id, aanwezig=lid_id in aanwezig)
            ).on_conflict(
                target=(Reactie.bijeenkomst, Reactie.lid), action="DO UPDATE", values=[Reactie.aanwezig]
            )
    log_event("bijeenkomst_verslag", door=user.id, bijeenkomst=bijeenkomst_id, aanwezig=len(aanwezig))


def herinnering_vanaf(begint_at: datetime) -> datetime:
    dag_ervoor = tijd.local(begint_at).date() - timedelta(days=1)
    return tijd.from_local(datetime.combine(dag_ervoor, HERINNERING_VANAF))


async def send_reminders(settings: Settings, moment: datetime | None = None) -> int:
    """The day before a meeting, remind the members who said yes or did not answer yet.
    Marked per meeting in the same transaction, so a rerun sends nothing twice."""
    moment = moment or now()
    due = await Bijeenkomst.select().where(
        (Bijeenkomst.geannuleerd == False)  # noqa: E712
        & Bijeenkomst.herinnering_at.is_null()
        & (Bijeenkomst.begint_at > moment)
        & (Bijeenkomst.begint_at <= moment + timedelta(days=2))
    )
    sent = 0
    for bijeenkomst in due:
        if herinnering_vanaf(bijeenkomst["begint_at"]) > moment:
            continue
        groep = await load_groep(bijeenkomst["focusgroep"])
        if groep is None or groep.gesloten_at is not None:
            continue
        nee = {
            r["lid"]
            for r in await Reactie.select(Reactie.lid).where(
                (Reactie.bijeenkomst == bijeenkomst["id"]) & (Reactie.antwoord.is_in(["nee", "misschien"]))
            )
        }
        ontvangers = [lid for lid in await _ontvangers(groep.id) if lid["id"] not in nee]
        async with Focusgroep._meta.db.transaction():
            claimed = (
                await Bijeenkomst.update({Bijeenkomst.herinnering_at: moment})
                .where((Bijeenkomst.id == bijeenkomst["id"]) & Bijeenkomst.herinnering_at.is_null())
                .returning(Bijeenkomst.id)
            )
            if not claimed:
                continue
            await _meeting_mails(
                groep,
                bijeenkomst,
                settings,
                sjabloon="focusgroep_herinnering",
                soort="herinnering",
                ontvangers=ontvangers,
            )
        sent += len(ontvangers)
    return sent


# --- findings and closing ------------------------------------------------------------------


async def add_bevinding(
    user: Ingelogd, groep_id: int, *, tekst: str, steun: str, bijeenkomsten: list[str]
) -> int:
    groep = await _beheer(user, groep_id)
    fouten: dict[str, str] = {}
    tekst = _text(fouten, "tekst", tekst, _("Vul de bevinding in."), max_length=500, required=True)
    if steun not in {s.value for s in Steun}:
        fouten["steun"] = _("Kies hoeveel steun de bevinding had.")
    eigen = {
        b["id"] for b in await Bijeenkomst.select(Bijeenkomst.id).where(Bijeenkomst.focusgroep == groep_id)
    }
    gekozen = {i for i in map(parse_id, bijeenkomsten) if i is not None}
    if len(gekozen) != len(bijeenkomsten) or not gekozen <= eigen:
        fouten["bijeenkomsten"] = _("Kies alleen bijeenkomsten van deze groep.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Focusgroep._meta.db.transaction():
        rows = await Bevinding.insert(
            Bevinding(focusgroep=groep_id, tekst=tekst, steun=steun, aangemaakt_at=now())
        )
        bevinding_id = int(rows[0]["id"])
        if gekozen:
            await BevindingBijeenkomst.insert(
                *[BevindingBijeenkomst(bevinding=bevinding_id, bijeenkomst=b) for b in sorted(gekozen)]
            )
        # The council wrote the finding, so its text may be in the trail.
        await _spoor(
            user,
            "bevinding_toegevoegd",
            groep,
            onderwerp="bevinding",
            onderwerp_id=bevinding_id,
            na={"focusgroep_id": groep_id, "tekst": tekst, "steun": steun, "bijeenkomsten": gekozen},
        )
    return bevinding_id


async def change_bevinding(
    user: Ingelogd, groep_id: int, bevinding_id: int, *, tekst: str, steun: str
) -> None:
    """Reword a finding or change its support; where it came up stays. Nothing changed: no line."""
    groep = await _beheer(user, groep_id)
    bevinding = (
        await Bevinding.select(Bevinding.tekst, Bevinding.steun)
        .where((Bevinding.id == bevinding_id) & (Bevinding.focusgroep == groep_id))
        .first()
    )
    if bevinding is None:
        raise NietGevonden()
    fouten: dict[str, str] = {}
    tekst = _text(fouten, "tekst", tekst, _("Vul de bevinding in."), max_length=500, required=True)
    if steun not in {s.value for s in Steun}:
        fouten["steun"] = _("Kies hoeveel steun de bevinding had.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    voor, na = spoor.changed(bevinding, {"tekst": tekst, "steun": steun})
    if not na:
        return
    async with Focusgroep._meta.db.transaction():
        await Bevinding.update({Bevinding.tekst: tekst, Bevinding.steun: steun}).where(
            Bevinding.id == bevinding_id
        )
        await _spoor(
            user,
            "bevinding_gewijzigd",
            groep,
            onderwerp="bevinding",
            onderwerp_id=bevinding_id,
            voor=voor,
            na=na,
        )


async def remove_bevinding(user: Ingelogd, groep_id: int, bevinding_id: int) -> None:
    """Delete a finding; one already gone (a second click) changes and records nothing."""
    groep = await _beheer(user, groep_id)
    async with Focusgroep._meta.db.transaction():
        weg = (
            await Bevinding.delete()
            .where((Bevinding.id == bevinding_id) & (Bevinding.focusgroep == groep_id))
            .returning(Bevinding.tekst, Bevinding.steun)
        )
        if weg:
            await _spoor(
                user,
                "bevinding_verwijderd",
                groep,
                onderwerp="bevinding",
                onderwerp_id=bevinding_id,
                voor={"tekst": weg[0]["tekst"], "steun": weg[0]["steun"]},
            )


async def bevindingen(groep_id: int) -> list[dict[str, Any]]:
    rows = await Bevinding.select().where(Bevinding.focusgroep == groep_id).order_by(Bevinding.id)
    links = await BevindingBijeenkomst.select(
        BevindingBijeenkomst.bevinding,
        BevindingBijeenkomst.bijeenkomst,
        BevindingBijeenkomst.bijeenkomst.begint_at.as_alias("begint_at"),
    ).where(BevindingBijeenkomst.bevinding.is_in([r["id"] for r in rows] or [-1]))
    per: dict[int, list[str]] = {}
    for link in sorted(links, key=lambda x: as_utc(x["begint_at"])):
        per.setdefault(link["bevinding"], []).append(tijd.datum_lang(link["begint_at"]))
    return [{**r, "bijeenkomsten": per.get(r["id"], [])} for r in rows]


def _samenvatting(items: list[dict[str, Any]]) -> str:
    if not items:
        return GEEN_BEVINDINGEN
    return "\n".join(f"- {b['tekst']}" + (f" ({b['steun']})" if b["steun"] else "") for b in items)


async def close_groep(
    user: Ingelogd | None, groep_id: int, settings: Settings, *, samenvatting: str = ""
) -> None:
    """Close by hand (user) or at the end date (the planner, user None). Members are thanked
    and told where the report will appear; unused sign-up invitations are deleted."""
    if user is not None:
        groep = await _beheer(user, groep_id)
    else:
        geladen = await load_groep(groep_id)
        if geladen is None or geladen.gesloten_at is not None:
            return
        groep = geladen
    fouten: dict[str, str] = {}
    samenvatting = _text(
        fouten, "samenvatting", samenvatting, "een samenvatting", max_length=10_000, required=False
    )
    if fouten:
        raise OngeldigeInvoer(fouten)
    samenvatting = samenvatting or _samenvatting(await bevindingen(groep_id))
    raad = await _raad(groep)
    async with Focusgroep._meta.db.transaction():
        closed = (
            await Focusgroep.update({Focusgroep.gesloten_at: now(), Focusgroep.samenvatting: samenvatting})
            .where((Focusgroep.id == groep_id) & Focusgroep.gesloten_at.is_null())
            .returning(Focusgroep.id)
        )
        if not closed:
            return
        # The planner closes at the end date: then the line has no person (door is None).
        await _spoor(
            user,
            "focusgroep_gesloten",
            groep,
            voor={"gesloten": False},
            na={"gesloten": True, "samenvatting": samenvatting},
        )
        await Aanmelding.delete().where(Aanmelding.focusgroep == groep_id)
        for lid in await _ontvangers(groep_id):
            await outbox.enqueue(
                lid["email"],
                "focusgroep_bedankt",
                {
                    "naam": lid["naam"],
                    "raad_naam": raad["raad_naam"],
                    "thema": groep.thema,
                    "samenvatting": samenvatting,
                    "rapporten_pad": f"/rapporten/{raad['slug']}",
                    "afmeld_pad": afmeld_pad(settings.secret_key, lid["id"]),
                },
                groep=f"focusgroep:{groep_id}",
                sleutel=f"focusgroep:{groep_id}:bedankt:lid:{lid['id']}",
                taal=lid["taal"],
            )
    log_event("focusgroep_gesloten", door=user.id if user else None, focusgroep=groep_id)


async def close_ended(settings: Settings, moment: datetime | None = None) -> int:
    """The planner closes groups whose end date has passed."""
    today = tijd.local(moment or now()).date()
    ended = await Focusgroep.select(Focusgroep.id).where(
        Focusgroep.gesloten_at.is_null() & (Focusgroep.eind_op < today)
    )
    for groep in ended:
        await close_groep(None, groep["id"], settings)
    return len(ended)


async def purge_personal_data(moment: datetime | None = None) -> int:
    """After the retention period, delete the residents of closed groups and keep counts:
    how many residents took part and how many came to each meeting. Once per group."""
    moment = moment or now()
    maanden = await bewaartermijn_maanden()
    closed = await Focusgroep.select(Focusgroep.id, Focusgroep.gesloten_at).where(
        Focusgroep.gesloten_at.is_not_null() & Focusgroep.gegevens_verwijderd_at.is_null()
    )
    purged = 0
    for groep in closed:
        if tijd.plus_months(as_utc(groep["gesloten_at"]), maanden) > moment:
            continue
        async with Focusgroep._meta.db.transaction():
            claimed = (
                await Focusgroep.update({Focusgroep.gegevens_verwijderd_at: moment})
                .where((Focusgroep.id == groep["id"]) & Focusgroep.gegevens_verwijderd_at.is_null())
                .returning(Focusgroep.id)
            )
            if not claimed:
                continue
            inwoners = await Lid.select(Lid.id).where(
                (Lid.focusgroep == groep["id"]) & (Lid.soort == Soort.INWONER.value)
            )
            ids = [lid["id"] for lid in inwoners]
            for bijeenkomst in await Bijeenkomst.select(Bijeenkomst.id).where(
                Bijeenkomst.focusgroep == groep["id"]
            ):
                came = await Reactie.count().where(
                    (Reactie.bijeenkomst == bijeenkomst["id"])
                    & Reactie.lid.is_in(ids or [-1])
                    & (Reactie.aanwezig == True)  # noqa: E712
                )
                await Bijeenkomst.update({Bijeenkomst.aanwezig_inwoners: came}).where(
                    Bijeenkomst.id == bijeenkomst["id"]
                )
            await Focusgroep.update({Focusgroep.aantal_inwoners: len(ids)}).where(
                Focusgroep.id == groep["id"]
            )
            await Lid.delete().where(Lid.id.is_in(ids or [-1]))
        purged += 1
        log_event("focusgroep_gegevens_verwijderd", focusgroep=groep["id"], inwoners=len(ids))
    return purged
