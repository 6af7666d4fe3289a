"""Panel use cases: the only code that writes panel members, sign-ups and invitations.

Sign-up is double opt-in: `sign_up` stores a pending Aanmelding (address, choices, the keyed
hash of a random token) and queues the confirmation mail; only `confirm`, reached through the
mailed link, makes a Panellid. A second sign-up, or one by a member, looks the same from the
outside: at most the confirmation mail again, within the per-address mail limit.

`invite` gives every chosen member a personal single-use code of the peilingen domain
(create_codes) and queues the mail in the same transaction, once per member per poll.
`send_herinneringen` (planner) queues at most one reminder per invitation whose code is unused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from participatie import sleutels, spoor, tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Gemeente
from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.fouten import Geweigerd, NietGevonden, OngeldigeInvoer
from participatie.kenmerken import KERNEN, LEEFTIJDEN
from participatie.limiet import Limiet, mag_mailen
from participatie.mail import outbox
from participatie.mail.tables import Bericht, Status
from participatie.panel.tables import Aanmelding, Panellid, Paneluitnodiging
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling, Toegang, Uitnodiging
from participatie.peilingen.tables import Status as PeilingStatus
from participatie.taal import gettext as _
from participatie.taal import huidige_taal, in_taal
from participatie.vragen.stappen import THEMAS
from participatie.web import gemeente_or_404

THEMA_LABELS = dict(THEMAS)
# An unconfirmed sign-up: its link works this long, then the planner deletes it.
BEWAAR_AANMELDING = timedelta(days=7)
# The one reminder goes out this long before the poll closes, and never sooner than a day
# after the invitation (a short poll would otherwise remind right after inviting).
HERINNER_VOOR = timedelta(days=3)
HERINNER_NA = timedelta(days=1)
# Counts below this are shown as "minder dan 5": a small group in a small kern is a person.
MIN_GROEP = 5
LIMIET = Limiet(soort="panel")
MAX_EMAIL = 254


class OngeldigeLink(NietGevonden):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Deze link werkt niet (meer). Misschien is hij al gebruikt, of ouder dan 7 dagen. "
                "Bent u al aangemeld? Dan hoeft u niets te doen. Anders kunt u zich opnieuw aanmelden."
            )
        )


class PanelError(Geweigerd):
    status = 409


def normalise(email: str) -> str:
    return email.strip().lower()


# --- choices as a person reads them (in the language of the page or mail being made) ------------


def niet_ingevuld() -> str:
    return _("Niet ingevuld")


def kern_opties(gemeente_slug: str) -> list[tuple[str, str]]:
    """(value, label): a kern is a place name, the same in every language."""
    return [(k, k) for k in KERNEN.get(gemeente_slug, ())]


def leeftijd_opties() -> list[tuple[str, str]]:
    """(value, label): "41-65 jaar" / "41-65 years"."""
    return [(lt, _("%(leeftijd)s jaar") % {"leeftijd": lt}) for lt in LEEFTIJDEN]


def thema_opties() -> list[tuple[str, str]]:
    """(value, label) of every theme; the labels are marked in vragen.stappen."""
    return [(code, _(label)) for code, label in THEMAS]


def _taal() -> str:
    """The language the resident is using the site in: their mails will be in it."""
    return huidige_taal()


# --- links ------------------------------------------------------------------------------------


def _token_hashes(secret: sleutels.Sleutels, token: str) -> list[str]:
    # Bound in length: a 10,000-character "token" is hashed never, and looked up never.
    if not token or len(token) > 100:
        return []
    return sleutels.keyed_all(secret, f"panel-aanmelding:{token}")


def bevestig_pad(token: str) -> str:
    return f"/panel/bevestigen/{token}"


def intrek_pad(token: str) -> str:
    return f"/panel/intrekken/{token}"


def _afmeld_token(secret: str, sleutel: str) -> str:
    return sleutels.keyed(secret, f"panel-afmelden:{sleutel}")[:32]


def afmeld_pad(secret: str, sleutel: str) -> str:
    return f"/panel/afmelden/{sleutel}/{_afmeld_token(secret, sleutel)}"


def check_afmeld_token(secret: sleutels.Sleutels, sleutel: str, token: str) -> None:
    if len(sleutel) > 40 or not sleutels.matches(secret, f"panel-afmelden:{sleutel}", token, 32):
        raise OngeldigeLink()


# --- sign-up ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keuzes:
    email: str
    kern: str
    leeftijd: str
    themas: tuple[str, ...]


def check_keuzes(gemeente_slug: str, email: str, kern: str, leeftijd: str, themas: list[str]) -> Keuzes:
    """The sign-up form's input, checked; OngeldigeInvoer with Dutch messages otherwise."""
    fouten: dict[str, str] = {}
    email = email.replace("\x00", "").strip()
    if not email:
        fouten["email"] = _("Vul uw e-mailadres in.")
    elif len(email) > MAX_EMAIL:
        fouten["email"] = _("Dit e-mailadres is te lang: hoogstens %(aantal)d tekens.") % {
            "aantal": MAX_EMAIL
        }
    else:
        try:
            email = outbox.check_address(email)
        except outbox.OngeldigAdres:
            fouten["email"] = _(
                "Dit is geen geldig e-mailadres. Een e-mailadres ziet er zo uit: naam@voorbeeld.nl."
            )
    if kern and kern not in KERNEN.get(gemeente_slug, ()):
        fouten["kern"] = _("Kies een kern of wijk uit de lijst.")
    if leeftijd and leeftijd not in LEEFTIJDEN:
        fouten["leeftijd"] = _("Kies een leeftijd uit de lijst.")
    if any(t not in THEMA_LABELS for t in themas) or len(themas) > len(THEMA_LABELS):
        fouten["themas"] = _("Kies onderwerpen uit de lijst.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    gekozen = tuple(t for t, _label in THEMAS if t in themas)
    return Keuzes(email=normalise(email), kern=kern, leeftijd=leeftijd, themas=gekozen)


async def sign_up(settings: Settings, gemeente: GemeenteRij, keuzes: Keuzes) -> bool:
    """Store a pending sign-up and queue its confirmation mail; nothing is stored as a member.

    Returns whether a mail was queued: False when the address had its mails for today. The
    page says the same either way, so the form tells nobody whether an address is known."""
    if not await mag_mailen(LIMIET, keuzes.email, settings.secret_key):
        log_event("panel_aanmelding_niet_gemaild", gemeente=gemeente.slug)
        return False
    token = secrets.token_urlsafe(32)
    token_hash = sleutels.keyed(settings.secret_key, f"panel-aanmelding:{token}")
    taal = _taal()
    async with Aanmelding._meta.db.transaction():
        await Aanmelding.insert(
            Aanmelding(
                gemeente=gemeente.id,
                email=keuzes.email,
                kern=keuzes.kern,
                leeftijd=keuzes.leeftijd,
                themas=list(keuzes.themas),
                taal=taal,
                token_hash=token_hash,
                aangemaakt_at=tijd.now(),
            )
        )
        await outbox.enqueue(
            keuzes.email,
            "panel_bevestigen",
            {
                "raad_naam": gemeente.raad_naam,
                "gemeente_naam": gemeente.naam,
                "bevestig_pad": bevestig_pad(token),
                "afmeld_pad": intrek_pad(token),
                "dagen": BEWAAR_AANMELDING.days,
            },
            groep=f"panel:{gemeente.slug}",
            taal=taal,
        )
    log_event("panel_aanmelding", gemeente=gemeente.slug)
    return True


@dataclass(frozen=True)
class Wachtend:
    """A pending sign-up as its confirmation page shows it."""

    gemeente_slug: str
    gemeente_naam: str
    raad_naam: str


async def _pending(secret: sleutels.Sleutels, token: str) -> dict[str, Any] | None:
    hashes = _token_hashes(secret, token)
    if not hashes:
        return None
    row = await Aanmelding.select().where(Aanmelding.token_hash.is_in(hashes)).first().output(load_json=True)
    if row is None or tijd.as_utc(row["aangemaakt_at"]) < tijd.now() - BEWAAR_AANMELDING:
        return None
    return row


async def _gemeente(gemeente_id: int) -> GemeenteRij:
    row = await Gemeente.select(Gemeente.slug).where(Gemeente.id == gemeente_id).first()
    assert row is not None
    return await gemeente_or_404(row["slug"])


async def load_pending(secret: sleutels.Sleutels, token: str) -> Wachtend:
    """The sign-up a confirmation link belongs to; OngeldigeLink when used, expired or forged."""
    row = await _pending(secret, token)
    if row is None:
        raise OngeldigeLink()
    gemeente = await _gemeente(row["gemeente"])
    return Wachtend(gemeente.slug, gemeente.naam, gemeente.raad_naam)


async def confirm(secret: sleutels.Sleutels, token: str) -> Wachtend:
    """The confirmation link was used: the sign-up becomes a member (or updates the member's
    choices), and every pending sign-up of that address for that council goes. Works once."""
    hashes = _token_hashes(secret, token)
    if not hashes:
        raise OngeldigeLink()
    async with Aanmelding._meta.db.transaction():
        # Deleting claims the sign-up: of two clicks at once, one finds it.
        rows = (
            await Aanmelding.delete()
            .where(Aanmelding.token_hash.is_in(hashes))
            .returning(*Aanmelding.all_columns())
        )
        if not rows:
            raise OngeldigeLink()
        row = rows[0]
        if tijd.as_utc(row["aangemaakt_at"]) < tijd.now() - BEWAAR_AANMELDING:
            raise OngeldigeLink()  # rolls the delete back: the planner removes it in its time
        themas = row["themas"]
        await Aanmelding.delete().where(
            (Aanmelding.gemeente == row["gemeente"]) & (Aanmelding.email == row["email"])
        )
        await Panellid.insert(
            Panellid(
                gemeente=row["gemeente"],
                email=row["email"],
                kern=row["kern"],
                leeftijd=row["leeftijd"],
                themas=themas,
                taal=row["taal"],
                sleutel=secrets.token_urlsafe(16),
                aangemaakt_at=tijd.now(),
            )
        ).on_conflict(
            target=(Panellid.gemeente, Panellid.email),
            action="DO UPDATE",
            values=[Panellid.kern, Panellid.leeftijd, Panellid.themas, Panellid.taal],
        )
    gemeente = await _gemeente(row["gemeente"])
    log_event("panel_lid_bevestigd", gemeente=gemeente.slug)
    return Wachtend(gemeente.slug, gemeente.naam, gemeente.raad_naam)


async def withdraw(secret: sleutels.Sleutels, token: str) -> None:
    """The "I did not sign up" link of the confirmation mail: the pending sign-up goes.
    Idempotent: a second POST (the mail provider's one-click, then the person) is fine."""
    hashes = _token_hashes(secret, token)
    if hashes:
        await Aanmelding.delete().where(Aanmelding.token_hash.is_in(hashes))


async def purge_aanmeldingen(moment: datetime | None = None) -> int:
    """The planner's job: unconfirmed sign-ups are deleted after BEWAAR_AANMELDING."""
    grens = (moment or tijd.now()) - BEWAAR_AANMELDING
    rows = await Aanmelding.delete().where(Aanmelding.aangemaakt_at < grens).returning(Aanmelding.id)
    return len(rows)


# --- leaving ----------------------------------------------------------------------------------


async def leave(secret: sleutels.Sleutels, sleutel: str, token: str) -> bool:
    """The leave link was posted: the member row goes, with their mails still waiting (a
    reminder) and their invitations. Returns whether a member went; a second POST is fine."""
    check_afmeld_token(secret, sleutel, token)
    async with Panellid._meta.db.transaction():
        rows = await Panellid.delete().where(Panellid.sleutel == sleutel).returning(Panellid.id)
        for row in rows:
            await _drop_waiting_mails(row["id"])
    if rows:
        log_event("panel_lid_afgemeld")
    return bool(rows)


async def gemeente_van_lid(sleutel: str) -> str:
    """The member's council (for its colours on the leave page), or "" when gone."""
    row = await Panellid.select(Panellid.gemeente.slug).where(Panellid.sleutel == sleutel).first()
    return row["gemeente.slug"] if row else ""


async def _drop_waiting_mails(lid_id: int) -> None:
    await Bericht.delete().where(
        (Bericht.groep == f"panellid:{lid_id}")
        & Bericht.status.is_in([Status.WACHTEND.value, Status.WACHT_OP_SERVER.value])
    )


# --- the council: counts ----------------------------------------------------------------------


def _aantal(n: int) -> str:
    return _("minder dan %(aantal)d") % {"aantal": MIN_GROEP} if n < MIN_GROEP else str(n)


@dataclass(frozen=True)
class Overzicht:
    totaal: str
    per_kern: list[tuple[str, str]]
    per_leeftijd: list[tuple[str, str]]
    per_thema: list[tuple[str, str]]


async def overzicht(gemeente: GemeenteRij) -> Overzicht:
    rows = (
        await Panellid.select(Panellid.kern, Panellid.leeftijd, Panellid.themas)
        .where(Panellid.gemeente == gemeente.id)
        .output(load_json=True)
    )
    kernen = Counter(r["kern"] for r in rows)
    leeftijden = Counter(r["leeftijd"] for r in rows)
    themas = Counter(t for r in rows for t in r["themas"])
    return Overzicht(
        totaal=_aantal(len(rows)),
        per_kern=[(label, _aantal(kernen[k])) for k, label in kern_opties(gemeente.slug)]
        + [(niet_ingevuld(), _aantal(kernen[""]))],
        per_leeftijd=[(label, _aantal(leeftijden[lt])) for lt, label in leeftijd_opties()]
        + [(niet_ingevuld(), _aantal(leeftijden[""]))],
        per_thema=[(label, _aantal(themas[t])) for t, label in thema_opties()],
    )


# --- the council: invitations -----------------------------------------------------------------


async def uitnodigbare_peilingen(gemeente: GemeenteRij) -> list[dict[str, Any]]:
    """The council's polls a panel can be invited to: by personal code, published, not closed."""
    rows = (
        await Peiling.select(Peiling.id, Peiling.titel, Peiling.status, Peiling.sluit_at)
        .where(
            (Peiling.gemeente == gemeente.id)
            & (Peiling.toegang == Toegang.CODES.value)
            & Peiling.status.is_in([PeilingStatus.GEPLAND.value, PeilingStatus.OPEN.value])
        )
        .order_by(Peiling.id, ascending=False)
    )
    nu = tijd.now()
    return [r for r in rows if r["sluit_at"] is None or tijd.as_utc(r["sluit_at"]) > nu]


def _cipher(secret: str) -> AESGCM:
    return AESGCM(hmac.new(secret.encode(), b"panel-code", hashlib.sha256).digest())


def _encrypt_code(secret: str, uitnodiging_key: str, code: str) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + _cipher(secret).encrypt(nonce, code.encode(), uitnodiging_key.encode())


def _decrypt_code(secret: sleutels.Sleutels, uitnodiging_key: str, inhoud: bytes) -> str | None:
    inhoud = bytes(inhoud)
    for key in sleutels.ring(secret):
        try:
            return _cipher(key).decrypt(inhoud[:12], inhoud[12:], uitnodiging_key.encode()).decode()
        except InvalidTag:
            continue
    return None


def _past(lid: dict[str, Any], kern: str, leeftijd: str, thema: str) -> bool:
    return (
        (not kern or lid["kern"] == kern)
        and (not leeftijd or lid["leeftijd"] == leeftijd)
        and (not thema or thema in lid["themas"])
    )


def _poll_context(
    settings: Settings, peiling: dict[str, Any], code: str, lid: dict[str, Any]
) -> dict[str, Any]:
    sluit = peiling["sluit_at"]
    # The closing moment as the member reads it: the mail is in their language.
    with in_taal(lid["taal"]):
        sluit_tekst = tijd.moment(sluit) if sluit is not None else ""
    return {
        "titel": peiling["titel"],
        "code": code,
        "peiling_pad": f"/p/{peiling['sleutel']}?code={code}",
        "sluit": sluit_tekst,
        "afmeld_pad": afmeld_pad(settings.secret_key, lid["sleutel"]),
    }


async def invite(
    user: Ingelogd,
    settings: Settings,
    gemeente: GemeenteRij,
    peiling_id: int,
    *,
    kern: str = "",
    leeftijd: str = "",
    thema: str = "",
) -> int:
    """Invite the council's panel members who fit the choice (kern, age band, theme; empty is
    everyone) to a poll by personal code. One transaction: codes, invitations and mails. A
    member already invited to this poll is skipped, so a double click or a rerun mails nobody
    twice. Returns how many were invited now."""
    fouten: dict[str, str] = {}
    peilingen_ids = {p["id"] for p in await uitnodigbare_peilingen(gemeente)}
    if peiling_id not in peilingen_ids:
        fouten["peiling"] = _("Kies een peiling uit de lijst.")
    if kern and kern not in KERNEN.get(gemeente.slug, ()):
        fouten["kern"] = _("Kies een kern of wijk uit de lijst.")
    if leeftijd and leeftijd not in LEEFTIJDEN:
        fouten["leeftijd"] = _("Kies een leeftijd uit de lijst.")
    if thema and thema not in THEMA_LABELS:
        fouten["thema"] = _("Kies een onderwerp uit de lijst.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    engine = Panellid._meta.db
    async with engine.transaction():
        if engine.engine_type == "postgres":
            # One invitation round per poll at a time; NO KEY UPDATE lets answers (whose
            # foreign key only share-locks the poll) go on meanwhile. SQLite's transaction
            # holds the write lock already.
            await Peiling.raw("SELECT id FROM peiling WHERE id = {} FOR NO KEY UPDATE", peiling_id)
        peiling = (
            await Peiling.select(Peiling.id, Peiling.titel, Peiling.sleutel, Peiling.sluit_at, Peiling.vraag)
            .where(Peiling.id == peiling_id)
            .first()
        )
        assert peiling is not None
        al = {
            r["lid"]
            for r in await Paneluitnodiging.select(Paneluitnodiging.lid).where(
                Paneluitnodiging.peiling == peiling_id
            )
        }
        leden = [
            lid
            for lid in await Panellid.select()
            .where(Panellid.gemeente == gemeente.id)
            .order_by(Panellid.id)
            .output(load_json=True)
            if lid["id"] not in al and _past(lid, kern, leeftijd, thema)
        ]
        if not leden:
            return 0
        codes: list[str] = []
        for start in range(0, len(leden), 5000):
            codes += await peilingen.create_codes(
                user, peiling_id, min(5000, len(leden) - start), settings.secret_key
            )
        moment = tijd.now()
        rows = []
        for lid, code in zip(leden, codes, strict=True):
            rows.append(
                Paneluitnodiging(
                    lid=lid["id"],
                    peiling=peiling_id,
                    code_hash=sleutels.keyed(settings.secret_key, f"code:{code}"),
                    code_geheim=_encrypt_code(settings.secret_key, f"{peiling_id}:{lid['id']}", code),
                    aangemaakt_at=moment,
                )
            )
        for start in range(0, len(rows), 500):
            await Paneluitnodiging.insert(*rows[start : start + 500])
        for lid, code in zip(leden, codes, strict=True):
            await outbox.enqueue(
                lid["email"],
                "panel_uitnodiging",
                {**_poll_context(settings, peiling, code, lid), "raad_naam": gemeente.raad_naam},
                groep=f"panellid:{lid['id']}",
                sleutel=f"panel:uitnodiging:{peiling_id}:{lid['id']}",
                taal=lid["taal"],
            )
        await spoor.record(
            user,
            "panel_uitgenodigd",
            onderwerp="peiling",
            onderwerp_id=peiling_id,
            vraag_id=peiling["vraag"],
            gemeente_id=gemeente.id,
            na={"aantal": len(leden), "kern": kern, "leeftijd": leeftijd, "thema": thema},
        )
    log_event("panel_uitgenodigd", door=user.id, peiling=peiling_id, aantal=len(leden))
    return len(leden)


async def send_herinneringen(settings: Settings, moment: datetime | None = None) -> int:
    """The planner's job: one reminder per invitation whose code is still unused, once the
    poll closes within HERINNER_VOOR. Claimed by setting herinnerd_at where it was empty, and
    queued under a unique key: a rerun or a second planner at the same time reminds nobody twice.
    Codes of used invitations and closed polls are blanked on the way."""
    nu = moment or tijd.now()
    # A closed poll needs no code any more: its copies go, reminded or not.
    await Paneluitnodiging.update({Paneluitnodiging.code_geheim: None}).where(
        Paneluitnodiging.code_geheim.is_not_null()
        & Paneluitnodiging.peiling.is_in(
            Peiling.select(Peiling.id).where(
                (Peiling.status == PeilingStatus.GESLOTEN.value)
                | (Peiling.sluit_at.is_not_null() & (Peiling.sluit_at <= nu))
            )
        )
    )
    open_peilingen = await Peiling.select(Peiling.id, Peiling.titel, Peiling.sleutel, Peiling.sluit_at).where(
        (Peiling.status == PeilingStatus.OPEN.value)
        & Peiling.sluit_at.is_not_null()
        & (Peiling.sluit_at > nu)
        & (Peiling.sluit_at <= nu + HERINNER_VOOR)
        & Peiling.id.is_in(
            Paneluitnodiging.select(Paneluitnodiging.peiling).where(Paneluitnodiging.herinnerd_at.is_null())
        )
    )
    verstuurd = 0
    for peiling in open_peilingen:
        gebruikt = Uitnodiging.select(Uitnodiging.code_hash).where(
            (Uitnodiging.peiling == peiling["id"]) & (Uitnodiging.gebruikt == True)  # noqa: E712 - a SQL comparison
        )
        # Answered: never reminded, and the code's copy is no longer needed.
        await Paneluitnodiging.update(
            {Paneluitnodiging.herinnerd_at: nu, Paneluitnodiging.code_geheim: None}
        ).where(
            (Paneluitnodiging.peiling == peiling["id"])
            & Paneluitnodiging.herinnerd_at.is_null()
            & Paneluitnodiging.code_hash.is_in(gebruikt)
        )
        te_doen = await Paneluitnodiging.select(Paneluitnodiging.id).where(
            (Paneluitnodiging.peiling == peiling["id"])
            & Paneluitnodiging.herinnerd_at.is_null()
            & (Paneluitnodiging.aangemaakt_at <= nu - HERINNER_NA)
        )
        for row in te_doen:
            verstuurd += await _remind(settings, peiling, row["id"], nu)
    return verstuurd


async def _remind(settings: Settings, peiling: dict[str, Any], uitnodiging_id: int, nu: datetime) -> int:
    async with Paneluitnodiging._meta.db.transaction():
        row = (
            await Paneluitnodiging.select(Paneluitnodiging.lid, Paneluitnodiging.code_geheim)
            .where(Paneluitnodiging.id == uitnodiging_id)
            .first()
        )
        claimed = (
            await Paneluitnodiging.update(
                {Paneluitnodiging.herinnerd_at: nu, Paneluitnodiging.code_geheim: None}
            )
            .where((Paneluitnodiging.id == uitnodiging_id) & Paneluitnodiging.herinnerd_at.is_null())
            .returning(Paneluitnodiging.id)
        )
        if not claimed or row is None or row["code_geheim"] is None:
            return 0  # another planner was first
        code = _decrypt_code(settings.secret_ring, f"{peiling['id']}:{row['lid']}", row["code_geheim"])
        lid = await Panellid.select().where(Panellid.id == row["lid"]).first().output(load_json=True)
        if code is None or lid is None:
            return 0
        queued = await outbox.enqueue(
            lid["email"],
            "panel_herinnering",
            {**_poll_context(settings, peiling, code, lid), "raad_naam": await _raad_naam(lid["gemeente"])},
            groep=f"panellid:{lid['id']}",
            sleutel=f"panel:herinnering:{uitnodiging_id}",
            taal=lid["taal"],
        )
    return 1 if queued else 0


async def _raad_naam(gemeente_id: int) -> str:
    return (await _gemeente(gemeente_id)).raad_naam


# --- what is held about an address (rechten) --------------------------------------------------


async def leden_van(email: str) -> list[dict[str, Any]]:
    return await Panellid.select().where(Panellid.email == normalise(email)).output(load_json=True)


async def aanmeldingen_van(email: str) -> list[dict[str, Any]]:
    return await Aanmelding.select().where(Aanmelding.email == normalise(email)).output(load_json=True)


async def erase(email: str) -> int:
    """Everything the panel holds about the address: memberships (with their waiting mails and
    invitations) and pending sign-ups."""
    email = normalise(email)
    async with Panellid._meta.db.transaction():
        leden = await Panellid.delete().where(Panellid.email == email).returning(Panellid.id)
        for row in leden:
            await _drop_waiting_mails(row["id"])
        wachtend = await Aanmelding.delete().where(Aanmelding.email == email).returning(Aanmelding.id)
    return len(leden) + len(wachtend)


async def correct(email: str, lid_id: int, kern: str, leeftijd: str, themas: list[str]) -> dict[str, str]:
    """Correct a member's choices; Dutch field errors, {} when stored."""
    lid = (
        await Panellid.select(Panellid.id, Panellid.gemeente.slug)
        .where((Panellid.id == lid_id) & (Panellid.email == normalise(email)))
        .first()
    )
    if lid is None:
        return {"lid": _("Dit lidmaatschap vinden we niet meer.")}
    try:
        keuzes = check_keuzes(lid["gemeente.slug"], "a@b.nl", kern, leeftijd, themas)
    except OngeldigeInvoer as exc:
        return exc.fouten
    await Panellid.update(
        {Panellid.kern: keuzes.kern, Panellid.leeftijd: keuzes.leeftijd, Panellid.themas: list(keuzes.themas)}
    ).where(Panellid.id == lid_id)
    return {}
