"""The mails of the stappenplan, delivered through the outbox to a real SMTP server."""

from datetime import timedelta

import pytest

from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.vragen import domain
from participatie.vragen.tables import Gebeurtenis, Vraag
from tests.vragen.test_domain import _aanvraag, _concretiseer, _versie

ADVIES = "## Ons advies\n\nMaak het **eenvoudiger**.\n\n<script>alert('x')</script>"


async def _to_borging(vraag_id, raadslid) -> None:
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    for naar in ("voorleggen", "terugkoppelen", "advies"):
        await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar=naar)
    await domain.record_advies(
        vraag_id, raadslid, versie=await _versie(vraag_id), tekst=ADVIES, aan="Wethouder Sociaal Domein"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="borging")


async def test_ambtenaar_gets_a_mail_for_each_step_and_the_advice(mensen, mail_settings, smtp):
    vraag_id = await _aanvraag(mensen["ambtenaar"])

    await _to_borging(vraag_id, mensen["raadslid"])
    await outbox.drain(mail_settings)

    # A long subject is folded onto its own line; mail programs show it without the space.
    # The drainer sends over several connections at once, so arrival order is not queue order.
    subjects = sorted(m["Subject"].strip() for m in smtp.to("marja@beverwijk.example"))
    assert subjects == sorted(
        [
            "Participatieraad Beverwijk: uw vraag is nu in de stap trechteren",
            "Participatieraad Beverwijk: uw vraag is nu in de stap concretiseren",
            "Participatieraad Beverwijk: uw vraag is nu in de stap voorleggen",
            "Participatieraad Beverwijk: uw vraag is nu in de stap terugkoppelen",
            "Participatieraad Beverwijk: uw vraag is nu in de stap advies",
            'Participatieraad Beverwijk: het advies over "Minimaregelingen" is klaar',
        ]
    )
    (advice,) = [m for m in smtp.to("marja@beverwijk.example") if "advies over" in m["Subject"]]
    html = advice.get_body("html").get_content()
    assert "<h4>Ons advies</h4>" in html
    assert "<strong>eenvoudiger</strong>" in html
    assert "<script>" not in html
    assert f"https://participatie.test/gemeente/beverwijk/aanvragen/{vraag_id}" in html
    assert "Aan: Wethouder Sociaal Domein" in advice.get_body("plain").get_content()
    marja = smtp.to("marja@beverwijk.example")
    (trechteren,) = [m for m in marja if m["Subject"].strip().endswith("trechteren")]
    assert "De vraag is nu in de stap: Trechteren." in trechteren.get_body("plain").get_content()


async def test_step_mail_is_queued_only_when_the_step_change_is_stored(mensen, mail_settings, smtp):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, mensen["raadslid"], versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )

    with pytest.raises(domain.GelijktijdigGewijzigd):
        await domain.advance_stap(vraag_id, mensen["raadslid"], versie=1, naar="concretiseren")  # stale

    # Only the mail about trechteren; none for the refused move.
    assert await Bericht.count() == 1
    assert (await domain.load_vraag(vraag_id))["stap"] == "trechteren"


async def test_resident_is_told_why_their_idea_is_declined_and_then_forgotten(mensen, mail_settings, smtp):
    vraag_id = await domain.create_idee(
        gemeente_slug="beverwijk", tekst="Een bankje bij de bushalte", email="inwoner@example.org"
    )
    raadslid = mensen["raadslid"]
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="ouderen", prioriteit="laag"
    )

    await domain.advance_stap(
        vraag_id, raadslid, versie=2, naar="afgewezen", afwijsreden="Dit gaat over de openbare ruimte."
    )
    await outbox.drain(mail_settings)

    mails = sorted(smtp.to("inwoner@example.org"), key=lambda m: m["Subject"])
    assert [m["Subject"].strip() for m in mails] == [
        "Participatieraad Beverwijk: uw vraag is nu in de stap afgewezen",
        "Participatieraad Beverwijk: uw vraag is nu in de stap trechteren",
    ]
    assert "De reden: Dit gaat over de openbare ruimte." in mails[0].get_body("plain").get_content()
    # The resident reads what happens in plain words, not the council's name of the step.
    trechteren = mails[1].get_body("plain").get_content()
    assert "De raad bekijkt of en hoe de vraag wordt opgepakt." in trechteren
    assert "in de stap: Trechteren" not in trechteren
    assert "in de stap: <strong>" not in mails[1].get_body("html").get_content()
    assert (await domain.load_vraag(vraag_id))["inwoner_email"] is None


async def _overdue(mensen) -> int:
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _to_borging(vraag_id, mensen["raadslid"])
    await Vraag.update({Vraag.reactie_verwacht_op: domain.today() - timedelta(days=1)}).where(
        Vraag.id == vraag_id
    )
    return vraag_id


async def test_overdue_reaction_reminds_ambtenaar_and_council_once_a_week(mensen, mail_settings, smtp):
    vraag_id = await _overdue(mensen)
    await outbox.drain(mail_settings)
    smtp.received.clear()

    first = await domain.remind_overdue_borging()
    same_day = await domain.remind_overdue_borging(domain.now() + timedelta(hours=5))
    week_later = await domain.remind_overdue_borging(domain.now() + timedelta(days=7, hours=1))
    await outbox.drain(mail_settings)

    assert (first, same_day, week_later) == (1, 0, 1)
    # The vraag's responsible council member (kees) and the ambtenaar, twice each.
    assert sorted(m["To"] for m in smtp.received) == [
        "kees@beverwijk.example",
        "kees@beverwijk.example",
        "marja@beverwijk.example",
        "marja@beverwijk.example",
    ]
    notes = await Gebeurtenis.count().where(
        (Gebeurtenis.vraag == vraag_id) & (Gebeurtenis.soort == "notitie")
    )
    assert notes == 2


async def test_no_reminder_once_the_reaction_is_recorded(mensen, mail_settings, smtp):
    vraag_id = await _overdue(mensen)
    await domain.record_reactie(
        vraag_id, mensen["ambtenaar"], oordeel="deels", toelichting="Deels gedaan.", vervolg_op=""
    )

    assert await domain.remind_overdue_borging() == 0
