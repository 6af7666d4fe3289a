"""Addresses left for a poll's final report, kept so that nobody holding the database can tell
which response left which address.

The threat is a full copy of the database (a backup, an administrator): every column, id,
physical row position (SQLite rowid, PostgreSQL ctid), transaction id (PostgreSQL xmin) and
insertion order. An address written in its own transaction right after its response sits next
to that response in every one of these. So an address goes through two steps:

1. `leave_address` puts it in Adreswachtrij, encrypted with a key derived from the app's
   secret. Its row order and transaction still sit next to its response, but a copy of the
   database alone does not show the address.
2. Once at least ADRES_BATCH responses came in since the previous batch, `_move` takes every
   waiting address of the poll into Rapportadres in ONE transaction, in random order, with
   random ids and no time. Every address of a batch then shares one transaction id and its
   position says nothing, so it points to no fewer than ADRES_BATCH responses: those that
   came in since the previous batch. When the poll has closed (planner job) or its report is
   published, `finalize` rewrites ALL the poll's addresses as one batch: the last, possibly
   short, window disappears, and every address points to the whole poll.

Deleted rows must not linger: on SQLite `secure_delete` zeroes them in the file (the WAL is
checkpointed by db.py); on PostgreSQL `compact` rewrites both tables (VACUUM FULL) from the
planner. PostgreSQL's WAL still holds every row written until it is recycled.

Acceptance: only a browser that just answered holds a proof (a signed cookie with a random
value, set by the answer route); the proof works once, and only while the poll is open and its
report has not gone out. Every accepted address is mailed exactly once: publication takes the
poll's Adresbatch row lock, moves, reads, mails and deletes in its own transaction, and
leaving an address takes the same lock and checks the report state under it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from participatie import sleutels, spoor, taal, tijd
from participatie.accounts import instellingen
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Rol
from participatie.auditlog import log_event
from participatie.fouten import GeenToegang
from participatie.fouten import OngeldigeInvoer as OngeldigeInvoer  # instellingen.py catches it by this name
from participatie.mail import outbox
from participatie.peilingen.domain import PeilingError
from participatie.peilingen.queries import MIN_GROEP
from participatie.peilingen.tables import (
    Adresbatch,
    Adreswachtrij,
    Antwoord,
    Peiling,
    Rapportadres,
    Status,
)
from participatie.rapporten.tables import Rapport
from participatie.vragen import domain as vragen

# N: an address never points to fewer responses than this. The same floor as the smallest
# group a results breakdown shows (MIN_GROEP): an address narrowed to fewer responses would
# undo exactly the protection that rule gives the answers. Larger N would keep addresses
# longer in the encrypted queue for little gain: a poll closing moves everything into one
# batch anyway.
ADRES_BATCH = MIN_GROEP
BEWIJS_COOKIE = "participatie_adres"
BEWIJS_GELDIG_S = 7 * 24 * 3600
BEWAAR_SLEUTEL = "adres_bewaartermijn_maanden"
BEWAAR_STANDAARD = 12
# SQLite allows 32,766 parameters per statement; five per row.
_INSERT_CHUNK = 1000


class AdresGeweigerd(PeilingError):
    """No address is kept; the message says why. `rapport_pad` links the report if it is out."""

    def __init__(self, melding: str, rapport_pad: str | None = None) -> None:
        self.rapport_pad = rapport_pad
        super().__init__(melding)


# --- the proof that this browser answered ------------------------------------------------------


def new_bewijs(secret: str, peiling_id: int) -> str:
    """A cookie value for a browser that just answered: a random value, signed. Nothing of it
    is stored with the response, so it cannot be traced back to that response."""
    value = secrets.token_urlsafe(18)
    return f"{value}.{sleutels.keyed(secret, f'adresbewijs:{peiling_id}:{value}')[:32]}"


def read_bewijs(secret: sleutels.Sleutels, peiling_id: int, cookie: str) -> str | None:
    """The stored form of a valid proof for this poll (a keyed hash), or None. Any key of the
    ring may have signed it; the stored form uses that same key, so a proof stays single-use
    across a key rotation."""
    value, _, signature = cookie.partition(".")
    if not value:
        return None
    signer = sleutels.key_of(secret, f"adresbewijs:{peiling_id}:{value}", signature, 32)
    if signer is None:
        return None
    return sleutels.keyed(signer, f"adresbewijs-gebruikt:{peiling_id}:{value}")


# --- encryption of waiting addresses -----------------------------------------------------------


def _cipher(secret: str) -> AESGCM:
    return AESGCM(hmac.new(secret.encode(), b"adreswachtrij", hashlib.sha256).digest())


def _encrypt(secret: str, peiling_id: int, email: str, wil_vervolg: bool, taal_code: str) -> bytes:
    nonce = secrets.token_bytes(12)
    # The language rides inside the ciphertext: in a plain column it would sit next to the
    # response this waiting row is still beside.
    data = json.dumps({"e": email, "v": wil_vervolg, "t": taal_code}).encode()
    return nonce + _cipher(secret).encrypt(nonce, data, str(peiling_id).encode())


def _decrypt(secret: sleutels.Sleutels, peiling_id: int, inhoud: bytes) -> tuple[str, bool, str] | None:
    """(address, follow-up wish, language), decrypted with whichever key of the ring wrote it
    (a key rotation must not lose addresses waiting for their batch), or None when no key of
    the ring can. A row written before languages were kept reads as Dutch."""
    inhoud = bytes(inhoud)
    for key in sleutels.ring(secret):
        try:
            data = json.loads(_cipher(key).decrypt(inhoud[:12], inhoud[12:], str(peiling_id).encode()))
        except InvalidTag:
            continue
        return data["e"], bool(data["v"]), taal.geldig(data.get("t")) or taal.STANDAARD
    return None


# --- a typo in the address, shown after a redirect --------------------------------------------

# A mistyped address is sent back to the thank-you page by a redirect (Post/Redirect/Get), so
# that Back never lands on a form post the browser wants to send again. The page after the
# redirect shows the message and what was typed from this short-lived cookie: encrypted, since
# an address must not sit readable in a shared computer's cookie store.
FOUT_COOKIE = "participatie_adresfout"
FOUT_GELDIG_S = 10 * 60


@dataclass(frozen=True)
class Invulfout:
    """What the resident typed and what was wrong with it."""

    email: str
    wil_vervolg: bool
    fouten: dict[str, str]


def _fout_cipher(secret: str) -> AESGCM:
    return AESGCM(hmac.new(secret.encode(), b"adresfout", hashlib.sha256).digest())


def seal_invulfout(secret: str, peiling_id: int, fout: Invulfout, moment: datetime | None = None) -> str:
    """A cookie value holding `fout` for this poll, valid FOUT_GELDIG_S seconds."""
    tot = int((moment or tijd.now()).timestamp()) + FOUT_GELDIG_S
    data = json.dumps({"e": fout.email, "v": fout.wil_vervolg, "f": fout.fouten, "t": tot}).encode()
    nonce = secrets.token_bytes(12)
    sealed = nonce + _fout_cipher(secret).encrypt(nonce, data, f"adresfout:{peiling_id}".encode())
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def open_invulfout(
    secret: sleutels.Sleutels, peiling_id: int, value: str, moment: datetime | None = None
) -> Invulfout | None:
    """The Invulfout sealed for this poll by any key of the ring, or None (missing, forged,
    another poll's, or expired)."""
    if not value or len(value) > 4096:
        return None
    try:
        sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return None
    if len(sealed) < 13:
        return None
    for key in sleutels.ring(secret):
        try:
            raw = _fout_cipher(key).decrypt(sealed[:12], sealed[12:], f"adresfout:{peiling_id}".encode())
        except InvalidTag:
            continue
        data = json.loads(raw)
        if data["t"] < int((moment or tijd.now()).timestamp()):
            return None
        return Invulfout(email=data["e"], wil_vervolg=bool(data["v"]), fouten=dict(data["f"]))
    return None


# --- state -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdresStatus:
    """Whether a poll takes addresses now, and if not, the reason in the request's language."""

    kan: bool
    melding: str = ""
    rapport_pad: str | None = None


async def _published_report(vraag_id: int) -> dict[str, Any] | None:
    return (
        await Rapport.select(Rapport.sleutel, Rapport.gemeente)
        .where((Rapport.vraag == vraag_id) & Rapport.gepubliceerd_at.is_not_null())
        .first()
    )


async def adres_status(peiling_id: int, moment: datetime | None = None) -> AdresStatus:
    moment = moment or tijd.now()
    peiling = (
        await Peiling.select(Peiling.status, Peiling.sluit_at, Peiling.vraag, Peiling.gemeente)
        .where(Peiling.id == peiling_id)
        .first()
    )
    if peiling is None:
        return AdresStatus(False, taal.gettext("Deze peiling bestaat niet meer."))
    raad = await vragen.raad_of(peiling)
    rapport = await _published_report(peiling["vraag"])
    if rapport is not None:
        return AdresStatus(
            False,
            taal.gettext(
                "Het eindrapport is al verstuurd. Uw e-mailadres hebben we daarom niet bewaard. "
                "U kunt het rapport hier lezen:"
            ),
            f"/rapporten/{raad['slug']}/{rapport['sleutel']}",
        )
    sluit_at = tijd.as_utc(peiling["sluit_at"]) if peiling["sluit_at"] is not None else None
    if peiling["status"] != Status.OPEN.value or (sluit_at is not None and sluit_at <= moment):
        return AdresStatus(
            False,
            taal.gettext(
                "Deze peiling is gesloten. Een e-mailadres achterlaten kan niet meer; we hebben het "
                "niet bewaard. Het eindrapport komt op de pagina met rapporten van de raad:"
            ),
            f"/rapporten/{raad['slug']}",
        )
    return AdresStatus(True)


async def lock(peiling_ids: list[int]) -> None:
    """Take the polls' address locks for the caller's transaction (in id order: no deadlock).

    On SQLite every write transaction already runs alone (BEGIN IMMEDIATE plus the write lock).
    """
    for peiling_id in sorted(set(peiling_ids)):
        await Adresbatch.insert(Adresbatch(peiling=peiling_id, telling=0, is_definitief=False)).on_conflict(
            target=Adresbatch.peiling, action="DO NOTHING"
        )
        if Adresbatch._meta.db.engine_type == "postgres":
            await Adresbatch.raw("SELECT id FROM adresbatch WHERE peiling = {} FOR UPDATE", peiling_id)


async def _responses(peiling_id: int) -> int:
    return await Antwoord.count().where(Antwoord.peiling == peiling_id)


# --- leaving an address ------------------------------------------------------------------------


async def leave_address(
    peiling_id: int,
    email: str,
    *,
    wil_vervolg: bool,
    bewijs: str | None,
    secret: sleutels.Sleutels,
    taal_code: str | None = None,
) -> None:
    """Keep an address for the final report, apart from the answers (see the module text),
    with the language its report mail goes out in: `taal_code`, else the current request's.

    Refuses (AdresGeweigerd) without a proof of answering, a second time for the same proof,
    and once the poll has closed or its report has gone out.
    """
    try:
        email = outbox.check_address(email)
    except outbox.OngeldigAdres:
        raise OngeldigeInvoer(
            {"email": taal.gettext("Dit e-mailadres klopt niet. Kijk het nog eens na.")}
        ) from None
    if bewijs is None:
        # Refused without a write: a flood of these takes no lock. Closed or sent first:
        # that is what a resident most needs to hear.
        status = await adres_status(peiling_id)
        if not status.kan:
            raise AdresGeweigerd(status.melding, status.rapport_pad)
        # Who posts addresses without having answered: a flood shows up in the log.
        log_event("rapportadres_geweigerd", peiling=peiling_id, reden="geen bewijs van deelname")
        raise AdresGeweigerd(
            taal.gettext(
                "U kunt alleen een e-mailadres achterlaten direct nadat u de peiling hebt ingevuld, "
                "op dezelfde telefoon of computer. We hebben het adres niet bewaard."
            )
        )
    async with Adreswachtrij._meta.db.transaction():
        await lock([peiling_id])
        status = await adres_status(peiling_id)
        if not status.kan:
            raise AdresGeweigerd(status.melding, status.rapport_pad)
        used = await Adreswachtrij.exists().where(
            (Adreswachtrij.peiling == peiling_id) & (Adreswachtrij.bewijs == bewijs)
        ) or await Rapportadres.exists().where(
            (Rapportadres.peiling == peiling_id) & (Rapportadres.bewijs == bewijs)
        )
        if used:
            log_event("rapportadres_geweigerd", peiling=peiling_id, reden="bewijs al gebruikt")
            raise AdresGeweigerd(
                taal.gettext("U liet voor deze peiling al een e-mailadres achter. Eén adres is genoeg.")
            )
        await Adreswachtrij.insert(
            Adreswachtrij(
                peiling=peiling_id,
                bewijs=bewijs,
                inhoud=_encrypt(
                    sleutels.ring(secret)[0],
                    peiling_id,
                    email,
                    wil_vervolg,
                    taal.geldig(taal_code) or taal.huidige_taal(),
                ),
            )
        )
        batch = await Adresbatch.select(Adresbatch.telling).where(Adresbatch.peiling == peiling_id).first()
        assert batch is not None  # lock() made it
        telling = await _responses(peiling_id)
        if telling - batch["telling"] >= ADRES_BATCH:
            await _move(peiling_id, secret, telling=telling, final=False)


async def _secure_delete() -> None:
    if Adreswachtrij._meta.db.engine_type == "sqlite":
        # Per connection; inside the transaction it applies to this transaction's deletes.
        await Adreswachtrij.raw("PRAGMA secure_delete = ON")


async def _move(peiling_id: int, secret: sleutels.Sleutels, *, telling: int, final: bool) -> int:
    """Waiting addresses (and with `final` every kept one) into Rapportadres as one batch.
    Call holding the poll's lock, inside a transaction. Returns the addresses in the batch."""
    await _secure_delete()
    rows: list[tuple[str, bool, str, str]] = []
    unreadable = 0
    for row in await Adreswachtrij.select(Adreswachtrij.bewijs, Adreswachtrij.inhoud).where(
        Adreswachtrij.peiling == peiling_id
    ):
        address = _decrypt(secret, peiling_id, row["inhoud"])
        if address is None:
            unreadable += 1
        else:
            rows.append((address[0], address[1], row["bewijs"], address[2]))
    if unreadable:
        # Written under a key since dropped from PARTICIPATIE_OLD_SECRET_KEYS: these residents
        # will not get the report. The beheerder must hear of it.
        log_event("rapportadressen_onleesbaar", peiling=peiling_id, aantal=unreadable)
    await Adreswachtrij.delete().where(Adreswachtrij.peiling == peiling_id)
    if final:
        kept = await Rapportadres.select(
            Rapportadres.email, Rapportadres.wil_vervolg, Rapportadres.bewijs, Rapportadres.taal
        ).where(Rapportadres.peiling == peiling_id)
        rows.extend((r["email"], bool(r["wil_vervolg"]), r["bewijs"], r["taal"]) for r in kept)
        await Rapportadres.delete().where(Rapportadres.peiling == peiling_id)
    # Random order, random ids: the row order, ids and physical positions of a batch say
    # nothing about who came first.
    secrets.SystemRandom().shuffle(rows)
    for start in range(0, len(rows), _INSERT_CHUNK):
        await Rapportadres.insert(
            *(
                Rapportadres(
                    id=uuid.uuid4(),
                    peiling=peiling_id,
                    email=email,
                    wil_vervolg=vervolg,
                    bewijs=bewijs,
                    taal=taal_code,
                )
                for email, vervolg, bewijs, taal_code in rows[start : start + _INSERT_CHUNK]
            )
        )
    await Adresbatch.update({Adresbatch.telling: telling, Adresbatch.is_definitief: final}).where(
        Adresbatch.peiling == peiling_id
    )
    return len(rows)


async def finalize(peiling_id: int, secret: sleutels.Sleutels) -> None:
    """Every address of the poll into one batch. Call holding the poll's lock, inside a
    transaction (publication does); the poll takes no more addresses after this."""
    batch = await Adresbatch.select(Adresbatch.is_definitief).where(Adresbatch.peiling == peiling_id).first()
    waiting = await Adreswachtrij.exists().where(Adreswachtrij.peiling == peiling_id)
    if batch is not None and batch["is_definitief"] and not waiting:
        return  # a poll reopened after its final batch may have new addresses waiting
    await _move(peiling_id, secret, telling=await _responses(peiling_id), final=True)


async def compact() -> bool:
    """PostgreSQL keeps deleted rows in the table file until VACUUM, and a plain VACUUM only
    marks their space free: a file copy would still show batches' old rows, the waiting
    rows next to their responses, and (in old versions of a poll's Adresbatch row) when its
    first address came. VACUUM FULL writes these small tables anew (a moment's lock;
    run by the planner every few minutes, so deleted rows stay at most that long). SQLite
    zeroes deleted rows itself (secure_delete). Returns whether it ran."""
    engine = Adreswachtrij._meta.db
    if engine.engine_type != "postgres":
        return False
    await engine.run_ddl("VACUUM FULL adreswachtrij, rapportadres, adresbatch")
    return True


async def finalize_closed(secret: sleutels.Sleutels, moment: datetime | None = None) -> int:
    """Planner job: closed polls get their one final batch. Returns how many polls."""
    moment = moment or tijd.now()
    rows = await Peiling.select(Peiling.id, Peiling.status, Peiling.sluit_at).where(
        (Peiling.status == Status.GESLOTEN.value)
        | (Peiling.sluit_at.is_not_null() & (Peiling.sluit_at <= moment))
    )
    done = 0
    for row in rows:
        waiting = await Adreswachtrij.exists().where(Adreswachtrij.peiling == row["id"])
        if not waiting and await Adresbatch.exists().where(
            (Adresbatch.peiling == row["id"]) & (Adresbatch.is_definitief == True)  # noqa: E712
        ):
            continue
        if not waiting and not await Rapportadres.exists().where(Rapportadres.peiling == row["id"]):
            continue
        async with Adreswachtrij._meta.db.transaction():
            await lock([row["id"]])
            if (await adres_status(row["id"], moment)).kan:
                continue  # reopened meanwhile
            await finalize(row["id"], secret)
        done += 1
    return done


# --- retention ---------------------------------------------------------------------------------


async def bewaartermijn_maanden() -> int:
    return await instellingen.read_int(BEWAAR_SLEUTEL, BEWAAR_STANDAARD)


async def set_bewaartermijn(user: Ingelogd, maanden: str) -> None:
    """A beheerder's setting; written in the caller's transaction with its trail line."""
    if user.rol is not Rol.BEHEERDER:
        raise GeenToegang(taal.gettext("Alleen een beheerder kan dit wijzigen."))
    value = instellingen.parse_int(maanden)
    if value is None or not 1 <= value <= 36:
        raise OngeldigeInvoer(
            {"adres_maanden": taal.gettext("Kies een bewaartermijn van 1 tot en met 36 maanden.")}
        )
    async with Adreswachtrij._meta.db.transaction():
        oud = await bewaartermijn_maanden()
        await instellingen.write(BEWAAR_SLEUTEL, value)
        if oud != value:
            await spoor.record(
                user,
                "bewaartermijn_gewijzigd",
                onderwerp="instelling",
                voor={"adres_bewaartermijn_maanden": oud},
                na={"adres_bewaartermijn_maanden": value},
            )
    log_event("adres_bewaartermijn_gewijzigd", door=user.id, maanden=value)


async def purge_unpublished(moment: datetime | None = None) -> int:
    """Addresses of a poll whose report never went out are deleted `bewaartermijn` months after
    the poll closed. Returns how many addresses were deleted."""
    moment = moment or tijd.now()
    maanden = await bewaartermijn_maanden()
    deleted = 0
    for peiling in await Peiling.select(
        Peiling.id, Peiling.vraag, Peiling.gesloten_at, Peiling.sluit_at
    ).where(Peiling.status == Status.GESLOTEN.value):
        gesloten = peiling["gesloten_at"] or peiling["sluit_at"]
        if gesloten is None or tijd.plus_months(tijd.as_utc(gesloten), maanden) > moment:
            continue
        if await _published_report(peiling["vraag"]) is not None:
            continue  # its follow-up addresses have their own period (rapporten)
        async with Adreswachtrij._meta.db.transaction():
            await lock([peiling["id"]])
            await _secure_delete()
            wachtend = (
                await Adreswachtrij.delete()
                .where(Adreswachtrij.peiling == peiling["id"])
                .returning(Adreswachtrij.id)
            )
            bewaard = (
                await Rapportadres.delete()
                .where(Rapportadres.peiling == peiling["id"])
                .returning(Rapportadres.id)
            )
        if wachtend or bewaard:
            deleted += len(wachtend) + len(bewaard)
            log_event("rapportadressen_gewist", peiling=peiling["id"], aantal=len(wachtend) + len(bewaard))
    return deleted
