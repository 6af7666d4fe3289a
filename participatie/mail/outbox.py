"""Queue mail in the caller's transaction; send it later, each mail once, over SMTP.

`enqueue` is called by domain functions inside their own transaction, so a mail exists if and
only if the change it reports was stored. `drain` (a planner job) claims waiting mails in small
batches, sends them over a few SMTP connections and marks each one the moment the server
accepted it. A crashed drainer's claims are taken over after CLAIM_LEASE. On PostgreSQL the
claim uses FOR UPDATE SKIP LOCKED, so several app processes never claim the same mail.

Temporary failures (4xx, connection trouble) are retried with backoff; a permanent refusal
(5xx) is recorded with its reason and never retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import re
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import formatdate, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import aiosmtplib
from jinja2 import TemplateNotFound
from piccolo.columns import Column
from piccolo.query.functions.aggregate import Count

from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.db import as_utc
from participatie.mail.tables import Bericht, Status
from participatie.sjablonen import environment
from participatie.taal import in_taal
from participatie.tijd import moment as leesbaar_moment

logger = logging.getLogger("participatie.mail")

# A claim lives this long unless its drainer renews it (every CLAIM_RENEW while sending), so
# the mails of a killed drainer wait at most a minute before another drainer takes them.
CLAIM_LEASE = timedelta(seconds=60)
CLAIM_RENEW = timedelta(seconds=15)
# How long a drainer keeps trying to note a mail the server accepted while the database is away.
MARK_GEDULD = timedelta(seconds=60)
BATCH = 20
# A recipient's server saying "later" (4xx): 8 attempts from 30 s doubling, about 2 hours.
MAX_POGINGEN = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=2)
# Our own mail server away (no connection, cut off, 421): not the recipient's fault. Kept
# trying for 4 days (RFC 5321 4.5.4.1 advises 4-5), at least every 30 minutes.
SERVER_GEDULD = timedelta(days=4)
SERVER_BACKOFF_MAX = timedelta(minutes=30)
# Personal data of a finished mail: blanked after 23 h by an hourly job, so always within 24 h.
BEWAARTERMIJN = timedelta(hours=23)


# The languages a mail can be rendered in; anything else is rendered in Dutch.
TALEN = ("nl", "en")


class OngeldigAdres(ValueError):
    """The address cannot be used as a single SMTP recipient."""


Clock = Callable[[], datetime]


def _real_clock() -> datetime:
    return datetime.now(UTC)


# The one clock of the outbox. Tests (and the fault suite's sender) set it to look days
# ahead instead of waiting: `outbox.set_clock(lambda: ...)`.
_clock: Clock = _real_clock


def set_clock(clock: Clock | None) -> None:
    """Replace the outbox's clock; None puts the real one back."""
    global _clock  # one clock for the module, on purpose
    _clock = clock or _real_clock


def now() -> datetime:
    return _clock()


def check_address(aan: str) -> str:
    """The address, stripped, or OngeldigAdres. One recipient only: no lists, no header tricks."""
    aan = aan.strip()
    if not aan or len(aan) > 254 or any(c in aan for c in " \t\r\n,;<>\"'()\\\x00"):
        raise OngeldigAdres(aan)
    local, _, domain = aan.rpartition("@")
    if not local or not domain or "." not in domain or domain.startswith(".") or domain.endswith("."):
        raise OngeldigAdres(aan)
    return aan


@dataclass(frozen=True)
class Bijlage:
    naam: str
    mime_type: str  # e.g. "text/calendar; method=REQUEST"
    inhoud: bytes


async def enqueue(
    aan: str,
    sjabloon: str,
    context: dict[str, Any],
    *,
    groep: str = "",
    sleutel: str | None = None,
    bijlage: Bijlage | None = None,
    taal: str = "nl",
) -> bool:
    """Queue one mail. Call inside the use case's transaction. False if `sleutel` was queued before.

    `taal` is the language the resident used ("nl", "en"); the mail is rendered in it."""
    moment = now()
    values = Bericht(
        aan=check_address(aan),
        sjabloon=sjabloon,
        context=context,
        groep=groep,
        sleutel=sleutel,
        bijlage_naam=bijlage.naam if bijlage else "",
        bijlage_type=bijlage.mime_type if bijlage else "",
        bijlage=bijlage.inhoud if bijlage else None,
        status=Status.WACHTEND.value,
        volgende_poging_at=moment,
        aangemaakt_at=moment,
        taal=taal if taal in TALEN else "nl",
    )
    if sleutel is None:
        await Bericht.insert(values)
        return True
    rows = await Bericht.insert(values).on_conflict(target=Bericht.sleutel, action="DO NOTHING")
    return bool(rows)


# --- rendering ------------------------------------------------------------------------------

# A mail to many people with the same attachment (a report's PDF) names its source in the
# context ("bijlage_bron": "rapport:12") instead of storing the bytes in every row. A domain
# registers how to load it; the drainer loads it once per batch.
BijlageBron = Callable[[str], Awaitable["Bijlage | None"]]
BIJLAGE_BRONNEN: dict[str, BijlageBron] = {}


def register_bijlage_bron(soort: str, load: BijlageBron) -> None:
    BIJLAGE_BRONNEN[soort] = load


def _bron(bericht: dict[str, Any]) -> str:
    context = bericht["context"]
    return context.get("bijlage_bron", "") if isinstance(context, dict) else ""


async def _shared_attachments(batch: list[dict[str, Any]]) -> dict[str, Bijlage | None]:
    loaded: dict[str, Bijlage | None] = {}
    for bericht in batch:
        bron = _bron(bericht)
        if bron and bron not in loaded:
            soort, _, sleutel = bron.partition(":")
            load = BIJLAGE_BRONNEN.get(soort)
            loaded[bron] = await load(sleutel) if load else None
    return loaded


def _one_line(text: str) -> str:
    # Whatever a user typed, a header stays one line.
    return " ".join(text.split())[:250]


# The classic policy (it understands Header objects) with the CRLF line ends SMTP sends.
SMTP_POLICY = compat32.clone(linesep="\r\n")
# Bodies as quoted-printable: readable for spam filters and old mail programs, unlike base64.
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = QP
_UTF8.body_encoding = QP


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    """What MIMEText(text, subtype, _UTF8) builds, byte for byte: typeshed types MIMEText's
    charset as a name only, and the name would bring back base64 bodies."""
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part.set_payload(text, _UTF8)
    return part


def render(bericht: dict[str, Any], settings: Settings, gedeeld: Bijlage | None = None) -> Message:
    """The message in the resident's language (`taal` of the row, Dutch when absent)."""
    with in_taal(bericht.get("taal") or "nl"):
        return _render(bericht, settings, gedeeld)


def _render(bericht: dict[str, Any], settings: Settings, gedeeld: Bijlage | None = None) -> Message:
    """Build the message: emails/<sjabloon>.txt gives blocks `onderwerp` and `tekst`; an
    emails/<sjabloon>.html beside it adds an HTML alternative. `gedeeld` is a shared
    attachment loaded by the drainer.

    Built with the classic email.mime classes: the modern EmailMessage API parses every header
    through its registry, which made building and flattening the message most of the cost of
    sending (about 5 ms per mail, measured with bench/terugkoppeling_fanout.py).
    """
    context = {**bericht["context"], "base_url": settings.base_url.rstrip("/")}
    text_template = environment().get_template(f"emails/{bericht['sjabloon']}.txt")
    text_ctx = text_template.new_context(context)
    onderwerp = _one_line("".join(text_template.blocks["onderwerp"](text_ctx)))
    tekst = "".join(text_template.blocks["tekst"](text_template.new_context(context))).strip() + "\n"

    body: Message = _text_part(tekst, "plain")
    try:
        html_template = environment().get_template(f"emails/{bericht['sjabloon']}.html")
    except TemplateNotFound:
        pass
    else:
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        alternative.attach(_text_part(html_template.render(context, onderwerp=onderwerp), "html"))
        body = alternative
    message = body
    if bericht["bijlage"] is not None or gedeeld is not None:
        message = MIMEMultipart("mixed", boundary=f"=_deel_{secrets.token_hex(12)}")
        message.attach(body)
        if bericht["bijlage"] is not None:
            message.attach(_part(bericht["bijlage_naam"], bericht["bijlage_type"], bytes(bericht["bijlage"])))
    # compat32 folds a Header; typeshed lets MIME classes take str headers only.
    message["Subject"] = Header(onderwerp, _UTF8) if not onderwerp.isascii() else onderwerp  # type: ignore[assignment]
    message["From"] = settings.mail_from
    message["To"] = bericht["aan"]  # one plain address: check_address allowed nothing else
    message["Date"] = formatdate(localtime=False)
    host = urlparse(settings.base_url).hostname or "participatie.local"
    message["Message-ID"] = message_id(bericht, host)
    message["Auto-Submitted"] = "auto-generated"
    afmeld_pad = context.get("afmeld_pad")
    if afmeld_pad:
        # Bulk mail to residents: the big mailbox providers want a one-click way out
        # (RFC 8058), a POST to the same remove-me link the mail shows.
        message["List-Unsubscribe"] = f"<{context['base_url']}{afmeld_pad}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def message_id(bericht: dict[str, Any], host: str) -> str:
    """Stable per mail: derived from its key (the same mail queued twice has one key), else its
    row. A mail sent again after a crash carries the same id, so the receiver can tell."""
    if bericht.get("sleutel"):
        digest = hashlib.sha256(bericht["sleutel"].encode()).hexdigest()[:32]
        return f"<{digest}@{host}>"
    return f"<bericht-{bericht['id']}@{host}>"


def _part(naam: str, mime_type: str, inhoud: bytes) -> Message:
    maintype, _, rest = mime_type.partition("/")
    subtype, _, params = rest.partition(";")
    part = MIMEBase(maintype, subtype.strip())
    part.set_payload(inhoud)
    encode_base64(part)
    if "method=" in params:
        part.set_param("method", params.split("method=", 1)[1].strip())
    part.add_header("Content-Disposition", "attachment", filename=naam)
    return part


def to_bytes(message: Message, gedeeld: Bijlage | None = None) -> bytes:
    """The message as sent (CRLF line ends), with a shared attachment spliced in."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=SMTP_POLICY).flatten(message)
    data = buffer.getvalue()
    if gedeeld is None:
        return data
    # The same report PDF goes to thousands: it is encoded once and put in front of the
    # closing boundary, instead of being re-encoded and re-flattened line by line per mail.
    closing = f"--{message.get_boundary()}--".encode()
    head, found, tail = data.rpartition(closing)
    assert found, "a mail with a shared attachment is multipart"
    return (
        head
        + f"--{message.get_boundary()}\r\n".encode()
        + _shared_part_bytes(gedeeld)
        + b"\r\n"
        + found
        + tail
    )


@lru_cache(maxsize=4)
def _shared_part_bytes(bijlage: Bijlage) -> bytes:
    part = _part(bijlage.naam, bijlage.mime_type, bijlage.inhoud)
    del part["MIME-Version"]
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=SMTP_POLICY).flatten(part)
    return buffer.getvalue()


# --- sending --------------------------------------------------------------------------------

# Every claim is stamped with the time it was taken and renewed while its drainer lives, so a
# claim is only ever "abandoned" when its drainer really stopped: a slow mail server or a long
# mail-out does not let a second drainer send the same mails again.


async def claim(
    limit: int, moment: datetime, groep: str | None = None, eigenaar: str = ""
) -> list[dict[str, Any]]:
    """Take up to `limit` mails that are due, or whose drainer stopped renewing its claim."""
    stale = moment - CLAIM_LEASE
    alleen_groep = "AND groep = {}" if groep is not None else ""
    skip_locked = "" if Bericht._meta.db.engine_type == "sqlite" else "FOR UPDATE SKIP LOCKED"
    rows = await Bericht.raw(
        f"""
        UPDATE bericht SET status = {{}}, geclaimd_at = {{}}, geclaimd_door = {{}}, pogingen = pogingen + 1
        WHERE id IN (
            SELECT id FROM bericht
            WHERE ((status IN ({{}}, {{}}) AND volgende_poging_at <= {{}})
               OR (status = {{}} AND geclaimd_at < {{}}))
               {alleen_groep}
            ORDER BY id
            LIMIT {int(limit)}
            {skip_locked}
        )
        RETURNING id
        """,  # noqa: S608 - only our own constants are formatted in; values are parameters
        Status.BEZIG.value,
        moment,
        eigenaar,
        Status.WACHTEND.value,
        Status.WACHT_OP_SERVER.value,
        moment,
        Status.BEZIG.value,
        stale,
        *([groep] if groep is not None else []),
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    return await Bericht.select().where(Bericht.id.is_in(ids)).order_by(Bericht.id).output(load_json=True)


async def _renew(ids: set[int], eigenaar: str, moment: datetime) -> set[int]:
    """Extend our claims; returns the ids still ours (a claim lost to a takeover is dropped)."""
    if not ids:
        return set()
    rows = (
        await Bericht.update({Bericht.geclaimd_at: moment})
        .where(
            Bericht.id.is_in(sorted(ids))
            & (Bericht.status == Status.BEZIG.value)
            & (Bericht.geclaimd_door == eigenaar)
        )
        .returning(Bericht.id)
    )
    return {row["id"] for row in rows}


async def _keep_claims(open_ids: set[int], eigenaar: str, clock: Clock) -> None:
    """While a batch is being sent: renew its claims every CLAIM_RENEW."""
    while open_ids:
        await asyncio.sleep(CLAIM_RENEW.total_seconds())
        try:
            snapshot = set(open_ids)
            still_ours = await _renew(snapshot, eigenaar, clock())
        except Exception as exc:  # a database hiccup: the next renewal tries again
            logger.warning("outbox: claims niet verlengd (%s)", exc.__class__.__name__)
            continue
        open_ids.difference_update(snapshot - still_ours)


async def _mark_sent(bericht_id: int, moment: datetime) -> None:
    """Accepted by the server: mark it at once (whoever holds the claim now), and drop what
    only the sending needed: the context holds links with tokens (a password reset) and the
    attachment. The address stays for the council's retry until the purge.

    The server already has this mail: if the database is away (a restart), keep trying for
    MARK_GEDULD rather than leave it to be sent a second time."""
    deadline = time.monotonic() + MARK_GEDULD.total_seconds()
    while True:
        try:
            await Bericht.update(
                {
                    Bericht.status: Status.VERZONDEN.value,
                    Bericht.afgehandeld_at: moment,
                    Bericht.fout: "",
                    Bericht.server_weg_sinds: None,
                    Bericht.context: {},
                    Bericht.bijlage: None,
                }
            ).where(Bericht.id == bericht_id)
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise
            logger.warning("outbox: verzonden mail nog niet genoteerd (%s)", exc.__class__.__name__)
            await asyncio.sleep(1)


# Anything shaped like an address (with its angle brackets): SMTP replies and connection
# errors often quote the recipient, and the reasons are kept and shown to the council.
_ADRES_IN_TEKST = re.compile(r"<?[^\s<>@\"'(),;:]+@[^\s<>@\"'(),;:]+>?")


def without_addresses(reden: str) -> str:
    """The reason with every address replaced by "[adres]": kept beyond the purge, so it may
    hold no personal data."""
    return _ADRES_IN_TEKST.sub("[adres]", reden)


def _mine(bericht: dict[str, Any], eigenaar: str) -> Any:
    return (
        (Bericht.id == bericht["id"])
        & (Bericht.status == Status.BEZIG.value)
        & (Bericht.geclaimd_door == eigenaar)
    )


async def _mark_failed(
    bericht: dict[str, Any], reden: str, *, permanent: bool, moment: datetime, eigenaar: str = ""
) -> None:
    """A refusal by the recipient's side: 5xx is final, 4xx is retried MAX_POGINGEN times."""
    changes: dict[Column | str, Any]
    if permanent or bericht["pogingen"] >= MAX_POGINGEN:
        changes = {Bericht.status: Status.MISLUKT.value, Bericht.afgehandeld_at: moment}
    else:
        wacht = min(BACKOFF_BASE * 2 ** max(bericht["pogingen"] - 1, 0), BACKOFF_MAX)
        changes = {Bericht.status: Status.WACHTEND.value, Bericht.volgende_poging_at: moment + wacht}
    await Bericht.update(
        {**changes, Bericht.server_weg_sinds: None, Bericht.fout: without_addresses(reden)[:500]}
    ).where(_mine(bericht, eigenaar))


async def _server_away(bericht: dict[str, Any], reden: str, moment: datetime, eigenaar: str) -> bool:
    """Our mail server could not be reached (or said 421): not the recipient's fault, so it
    is no attempt. Retried for SERVER_GEDULD from the first such failure; True if given up."""
    sinds = as_utc(bericht["server_weg_sinds"]) if bericht["server_weg_sinds"] else moment
    reden = without_addresses(reden)[:400]
    changes: dict[Column | str, Any]
    if moment - sinds >= SERVER_GEDULD:
        changes = {
            Bericht.status: Status.MISLUKT.value,
            Bericht.afgehandeld_at: moment,
            Bericht.fout: f"De mailserver was {SERVER_GEDULD.days} dagen niet bereikbaar ({reden})",
        }
        gave_up = True
    else:
        wacht = min(max(BACKOFF_BASE, (moment - sinds) / 2), SERVER_BACKOFF_MAX)
        changes = {
            Bericht.status: Status.WACHT_OP_SERVER.value,
            Bericht.volgende_poging_at: moment + wacht,
            Bericht.fout: f"Mailserver niet bereikbaar: {reden}",
        }
        gave_up = False
    await Bericht.update(
        {**changes, Bericht.server_weg_sinds: sinds, Bericht.pogingen: Bericht.pogingen - 1}
    ).where(_mine(bericht, eigenaar))
    return gave_up


def _client(settings: Settings) -> aiosmtplib.SMTP:
    tls_context = ssl.create_default_context() if settings.smtp_tls != "none" else None
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password or None,
        use_tls=settings.smtp_tls == "tls",
        start_tls=settings.smtp_tls == "starttls",
        tls_context=tls_context,
        timeout=30,
    )


@dataclass
class DrainResult:
    verzonden: int = 0
    tijdelijk_mislukt: int = 0  # a recipient's server said "later" (4xx)
    definitief_mislukt: int = 0
    wacht_op_server: int = 0  # our mail server was away: retried for days, not counted as attempts
    server_weg: bool = False
    server_bereikt: bool = False


_CONNECTION_ERRORS = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    OSError,
)
# 421: the server closes the channel (overloaded, shutting down); about the server, not the mail.
SERVER_WEG_CODE = 421


Voortgang = Callable[[DrainResult], None]


async def _connect(settings: Settings) -> aiosmtplib.SMTP:
    smtp = _client(settings)
    await smtp.connect()
    return smtp


async def _give_back(
    batch: list[dict[str, Any]], reden: str, result: DrainResult, clock: Clock, eigenaar: str
) -> None:
    result.server_weg = True
    for bericht in batch:
        if await _server_away(bericht, reden, clock(), eigenaar):
            result.definitief_mislukt += 1
        else:
            result.wacht_op_server += 1


async def _worker(
    settings: Settings, result: DrainResult, clock: Clock, groep: str | None, voortgang: Voortgang | None
) -> None:
    """Claim a small batch, send it over one connection, repeat until nothing is due."""
    eigenaar = secrets.token_hex(8)
    while True:
        batch = await claim(BATCH, clock(), groep, eigenaar)
        if not batch:
            return
        open_ids = {b["id"] for b in batch}
        keeper = asyncio.create_task(_keep_claims(open_ids, eigenaar, clock))
        try:
            if not await _send_batch(settings, batch, open_ids, result, clock, eigenaar, voortgang):
                return
        finally:
            open_ids.clear()
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper


async def _send_batch(
    settings: Settings,
    batch: list[dict[str, Any]],
    open_ids: set[int],
    result: DrainResult,
    clock: Clock,
    eigenaar: str,
    voortgang: Voortgang | None,
) -> bool:
    """Send one claimed batch; False when the server went away (stop this worker)."""
    gedeeld = await _shared_attachments(batch)
    envelope_from = parseaddr(settings.mail_from)[1]
    try:
        smtp = await _connect(settings)
    except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException) as exc:
        await _give_back(batch, str(exc), result, clock, eigenaar)
        return False
    result.server_bereikt = True
    try:
        for index, bericht in enumerate(batch):
            if bericht["id"] not in open_ids:
                continue  # our claim was taken over: the other drainer sends it
            try:
                shared = gedeeld.get(_bron(bericht))
                data = to_bytes(render(bericht, settings, shared), shared)
                await smtp.sendmail(envelope_from, [bericht["aan"]], data)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                code = exc.recipients[0].code if exc.recipients else 550
                if code == SERVER_WEG_CODE:
                    await _give_back(batch[index:], f"{code} {exc}", result, clock, eigenaar)
                    return False
                await _refused(bericht, code, str(exc), result, clock(), eigenaar)
            except aiosmtplib.SMTPResponseException as exc:
                if exc.code == SERVER_WEG_CODE:
                    await _give_back(batch[index:], f"{exc.code} {exc.message}", result, clock, eigenaar)
                    return False
                await _refused(bericht, exc.code, exc.message, result, clock(), eigenaar)
            except _CONNECTION_ERRORS as exc:
                # Whether the server took the mail in flight is unknown: it goes again, with
                # the same Message-ID, so the receiving side can recognise it.
                await _give_back(batch[index:], f"Verbinding verbroken: {exc}", result, clock, eigenaar)
                return False
            else:
                await _mark_sent(bericht["id"], clock())
                open_ids.discard(bericht["id"])
                result.verzonden += 1
                if voortgang is not None:
                    voortgang(result)
                continue
            open_ids.discard(bericht["id"])
            # After a refusal, start the next mail with a clean SMTP state.
            try:
                await smtp.rset()
            except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException):
                smtp.close()
                try:
                    smtp = await _connect(settings)
                except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException) as exc:
                    await _give_back(batch[index + 1 :], str(exc), result, clock, eigenaar)
                    return False
        return True
    finally:
        if smtp.is_connected:
            try:
                await smtp.quit()
            except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException):
                smtp.close()


async def _refused(
    bericht: dict[str, Any], code: int, reden: str, result: DrainResult, moment: datetime, eigenaar: str
) -> None:
    permanent = 500 <= code < 600
    await _mark_failed(bericht, f"{code} {reden}", permanent=permanent, moment=moment, eigenaar=eigenaar)
    if permanent:
        result.definitief_mislukt += 1
    else:
        result.tijdelijk_mislukt += 1


# --- the beheerder hears of an outage once --------------------------------------------------

STORING_SLEUTEL = "mailserver_weg_sinds"


async def _note_outage(result: DrainResult, moment: datetime) -> None:
    """The first drain that finds the server away starts an outage: an audit event and a mail
    to every beheerder (it waits in the outbox like any other and goes when the server is
    back, saying since when). A drain that reaches the server ends it."""
    from participatie.accounts.tables import Gebruiker, Instelling, Rol

    if result.server_bereikt:
        await Instelling.delete().where(Instelling.sleutel == STORING_SLEUTEL)
        return
    if not result.server_weg:
        return
    begun = await Instelling.insert(
        Instelling(sleutel=STORING_SLEUTEL, waarde=moment.isoformat(timespec="seconds"))
    ).on_conflict(target=Instelling.sleutel, action="DO NOTHING")
    if not begun:
        return  # this outage was reported before
    log_event("mailserver_onbereikbaar", wachtend=result.wacht_op_server)
    beheerders = await Gebruiker.select(Gebruiker.id, Gebruiker.email, Gebruiker.naam, Gebruiker.taal).where(
        (Gebruiker.rol == Rol.BEHEERDER.value) & (Gebruiker.is_actief == True)  # noqa: E712
    )
    for beheerder in beheerders:
        # Each in the language the beheerder chose, the moment in its words too.
        with in_taal(beheerder["taal"]) as taal:
            sinds = leesbaar_moment(moment)
        await enqueue(
            beheerder["email"],
            "mailserver_storing",
            {"naam": beheerder["naam"], "sinds": sinds, "dagen": SERVER_GEDULD.days},
            groep="beheer",
            sleutel=f"mailserver-storing:{moment.isoformat(timespec='seconds')}:{beheerder['id']}",
            taal=taal,
        )


async def outage_since() -> str | None:
    """Since when (Amsterdam time, as text) the mail server is away, or None."""
    from participatie.accounts.tables import Instelling

    row = await Instelling.select(Instelling.waarde).where(Instelling.sleutel == STORING_SLEUTEL).first()
    if row is None:
        return None
    return leesbaar_moment(datetime.fromisoformat(row["waarde"]))


async def drain(
    settings: Settings,
    *,
    connections: int = 4,
    moment: datetime | None = None,
    groep: str | None = None,
    voortgang: Voortgang | None = None,
) -> DrainResult:
    """Send every due mail (of one group, if given); a few connections at once, each with its
    own claimed batches. `voortgang` is called after each mail sent (a progress bar).

    Time comes from `now()`; with `moment` the drain runs as if started then, its clock still
    moving on from there (tests look days ahead this way)."""
    result = DrainResult()
    clock = now if moment is None else _clock_from(moment)
    # Every worker runs to its end (a lost database stops each at its next query, after it
    # noted what the server took); then the first failure is raised.
    outcomes = await asyncio.gather(
        *(_worker(settings, result, clock, groep, voortgang) for _ in range(max(1, connections))),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    await _note_outage(result, clock())
    if result.verzonden or result.tijdelijk_mislukt or result.definitief_mislukt or result.wacht_op_server:
        logger.info(
            "outbox: %s verzonden, %s later opnieuw, %s wachten op de mailserver, %s mislukt",
            result.verzonden,
            result.tijdelijk_mislukt,
            result.wacht_op_server,
            result.definitief_mislukt,
        )
    return result


def _clock_from(moment: datetime) -> Clock:
    offset = moment - now()
    return lambda: now() + offset


async def purge(moment: datetime | None = None) -> int:
    """Blank the address, context and attachment of mails finished over a day ago, and take
    any address out of their failure reason (rows stored before reasons were cleaned)."""
    moment = moment or now()
    rows = (
        await Bericht.update(
            {Bericht.aan: "", Bericht.context: {}, Bericht.bijlage: None, Bericht.opgeschoond_at: moment}
        )
        .where(
            Bericht.status.is_in([Status.VERZONDEN.value, Status.MISLUKT.value])
            & (Bericht.afgehandeld_at < moment - BEWAARTERMIJN)
            & Bericht.opgeschoond_at.is_null()
        )
        .returning(Bericht.id, Bericht.fout)
    )
    for row in rows:
        schoon = without_addresses(row["fout"])
        if schoon != row["fout"]:
            await Bericht.update({Bericht.fout: schoon}).where(Bericht.id == row["id"])
    return len(rows)


async def retry_failed(groep: str) -> int:
    """Queue the finally failed mails of one group again (the council's "opnieuw proberen")."""
    rows = (
        await Bericht.update(
            {
                Bericht.status: Status.WACHTEND.value,
                Bericht.pogingen: 0,
                Bericht.volgende_poging_at: now(),
                Bericht.afgehandeld_at: None,
                # A new try gets the full patience with an absent server again.
                Bericht.server_weg_sinds: None,
            }
        )
        .where(
            (Bericht.groep == groep)
            & (Bericht.status == Status.MISLUKT.value)
            & Bericht.opgeschoond_at.is_null()
        )
        .returning(Bericht.id)
    )
    return len(rows)


async def counts(groep: str) -> dict[str, int]:
    """How many mails of a group are waiting, sent and failed; never the addresses."""
    rows = (
        await Bericht.select(Bericht.status, Count(Bericht.id, alias="aantal"))
        .where(Bericht.groep == groep)
        .group_by(Bericht.status)
    )
    result = {status.value: 0 for status in Status}
    for row in rows:
        result[row["status"]] = row["aantal"]
    return result


async def failure_reasons(groep: str) -> list[dict[str, Any]]:
    """Why mails of a group failed for good, with how many per reason; never the addresses."""
    return (
        await Bericht.select(Bericht.fout, Count(Bericht.id, alias="aantal"))
        .where((Bericht.groep == groep) & (Bericht.status == Status.MISLUKT.value))
        .group_by(Bericht.fout)
        .order_by(Bericht.fout)
    )


async def failed_counts(groepen: list[str]) -> dict[str, int]:
    """How many mails of each group failed for good and can still be sent again (their address
    not yet blanked by `purge`), one query for all groups; groups without any are left out."""
    if not groepen:
        return {}
    rows = (
        await Bericht.select(Bericht.groep, Count(Bericht.id, alias="aantal"))
        .where(
            Bericht.groep.is_in(groepen)
            & (Bericht.status == Status.MISLUKT.value)
            & Bericht.opgeschoond_at.is_null()
        )
        .group_by(Bericht.groep)
    )
    return {row["groep"]: row["aantal"] for row in rows}
