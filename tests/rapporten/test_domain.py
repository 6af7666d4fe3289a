"""The report and its mail-out on both engines, against a real SMTP server (aiosmtpd)."""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, timedelta

import pytest

from participatie.focusgroepen import domain as focusgroepen
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling, Rapportadres
from participatie.rapporten import domain, inhoud
from participatie.rapporten.tables import Rapport
from participatie.vragen import domain as vragen
from tests.conftest import ROOT
from tests.focusgroepen.test_domain import INWONER
from tests.peilingen.test_domain import answers, make_peiling
from tests.vragen.test_domain import _versie

CONCLUSIES = (
    "## Wat we hoorden\n\nDe regeling is **onbekend**. <script>alert('x')</script>\n\n"
    "[klik](javascript:alert(1))"
)


async def _to(vraag_id: int, raadslid, *stappen: str) -> None:
    for naar in stappen:
        await vragen.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar=naar)


async def _left(peiling_id: int, email: str, *, wil_vervolg: bool) -> None:
    """An address as a batch leaves it in Rapportadres (peilingen/adressen.py; leaving one
    through the app is tested in tests/peilingen/test_adressen.py)."""
    await Rapportadres.insert(
        Rapportadres(id=uuid.uuid4(), peiling=peiling_id, email=email, wil_vervolg=wil_vervolg)
    )


async def make_vraag_met_deelnemers(mensen, *, adressen: int = 3, vervolg: int = 1) -> int:
    """A vraag in terugkoppelen with a closed poll, addresses left and a focus group resident."""
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    for n in range(adressen):
        gegeven, _ = peilingen.parse_antwoorden(formulier, answers(formulier))
        await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel=f"b{n}")
        await _left(peiling_id, f"inwoner{n}@example.org", wil_vervolg=n < vervolg)
    # The same person twice (another case, same address) gets one mail.
    await _left(peiling_id, "INWONER0@example.org", wil_vervolg=False)
    vraag_id = (await Peiling.select(Peiling.vraag).where(Peiling.id == peiling_id).first())["vraag"]
    groep_id = await focusgroepen.create_focusgroep(
        raadslid,
        vraag_id,
        thema="Ervaringen",
        doel="Horen",
        eind_op=(vragen.today() + timedelta(days=30)).isoformat(),
        verantwoordelijke=str(raadslid.id),
    )
    await focusgroepen.add_inwoner(raadslid, groep_id, **INWONER)
    await focusgroepen.add_bevinding(
        raadslid, groep_id, tekst="Het formulier is te lang", steun="unaniem", bijeenkomsten=[]
    )
    await peilingen.close_early(raadslid, peiling_id)
    await _to(vraag_id, raadslid, "terugkoppelen")
    return vraag_id


async def _written(mensen, vraag_id: int) -> None:
    rapport = await domain.rapport_voor(mensen["raadslid"], vraag_id)
    await domain.update_rapport(
        mensen["raadslid"],
        vraag_id,
        versie=rapport["versie"],
        titel="Minimaregelingen: wat u ons vertelde",
        inleiding="Dank aan iedereen die meedeed.",
        conclusies=CONCLUSIES,
        automatisch=False,
    )


async def test_every_participant_gets_the_report_exactly_once(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=5)
    await _written(mensen, vraag_id)

    queued = await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    again = await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)
    await outbox.drain(mail_settings)

    expected = sorted([f"inwoner{n}@example.org" for n in range(5)] + ["fatima@example.org"])
    assert (queued, again) == (6, 0)
    assert sorted(m["To"] for m in smtp.received if "inbreng" in m["Subject"]) == expected
    mail = smtp.to("inwoner0@example.org")[0]
    text = mail.get_body("plain").get_content()
    assert "https://participatie.test/rapporten/beverwijk/" in text
    assert "/r/" in text and "/afmelden/" in text
    (pdf,) = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
    # Who only wanted the report is gone from the poll tables; who wants the follow-up stays.
    assert [r["email"] for r in await Rapportadres.select(Rapportadres.email)] == ["inwoner0@example.org"]


async def test_the_follow_up_goes_only_to_who_asked_and_then_their_address_goes(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=3, vervolg=2)
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)
    smtp.received.clear()
    assert await domain.send_followups(mail_settings) == 0  # no reaction yet

    await _to(vraag_id, mensen["raadslid"], "advies")
    await vragen.record_advies(
        vraag_id,
        mensen["raadslid"],
        versie=await _versie(vraag_id),
        tekst="Maak het eenvoudiger.",
        aan="College",
    )
    await _to(vraag_id, mensen["raadslid"], "borging")
    await vragen.record_reactie(
        vraag_id, mensen["ambtenaar"], oordeel="deels", toelichting="We maken één formulier.", vervolg_op=""
    )
    sent = await domain.send_followups(mail_settings)
    again = await domain.send_followups(mail_settings)
    await outbox.drain(mail_settings)

    followups = [m for m in smtp.received if "wat de gemeente met uw inbreng deed" in m["Subject"]]
    assert (sent, again) == (2, 0)
    assert sorted(m["To"] for m in followups) == ["inwoner0@example.org", "inwoner1@example.org"]
    assert "deels overgenomen" in followups[0].get_body("plain").get_content()
    assert await Rapportadres.count() == 0
    page = await inhoud.render_html((await domain.load_rapport(vraag_id))["id"])
    assert "Deels overgenomen" in page and "We maken één formulier." in page


async def test_a_temporary_refusal_then_success_and_a_permanent_one_recorded(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2)
    await outbox.drain(mail_settings)  # the step mails of the vraag go first
    smtp.received.clear()
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    rapport_id = (await domain.load_rapport(vraag_id))["id"]
    smtp.replies = ["451 4.3.0 Probeer later", "550 5.1.1 Onbekend adres"]

    await outbox.drain(mail_settings)
    await outbox.drain(mail_settings, moment=outbox.now() + timedelta(hours=1))
    status = await domain.delivery(rapport_id)

    assert status["telling"]["verzonden"] == 2
    assert status["telling"]["mislukt"] == 1
    assert status["redenen"] == [{"fout": "550 5.1.1 Onbekend adres", "aantal": 1}]
    assert len(smtp.received) == 2  # three addresses, the 550 not retried
    assert await domain.retry_failed(mensen["raadslid"], vraag_id) == 1


async def test_hostile_markdown_and_header_tricks_stay_inert(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    rapport = await domain.rapport_voor(mensen["raadslid"], vraag_id)
    await domain.update_rapport(
        mensen["raadslid"],
        vraag_id,
        versie=rapport["versie"],
        titel="Rapport\r\nBcc: slachtoffer@evil.example",
        inleiding='<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe>',
        conclusies=CONCLUSIES,
        automatisch=False,
    )
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)

    html = await inhoud.render_html(rapport["id"])
    # Typed HTML shows as text; no tag or link of it survives.
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert 'href="javascript' not in html
    assert "&lt;img src=x onerror" in html
    assert "<strong>onbekend</strong>" in html
    for message in smtp.received:
        assert message["Bcc"] is None
        assert "\n" not in message["Subject"].strip()


async def test_the_report_is_published_by_itself_when_the_last_poll_closes(mensen, settings):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    vraag_id = (await Peiling.select(Peiling.vraag).where(Peiling.id == peiling_id).first())["vraag"]
    await _to(vraag_id, raadslid, "terugkoppelen")
    rapport = await domain.rapport_voor(raadslid, vraag_id)
    await domain.update_rapport(
        raadslid,
        vraag_id,
        versie=rapport["versie"],
        titel="T",
        inleiding="",
        conclusies="C",
        automatisch=True,
    )

    before_approval = await domain.publish_automatic(settings)
    await domain.approve(raadslid, vraag_id)
    while_open = await domain.publish_automatic(settings)
    await peilingen.close_early(raadslid, peiling_id)
    after_close = await domain.publish_automatic(settings)

    assert (before_approval, while_open, after_close) == (0, 0, 1)
    assert (await domain.load_rapport(vraag_id))["gepubliceerd_at"] is not None


async def test_followup_addresses_are_deleted_after_the_maximum_period(mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=2)
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, settings)
    published = (await domain.load_rapport(vraag_id))["gepubliceerd_at"]
    published = published if published.tzinfo else published.replace(tzinfo=UTC)

    early = await domain.purge_followup_addresses(published + timedelta(days=300))
    late = await domain.purge_followup_addresses(published + timedelta(days=370))

    assert (early, late) == (0, 2)
    assert await Rapportadres.count() == 0


async def test_the_pdf_holds_charts_and_findings(mensen, settings):
    # Ten respondents: the smallest number whose distribution a report shows.
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=10)
    await _written(mensen, vraag_id)
    rapport_id = (await domain.load_rapport(vraag_id))["id"]

    html = await inhoud.render_html(rapport_id)
    pdf = await domain.render_pdf(rapport_id)

    assert '<table class="utrecht-table staaf">' in html and "<svg" in html
    assert "Het formulier is te lang" in html
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def _verstuur(settings, smtp, vraag_id: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_SMTP_PORT": str(smtp.port),
        "PARTICIPATIE_BASE_URL": "https://participatie.test",
        "PARTICIPATIE_DB_POOL_SIZE": "4",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "participatie.cli", "rapport", "verstuur", str(vraag_id)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _published_with(mensen, settings, adressen: int) -> int:
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=adressen)
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, settings)
    return vraag_id


async def test_killed_halfway_then_rerun_sends_only_the_rest(mensen, settings, smtp):
    vraag_id = await _published_with(mensen, settings, adressen=40)
    total = await Bericht.count().where(Bericht.sjabloon == "rapport")
    smtp.hold_after = 15

    first = _verstuur(settings, smtp, vraag_id)
    deadline = time.monotonic() + 60
    while len(smtp.received) < 15 and time.monotonic() < deadline:  # noqa: ASYNC110 - another process sends
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # let the drainer record what the server accepted
    first.kill()
    first.wait()
    smtp.release.set()
    assert len(smtp.received) == 15
    # A killed drainer's claims are taken over once its lease has run out.
    await Bericht.update(
        {Bericht.geclaimd_at: outbox.now() - outbox.CLAIM_LEASE - timedelta(minutes=1)}
    ).where(Bericht.status == "bezig")
    smtp.hold_after = None
    second = _verstuur(settings, smtp, vraag_id)
    out, err = second.communicate(timeout=120)

    assert second.returncode == 0, err
    assert f"{total - 15} verstuurd" in out
    addresses = [m["To"] for m in smtp.received]
    assert len(addresses) == total == len(set(addresses))


async def test_two_drainers_at_once_send_every_mail_once(backend, mensen, settings, smtp):
    if backend.name != "postgres":
        pytest.skip("several app processes draining at once is a PostgreSQL setup")
    vraag_id = await _published_with(mensen, settings, adressen=120)
    total = await Bericht.count().where(Bericht.sjabloon == "rapport")

    runs = [_verstuur(settings, smtp, vraag_id), _verstuur(settings, smtp, vraag_id)]
    for run in runs:
        run.communicate(timeout=120)

    addresses = [m["To"] for m in smtp.received]
    assert len(addresses) == total == len(set(addresses))
    assert all(run.returncode == 0 for run in runs)


async def test_council_counts_hold_no_addresses(mensen, settings):
    vraag_id = await _published_with(mensen, settings, adressen=2)
    rapport_id = (await domain.load_rapport(vraag_id))["id"]

    status = await domain.delivery(rapport_id)

    assert status["telling"]["wachtend"] == 3
    assert "@" not in repr(status)
    assert (await Rapport.select(Rapport.ontvangers).first())["ontvangers"] == 3
