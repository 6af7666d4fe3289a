"""Vraag use cases: the only code that writes vragen, their timeline and their activities.

Every function checks its rule, writes in one transaction, and records in that same
transaction who did what: in the timeline (Gebeurtenis, which residents and ambtenaren partly
see) and in the council's trail (spoor). Which step allows which change is the table in
stappen.MAG; the refusal sentences come from there too.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from participatie import limiet, spoor, taal, tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Gebruiker, Gemeente, Rol
from participatie.auditlog import log_event
from participatie.fouten import GeenToegang as _GeenToegang
from participatie.fouten import GelijktijdigGewijzigd as _GelijktijdigGewijzigd
from participatie.fouten import Geweigerd, NietGevonden
from participatie.fouten import OngeldigeInvoer as OngeldigeInvoer  # the one of fouten.py, named here too
from participatie.invoer import parse_id
from participatie.invoer import text_field as _text
from participatie.mail import outbox
from participatie.markdown import render_markdown
from participatie.taal import N_
from participatie.taal import gettext as _
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie, Stap
from participatie.vragen.tables import (
    Activiteit,
    BewaardeBijlage,
    Bijlage,
    Gebeurtenis,
    Herkomst,
    Scope,
    Vraag,
)

REACTIE_TERMIJN = timedelta(weeks=6)
MAX_BIJLAGE_BYTES = 10 * 1024 * 1024
MAX_BIJLAGEN = 5
# How long an attachment of a refused request form is kept for the next try: long enough to
# look up a missing date or ask a colleague, short enough that abandoned files do not pile up.
BIJLAGE_BEWAARTIJD = timedelta(hours=2)
# Labels marked for the catalogue, kept Dutch here: pages show them with `vertaal` (other
# domains read this list too).
REACTIE_OORDELEN = [
    ("overgenomen", N_("Overgenomen")),
    ("deels", N_("Deels overgenomen")),
    ("niet", N_("Niet overgenomen")),
]
THEMA_KEYS = {key for key, _label in stappen.THEMAS}
# The timeline's fixed notes: stored in Dutch (the history is data), shown in the reader's
# language by `notitie_tekst`. A note someone typed is shown as typed.
INGEDIEND = N_("Adviesaanvraag ingediend.")
GEAGENDEERD = N_("Door de raad zelf op de agenda gezet.")
IDEE = N_("Idee of vraag van een inwoner.")
CONCRETISERING_BIJGEWERKT = N_("Concretisering bijgewerkt.")
VASTE_NOTITIES = frozenset({INGEDIEND, GEAGENDEERD, IDEE, CONCRETISERING_BIJGEWERKT})
# The idea form: generous per connection (a library fills it in together), 3 mails a day per address.
IDEE_LIMIET = limiet.Limiet("idee")


# The timeline's notes made from values (written below, stored in Dutch), each as the stored
# shape and the sentence an English reader gets. Read back by shape, so the history stays as
# it was written and a Dutch page shows it byte for byte.
_GETRECHTERD = re.compile(
    r"Getrechterd: (?P<scope>\w+), thema (?P<thema>\w+), prioriteit (?P<prioriteit>\w+)"
    r"(?:, samengevoegd met vraag (?P<nummer>\d+))?\.\Z"
)
_NOTITIES = (
    (
        re.compile(r"Activiteit: (?P<waar>.*), (?P<aantal>\d+) inwoners bereikt\.\Z", re.S),
        N_("Activiteit: %(waar)s, %(aantal)s inwoners bereikt."),
    ),
    (re.compile(r"Advies opgesteld voor (?P<aan>.*)\.\Z", re.S), N_("Advies opgesteld voor %(aan)s.")),
    (
        re.compile(r"Herinnering over de late reactie gestuurd aan (?P<aantal>\d+) personen\.\Z"),
        N_("Herinnering over de late reactie gestuurd aan %(aantal)s personen."),
    ),
)
_SCOPES = {Scope.GEMEENTE.value: N_("lokaal"), Scope.REGIO.value: N_("IJmond-breed")}


def notitie_tekst(notitie: str) -> str:
    """A timeline note as the reader reads it: a note of ours translated (a fixed one, or one
    made from values), a typed one as is. Dutch: always the stored text."""
    if taal.huidige_taal() == taal.NL:
        return notitie
    if notitie in VASTE_NOTITIES:
        return taal.gettext(notitie)
    if m := _GETRECHTERD.match(notitie):
        waarden = {
            "scope": taal.gettext(_SCOPES.get(m["scope"], m["scope"])),
            "thema": taal.gettext(dict(stappen.THEMAS).get(m["thema"], m["thema"])),
            "prioriteit": taal.gettext(
                dict(stappen.PRIORITEITEN).get(m["prioriteit"], m["prioriteit"])
            ).lower(),
        }
        if m["nummer"]:
            return _(
                "Getrechterd: %(scope)s, thema %(thema)s, prioriteit %(prioriteit)s, "
                "samengevoegd met vraag %(nummer)s."
            ) % {**waarden, "nummer": m["nummer"]}
        return _("Getrechterd: %(scope)s, thema %(thema)s, prioriteit %(prioriteit)s.") % waarden
    if m := re.match(r"Reactie van de gemeente vastgelegd: (?P<oordeel>\w+)\.\Z", notitie):
        oordeel = taal.gettext(dict(REACTIE_OORDELEN).get(m["oordeel"], m["oordeel"])).lower()
        return _("Reactie van de gemeente vastgelegd: %(oordeel)s.") % {"oordeel": oordeel}
    for patroon, zin in _NOTITIES:
        if m := patroon.match(notitie):
            return taal.gettext(zin) % m.groupdict()
    return notitie


class VraagError(Geweigerd):
    """A refused change; `str(error)` is the message for the person, in the request's language
    (each refusal is made during the request it answers)."""


class StapNietToegestaan(VraagError):
    pass


class OntbrekendeGegevens(VraagError):
    def __init__(self, naar: Stap, ontbrekend: list[stappen.Vereiste]) -> None:
        self.ontbrekend = ontbrekend
        labels = ", ".join(taal.gettext(v.label) for v in ontbrekend)
        super().__init__(
            _("De vraag kan nog niet naar %(stap)s. Vul eerst in: %(wat)s.")
            % {"stap": naar.label.lower(), "wat": labels}
        )


class GelijktijdigGewijzigd(_GelijktijdigGewijzigd, VraagError):
    def __init__(self) -> None:
        super().__init__(
            _("Iemand anders heeft deze vraag net gewijzigd. Bekijk de nieuwe versie en probeer het opnieuw.")
        )


class GeenToegang(_GeenToegang, VraagError):
    def __init__(self) -> None:
        super().__init__(_("U kunt deze vraag niet wijzigen."))


class VraagNietGevonden(NietGevonden, VraagError):
    def __init__(self) -> None:
        super().__init__(_("Deze vraag bestaat niet (meer)."))


@dataclass(frozen=True)
class Regel:
    """What a change writes in the council's trail (spoor) about the vraag, beside the timeline.

    `voor`/`na` hold council-side fields only: never a resident's address or text.
    """

    door: Ingelogd | None
    actie: str
    voor: dict[str, Any] = field(default_factory=dict)
    na: dict[str, Any] = field(default_factory=dict)
    onderwerp: str = "vraag"
    onderwerp_id: int | None = None  # the vraag itself unless named


async def _record(regel: Regel, vraag_id: int, gemeente_id: int) -> None:
    await spoor.record(
        regel.door,
        regel.actie,
        onderwerp=regel.onderwerp,
        onderwerp_id=regel.onderwerp_id if regel.onderwerp_id is not None else vraag_id,
        vraag_id=vraag_id,
        gemeente_id=gemeente_id,
        voor=regel.voor,
        na=regel.na,
    )


@dataclass(frozen=True)
class NieuweBijlage:
    bestandsnaam: str
    inhoud: bytes


# Other domains still call these through this module; they are the one clock of tijd.py.
now = tijd.now
today = tijd.today
parse_date = tijd.parse_date


# --- who may do what -----------------------------------------------------------------------


def may_work_on(user: Ingelogd, vraag: dict[str, Any]) -> bool:
    """A raadslid works on the vragen of their council and on IJmond-wide ones."""
    if user.rol is Rol.BEHEERDER:
        return True
    if user.rol is not Rol.RAADSLID:
        return False
    if vraag["gemeente"] == user.gemeente_id:
        return True
    # Regional vragen are shared by the councils of one region; comparing the region (not
    # just the scope) keeps a second region's councils out.
    return vraag["scope"] == Scope.REGIO.value and vraag["regio_id"] == user.regio_id


def may_follow_as_ambtenaar(user: Ingelogd, vraag: dict[str, Any]) -> bool:
    """An ambtenaar follows the adviesaanvragen of their own municipality."""
    return (
        user.rol is Rol.AMBTENAAR
        and vraag["herkomst"] == Herkomst.GEMEENTE.value
        and vraag["gemeente"] == user.gemeente_id
    )


def check_stap(vraag: dict[str, Any], actie: Actie) -> None:
    """Refuse `actie` when the vraag's step does not allow it (the table stappen.MAG)."""
    reden = stappen.weigering(vraag["stap"], actie)
    if reden is not None:
        raise StapNietToegestaan(reden)


# --- validation helpers --------------------------------------------------------------------


def _thema(fouten: dict[str, str], value: str, *, required: bool) -> str | None:
    if not value:
        if required:
            fouten["thema"] = _("Kies een thema.")
        return None
    if value not in THEMA_KEYS:
        fouten["thema"] = _("Dit thema kennen we niet. Kies een thema uit de lijst.")
        return None
    return value


def _is_pdf(b: bytes) -> bool:
    return b.startswith(b"%PDF-")


# DOCX and ODT are both zip files; the content type is told by what is inside.
def _is_docx(b: bytes) -> bool:
    return b.startswith(b"PK\x03\x04") and b"word/" in b[:65536]


def _is_odt(b: bytes) -> bool:
    return b.startswith(b"PK\x03\x04") and b"application/vnd.oasis.opendocument.text" in b[:200]


_SIGNATURES: dict[str, Callable[[bytes], bool]] = {"pdf": _is_pdf, "docx": _is_docx, "odt": _is_odt}


def check_bijlage(bijlage: NieuweBijlage) -> tuple[str | None, str | None]:
    """(soort, None) when acceptable, or (None, the reason in the request's language)."""
    name = bijlage.bestandsnaam.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(bijlage.inhoud) > MAX_BIJLAGE_BYTES:
        return None, _("%(naam)s is groter dan 10 MB. Maak het bestand kleiner.") % {"naam": name}
    if extension not in _SIGNATURES:
        return None, _("%(naam)s: alleen PDF, DOCX en ODT zijn toegestaan.") % {"naam": name}
    if not _SIGNATURES[extension](bijlage.inhoud):
        return None, _("%(naam)s is geen echt %(soort)s-bestand.") % {
            "naam": name,
            "soort": extension.upper(),
        }
    return extension, None


# --- intake: three ways in -----------------------------------------------------------------


async def _insert_vraag(
    values: dict[str, Any],
    door: int | None,
    notitie: str,
    regel: Regel,
    bijlagen: tuple[tuple[NieuweBijlage, str], ...] = (),
    bewaard: tuple[int, list[str]] | None = None,
) -> int:
    """`bewaard`: (owner, keys) of kept attachments that become this vraag's attachments and
    stop being kept files, in the same transaction."""
    moment = now()
    async with Vraag._meta.db.transaction():
        rows = await Vraag.insert(Vraag(**values, aangemaakt_at=moment, stap_sinds_at=moment))
        vraag_id = int(rows[0]["id"])
        await Gebeurtenis.insert(
            Gebeurtenis(
                vraag=vraag_id,
                at=moment,
                door=door,
                soort="stap",
                naar_stap=Stap.BINNENGEKOMEN.value,
                notitie=notitie,
                is_intern=False,
            )
        )
        # Kept files first: they were chosen before the ones of this try.
        if bewaard is not None and bewaard[1]:
            await _move_kept(vraag_id, bewaard[0], bewaard[1], moment)
        for bijlage, soort in bijlagen:
            await Bijlage.insert(
                Bijlage(
                    vraag=vraag_id,
                    bestandsnaam=bijlage.bestandsnaam[:200],
                    soort=soort,
                    grootte=len(bijlage.inhoud),
                    inhoud=bijlage.inhoud,
                    at=moment,
                )
            )
        await _record(regel, vraag_id, values["gemeente"])
    return vraag_id


@dataclass(frozen=True)
class BewaardBestand:
    """An attachment kept from a refused request form, as the form shows it again."""

    sleutel: str
    bestandsnaam: str
    soort: str
    grootte: int


class AanvraagOngeldig(OngeldigeInvoer):
    """A refused request form; `bewaard` are its attachments, kept for the next try."""

    def __init__(self, fouten: dict[str, str], bewaard: list[BewaardBestand]) -> None:
        self.bewaard = bewaard
        super().__init__(fouten)


def _is_sleutel(value: str) -> bool:
    """Shaped like a key of secrets.token_urlsafe(32)."""
    return 0 < len(value) <= 64 and value.isascii() and all(c.isalnum() or c in "-_" for c in value)


def _niet_meer_bewaard() -> str:
    uren = int(BIJLAGE_BEWAARTIJD.total_seconds() // 3600)
    return _(
        "Een bestand dat u eerder koos, is niet meer bewaard. "
        "We bewaren bestanden %(uren)s uur. Kies het opnieuw."
    ) % {"uren": uren}


def _bewaard_tot(moment: datetime) -> datetime:
    return moment - BIJLAGE_BEWAARTIJD


async def _kept(user: Ingelogd, sleutels: Collection[str], moment: datetime) -> list[BewaardBestand]:
    """This person's kept attachments among `sleutels` that have not expired (no content)."""
    if not sleutels:
        return []
    rows = (
        await BewaardeBijlage.select(
            BewaardeBijlage.sleutel,
            BewaardeBijlage.bestandsnaam,
            BewaardeBijlage.soort,
            BewaardeBijlage.grootte,
        )
        .where(
            BewaardeBijlage.sleutel.is_in(list(sleutels))
            & (BewaardeBijlage.gebruiker == user.id)
            & (BewaardeBijlage.at >= _bewaard_tot(moment))
        )
        .order_by(BewaardeBijlage.id)
    )
    return [BewaardBestand(**r) for r in rows]


async def forget_bewaarde_bijlagen(moment: datetime | None = None) -> int:
    """Delete kept attachments older than BIJLAGE_BEWAARTIJD (a planner job); returns how many."""
    grens = _bewaard_tot(moment or now())
    rows = await BewaardeBijlage.delete().where(BewaardeBijlage.at < grens).returning(BewaardeBijlage.id)
    return len(rows)


async def _move_kept(vraag_id: int, eigenaar: int, sleutels: list[str], moment: datetime) -> None:
    """Kept attachments become the vraag's, in the order they were chosen, and are deleted as
    kept files; the caller holds the transaction."""
    waar = BewaardeBijlage.sleutel.is_in(sleutels) & (BewaardeBijlage.gebruiker == eigenaar)
    rows = await BewaardeBijlage.select().where(waar).order_by(BewaardeBijlage.id)
    if len(rows) < len(sleutels):
        # Forgotten by the planner since the form was checked: undo the request rather than
        # save it without a file the person saw listed.
        bestanden = [BewaardBestand(r["sleutel"], r["bestandsnaam"], r["soort"], r["grootte"]) for r in rows]
        raise AanvraagOngeldig({"bijlagen": _niet_meer_bewaard()}, bestanden)
    for row in rows:
        await Bijlage.insert(
            Bijlage(
                vraag=vraag_id,
                bestandsnaam=row["bestandsnaam"],
                soort=row["soort"],
                grootte=row["grootte"],
                inhoud=bytes(row["inhoud"]),
                at=moment,
            )
        )
    await BewaardeBijlage.delete().where(waar)


async def create_adviesaanvraag(
    user: Ingelogd,
    *,
    titel: str,
    tekst: str,
    achtergrond: str,
    thema: str,
    advies_gewenst_op: str,
    contactpersoon: str,
    bijlagen: list[NieuweBijlage],
    bewaard: Sequence[str] = (),
    weghalen: Collection[str] = (),
) -> int:
    """An ambtenaar asks their municipality's council for advice.

    `bijlagen` are files chosen now; `bewaard` the keys of files kept from an earlier, refused
    try, of which `weghalen` are no longer wanted (deleted now). On a refusal the acceptable
    new files are kept too and the exception lists them all (AanvraagOngeldig.bewaard); on
    success the kept files become the request's attachments and are deleted as kept files.
    """
    if user.rol is not Rol.AMBTENAAR or user.gemeente_id is None:
        raise GeenToegang()
    fouten: dict[str, str] = {}
    values = {
        "titel": _text(fouten, "titel", titel, N_("een korte titel"), max_length=200),
        "tekst": _text(fouten, "tekst", tekst, N_("de vraag")),
        "achtergrond": _text(fouten, "achtergrond", achtergrond, "", required=False),
        "thema": _thema(fouten, thema, required=True),
        "advies_gewenst_op": parse_date(
            fouten, "advies_gewenst_op", advies_gewenst_op, required=True, future=True
        ),
        "contactpersoon": _text(
            fouten, "contactpersoon", contactpersoon, N_("een contactpersoon"), max_length=200
        ),
        "herkomst": Herkomst.GEMEENTE.value,
        "gemeente": user.gemeente_id,
        "ingediend_door": user.id,
        # The language the ambtenaar used: their mails about this request come in it.
        "taal": taal.huidige_taal(),
    }
    moment = now()
    # Keys come back from a hidden field: anything not shaped like ours is ignored, so a
    # tampered value never reaches the database (PostgreSQL refuses NUL bytes in text).
    weg = {s for s in weghalen if _is_sleutel(s)}
    if weg:
        await BewaardeBijlage.delete().where(
            BewaardeBijlage.sleutel.is_in(list(weg)) & (BewaardeBijlage.gebruiker == user.id)
        )
    gevraagd = list(dict.fromkeys(s for s in bewaard if _is_sleutel(s) and s not in weg))
    kept = await _kept(user, gevraagd, moment)
    if len(kept) < len(gevraagd):
        fouten["bijlagen"] = _niet_meer_bewaard()
    checked: list[tuple[NieuweBijlage, str]] = []
    for bijlage in bijlagen:
        soort, reden = check_bijlage(bijlage)
        if reden:
            fouten["bijlagen"] = reden
        elif soort:
            checked.append((bijlage, soort))
    if len(kept) + len(checked) > MAX_BIJLAGEN:
        fouten["bijlagen"] = _(
            "U kunt hoogstens %(max)s bijlagen meesturen. U koos er %(aantal)s. Kies er minder."
        ) % {
            "max": MAX_BIJLAGEN,
            "aantal": len(kept) + len(checked),
        }
        checked = []  # too many: none of the new ones is kept, so the person chooses again
    if fouten:
        async with BewaardeBijlage._meta.db.transaction():
            if kept:
                # Each try starts the keeping time again: the person is still at it.
                await BewaardeBijlage.update({BewaardeBijlage.at: moment}).where(
                    BewaardeBijlage.sleutel.is_in([b.sleutel for b in kept])
                    & (BewaardeBijlage.gebruiker == user.id)
                )
            nieuw = [await _keep(user, bijlage, soort, moment) for bijlage, soort in checked]
        raise AanvraagOngeldig(fouten, kept + nieuw)
    regel = Regel(user, "adviesaanvraag_ingediend", na={"titel": values["titel"], "thema": values["thema"]})
    vraag_id = await _insert_vraag(
        values,
        user.id,
        INGEDIEND,
        regel,
        tuple(checked),
        bewaard=(user.id, [b.sleutel for b in kept]),
    )
    log_event("adviesaanvraag_ingediend", door=user.id, vraag=vraag_id)
    return vraag_id


async def _keep(user: Ingelogd, bijlage: NieuweBijlage, soort: str, moment: datetime) -> BewaardBestand:
    naam = bijlage.bestandsnaam.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    sleutel = secrets.token_urlsafe(32)
    await BewaardeBijlage.insert(
        BewaardeBijlage(
            sleutel=sleutel,
            gebruiker=user.id,
            bestandsnaam=naam,
            soort=soort,
            grootte=len(bijlage.inhoud),
            inhoud=bijlage.inhoud,
            at=moment,
        )
    )
    return BewaardBestand(sleutel=sleutel, bestandsnaam=naam, soort=soort, grootte=len(bijlage.inhoud))


async def create_eigen_agendering(user: Ingelogd, *, titel: str, tekst: str, thema: str) -> int:
    """The council puts a theme on its own agenda."""
    if user.rol is not Rol.RAADSLID or user.gemeente_id is None:
        raise GeenToegang()
    fouten: dict[str, str] = {}
    values = {
        "titel": _text(fouten, "titel", titel, N_("een korte titel"), max_length=200),
        "tekst": _text(fouten, "tekst", tekst, N_("de vraag")),
        "thema": _thema(fouten, thema, required=False),
        "herkomst": Herkomst.RAAD.value,
        "gemeente": user.gemeente_id,
        "ingediend_door": user.id,
    }
    if fouten:
        raise OngeldigeInvoer(fouten)
    regel = Regel(user, "vraag_geagendeerd", na={"titel": values["titel"], "thema": values["thema"]})
    vraag_id = await _insert_vraag(values, user.id, GEAGENDEERD, regel)
    log_event("eigen_agendering", door=user.id, vraag=vraag_id)
    return vraag_id


async def create_idee(*, gemeente_slug: str, tekst: str, email: str, secret: str | None = None) -> int:
    """A resident brings in a question or idea; the e-mail address is only for updates.

    With `secret` (the app's key, for the per-address mail limit of participatie.limiet) a
    resident who left an address gets a confirmation mail, queued in the same transaction as
    the vraag. It holds none of the typed text: whoever types someone else's address cannot
    use it to send them words of their own. Over the day's limit for that address nothing is
    sent, and the resident sees the same thank-you page."""
    gemeente = (
        await Gemeente.select(Gemeente.id, Gemeente.raad_naam).where(Gemeente.slug == gemeente_slug).first()
    )
    if gemeente is None:
        raise OngeldigeInvoer({"gemeente": _("Deze gemeente kennen we niet.")})
    fouten: dict[str, str] = {}
    tekst = _text(fouten, "tekst", tekst, N_("uw vraag of idee"), max_length=5000)
    email = email.strip()
    if email:
        try:
            email = outbox.check_address(email)
        except outbox.OngeldigAdres:
            fouten["email"] = _("Dit e-mailadres klopt niet. Laat het leeg als u geen bericht wilt.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    # Counted before the transaction: the counter is its own small write, and a refused count
    # must not undo the resident's idea.
    bevestigen = bool(email) and secret is not None and await limiet.mag_mailen(IDEE_LIMIET, email, secret)
    first_line = tekst.splitlines()[0]
    titel = first_line if len(first_line) <= 80 else first_line[:77].rstrip() + "..."
    async with Vraag._meta.db.transaction():
        vraag_id = await _insert_vraag(
            {
                "titel": titel,
                "tekst": tekst,
                "herkomst": Herkomst.INWONER.value,
                "gemeente": gemeente["id"],
                "inwoner_email": email or None,
                # Beside the address: every mail to this resident comes in the form's language.
                "taal": taal.huidige_taal(),
            },
            None,
            IDEE,
            # No one of the council acted, and the resident's text and address stay out of the trail.
            Regel(None, "idee_ontvangen", na={"herkomst": Herkomst.INWONER.value}),
        )
        if bevestigen:
            await outbox.enqueue(
                email,
                "idee_ontvangen",
                {
                    "raad_naam": gemeente["raad_naam"],
                    "gemeente_slug": gemeente_slug,
                    # Formatted now, in the request's language: the mail's own (taal below).
                    "ontvangen": tijd.moment(tijd.now()),
                },
                sleutel=f"idee:{vraag_id}:ontvangen",
                taal=taal.huidige_taal(),
            )
    log_event("idee_ontvangen", vraag=vraag_id, gemeente=gemeente_slug, bevestiging=bevestigen)
    return vraag_id


# --- changes to an existing vraag ----------------------------------------------------------


def _inhoud(vraag: dict[str, Any], user: Ingelogd, notitie: str, *, is_intern: bool = True) -> Gebeurtenis:
    """A timeline entry for a change of content that leaves the step as it is."""
    return Gebeurtenis(
        vraag=vraag["id"],
        at=now(),
        door=user.id,
        soort="inhoud",
        van_stap=vraag["stap"],
        naar_stap=vraag["stap"],
        notitie=notitie,
        is_intern=is_intern,
    )


async def load_vraag(vraag_id: int) -> dict[str, Any]:
    row = (
        await Vraag.select(*Vraag.all_columns(), Vraag.gemeente.regio.as_alias("regio_id"))
        .where(Vraag.id == vraag_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise VraagNietGevonden()
    return row


async def load_vraag_for(user: Ingelogd | None, vraag_id: int) -> dict[str, Any] | None:
    """The vraag if this person may work on it; None for a missing one or someone else's, so
    the caller answers both with the same 404."""
    try:
        vraag = await load_vraag(vraag_id)
    except VraagError:
        return None
    return vraag if user is not None and may_work_on(user, vraag) else None


async def _guarded(vraag_id: int, user: Ingelogd) -> dict[str, Any]:
    vraag = await load_vraag(vraag_id)
    if not may_work_on(user, vraag):
        raise GeenToegang()
    return vraag


@dataclass(frozen=True)
class Mail:
    aan: str
    sjabloon: str
    context: dict[str, Any]
    sleutel: str
    taal: str = "nl"  # the reader's language; "nl" for whoever has none stored


async def _write(
    vraag: dict[str, Any],
    versie: int,
    changes: dict[Any, Any],
    gebeurtenis: Gebeurtenis,
    regel: Regel,
    mails: list[Mail] | None = None,
) -> None:
    """Apply `changes` only if nobody changed the vraag since `versie`; record the timeline and
    the trail and queue the mails about it, all in one transaction."""
    vraag_id = vraag["id"]
    async with Vraag._meta.db.transaction():
        updated = (
            await Vraag.update({**changes, Vraag.versie: versie + 1})
            .where((Vraag.id == vraag_id) & (Vraag.versie == versie))
            .returning(Vraag.id)
        )
        if not updated:
            raise GelijktijdigGewijzigd()
        await Gebeurtenis.insert(gebeurtenis)
        await _record(regel, vraag_id, vraag["gemeente"])
        for mail in mails or []:
            await outbox.enqueue(
                mail.aan,
                mail.sjabloon,
                mail.context,
                groep=f"vraag:{vraag_id}",
                sleutel=mail.sleutel,
                taal=mail.taal,
            )


async def _indiener(vraag: dict[str, Any]) -> dict[str, Any] | None:
    """The ambtenaar who asked for advice, if their account still works."""
    if vraag["herkomst"] != Herkomst.GEMEENTE or vraag["ingediend_door"] is None:
        return None
    return (
        await Gebruiker.select(Gebruiker.email, Gebruiker.naam)
        .where((Gebruiker.id == vraag["ingediend_door"]) & (Gebruiker.is_actief == True))  # noqa: E712
        .first()
    )


async def raad_of(row: dict[str, Any]) -> dict[str, Any]:
    """Slug and name of the council a vraag (or a poll, group or report: any row with a
    `gemeente`) belongs to."""
    gemeente = (
        await Gemeente.select(Gemeente.slug, Gemeente.raad_naam).where(Gemeente.id == row["gemeente"]).first()
    )
    assert gemeente is not None  # a foreign key with ON DELETE RESTRICT
    return gemeente


def aanvraag_pad(slug: str, vraag_id: int) -> str:
    return f"/gemeente/{slug}/aanvragen/{vraag_id}"


async def _stap_mails(vraag: dict[str, Any], target: Stap, notitie: str, afwijsreden: str) -> list[Mail]:
    """Tell whoever brought the vraag in that it moved: the ambtenaar, or the resident who left
    an address. Leaving borging's advice mail aside, which has its own text."""
    raad = await raad_of(vraag)
    # The step's name and meaning as Dutch msgids: the mail translates them when it is
    # rendered, in the language of whoever brought the vraag in (`taal` of the vraag).
    basis = {
        "titel": vraag["titel"],
        "stap": target.value,
        "stap_label": stappen.LABELS[target],
        "stap_uitleg": stappen.UITLEG[target],
        "notitie": notitie,
        "afwijsreden": afwijsreden,
        "raad_naam": raad["raad_naam"],
    }
    sleutel = f"vraag:{vraag['id']}:versie:{vraag['versie'] + 1}"
    mails = []
    indiener = await _indiener(vraag)
    if indiener is not None:
        if target is Stap.BORGING:
            mails.append(
                Mail(
                    indiener["email"],
                    "vraag_advies",
                    {
                        **basis,
                        "naam": indiener["naam"],
                        "advies_aan": vraag["advies_aan"],
                        "advies_tekst": vraag["advies_tekst"],
                        "advies_html": str(render_markdown(vraag["advies_tekst"])),
                        "pad": aanvraag_pad(raad["slug"], vraag["id"]),
                    },
                    f"{sleutel}:advies",
                    vraag["taal"],
                )
            )
        else:
            context = {**basis, "naam": indiener["naam"], "pad": aanvraag_pad(raad["slug"], vraag["id"])}
            mails.append(Mail(indiener["email"], "vraag_stap", context, f"{sleutel}:indiener", vraag["taal"]))
    if vraag["inwoner_email"]:
        context = {**basis, "naam": "inwoner", "pad": ""}
        mails.append(Mail(vraag["inwoner_email"], "vraag_stap", context, f"{sleutel}:inwoner", vraag["taal"]))
    return mails


async def update_trechter(
    vraag_id: int,
    user: Ingelogd,
    *,
    versie: int,
    scope: str,
    thema: str,
    prioriteit: str,
    dubbel_van: str = "",
) -> None:
    """Set what trechteren decides: local or regional, theme, priority, duplicate of."""
    vraag = await _guarded(vraag_id, user)
    check_stap(vraag, Actie.TRECHTEREN)
    fouten: dict[str, str] = {}
    if scope not in {s.value for s in Scope}:
        fouten["scope"] = _("Kies of de vraag voor één gemeente of voor heel de IJmond is.")
    parsed_thema = _thema(fouten, thema, required=True)
    if prioriteit not in {p for p, _ in stappen.PRIORITEITEN}:
        fouten["prioriteit"] = _("Kies een prioriteit.")
    dubbel_id: int | None = None
    if dubbel_van.strip():
        dubbel_id = parse_id(dubbel_van)
        if dubbel_id is None:
            fouten["dubbel_van"] = _("Vul het nummer van de eerdere vraag in.")
        else:
            earlier = (
                await Vraag.select(
                    Vraag.id, Vraag.gemeente, Vraag.scope, Vraag.gemeente.regio.as_alias("regio_id")
                )
                .where(Vraag.id == dubbel_id)
                .first()
            )
            if dubbel_id == vraag_id or earlier is None or earlier["id"] > vraag_id:
                fouten["dubbel_van"] = _("Kies een eerdere, andere vraag.")
            elif not may_work_on(user, earlier):
                fouten["dubbel_van"] = _("Die vraag hoort bij een andere raad.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    changes: dict[Any, Any] = {
        Vraag.scope: scope,
        Vraag.thema: parsed_thema,
        Vraag.prioriteit: prioriteit,
        Vraag.dubbel_van: dubbel_id,
    }
    if vraag["stap"] == Stap.BINNENGEKOMEN:
        changes[Vraag.stap] = Stap.TRECHTEREN.value
        changes[Vraag.stap_sinds_at] = now()
    notitie = f"Getrechterd: {scope}, thema {parsed_thema}, prioriteit {prioriteit}"
    if dubbel_id:
        notitie += f", samengevoegd met vraag {dubbel_id}"
    mails = await _stap_mails(vraag, Stap.TRECHTEREN, "", "") if Vraag.stap in changes else []
    voor, na = spoor.changed(
        {c._meta.name: vraag[c._meta.name] for c in changes}, {c._meta.name: v for c, v in changes.items()}
    )
    voor.pop("stap_sinds_at", None)
    na.pop("stap_sinds_at", None)
    await _write(
        vraag,
        versie,
        changes,
        Gebeurtenis(
            vraag=vraag_id,
            at=now(),
            door=user.id,
            soort="inhoud",
            van_stap=vraag["stap"],
            naar_stap=changes.get(Vraag.stap, vraag["stap"]),
            notitie=notitie + ".",
            is_intern=True,
        ),
        Regel(user, "vraag_getrechterd", voor, na),
        mails,
    )


async def update_concretisering(
    vraag_id: int,
    user: Ingelogd,
    *,
    versie: int,
    precieze_vraag: str,
    aanpak: str,
    doelgroep: str,
    participatievormen: list[str],
    planning: str,
    deadline: str,
    verantwoordelijke: str,
) -> None:
    """Record the answers of concretiseren. Partial answers may be saved along the way."""
    vraag = await _guarded(vraag_id, user)
    check_stap(vraag, Actie.CONCRETISEREN)
    fouten: dict[str, str] = {}
    vormen = []
    for vorm in participatievormen:
        vorm = vorm.strip()
        if len(vorm) > 60:
            fouten["participatievormen"] = _("Een participatievorm mag hoogstens 60 tekens zijn.")
        elif vorm and vorm not in vormen:
            vormen.append(vorm)
    verantwoordelijke_id: int | None = None
    if verantwoordelijke:
        verantwoordelijke_id = parse_id(verantwoordelijke) or -1
        member = (
            await Gebruiker.select(Gebruiker.id)
            .where(
                (Gebruiker.id == verantwoordelijke_id)
                & (Gebruiker.rol == Rol.RAADSLID.value)
                & (Gebruiker.gemeente == vraag["gemeente"])
            )
            .first()
        )
        if member is None:
            fouten["verantwoordelijke"] = _("Kies een raadslid van deze raad.")
    values = {
        Vraag.precieze_vraag: _text(fouten, "precieze_vraag", precieze_vraag, "", required=False),
        Vraag.aanpak: _text(fouten, "aanpak", aanpak, "", required=False),
        Vraag.doelgroep: _text(fouten, "doelgroep", doelgroep, "", required=False),
        Vraag.planning: _text(fouten, "planning", planning, "", required=False),
        Vraag.deadline: parse_date(fouten, "deadline", deadline, required=False, future=True),
        Vraag.participatievormen: vormen,
        Vraag.verantwoordelijke: verantwoordelijke_id,
    }
    if fouten:
        raise OngeldigeInvoer(fouten)
    voor, na = spoor.changed(
        {c._meta.name: vraag[c._meta.name] for c in values}, {c._meta.name: v for c, v in values.items()}
    )
    await _write(
        vraag,
        versie,
        values,
        _inhoud(vraag, user, CONCRETISERING_BIJGEWERKT),
        Regel(user, "concretisering_gewijzigd", voor, na),
    )


async def advance_stap(
    vraag_id: int, user: Ingelogd, *, versie: int, naar: str, notitie: str = "", afwijsreden: str = ""
) -> Stap:
    """Move a vraag to another step if the stappenplan allows it and its requirements are met."""
    vraag = await _guarded(vraag_id, user)
    if vraag["versie"] != versie:
        # The form was made from an older version: judging the step against the newer row
        # would answer "kan niet van X naar Y" about a step the person never saw.
        raise GelijktijdigGewijzigd()
    try:
        target = Stap(naar)
    except ValueError:
        raise StapNietToegestaan(_("Deze stap bestaat niet.")) from None
    van = Stap(vraag["stap"])
    if target not in stappen.allowed_next(van):
        raise StapNietToegestaan(
            _("Een vraag kan niet van %(van)s naar %(naar)s.")
            % {"van": van.label.lower(), "naar": target.label.lower()}
        )
    values = dict(vraag)
    if target is Stap.AFGEWEZEN:
        values["afwijsreden"] = afwijsreden.strip()
    if not stappen.is_back(van, target) and (ontbrekend := stappen.missing_for(target, values)):
        raise OntbrekendeGegevens(target, ontbrekend)
    changes: dict[Any, Any] = {Vraag.stap: target.value, Vraag.stap_sinds_at: now()}
    if target is Stap.AFGEWEZEN:
        changes[Vraag.afwijsreden] = values["afwijsreden"][:5000]
    if target in (Stap.AFGEROND, Stap.AFGEWEZEN):
        # The resident's address served to tell them what happened; that is now done.
        changes[Vraag.inwoner_email] = None
    soort = "terug" if stappen.is_back(van, target) else "stap"
    tekst = notitie.strip()[:5000]
    mails = await _stap_mails(vraag, target, tekst, values.get("afwijsreden", ""))
    if target is Stap.AFGEWEZEN:
        tekst = f"Afgewezen: {values['afwijsreden']}" + (f" ({tekst})" if tekst else "")
    na: dict[str, Any] = {"stap": target.value}
    if target is Stap.AFGEWEZEN:
        na["afwijsreden"] = changes[Vraag.afwijsreden]
    await _write(
        vraag,
        versie,
        changes,
        Gebeurtenis(
            vraag=vraag_id,
            at=now(),
            door=user.id,
            soort=soort,
            van_stap=van.value,
            naar_stap=target.value,
            notitie=tekst,
            is_intern=False,
        ),
        Regel(user, "stap_terug" if soort == "terug" else "stap_gewijzigd", {"stap": van.value}, na),
        mails,
    )
    log_event("stap_gewijzigd", door=user.id, vraag=vraag_id, van=van.value, naar=target.value)
    return target


def activiteit_gebeurtenis(vraag: dict[str, Any], user: Ingelogd, waar: str, aantal: int) -> Gebeurtenis:
    """The timeline line of an outreach activity (from the vraag page or the bereik page)."""
    return _inhoud(vraag, user, f"Activiteit: {waar}, {aantal} inwoners bereikt.")


async def add_activiteit(
    vraag_id: int, user: Ingelogd, *, waar: str, op: str, bereikt: str, notities: str
) -> int:
    """Record an outreach visit (the food bank, a choir rehearsal) during voorleggen."""
    vraag = await _guarded(vraag_id, user)
    check_stap(vraag, Actie.ACTIVITEIT_VASTLEGGEN)
    fouten: dict[str, str] = {}
    waar = _text(fouten, "waar", waar, N_("waar het was"), max_length=200)
    datum = parse_date(fouten, "op", op, required=True)
    aantal = 0
    try:
        aantal = int(bereikt)
        if not 0 <= aantal <= 100_000:
            raise ValueError
    except ValueError:
        fouten["bereikt"] = _("Vul het aantal bereikte inwoners in als een getal (0 of meer).")
    notities = _text(fouten, "notities", notities, "", required=False)
    if datum and datum > today():
        fouten["op"] = _("Een activiteit legt u vast als die geweest is: kies vandaag of eerder.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Vraag._meta.db.transaction():
        rows = await Activiteit.insert(
            Activiteit(vraag=vraag_id, waar=waar, op=datum, bereikt=aantal, notities=notities, door=user.id)
        )
        await Gebeurtenis.insert(activiteit_gebeurtenis(vraag, user, waar, aantal))
        activiteit_id = int(rows[0]["id"])
        # The notes may name the people met, so only where, when and how many go in the trail.
        na = {"waar": waar, "op": datum, "bereikt": aantal}
        regel = Regel(
            user, "activiteit_vastgelegd", na=na, onderwerp="activiteit", onderwerp_id=activiteit_id
        )
        await _record(regel, vraag_id, vraag["gemeente"])
    return activiteit_id


async def record_advies(vraag_id: int, user: Ingelogd, *, versie: int, tekst: str, aan: str) -> None:
    """Write the council's advice (Markdown) and to whom it goes. Sending happens on BORGING."""
    vraag = await _guarded(vraag_id, user)
    check_stap(vraag, Actie.ADVIES_GEVEN)
    fouten: dict[str, str] = {}
    tekst = _text(fouten, "advies_tekst", tekst, N_("de tekst van het advies"), max_length=50_000)
    aan = _text(fouten, "advies_aan", aan, N_("aan wie het advies gaat"), max_length=200)
    if fouten:
        raise OngeldigeInvoer(fouten)
    moment = now()
    voor, na = spoor.changed(
        {"advies_tekst": vraag["advies_tekst"], "advies_aan": vraag["advies_aan"]},
        {"advies_tekst": tekst, "advies_aan": aan},
    )
    await _write(
        vraag,
        versie,
        {
            Vraag.advies_tekst: tekst,
            Vraag.advies_aan: aan,
            Vraag.advies_at: moment,
            Vraag.reactie_verwacht_op: tijd.local(moment + REACTIE_TERMIJN).date(),
        },
        _inhoud(vraag, user, f"Advies opgesteld voor {aan}."),
        Regel(user, "advies_gewijzigd", voor, na),
    )


async def record_reactie(
    vraag_id: int, user: Ingelogd, *, oordeel: str, toelichting: str, vervolg_op: str
) -> None:
    """The municipality's reaction to the advice, by its ambtenaar or a raadslid for them."""
    vraag = await load_vraag(vraag_id)
    if not (may_follow_as_ambtenaar(user, vraag) or may_work_on(user, vraag)):
        raise GeenToegang()
    check_stap(vraag, Actie.REACTIE_VASTLEGGEN)
    fouten: dict[str, str] = {}
    if oordeel not in {o for o, _ in REACTIE_OORDELEN}:
        fouten["reactie_oordeel"] = _("Kies: overgenomen, deels overgenomen of niet overgenomen.")
    toelichting = _text(fouten, "reactie_toelichting", toelichting, N_("de redenen"), max_length=20_000)
    vervolg = parse_date(fouten, "vervolg_op", vervolg_op, required=False, future=True)
    if fouten:
        raise OngeldigeInvoer(fouten)
    nieuw = {"reactie_oordeel": oordeel, "reactie_toelichting": toelichting, "vervolg_op": vervolg}
    voor, na = spoor.changed({k: vraag[k] for k in nieuw}, nieuw)
    await _write(
        vraag,
        vraag["versie"],
        {
            Vraag.reactie_oordeel: oordeel,
            Vraag.reactie_toelichting: toelichting,
            Vraag.reactie_at: now(),
            Vraag.vervolg_op: vervolg,
        },
        _inhoud(vraag, user, f"Reactie van de gemeente vastgelegd: {oordeel}.", is_intern=False),
        Regel(user, "reactie_vastgelegd", voor, na),
    )


HERINNER_INTERVAL = timedelta(days=7)


async def remind_overdue_borging(moment: datetime | None = None) -> int:
    """Remind the ambtenaar and the council when the municipality's reaction is overdue.

    At most once per HERINNER_INTERVAL per vraag: the claim on `borging_herinnerd_at` and the
    mails share one transaction, so a rerun or a second process sends nothing twice.
    """
    moment = moment or now()
    due = await Vraag.select(Vraag.id).where(
        (Vraag.stap == Stap.BORGING.value)
        & Vraag.reactie_at.is_null()
        & (Vraag.reactie_verwacht_op < tijd.local(moment).date())
        & (Vraag.borging_herinnerd_at.is_null() | (Vraag.borging_herinnerd_at < moment - HERINNER_INTERVAL))
    )
    reminded = 0
    for row in due:
        vraag = await load_vraag(row["id"])
        raad = await raad_of(vraag)
        # (address, name, link, language): the ambtenaar in the language of their request,
        # council members in Dutch (no language is stored for them).
        ontvangers: list[tuple[str, str, str, str]] = []
        indiener = await _indiener(vraag)
        if indiener is not None:
            ontvangers.append(
                (indiener["email"], indiener["naam"], aanvraag_pad(raad["slug"], vraag["id"]), vraag["taal"])
            )
        leden = Gebruiker.select(Gebruiker.email, Gebruiker.naam).where(
            (Gebruiker.is_actief == True)  # noqa: E712
            & (Gebruiker.rol == Rol.RAADSLID.value)
            & (Gebruiker.gemeente == vraag["gemeente"])
        )
        if vraag["verantwoordelijke"] is not None:
            leden = leden.where(Gebruiker.id == vraag["verantwoordelijke"])
        for lid in await leden:
            ontvangers.append(
                (lid["email"], lid["naam"], f"/raad/{raad['slug']}/vragen/{vraag['id']}", taal.NL)
            )
        basis = {"titel": vraag["titel"], "raad_naam": raad["raad_naam"]}
        async with Vraag._meta.db.transaction():
            claimed = (
                await Vraag.update({Vraag.borging_herinnerd_at: moment})
                .where((Vraag.id == vraag["id"]) & _same_or_null(vraag["borging_herinnerd_at"]))
                .returning(Vraag.id)
            )
            if not claimed:
                continue  # another process reminded in the meantime
            for email, naam, pad, mail_taal in ontvangers:
                # The dates in the reader's language: formatted here, no request has one.
                with taal.in_taal(mail_taal):
                    datums = {
                        "advies_datum": tijd.datum(vraag["advies_at"]),
                        "verwacht_op": tijd.datum(vraag["reactie_verwacht_op"]),
                    }
                await outbox.enqueue(
                    email,
                    "borging_herinnering",
                    {**basis, **datums, "naam": naam, "pad": pad},
                    groep=f"vraag:{vraag['id']}",
                    sleutel=f"vraag:{vraag['id']}:herinnering:{moment.date().isoformat()}:{email}",
                    taal=mail_taal,
                )
            await Gebeurtenis.insert(
                Gebeurtenis(
                    vraag=vraag["id"],
                    at=moment,
                    door=None,
                    soort="notitie",
                    van_stap=vraag["stap"],
                    naar_stap=vraag["stap"],
                    notitie=f"Herinnering over de late reactie gestuurd aan {len(ontvangers)} personen.",
                    is_intern=True,
                )
            )
        reminded += 1
    return reminded


def _same_or_null(previous: datetime | None) -> Any:
    if previous is None:
        return Vraag.borging_herinnerd_at.is_null()
    return Vraag.borging_herinnerd_at == previous
