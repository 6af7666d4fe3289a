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
import io
import logging
import re
import secrets
import ssl
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
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from piccolo.query.functions.aggregate import Count

from participatie.config import TEMPLATES_DIR, Settings
from participatie.mail.tables import Bericht, Status

logger = logging.getLogger("participatie.mail")

CLAIM_LEASE = timedelta(minutes=10)
BATCH = 50
MAX_POGINGEN = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=2)
# Personal data of a finished mail: blanked after 23 h by an hourly job, so always within 24 h.
BEWAARTERMIJN = timedelta(hours=23)


class OngeldigAdres(ValueError):
    """The address cannot be used as a single SMTP recipient."""


def now() -> datetime:
    return datetime.now(UTC)


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
) -> bool:
    """Queue one mail. Call inside the use case's transaction. False if `sleutel` was queued before."""
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
    )
    if sleutel is None:
        await Bericht.insert(values)
        return True
    rows = await Bericht.insert(values).on_conflict(target=Bericht.sleutel, action="DO NOTHING")
    return bool(rows)


# --- rendering ------------------------------------------------------------------------------

# Plain-text mail is not HTML: escaping would show "&amp;" to the reader. The HTML part uses
# its own autoescaping environment.
_text_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=False,  # noqa: S701
    undefined=StrictUndefined,
)
_html_env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined)


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


def render(bericht: dict[str, Any], settings: Settings, gedeeld: Bijlage | None = None) -> Message:
    """Build the message: emails/<sjabloon>.txt gives blocks `onderwerp` and `tekst`; an
    emails/<sjabloon>.html beside it adds an HTML alternative. `gedeeld` is a shared
    attachment loaded by the drainer.

    Built with the classic email.mime classes: the modern EmailMessage API parses every header
    through its registry, which made building and flattening the message most of the cost of
    sending (about 5 ms per mail, measured with bench/terugkoppeling_fanout.py).
    """
    context = {**bericht["context"], "base_url": settings.base_url.rstrip("/")}
    text_template = _text_env.get_template(f"emails/{bericht['sjabloon']}.txt")
    text_ctx = text_template.new_context(context)
    onderwerp = _one_line("".join(text_template.blocks["onderwerp"](text_ctx)))
    tekst = "".join(text_template.blocks["tekst"](text_template.new_context(context))).strip() + "\n"

    body: Message = MIMEText(tekst, "plain", _UTF8)
    try:
        html_template = _html_env.get_template(f"emails/{bericht['sjabloon']}.html")
    except TemplateNotFound:
        pass
    else:
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        alternative.attach(MIMEText(html_template.render(context, onderwerp=onderwerp), "html", _UTF8))
        body = alternative
    message = body
    if bericht["bijlage"] is not None or gedeeld is not None:
        message = MIMEMultipart("mixed", boundary=f"=_deel_{secrets.token_hex(12)}")
        message.attach(body)
        if bericht["bijlage"] is not None:
            message.attach(_part(bericht["bijlage_naam"], bericht["bijlage_type"], bytes(bericht["bijlage"])))
    message["Subject"] = Header(onderwerp, _UTF8) if not onderwerp.isascii() else onderwerp
    message["From"] = settings.mail_from
    message["To"] = bericht["aan"]  # one plain address: check_address allowed nothing else
    message["Date"] = formatdate(localtime=False)
    host = urlparse(settings.base_url).hostname or "participatie.local"
    # Stable per mail, so a receiving system could recognise a retried delivery.
    message["Message-ID"] = f"<bericht-{bericht['id']}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    return message


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


async def claim(limit: int, moment: datetime, groep: str | None = None) -> list[dict[str, Any]]:
    """Take up to `limit` mails that are due, or whose drainer stopped before finishing them."""
    stale = moment - CLAIM_LEASE
    alleen_groep = "AND groep = {}" if groep is not None else ""
    skip_locked = "" if Bericht._meta.db.engine_type == "sqlite" else "FOR UPDATE SKIP LOCKED"
    rows = await Bericht.raw(
        f"""
        UPDATE bericht SET status = {{}}, geclaimd_at = {{}}, pogingen = pogingen + 1
        WHERE id IN (
            SELECT id FROM bericht
            WHERE ((status = {{}} AND volgende_poging_at <= {{}})
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
        Status.WACHTEND.value,
        moment,
        Status.BEZIG.value,
        stale,
        *([groep] if groep is not None else []),
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    return await Bericht.select().where(Bericht.id.is_in(ids)).order_by(Bericht.id).output(load_json=True)


async def _mark_sent(bericht_id: int) -> None:
    await Bericht.update(
        {Bericht.status: Status.VERZONDEN.value, Bericht.afgehandeld_at: now(), Bericht.fout: ""}
    ).where(Bericht.id == bericht_id)


# Anything shaped like an address (with its angle brackets): SMTP replies and connection
# errors often quote the recipient, and the reasons are kept and shown to the council.
_ADRES_IN_TEKST = re.compile(r"<?[^\s<>@\"'(),;:]+@[^\s<>@\"'(),;:]+>?")


def without_addresses(reden: str) -> str:
    """The reason with every address replaced by "[adres]": kept beyond the purge, so it may
    hold no personal data."""
    return _ADRES_IN_TEKST.sub("[adres]", reden)


async def _mark_failed(bericht: dict[str, Any], reden: str, *, permanent: bool, moment: datetime) -> None:
    if permanent or bericht["pogingen"] >= MAX_POGINGEN:
        changes = {Bericht.status: Status.MISLUKT.value, Bericht.afgehandeld_at: moment}
    else:
        wacht = min(BACKOFF_BASE * 2 ** max(bericht["pogingen"] - 1, 0), BACKOFF_MAX)
        changes = {Bericht.status: Status.WACHTEND.value, Bericht.volgende_poging_at: moment + wacht}
    await Bericht.update({**changes, Bericht.fout: without_addresses(reden)[:500]}).where(
        Bericht.id == bericht["id"]
    )


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
    tijdelijk_mislukt: int = 0
    definitief_mislukt: int = 0


_CONNECTION_ERRORS = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    OSError,
)


Voortgang = Callable[[DrainResult], None]


async def _worker(
    settings: Settings, result: DrainResult, moment: datetime, groep: str | None, voortgang: Voortgang | None
) -> None:
    """Claim a batch, send it over one connection, repeat until nothing is due."""
    while True:
        batch = await claim(BATCH, moment, groep)
        if not batch:
            return
        gedeeld = await _shared_attachments(batch)
        envelope_from = parseaddr(settings.mail_from)[1]
        smtp = _client(settings)
        try:
            await smtp.connect()
        except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException) as exc:
            # The server is away: give the whole batch back for a later attempt.
            for bericht in batch:
                await _mark_failed(
                    bericht, f"Mailserver niet bereikbaar: {exc}", permanent=False, moment=moment
                )
            result.tijdelijk_mislukt += len(batch)
            return
        try:
            for index, bericht in enumerate(batch):
                try:
                    shared = gedeeld.get(_bron(bericht))
                    data = to_bytes(render(bericht, settings, shared), shared)
                    await smtp.sendmail(envelope_from, [bericht["aan"]], data)
                except aiosmtplib.SMTPRecipientsRefused as exc:
                    code = exc.recipients[0].code if exc.recipients else 550
                    await _refused(bericht, code, str(exc), result, moment)
                except aiosmtplib.SMTPResponseException as exc:
                    await _refused(bericht, exc.code, exc.message, result, moment)
                except _CONNECTION_ERRORS as exc:
                    for rest in batch[index:]:
                        await _mark_failed(
                            rest, f"Verbinding verbroken: {exc}", permanent=False, moment=moment
                        )
                    result.tijdelijk_mislukt += len(batch) - index
                    return
                else:
                    await _mark_sent(bericht["id"])
                    result.verzonden += 1
                    if voortgang is not None:
                        voortgang(result)
                    continue
                # After a refusal, start the next mail with a clean SMTP state.
                try:
                    await smtp.rset()
                except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException):
                    smtp.close()
                    smtp = _client(settings)
                    await smtp.connect()
        finally:
            if smtp.is_connected:
                try:
                    await smtp.quit()
                except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException):
                    smtp.close()


async def _refused(
    bericht: dict[str, Any], code: int, reden: str, result: DrainResult, moment: datetime
) -> None:
    permanent = 500 <= code < 600
    await _mark_failed(bericht, f"{code} {reden}", permanent=permanent, moment=moment)
    if permanent:
        result.definitief_mislukt += 1
    else:
        result.tijdelijk_mislukt += 1


async def drain(
    settings: Settings,
    *,
    connections: int = 4,
    moment: datetime | None = None,
    groep: str | None = None,
    voortgang: Voortgang | None = None,
) -> DrainResult:
    """Send every due mail (of one group, if given); a few connections at once, each with its
    own claimed batches. `voortgang` is called after each mail sent (a progress bar)."""
    result = DrainResult()
    moment = moment or now()
    await asyncio.gather(
        *(_worker(settings, result, moment, groep, voortgang) for _ in range(max(1, connections)))
    )
    if result.verzonden or result.tijdelijk_mislukt or result.definitief_mislukt:
        logger.info(
            "outbox: %s verzonden, %s later opnieuw, %s mislukt",
            result.verzonden,
            result.tijdelijk_mislukt,
            result.definitief_mislukt,
        )
    return result


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
