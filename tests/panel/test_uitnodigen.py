"""The council invites its panel to a poll by personal code; one reminder at most; leaving."""

from __future__ import annotations

import asyncio
import re
import secrets
from datetime import timedelta
from email.utils import parseaddr

import httpx

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.panel import domain
from participatie.panel.tables import Panellid, Paneluitnodiging
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Antwoord, Peiling, Uitnodiging
from tests.conftest import login
from tests.panel.helpers import BASE, body, link, post
from tests.peilingen.test_domain import answers, make_peiling
from tests.peilingen.test_routes import _post as post_answers

ONE_CLICK = {
    "content": "List-Unsubscribe=One-Click",
    "headers": {"content-type": "application/x-www-form-urlencoded"},
}


async def make_lid(
    slug: str, email: str, kern: str = "", leeftijd: str = "", themas: list[str] | None = None
) -> int:
    gemeente = await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first()
    rows = await Panellid.insert(
        Panellid(
            gemeente=gemeente["id"],
            email=email,
            kern=kern,
            leeftijd=leeftijd,
            themas=themas or [],
            taal="nl",
            sleutel=secrets.token_urlsafe(16),
            aangemaakt_at=tijd.now(),
        )
    )
    return rows[0]["id"]


def _panel_mail_to(smtp) -> list[str]:
    """Who got a mail, among the residents (the council's own mails about the vraag left out)."""
    return sorted(a for a in (parseaddr(m["To"])[1] for m in smtp.received) if a.endswith("@example.org"))


async def _panel(mensen) -> int:
    """Three Beverwijk members (two in Wijk aan Zee), one of Velsen, and a poll by codes."""
    await make_lid("beverwijk", "wz1@example.org", kern="Wijk aan Zee", leeftijd="26-40", themas=["wonen"])
    await make_lid("beverwijk", "wz2@example.org", kern="Wijk aan Zee", leeftijd="66-80")
    await make_lid("beverwijk", "bw@example.org", kern="Beverwijk", themas=["wonen", "jeugd"])
    await make_lid("velsen", "velsen@example.org", kern="IJmuiden")
    return await make_peiling(mensen, toegang="codes")


async def _invite(client: httpx.AsyncClient, peiling_id: int, **keuze: str) -> httpx.Response:
    return await post(
        client, "/raad/beverwijk/panel/uitnodigen", [("peiling", str(peiling_id)), *keuze.items()]
    )


async def test_invited_members_get_a_code_that_answers_the_poll(client, mensen, mail_settings, smtp) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")

    response = await _invite(client, peiling_id, kern="Wijk aan Zee")
    await outbox.drain(mail_settings)

    assert response.status_code == 303
    assert response.headers["location"] == "/raad/beverwijk/panel?uitgenodigd=2"
    assert _panel_mail_to(smtp) == ["wz1@example.org", "wz2@example.org"]
    assert await Uitnodiging.count().where(Uitnodiging.peiling == peiling_id) == 2
    mail = smtp.to("wz1@example.org")[0]
    assert mail["Subject"] == "Uw mening gevraagd: Minimaregelingen"
    pad = link(mail, "/p/")
    code = pad.rsplit("code=", 1)[1]
    assert f"Uw persoonlijke code: {code}" in body(mail)

    resident = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client._transport.app), base_url="http://testserver"
    )
    async with resident:
        page = await resident.get(pad)
        formulier = await peilingen.load_formulier(peiling_id=peiling_id)
        answered = await post_answers(resident, pad.split("?")[0], {**answers(formulier), "code": [code]})

    assert f'value="{code}"' in page.text
    assert answered.status_code == 302
    assert await Antwoord.count() == 1
    # Used, and nothing links the response to the code or the member.
    assert await Uitnodiging.count().where(Uitnodiging.gebruikt == True) == 1  # noqa: E712
    # The response has no column for a code, a member or a language: nothing names its author.
    assert [c._meta.name for c in Antwoord._meta.columns] == ["id", "peiling", "ingediend_uur", "bron"]


async def test_a_double_click_or_rerun_mails_nobody_twice(client, mensen, mail_settings, smtp) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")

    first, second = await asyncio.gather(_invite(client, peiling_id), _invite(client, peiling_id))
    third = await _invite(client, peiling_id)
    await outbox.drain(mail_settings)

    locations = sorted([first.headers["location"], second.headers["location"], third.headers["location"]])
    assert locations == [
        "/raad/beverwijk/panel?uitgenodigd=0",
        "/raad/beverwijk/panel?uitgenodigd=0",
        "/raad/beverwijk/panel?uitgenodigd=3",
    ]
    assert len(_panel_mail_to(smtp)) == 3
    # No stray codes from the refused rounds.
    assert await Uitnodiging.count().where(Uitnodiging.peiling == peiling_id) == 3


async def test_a_part_chosen_by_age_or_theme(client, mensen, mail_settings, smtp) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")

    await _invite(client, peiling_id, leeftijd="66-80")
    await _invite(client, peiling_id, thema="jeugd")
    await outbox.drain(mail_settings)

    assert _panel_mail_to(smtp) == ["bw@example.org", "wz2@example.org"]


async def test_invalid_choices_and_other_councils_polls_are_refused(client, mensen, mail_settings) -> None:
    peiling_id = await _panel(mensen)
    link_peiling = await make_peiling(mensen, toegang="link")
    await login(client, "kees@beverwijk.example")

    wrong_kern = await _invite(client, peiling_id, kern="IJmuiden")
    wrong_poll = await _invite(client, link_peiling)
    no_poll = await post(client, "/raad/beverwijk/panel/uitnodigen", [("peiling", "9" * 40)])

    assert wrong_kern.status_code == wrong_poll.status_code == no_poll.status_code == 422
    assert "Kies een kern of wijk uit de lijst." in wrong_kern.text
    assert "Kies een peiling uit de lijst." in wrong_poll.text
    assert await Paneluitnodiging.count() == 0
    assert await Bericht.count().where(Bericht.sjabloon == "panel_uitnodiging") == 0


async def test_one_reminder_only_to_unused_codes_even_with_two_planners(
    client, mensen, mail_settings, smtp
) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")
    await _invite(client, peiling_id)
    await outbox.drain(mail_settings)
    answered_code = link(smtp.to("bw@example.org")[0], "/p/").rsplit("code=", 1)[1]
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    gegeven, _ = peilingen.parse_antwoorden(formulier, answers(formulier))
    await peilingen.submit(
        formulier,
        gegeven,
        bron="code",
        deelname_sleutel="d1",
        code_hashes=[domain.sleutels.keyed(mail_settings.secret_key, f"code:{answered_code}")],
    )

    too_early = await domain.send_herinneringen(mail_settings)  # closes in 7 days
    await Peiling.update({Peiling.sluit_at: tijd.now() + timedelta(days=2)}).where(Peiling.id == peiling_id)
    just_invited = await domain.send_herinneringen(mail_settings)  # not the day of the invitation
    later = tijd.now() + timedelta(days=1, minutes=1)
    runs = await asyncio.gather(
        domain.send_herinneringen(mail_settings, later), domain.send_herinneringen(mail_settings, later)
    )
    rerun = await domain.send_herinneringen(mail_settings, later)
    smtp.received.clear()
    await outbox.drain(mail_settings)

    assert too_early == just_invited == 0
    assert sum(runs) == 2
    assert rerun == 0
    assert _panel_mail_to(smtp) == ["wz1@example.org", "wz2@example.org"]
    reminder = smtp.to("wz1@example.org")[0]
    assert reminder["Subject"] == "Herinnering: uw mening gevraagd over Minimaregelingen"
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Every copy of a code is gone once it is no longer needed.
    assert await Paneluitnodiging.count().where(Paneluitnodiging.code_geheim.is_not_null()) == 0


async def test_the_reminders_code_is_the_invitations_code(client, mensen, mail_settings, smtp) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")
    await _invite(client, peiling_id, kern="Beverwijk")
    await Peiling.update({Peiling.sluit_at: tijd.now() + timedelta(days=2)}).where(Peiling.id == peiling_id)
    await domain.send_herinneringen(mail_settings, tijd.now() + timedelta(days=1, minutes=1))
    await outbox.drain(mail_settings)

    invitation, reminder = smtp.to("bw@example.org")

    assert link(invitation, "/p/") == link(reminder, "/p/")


async def test_a_closed_polls_codes_are_forgotten_and_never_reminded(client, mensen, mail_settings) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")
    await _invite(client, peiling_id)
    await peilingen.close_early(mensen["raadslid"], peiling_id)

    reminded = await domain.send_herinneringen(mail_settings, tijd.now() + timedelta(days=6))

    assert reminded == 0
    assert await Paneluitnodiging.count().where(Paneluitnodiging.code_geheim.is_not_null()) == 0
    assert await Bericht.count().where(Bericht.sjabloon == "panel_herinnering") == 0


async def test_panel_mails_carry_one_click_unsubscribe(client, mensen, mail_settings, smtp) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")
    await _invite(client, peiling_id, kern="Beverwijk")
    await outbox.drain(mail_settings)

    (mail,) = smtp.to("bw@example.org")
    pad = link(mail, "/panel/afmelden/")

    assert mail["List-Unsubscribe"].strip() == f"<{BASE}{pad}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_one_click_post_without_csrf_removes_the_member_and_pending_reminders(
    client, mensen, mail_settings, smtp
) -> None:
    peiling_id = await _panel(mensen)
    await login(client, "kees@beverwijk.example")
    await _invite(client, peiling_id, kern="Beverwijk")
    await outbox.drain(mail_settings)
    pad = link(smtp.to("bw@example.org")[0], "/panel/afmelden/")
    await Peiling.update({Peiling.sluit_at: tijd.now() + timedelta(days=2)}).where(Peiling.id == peiling_id)
    # A reminder waits in the outbox.
    assert await domain.send_herinneringen(mail_settings, tijd.now() + timedelta(days=1, minutes=1)) == 1

    provider = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client._transport.app), base_url="http://testserver"
    )
    async with provider:
        scanned = await provider.get(pad)  # GET never unsubscribes
        after_get = await Panellid.count()
        first = await provider.post(pad, **ONE_CLICK)  # no CSRF cookie or field, no session
        second = await provider.post(pad, **ONE_CLICK)
        forged = await provider.post(pad[:-4] + "0000", **ONE_CLICK)

    assert scanned.status_code == 200
    assert after_get == 4
    assert first.status_code == second.status_code == 200
    assert "U bent afgemeld" in first.text
    assert forged.status_code == 404
    assert sorted(r["email"] for r in await Panellid.select(Panellid.email)) == [
        "velsen@example.org",
        "wz1@example.org",
        "wz2@example.org",
    ]
    assert await Bericht.count().where(Bericht.aan == "bw@example.org") == 1  # only the sent invitation
    assert await Paneluitnodiging.count() == 0


async def test_the_exemption_is_only_the_leave_links(client) -> None:
    sign_up = await client.post("/velsen/panel", **ONE_CLICK)
    confirm = await client.post("/panel/bevestigen/abc", **ONE_CLICK)

    assert sign_up.status_code == 403
    assert confirm.status_code == 403


async def test_council_page_counts_with_small_groups_hidden(client, mensen) -> None:
    await _panel(mensen)
    for n in range(5):
        await make_lid("beverwijk", f"bw{n}@example.org", kern="Beverwijk", leeftijd="41-65")
    await login(client, "kees@beverwijk.example")

    page = await client.get("/raad/beverwijk/panel")

    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Totaal: <strong>8</strong> leden" in text
    rows = re.findall(r'scope="row">([^<]+)</th><td class="utrecht-table__cell">([^<]+)</td>', text)
    weinig = "minder dan 5"
    assert rows == [
        ("Beverwijk", "6"),
        ("Wijk aan Zee", weinig),
        ("Niet ingevuld", weinig),
        ("16-25 jaar", weinig),
        ("26-40 jaar", weinig),
        ("41-65 jaar", "5"),
        ("66-80 jaar", weinig),
        ("80+ jaar", weinig),
        ("Niet ingevuld", weinig),
    ]
    assert "velsen@example.org" not in page.text and "bw@example.org" not in page.text


async def test_council_pages_are_guarded(client, mensen) -> None:
    peiling_id = await _panel(mensen)
    anonymous = await client.get("/raad/beverwijk/panel", follow_redirects=False)
    await login(client, "dorine@velsen.example")

    other = await client.get("/raad/beverwijk/panel")
    other_post = await _invite(client, peiling_id)
    own = await client.get("/raad/velsen/panel")

    assert anonymous.status_code in {302, 303, 401}
    assert other.status_code == 403
    assert other_post.status_code == 403
    assert own.status_code == 200
    assert await Paneluitnodiging.count() == 0
