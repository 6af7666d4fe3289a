"""Sign-up by double opt-in: nothing is a member until the mailed link is used."""

from __future__ import annotations

from datetime import timedelta

from participatie.limiet.tables import LimietTelling
from participatie.mail.tables import Bericht
from participatie.panel import domain
from participatie.panel.tables import Aanmelding, Panellid
from tests.panel.helpers import link, mails_to, post, sign_up

FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_sign_up_confirm_by_mailed_link_makes_a_member(client, mail_settings, smtp) -> None:
    page = await sign_up(
        client, "velsen", "Anna@Example.org", kern="Driehuis", leeftijd="41-65", themas=["wonen", "jeugd"]
    )

    assert page.status_code == 200
    assert "Kijk in uw e-mail" in page.text
    assert await Panellid.count() == 0  # nothing stored as a member before confirming
    (mail,) = await mails_to(mail_settings, smtp, "anna@example.org")
    assert mail["Subject"] == "Bevestig uw aanmelding voor het inwonerpanel Velsen"
    pad = link(mail, "/panel/bevestigen/")

    confirm_page = await client.get(pad)  # a mail scanner's prefetch: confirms nothing
    assert confirm_page.status_code == 200
    assert await Panellid.count() == 0
    done = await post(client, pad, [])

    assert done.status_code == 200
    assert "U bent lid van het inwonerpanel" in done.text
    leden = await Panellid.select(
        Panellid.email, Panellid.kern, Panellid.leeftijd, Panellid.themas, Panellid.taal
    ).output(load_json=True)
    assert leden == [
        {
            "email": "anna@example.org",
            "kern": "Driehuis",
            "leeftijd": "41-65",
            "themas": ["jeugd", "wonen"],
            "taal": "nl",
        }
    ]
    assert await Aanmelding.count() == 0


async def test_the_pending_row_holds_only_a_hash_of_the_token(client, mail_settings, smtp) -> None:
    await sign_up(client, "beverwijk", "bob@example.org")
    (mail,) = await mails_to(mail_settings, smtp, "bob@example.org")
    token = link(mail, "/panel/bevestigen/").rsplit("/", 1)[1]

    (row,) = await Aanmelding.select(Aanmelding.token_hash, Aanmelding.taal)
    assert token not in row["token_hash"]
    assert len(row["token_hash"]) == 64
    assert row["taal"] == "nl"
    (bericht,) = await Bericht.select(Bericht.taal)
    assert bericht["taal"] == "nl"


async def test_a_used_link_gives_a_clear_page_and_stores_nothing_more(client, mail_settings, smtp) -> None:
    await sign_up(client, "velsen", "c@example.org")
    (mail,) = await mails_to(mail_settings, smtp, "c@example.org")
    pad = link(mail, "/panel/bevestigen/")
    await post(client, pad, [])

    again = await post(client, pad, [])
    again_get = await client.get(pad)

    assert again.status_code == 404
    assert "Deze link werkt niet (meer)." in again.text
    assert again_get.status_code == 404
    assert await Panellid.count() == 1


async def test_a_forged_token_gives_a_clear_page_and_stores_nothing(client, mail_settings, smtp) -> None:
    await sign_up(client, "velsen", "d@example.org")

    for token in ["x" * 43, "", "%00", "a" * 5000]:
        response = await post(client, f"/panel/bevestigen/{token}", [])
        assert response.status_code in {404, 405}, token
    response = await post(client, "/panel/bevestigen/" + "A" * 43, [])

    assert response.status_code == 404
    assert "Deze link werkt niet (meer)." in response.text
    assert await Panellid.count() == 0
    assert await Aanmelding.count() == 1


async def test_an_expired_link_gives_a_clear_page_and_stores_nothing(client, mail_settings, smtp) -> None:
    await sign_up(client, "velsen", "e@example.org")
    (mail,) = await mails_to(mail_settings, smtp, "e@example.org")
    pad = link(mail, "/panel/bevestigen/")
    await Aanmelding.update(
        {Aanmelding.aangemaakt_at: Aanmelding.aangemaakt_at - timedelta(days=7, minutes=1)}, force=True
    )

    response = await post(client, pad, [])

    assert response.status_code == 404
    assert "ouder dan 7 dagen" in response.text
    assert await Panellid.count() == 0


async def test_unconfirmed_sign_ups_are_purged_after_seven_days(client, mail_settings, smtp) -> None:
    await sign_up(client, "velsen", "oud@example.org")
    await sign_up(client, "velsen", "nieuw@example.org")
    await Aanmelding.update(
        {Aanmelding.aangemaakt_at: Aanmelding.aangemaakt_at - timedelta(days=7, seconds=1)}
    ).where(Aanmelding.email == "oud@example.org")

    first = await domain.purge_aanmeldingen()
    again = await domain.purge_aanmeldingen()

    assert (first, again) == (1, 0)
    assert [r["email"] for r in await Aanmelding.select(Aanmelding.email)] == ["nieuw@example.org"]


async def test_bad_input_gets_a_dutch_message_and_stores_nothing(client, mail_settings, smtp) -> None:
    cases = {
        "geen-adres": "Dit is geen geldig e-mailadres.",
        "a@b.nl\r\nBcc: x@evil.example": "Dit is geen geldig e-mailadres.",
        "a@b.nl\nSubject: hoi": "Dit is geen geldig e-mailadres.",
        "x" * 300 + "@example.org": "Dit e-mailadres is te lang",
        "": "Vul uw e-mailadres in.",
    }
    for email, melding in cases.items():
        response = await sign_up(client, "heemskerk", email)
        assert response.status_code == 422, email
        assert melding in response.text, email
    wrong_kern = await sign_up(client, "heemskerk", "f@example.org", kern="IJmuiden")
    wrong_age = await sign_up(client, "heemskerk", "f@example.org", leeftijd="1-200")
    wrong_theme = await sign_up(client, "heemskerk", "f@example.org", themas=["x" * 10_000])

    assert "Kies een kern of wijk uit de lijst." in wrong_kern.text
    assert "Kies een leeftijd uit de lijst." in wrong_age.text
    assert "Kies onderwerpen uit de lijst." in wrong_theme.text
    assert await Aanmelding.count() == 0
    assert await Bericht.count() == 0


async def test_signing_up_again_or_as_a_member_looks_the_same(client, mail_settings, smtp) -> None:
    first = await sign_up(client, "velsen", "g@example.org")
    (mail,) = await mails_to(mail_settings, smtp, "g@example.org")
    await post(client, link(mail, "/panel/bevestigen/"), [])

    member = await sign_up(client, "velsen", "g@example.org")
    stranger = await sign_up(client, "velsen", "h@example.org")

    assert _main(first.text) == _main(member.text)
    assert member.status_code == stranger.status_code == 200
    assert _main(member.text) == _main(stranger.text)
    assert await Panellid.count() == 1


async def test_confirmation_mails_are_limited_per_address(client, mail_settings, smtp) -> None:
    pages = [await sign_up(client, "velsen", "i@example.org") for _ in range(5)]

    assert {p.status_code for p in pages} == {200}
    assert len({_main(p.text) for p in pages}) == 1  # the page never tells it sent nothing
    assert len(await mails_to(mail_settings, smtp, "i@example.org")) == 3
    assert await Aanmelding.count() == 3
    assert await LimietTelling.count() >= 1


async def test_unknown_council_is_not_found(client) -> None:
    assert (await client.get("/ijmond/panel")).status_code == 404
    assert (await client.get("/amsterdam/panel")).status_code == 404


def _main(html: str) -> str:
    start = html.index("<main")
    return html[start : html.index("</main>")]


async def test_the_confirmation_mail_can_be_withdrawn_in_one_click(client, mail_settings, smtp) -> None:
    await sign_up(client, "beverwijk", "j@example.org")
    (mail,) = await mails_to(mail_settings, smtp, "j@example.org")
    pad = link(mail, "/panel/intrekken/")

    assert mail["List-Unsubscribe"].strip() == f"<https://participatie.test{pad}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    scanned = await client.get(pad)
    assert await Aanmelding.count() == 1  # GET never withdraws
    first = await client.post(pad, content="List-Unsubscribe=One-Click", headers=FORM)
    second = await client.post(pad, content="List-Unsubscribe=One-Click", headers=FORM)

    assert scanned.status_code == first.status_code == second.status_code == 200
    assert await Aanmelding.count() == 0
    assert await Panellid.count() == 0


async def test_the_residents_language_goes_with_the_sign_up_member_and_mail(
    client, mail_settings, smtp
) -> None:
    client.cookies.set("taal", "en")
    await sign_up(client, "velsen", "k@example.org")
    (mail,) = await mails_to(mail_settings, smtp, "k@example.org")
    pending = await Aanmelding.select(Aanmelding.taal)
    mails = await Bericht.select(Bericht.taal)
    await post(client, link(mail, "/panel/bevestigen/"), [])

    assert pending == [{"taal": "en"}]
    assert mails == [{"taal": "en"}]
    assert await Panellid.select(Panellid.taal) == [{"taal": "en"}]


async def test_the_form_is_limited_per_client_address_with_a_friendly_429(client, mail_settings) -> None:
    for _ in range(domain.LIMIET.per_adres):
        assert (await sign_up(client, "velsen", "geen-adres")).status_code == 422

    over = await sign_up(client, "velsen", "l@example.org")

    assert over.status_code == 429
    assert int(over.headers["retry-after"]) > 0
    assert "Er zijn vanaf deze internetverbinding veel formulieren verstuurd." in over.text
    assert await Aanmelding.count() == 0
