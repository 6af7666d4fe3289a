"""The outbox against a real SMTP server (aiosmtpd), on both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from participatie.mail import outbox
from participatie.mail.tables import Bericht, Status


def _context(**changes: str) -> dict[str, str]:
    context = {
        "naam": "Sanne de Vries",
        "titel": "Afvalinzameling in Wijk aan Zee",
        "stap": "trechteren",
        "stap_label": "Trechteren",
        "stap_uitleg": "De raad bekijkt of en hoe de vraag wordt opgepakt.",
        "notitie": "",
        "afwijsreden": "",
        "pad": "/gemeente/velsen/aanvragen/1",
        "raad_naam": "Participatieraad Velsen",
    }
    return {**context, **changes}


async def _queue(n: int, groep: str = "test") -> None:
    for i in range(n):
        await outbox.enqueue(f"inwoner{i}@example.org", "vraag_stap", _context(), groep=groep)


async def _statuses() -> list[str]:
    return [r["status"] for r in await Bericht.select(Bericht.status).order_by(Bericht.id)]


async def test_drain_sends_each_mail_once_with_text_and_html(database, mail_settings, smtp) -> None:
    await _queue(3)

    first = await outbox.drain(mail_settings)
    second = await outbox.drain(mail_settings)

    assert (first.verzonden, second.verzonden) == (3, 0)
    assert sorted(m["To"] for m in smtp.received) == [f"inwoner{i}@example.org" for i in range(3)]
    message = smtp.to("inwoner0@example.org")[0]
    assert message["Subject"] == "Participatieraad Velsen: uw vraag is nu in de stap trechteren"
    assert message.get_body("plain").get_content().startswith("Beste Sanne de Vries,")
    assert "https://participatie.test/gemeente/velsen/aanvragen/1" in message.get_body("html").get_content()
    assert await _statuses() == ["verzonden"] * 3


async def test_enqueue_with_the_same_key_queues_one_mail(database, mail_settings, smtp) -> None:
    results = [
        await outbox.enqueue("a@example.org", "vraag_stap", _context(), sleutel="vraag:1:stap:trechteren")
        for _ in range(2)
    ]

    await outbox.drain(mail_settings)

    assert results == [True, False]
    assert len(smtp.received) == 1


async def test_temporary_refusal_is_retried_later(database, mail_settings, smtp) -> None:
    await _queue(1)
    smtp.replies = ["451 4.3.0 Probeer het later"]

    first = await outbox.drain(mail_settings)
    too_soon = await outbox.drain(mail_settings)
    later = await outbox.drain(mail_settings, moment=outbox.now() + timedelta(hours=1))

    assert (first.tijdelijk_mislukt, too_soon.verzonden, later.verzonden) == (1, 0, 1)
    assert len(smtp.received) == 1
    row = await Bericht.select(Bericht.status, Bericht.pogingen).first()
    assert row == {"status": "verzonden", "pogingen": 2}


async def test_permanent_refusal_is_recorded_and_not_retried(database, mail_settings, smtp) -> None:
    await _queue(2)
    smtp.replies = ["550 5.1.1 Onbekende ontvanger"]

    first = await outbox.drain(mail_settings)
    later = await outbox.drain(mail_settings, moment=outbox.now() + timedelta(days=2))

    assert (first.definitief_mislukt, first.verzonden) == (1, 1)
    assert (later.verzonden, later.definitief_mislukt) == (0, 0)
    failed = await Bericht.select(Bericht.aan, Bericht.fout).where(Bericht.status == Status.MISLUKT.value)
    assert failed == [{"aan": "inwoner0@example.org", "fout": "550 5.1.1 Onbekende ontvanger"}]
    assert await outbox.counts("test") == {
        "wachtend": 0,
        "wacht_op_server": 0,
        "bezig": 0,
        "verzonden": 1,
        "mislukt": 1,
    }


async def test_server_down_then_back_delivers_once(database, mail_settings, smtp) -> None:
    await _queue(2)
    smtp.stop()

    down = await outbox.drain(mail_settings)
    smtp.controller = None
    from aiosmtpd.controller import Controller

    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    smtp.controller.start()
    back = await outbox.drain(mail_settings, moment=outbox.now() + timedelta(hours=1))

    assert (down.wacht_op_server, down.verzonden, back.verzonden) == (2, 0, 2)
    assert len(smtp.received) == 2


async def test_claims_of_a_stopped_drainer_are_retaken_after_the_lease(database, mail_settings, smtp) -> None:
    await _queue(3)
    await outbox.claim(2, outbox.now())  # a drainer that died right after claiming

    now = await outbox.drain(mail_settings)
    lease_over = outbox.now() + outbox.CLAIM_LEASE + timedelta(seconds=1)
    after_lease = await outbox.drain(mail_settings, moment=lease_over)

    assert (now.verzonden, after_lease.verzonden) == (1, 2)
    assert sorted(m["To"] for m in smtp.received) == [f"inwoner{i}@example.org" for i in range(3)]


async def test_two_drainers_at_once_send_every_mail_once(database, mail_settings, smtp) -> None:
    await _queue(120)

    results = await asyncio.gather(outbox.drain(mail_settings), outbox.drain(mail_settings))

    addresses = [m["To"] for m in smtp.received]
    assert sum(r.verzonden for r in results) == 120
    assert len(addresses) == 120
    assert len(set(addresses)) == 120


@pytest.mark.parametrize(
    "address",
    ["", "geen-apenstaartje", "a@b", "a@example.org\r\nBcc: x@evil.example", "a@example.org, b@example.org"],
)
async def test_enqueue_refuses_an_address_that_is_not_one_recipient(database, address: str) -> None:
    with pytest.raises(outbox.OngeldigAdres):
        await outbox.enqueue(address, "vraag_stap", _context())

    assert await Bericht.count() == 0


async def test_header_injection_in_a_field_stays_in_the_subject_line(database, mail_settings, smtp) -> None:
    await outbox.enqueue(
        "a@example.org", "vraag_stap", _context(raad_naam="Raad\r\nBcc: slachtoffer@evil.example")
    )

    await outbox.drain(mail_settings)

    message = smtp.received[0]
    assert message["Bcc"] is None
    assert (
        message["Subject"].strip()
        == "Raad Bcc: slachtoffer@evil.example: uw vraag is nu in de stap trechteren"
    )


async def test_a_subject_with_accents_arrives_intact(database, mail_settings, smtp) -> None:
    await outbox.enqueue("a@example.org", "vraag_stap", _context(raad_naam="Raad voor cliënten en één"))

    await outbox.drain(mail_settings)

    (message,) = smtp.received
    assert message["Subject"] == "Raad voor cliënten en één: uw vraag is nu in de stap trechteren"
    assert "Raad voor cliënten en één" in message.get_body("plain").get_content()


async def test_html_part_escapes_what_users_typed(database, mail_settings, smtp) -> None:
    await outbox.enqueue("a@example.org", "vraag_stap", _context(titel="<script>alert(1)</script>"))

    await outbox.drain(mail_settings)

    html = smtp.received[0].get_body("html").get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_purge_blanks_personal_data_a_day_after_delivery(database, mail_settings, smtp) -> None:
    await _queue(1)
    await outbox.drain(mail_settings)

    too_early = await outbox.purge(outbox.now() + timedelta(hours=22))
    purged = await outbox.purge(outbox.now() + timedelta(hours=23, minutes=1))

    row = await Bericht.select(Bericht.aan, Bericht.context, Bericht.status).output(load_json=True).first()
    assert (too_early, purged) == (0, 1)
    assert row == {"aan": "", "context": {}, "status": "verzonden"}


async def test_a_refusal_reason_is_kept_without_the_address(database, mail_settings, smtp) -> None:
    await _queue(1)
    smtp.replies = ["550 5.1.1 <jan.jansen@example.org>: user unknown"]

    await outbox.drain(mail_settings)
    shown = await outbox.failure_reasons("test")
    await outbox.purge(outbox.now() + timedelta(hours=24))
    kept = await Bericht.select(Bericht.aan, Bericht.fout).first()

    assert shown == [{"fout": "550 5.1.1 [adres]: user unknown", "aantal": 1}]
    assert kept == {"aan": "", "fout": "550 5.1.1 [adres]: user unknown"}


async def test_purge_takes_addresses_out_of_reasons_stored_before(database, mail_settings, smtp) -> None:
    await _queue(1)
    smtp.replies = ["550 5.1.1 user unknown"]
    await outbox.drain(mail_settings)
    # A row as the earlier code stored it: the server's text with the recipient in it.
    await Bericht.update({Bericht.fout: "550 5.1.1 <inwoner0@example.org>: user unknown"}).where(
        Bericht.id > 0
    )

    await outbox.purge(outbox.now() + timedelta(hours=24))

    assert await Bericht.select(Bericht.fout).first() == {"fout": "550 5.1.1 [adres]: user unknown"}


async def test_the_follow_up_mail_does_not_claim_the_address_is_already_gone(database, mail_settings, smtp):
    context = {"raad_naam": "Participatieraad Beverwijk", "titel": "Minima", "oordeel": "Overgenomen"}
    await outbox.enqueue(
        "inwoner@example.org", "rapport_vervolg", {**context, "toelichting": "", "pad": "/r"}
    )

    await outbox.drain(mail_settings)

    text = smtp.received[0].get_body("plain").get_content()
    html = smtp.received[0].get_body("html").get_content()
    for body in (text, html):
        assert "nu gewist" not in body
        assert "Uw e-mailadres wissen we binnen een dag nadat deze e-mail is verstuurd." in body
