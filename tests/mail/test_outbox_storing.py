"""The outbox when things go wrong (issue 11): a long mail-out, a slow server, our own mail
server away for days, a mail delivered with a token in its context. Real SMTP, both engines;
time moves through the outbox's clock, not by waiting."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import pytest

from participatie.accounts.tables import Instelling
from participatie.mail import outbox
from participatie.mail.tables import Bericht, Status
from tests.conftest import SmtpRecorder, make_gebruiker
from tests.mail.test_outbox import _context, _queue


class SlowRecorder(SmtpRecorder):
    """An SMTP server that takes `delay` seconds per mail, like a busy provider."""

    delay = 0.0

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def restart(smtp: SmtpRecorder) -> None:
    """The same SMTP server back on its port after smtp.stop()."""
    from aiosmtpd.controller import Controller

    smtp.release.clear()
    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    smtp.controller.start()


@pytest.fixture
def slow_smtp():
    recorder = SlowRecorder()
    recorder.port = recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def short_lease(monkeypatch):
    """A lease of 1.5 s renewed every 0.3 s: the production 60 s / 15 s, scaled down."""
    monkeypatch.setattr(outbox, "CLAIM_LEASE", timedelta(seconds=1.5))
    monkeypatch.setattr(outbox, "CLAIM_RENEW", timedelta(seconds=0.3), raising=False)


async def test_a_mail_out_longer_than_the_lease_sends_each_mail_once(
    database, settings, slow_smtp, short_lease
) -> None:
    await _queue(30)
    slow_smtp.delay = 0.15  # 30 mails over one connection: 4.5 s, three leases long
    mail_settings = settings.with_changes(smtp_port=slow_smtp.port)
    first = asyncio.create_task(outbox.drain(mail_settings, connections=1))
    await asyncio.sleep(0.3)  # the first drainer has claimed its batch
    second_sent = 0
    while not first.done():  # a second drainer beside it, as the planner runs beside the command
        second_sent += (await outbox.drain(mail_settings, connections=1)).verzonden
        await asyncio.sleep(0.2)
    first_sent = (await first).verzonden

    addresses = [m["To"] for m in slow_smtp.received]
    assert (len(addresses), len(set(addresses)), first_sent + second_sent) == (30, 30, 30)


async def _drain_hourly(mail_settings, start, hours: int) -> list[outbox.DrainResult]:
    return [
        await outbox.drain(mail_settings, moment=start + timedelta(hours=h, seconds=1)) for h in range(hours)
    ]


async def test_our_mail_server_away_for_three_days_then_back_delivers_everything(
    database, mail_settings, smtp
) -> None:
    await _queue(3)
    start = outbox.now()
    smtp.stop()

    away = await _drain_hourly(mail_settings, start, 72)  # the old code gave up after about an hour
    during = await outbox.counts("test")
    restart(smtp)
    back = await outbox.drain(mail_settings, moment=start + timedelta(hours=73))

    assert sum(r.definitief_mislukt for r in away) == 0
    assert during == {"wachtend": 0, "wacht_op_server": 3, "bezig": 0, "verzonden": 0, "mislukt": 0}
    assert back.verzonden == 3
    assert sorted(m["To"] for m in smtp.received) == [f"inwoner{i}@example.org" for i in range(3)]
    rows = await Bericht.select(Bericht.pogingen, Bericht.fout)
    assert rows == [{"pogingen": 1, "fout": ""}] * 3  # a server away is not the recipient's attempt


async def test_our_mail_server_away_longer_than_four_days_gives_up_with_the_reason(
    database, mail_settings, smtp
) -> None:
    await _queue(1)
    start = outbox.now()
    smtp.stop()

    await outbox.drain(mail_settings, moment=start)
    before = await outbox.drain(mail_settings, moment=start + outbox.SERVER_GEDULD - timedelta(minutes=1))
    after = await outbox.drain(mail_settings, moment=start + outbox.SERVER_GEDULD + timedelta(hours=1))

    assert (before.definitief_mislukt, after.definitief_mislukt) == (0, 1)
    (reden,) = await outbox.failure_reasons("test")
    assert reden["fout"].startswith("De mailserver was 4 dagen niet bereikbaar")


async def test_a_421_is_the_server_not_the_recipient(database, mail_settings, smtp) -> None:
    await _queue(2)
    smtp.replies = ["421 4.3.2 Service shutting down"] * 9

    result = await outbox.drain(mail_settings)

    assert (result.wacht_op_server, result.tijdelijk_mislukt, result.definitief_mislukt) == (2, 0, 0)
    assert await outbox.counts("test") == {
        "wachtend": 0,
        "wacht_op_server": 2,
        "bezig": 0,
        "verzonden": 0,
        "mislukt": 0,
    }


async def test_an_outage_alerts_the_beheerders_once(database, settings, mail_settings, smtp) -> None:
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    await _queue(2)
    start = outbox.now()
    smtp.stop()

    for hours in (0, 1, 2):
        await outbox.drain(mail_settings, moment=start + timedelta(hours=hours))
    alerts = await Bericht.select(Bericht.aan).where(Bericht.sjabloon == "mailserver_storing")
    since = await outbox.outage_since()
    restart(smtp)
    await outbox.drain(mail_settings, moment=start + timedelta(hours=3))

    assert alerts == [{"aan": "beheer@ijmond.example"}]
    assert since is not None
    assert await outbox.outage_since() is None
    (alert,) = smtp.to("beheer@ijmond.example")
    assert alert["Subject"] == "De mailserver van Participatie IJmond was niet bereikbaar"
    assert await Instelling.count().where(Instelling.sleutel == outbox.STORING_SLEUTEL) == 0


async def test_a_delivered_mail_keeps_no_link_with_a_token(database, mail_settings, smtp) -> None:
    await outbox.enqueue(
        "a@example.org", "vraag_stap", _context(pad="/wachtwoord/herstel/GEHEIM-TOKEN"), groep="test"
    )

    await outbox.drain(mail_settings)

    row = await Bericht.select(Bericht.context, Bericht.status).output(load_json=True).first()
    assert row == {"context": {}, "status": Status.VERZONDEN.value}
    assert await outbox.counts("test") == {
        "wachtend": 0,
        "wacht_op_server": 0,
        "bezig": 0,
        "verzonden": 1,
        "mislukt": 0,
    }


async def test_the_message_id_is_derived_from_the_mails_key(database, mail_settings, smtp) -> None:
    await outbox.enqueue("a@example.org", "vraag_stap", _context(), sleutel="vraag:7:stap:trechteren")

    await outbox.drain(mail_settings)

    digest = hashlib.sha256(b"vraag:7:stap:trechteren").hexdigest()[:32]
    assert smtp.received[0]["Message-ID"] == f"<{digest}@participatie.test>"


async def test_a_mail_cut_off_in_flight_goes_again_with_the_same_message_id(
    database, mail_settings, smtp
) -> None:
    await outbox.enqueue("a@example.org", "vraag_stap", _context(), sleutel="k1")
    smtp.replies = ["421 4.4.2 Verbinding verbroken"]

    await outbox.drain(mail_settings)
    await outbox.drain(mail_settings, moment=outbox.now() + timedelta(minutes=5))

    (message,) = smtp.received
    assert message["Message-ID"] == f"<{hashlib.sha256(b'k1').hexdigest()[:32]}@participatie.test>"


async def test_a_retry_after_giving_up_gets_the_full_patience_again(database, mail_settings, smtp) -> None:
    await _queue(1)
    start = outbox.now()
    smtp.stop()
    await outbox.drain(mail_settings, moment=start)
    await outbox.drain(mail_settings, moment=start + outbox.SERVER_GEDULD + timedelta(hours=1))

    retried = await outbox.retry_failed("test")
    again = await outbox.drain(mail_settings, moment=start + outbox.SERVER_GEDULD + timedelta(hours=2))

    assert (retried, again.definitief_mislukt, again.wacht_op_server) == (1, 0, 1)
