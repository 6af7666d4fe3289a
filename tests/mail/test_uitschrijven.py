"""One-click unsubscribe (RFC 8058) on every bulk mail to residents: the List-Unsubscribe
headers point at the mail's own remove-me link, and a POST from the mail provider (no CSRF
cookie, no browser) works there with the link's token, and nowhere else."""

from __future__ import annotations

from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen.tables import Lid
from participatie.mail import outbox
from participatie.peilingen.tables import Rapportadres
from participatie.rapporten import domain
from participatie.vragen import domain as vragen
from tests.rapporten.test_domain import _to, _written, make_vraag_met_deelnemers
from tests.vragen.test_domain import _versie

ONE_CLICK = {
    "content": "List-Unsubscribe=One-Click",
    "headers": {"content-type": "application/x-www-form-urlencoded"},
}


async def test_the_report_and_its_follow_up_carry_list_unsubscribe(mensen, mail_settings, smtp) -> None:
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=1)
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)
    await _to(vraag_id, mensen["raadslid"], "advies")
    await vragen.record_advies(
        vraag_id, mensen["raadslid"], versie=await _versie(vraag_id), tekst="Eenvoudiger.", aan="College"
    )
    await _to(vraag_id, mensen["raadslid"], "borging")
    await vragen.record_reactie(
        vraag_id, mensen["ambtenaar"], oordeel="deels", toelichting="Ja.", vervolg_op=""
    )
    await domain.send_followups(mail_settings)
    await outbox.drain(mail_settings)

    rapport = await domain.load_rapport(vraag_id)
    link = "https://participatie.test" + domain.afmeld_pad(
        mail_settings.secret_key, rapport["id"], "inwoner0@example.org"
    )
    mails = smtp.to("inwoner0@example.org")
    assert len(mails) == 2  # the report and the follow-up
    for mail in mails:
        assert mail["List-Unsubscribe"].strip() == f"<{link}>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_one_click_from_the_mail_provider_removes_the_address(client, mensen, settings) -> None:
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=2)
    rapport = await domain.rapport_voor(mensen["raadslid"], vraag_id)
    path = domain.afmeld_pad(settings.secret_key, rapport["id"], "inwoner1@example.org")

    response = await client.post(path, **ONE_CLICK)  # no CSRF cookie or field: not a browser

    assert response.status_code == 200
    assert sorted(r["email"] for r in await Rapportadres.select(Rapportadres.email)) == [
        "INWONER0@example.org",
        "inwoner0@example.org",
    ]


async def test_one_click_with_a_forged_token_changes_nothing(client, mensen, settings) -> None:
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=2)
    rapport = await domain.rapport_voor(mensen["raadslid"], vraag_id)
    path = domain.afmeld_pad(settings.secret_key, rapport["id"], "inwoner1@example.org")

    response = await client.post(path[:-4] + "0000", **ONE_CLICK)

    assert response.status_code == 404
    assert await Rapportadres.count() == 3


async def test_the_exemption_is_only_the_remove_me_links(client, mensen) -> None:
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)

    publish = await client.post(f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", **ONE_CLICK)
    login = await client.post(
        "/inloggen", content="email=a%40b.nl&wachtwoord=x", headers=ONE_CLICK["headers"]
    )

    assert (publish.status_code, login.status_code) == (403, 403)


async def test_one_click_leaves_a_focus_group(client, mensen, settings) -> None:
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    lid = await Lid.select().where((Lid.soort == "inwoner") & Lid.email.is_not_null()).first()
    path = focusgroepen.afmeld_pad(settings.secret_key, lid["id"])

    forged = await client.post(path[:-4] + "0000", **ONE_CLICK)
    response = await client.post(path, **ONE_CLICK)

    assert vraag_id
    assert (forged.status_code, response.status_code) == (404, 200)
    assert (await Lid.select(Lid.email).where(Lid.id == lid["id"]).first())["email"] is None
