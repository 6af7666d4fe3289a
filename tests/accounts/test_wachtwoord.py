"""Changing a password, a reset link from the beheerder, and "wachtwoord vergeten"."""

import asyncio
import hashlib
import re
from datetime import timedelta

import httpx

from participatie.accounts import passwords
from participatie.accounts.domain import HERSTEL_MAX_PER_ADRES, HERSTEL_PER_UUR, now, purge_expired
from participatie.accounts.tables import Gebruiker, Inlogpoging, Sessie, Wachtwoordherstel
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from tests.conftest import PASSWORD, csrf_token, login, make_gebruiker, post_form

NEW = "een nieuwe lange zin voor mij"


def _client(app, address: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _mailed_path(smtp, settings, address: str) -> str:
    """Send the outbox and read the reset link from the mail to `address`."""
    await outbox.drain(settings)
    [message] = smtp.to(address)
    text = message.get_body("plain").get_content()
    match = re.search(r"https://participatie\.test(/wachtwoord-herstellen/\S+)", text)
    assert match is not None, text
    return match.group(1)


async def test_change_password_needs_the_current_one_and_ends_other_sessions(app, client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    async with _client(app, "198.51.100.20") as other_device:
        await login(other_device, "anna@velsen.example")
        await login(client, "anna@velsen.example")
        assert (await client.get("/account/wachtwoord")).status_code == 200

        wrong = await post_form(
            client, "/account/wachtwoord", {"huidig": "niet mijn wachtwoord", "nieuw": NEW, "herhaling": NEW}
        )
        changed = await post_form(
            client, "/account/wachtwoord", {"huidig": PASSWORD, "nieuw": NEW, "herhaling": NEW}
        )

        assert wrong.status_code == 422
        assert "Uw huidige wachtwoord klopt niet." in wrong.text
        assert changed.status_code == 302
        assert (await other_device.get("/raad/velsen")).status_code == 302  # sent to the login page
        assert (await client.get("/raad/velsen")).status_code == 200
    assert await Sessie.count() == 1
    # The owner hears of it, so a change they did not make gets noticed.
    assert await Bericht.select(Bericht.aan, Bericht.sjabloon) == [
        {"aan": "anna@velsen.example", "sjabloon": "wachtwoord_gewijzigd"}
    ]
    async with _client(app, "198.51.100.21") as fresh:
        assert (await login(fresh, "anna@velsen.example", PASSWORD)).status_code == 400
        assert (await login(fresh, "anna@velsen.example", NEW)).status_code == 302


async def test_change_password_refuses_common_and_mismatched_passwords(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")

    common = await post_form(
        client,
        "/account/wachtwoord",
        {"huidig": PASSWORD, "nieuw": "welkom123456", "herhaling": "welkom123456"},
    )
    mismatch = await post_form(
        client, "/account/wachtwoord", {"huidig": PASSWORD, "nieuw": NEW, "herhaling": NEW + "x"}
    )

    assert common.status_code == 422
    assert "Dit wachtwoord gebruiken veel mensen" in common.text
    assert mismatch.status_code == 422
    assert "De twee nieuwe wachtwoorden zijn niet hetzelfde." in mismatch.text
    assert (await login(client, "anna@velsen.example", PASSWORD)).status_code == 302


async def test_every_page_links_a_logged_in_person_to_the_password_page(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")

    page = await client.get("/raad/velsen")

    assert '<a href="/account/wachtwoord">Wachtwoord wijzigen</a>' in page.text


async def test_change_password_page_needs_a_login(client):
    response = await client.get("/account/wachtwoord")

    assert response.status_code == 302
    assert response.headers["location"] == "/inloggen?volgende=/account/wachtwoord"


async def test_beheerder_sends_a_reset_link_that_works_once(app, client, mail_settings, smtp):
    anna = await make_gebruiker(mail_settings, "raadslid", "velsen", email="anna@velsen.example")
    async with _client(app, "198.51.100.20") as anna_device:
        await login(anna_device, "anna@velsen.example")
        await make_gebruiker(mail_settings, "beheerder", None, email="beheer@test.example")
        await login(client, "beheer@test.example")

        sent = await post_form(client, f"/beheer/gebruikers/{anna}/herstellink", {})
        path = await _mailed_path(smtp, mail_settings, "anna@velsen.example")
        async with _client(app, "192.0.2.9") as anyone:
            form = await anyone.get(path)
            token = await csrf_token(anyone)
            reset = await anyone.post(path, data={"nieuw": NEW, "herhaling": NEW, "_csrf_token": token})
            again = await anyone.post(path, data={"nieuw": NEW, "herhaling": NEW, "_csrf_token": token})
            reopened = await anyone.get(path)

        assert sent.status_code == 302
        assert sent.headers["location"] == f"/beheer/gebruikers/{anna}?herstellink=1"
        assert form.status_code == 200
        assert 'name="herhaling"' in form.text
        assert reset.status_code == 302
        assert reset.headers["location"] == "/inloggen?hersteld=1"
        assert again.status_code == 400
        assert "Deze link werkt niet meer" in again.text
        assert reopened.status_code == 400
        assert (await anna_device.get("/raad/velsen")).status_code == 302  # every session ended
    mails = await Bericht.select(Bericht.sjabloon).order_by(Bericht.id)
    assert [m["sjabloon"] for m in mails] == ["wachtwoord_herstel", "wachtwoord_gewijzigd"]
    await outbox.drain(mail_settings)
    notice = smtp.to("anna@velsen.example")[-1]
    assert notice["Subject"] == "Uw wachtwoord voor Participatie IJmond is gewijzigd"
    assert "https://participatie.test/wachtwoord-vergeten" in notice.get_body("plain").get_content()
    async with _client(app, "192.0.2.10") as fresh:
        assert (await login(fresh, "anna@velsen.example", NEW)).status_code == 302


async def test_only_a_hash_of_the_reset_token_is_stored(client, mail_settings, smtp):
    await make_gebruiker(mail_settings, "raadslid", "velsen", email="anna@velsen.example")

    await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})
    path = await _mailed_path(smtp, mail_settings, "anna@velsen.example")
    token = path.rsplit("/", 1)[1]

    [row] = await Wachtwoordherstel.select(Wachtwoordherstel.token_hash)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40


async def test_forgotten_password_answers_the_same_whether_or_not_the_account_exists(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await csrf_token(client)

    known = await post_form(client, "/wachtwoord-vergeten", {"email": "Anna@Velsen.example"})
    unknown = await post_form(client, "/wachtwoord-vergeten", {"email": "niemand@velsen.example"})

    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert "Als er een account is met dit e-mailadres" in known.text
    mails = await Bericht.select(Bericht.aan, Bericht.sjabloon)
    assert mails == [{"aan": "anna@velsen.example", "sjabloon": "wachtwoord_herstel"}]


async def test_forgotten_password_sends_no_mail_for_a_disabled_account(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await Gebruiker.update({Gebruiker.is_actief: False}, force=True)

    response = await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})

    assert response.status_code == 200
    assert await Bericht.count() == 0


async def test_forgotten_password_mails_an_account_a_few_times_per_hour_at_most(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")

    for _ in range(HERSTEL_PER_UUR + 2):
        response = await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})
        assert response.status_code == 200

    assert await Bericht.count() == HERSTEL_PER_UUR


async def test_forgotten_password_from_one_network_is_limited_with_its_own_message(client, settings):
    for i in range(HERSTEL_MAX_PER_ADRES):
        response = await post_form(client, "/wachtwoord-vergeten", {"email": f"iemand{i}@velsen.example"})
        assert response.status_code == 200

    refused = await post_form(client, "/wachtwoord-vergeten", {"email": "nog.een@velsen.example"})

    assert refused.status_code == 429
    assert "Er zijn vanaf hier te veel nieuwe links gevraagd." in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 15 * 60 + 1


async def test_reset_link_expires_after_an_hour(client, mail_settings, smtp):
    await make_gebruiker(mail_settings, "raadslid", "velsen", email="anna@velsen.example")
    await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})
    path = await _mailed_path(smtp, mail_settings, "anna@velsen.example")
    await Wachtwoordherstel.update(
        {
            Wachtwoordherstel.aangemaakt_at: now() - timedelta(minutes=61),
            Wachtwoordherstel.verloopt_at: now() - timedelta(minutes=1),
        },
        force=True,
    )

    page = await client.get(path)
    response = await post_form(client, path, {"nieuw": NEW, "herhaling": NEW})

    assert page.status_code == 400
    assert response.status_code == 400
    assert "Deze link werkt niet meer" in response.text
    assert (await login(client, "anna@velsen.example", PASSWORD)).status_code == 302


async def test_a_new_reset_link_refuses_common_passwords(client, mail_settings, smtp):
    await make_gebruiker(mail_settings, "raadslid", "velsen", email="anna@velsen.example")
    await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})
    path = await _mailed_path(smtp, mail_settings, "anna@velsen.example")

    response = await post_form(client, path, {"nieuw": "wachtwoord12", "herhaling": "wachtwoord12"})

    assert response.status_code == 422
    assert "Dit wachtwoord gebruiken veel mensen" in response.text
    assert await Wachtwoordherstel.count().where(Wachtwoordherstel.gebruikt_at.is_null()) == 1


async def test_unknown_reset_token_is_refused(client):
    response = await client.get("/wachtwoord-herstellen/bestaat-niet-" + "x" * 40)

    assert response.status_code == 400
    assert "Deze link werkt niet meer" in response.text


async def test_login_page_links_to_forgotten_password(client):
    page = await client.get("/inloggen")
    form = await client.get("/wachtwoord-vergeten")

    assert '<a href="/wachtwoord-vergeten">Wachtwoord vergeten?</a>' in page.text
    assert form.status_code == 200
    assert 'name="email"' in form.text


async def test_new_accounts_refuse_common_passwords(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")

    response = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "naam": "Kees",
            "email": "kees@beverwijk.example",
            "wachtwoord": "welkom123456",
            "rol": "raadslid",
            "gemeente": "beverwijk",
        },
    )

    assert response.status_code == 422
    assert "Dit wachtwoord gebruiken veel mensen" in response.text


async def test_password_pages_answer_429_in_dutch_while_hashing_is_full(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")
    capacity = passwords.HASHES_AT_ONCE + passwords.HASHES_WAITING
    busy = [
        asyncio.create_task(passwords.verify_password(None, "iets anders", "standaard"))
        for _ in range(capacity)
    ]
    await asyncio.sleep(0)

    change = await post_form(
        client, "/account/wachtwoord", {"huidig": PASSWORD, "nieuw": NEW, "herhaling": NEW}
    )
    create = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {"naam": "Kees", "email": "kees@test.example", "wachtwoord": NEW, "rol": "beheerder", "gemeente": ""},
    )
    await asyncio.gather(*busy)

    assert change.status_code == create.status_code == 429
    assert "Het is nu erg druk" in change.text
    assert "Het is nu erg druk" in create.text
    assert await Gebruiker.count() == 1
    assert await Inlogpoging.count() == 0


async def test_purge_removes_reset_links_an_hour_after_they_expired(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})
    await post_form(client, "/wachtwoord-vergeten", {"email": "anna@velsen.example"})
    first = (await Wachtwoordherstel.select(Wachtwoordherstel.id).order_by(Wachtwoordherstel.id).first())[
        "id"
    ]
    await Wachtwoordherstel.update({Wachtwoordherstel.verloopt_at: now() - timedelta(minutes=61)}).where(
        Wachtwoordherstel.id == first
    )

    await purge_expired(settings)

    assert await Wachtwoordherstel.count() == 1
    assert await Wachtwoordherstel.count().where(Wachtwoordherstel.id == first) == 0


async def test_no_reset_link_for_a_disabled_account(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await Gebruiker.update({Gebruiker.is_actief: False}).where(Gebruiker.id == anna)
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")

    response = await post_form(client, f"/beheer/gebruikers/{anna}/herstellink", {})

    assert response.status_code == 422
    assert "Dit account staat uit." in response.text
    assert await Bericht.count() == 0
    assert await Wachtwoordherstel.count() == 0
