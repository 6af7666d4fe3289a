"""The council side in English: login, passwords, the beheerder's pages and a council member's
start page with the `taal=en` cookie, their refusals, and the password mails. Dutch stays the
default, word for word."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from participatie import taal, tijd
from participatie.accounts.domain import remember_taal
from participatie.accounts.tables import Gebruiker
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from tests.accounts.test_werkbank import _peiling, _vraag
from tests.conftest import PASSWORD, login, make_gebruiker, post_form
from tests.mail.test_outbox import _queue
from tests.mail.test_outbox_storing import restart
from tests.paginas import lang_of, main_text

# path -> (who is logged in, Dutch sentences gone in English, English sentences there instead)
PAGINAS: dict[str, tuple[str | None, list[str], list[str]]] = {
    "/inloggen": (
        None,
        ["Voor raadsleden, ambtenaren en beheerders.", "Wachtwoord vergeten?"],
        ["For council members, civil servants and administrators.", "Forgot your password?"],
    ),
    "/account/wachtwoord": (
        "raadslid",
        ["Na het wijzigen bent u overal uitgelogd, behalve hier.", "Huidig wachtwoord"],
        ["After the change you are signed out everywhere, except here.", "Current password"],
    ),
    "/raad/beverwijk": (
        "raadslid",
        ["Dit is de werkplaats van de raad.", "Niets te doen", "Naar buiten"],
        ["This is the council's workplace.", "Nothing to do", "To the public"],
    ),
    "/beheer/gebruikers": (
        "beheerder",
        ["Alle accounts (2)", "wie wat wijzigde, en wanneer.", "actief"],
        ["All accounts (2)", "who changed what, and when.", "active"],
    ),
    "/beheer/gebruikers/nieuw": (
        "beheerder",
        ["Eerste wachtwoord", "Geen (alleen voor beheerders)", "Raadslid"],
        ["First password", "None (administrators only)", "Council member"],
    ),
    "/beheer/spoor": (
        "beheerder",
        ["Spoor van wijzigingen", "Wie (deel van de naam)", "Tot en met (datum)"],
        ["Trail of changes", "Who (part of the name)", "Up to and including (date)"],
    ),
    "/beheer/instellingen": (
        "beheerder",
        ["Bewaartermijn focusgroepen (maanden)", "Daarna blijven alleen de aantallen."],
        ["Retention period for focus groups (months)", "After that only the numbers remain."],
    ),
}

EMAIL = {"raadslid": "kees@beverwijk.example", "beheerder": "beheer@test.example"}
NIEUW = "een nieuwe lange zin voor mij"


@pytest.fixture
async def accounts(settings, database):
    await make_gebruiker(settings, "raadslid", "beverwijk", email=EMAIL["raadslid"], naam="Kees")
    await make_gebruiker(settings, "beheerder", None, email=EMAIL["beheerder"], naam="Beheer")


@pytest.mark.parametrize("pad", list(PAGINAS))
async def test_council_page_in_english_has_no_dutch_left(client, accounts, pad):
    wie, nederlands, engels = PAGINAS[pad]
    if wie:
        await login(client, EMAIL[wie])
    client.cookies.set("taal", "en")

    page = await client.get(pad)

    assert page.status_code == 200, pad
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    assert [zin for zin in nederlands if zin in main] == []
    assert [zin for zin in engels if zin not in main] == []


@pytest.mark.parametrize("pad", list(PAGINAS))
async def test_council_page_stays_dutch_by_default(client, accounts, pad):
    wie, nederlands, engels = PAGINAS[pad]
    if wie:
        await login(client, EMAIL[wie])

    page = await client.get(pad)

    assert lang_of(page.text) == "nl"
    main = main_text(page.text)
    assert [zin for zin in nederlands if zin not in main] == []
    assert [zin for zin in engels if zin in main] == []


async def test_werkbank_sections_in_english_count_and_date_in_english(client, accounts):
    vraag = await _vraag(
        "beverwijk", "Speeltuin Breestraat", aangemaakt_at=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )
    morgen = tijd.from_local(datetime.combine(tijd.today() + timedelta(days=1), time(17)))
    await _peiling(vraag, "Peiling speeltuin", morgen, antwoorden=1)
    await login(client, EMAIL["raadslid"])
    client.cookies.set("taal", "en")

    page = main_text((await client.get("/raad/beverwijk")).text)

    assert "New questions to sort out (1)" in re.sub(r"<[^>]+>", "", page)
    assert "received on 2 March 2026" in page
    assert "Open surveys (1), 1 of them closes soon" in re.sub(r"<[^>]+>", "", page)
    assert '<strong class="binnenkort">closes tomorrow at 17:00</strong>,\n      1 answer</li>' in page


async def test_wrong_password_is_refused_in_english(client, accounts):
    client.cookies.set("taal", "en")

    page = await login(client, EMAIL["raadslid"], "niet het goede wachtwoord")

    assert page.status_code == 400
    assert "The email address or the password is not correct." in page.text
    assert "klopt niet" not in page.text


async def test_password_form_errors_in_english(client, accounts):
    await login(client, EMAIL["raadslid"])
    client.cookies.set("taal", "en")

    page = await post_form(
        client, "/account/wachtwoord", {"huidig": "fout", "nieuw": "kort", "herhaling": "kort"}
    )

    assert page.status_code == 422
    assert lang_of(page.text) == "en"
    assert "Your current password is not correct." in page.text
    assert "Choose a password of at least 12 characters. A sentence of a few words is fine too." in page.text
    assert "Uw huidige wachtwoord klopt niet." not in page.text


async def test_trail_search_error_in_english(client, accounts):
    await login(client, EMAIL["beheerder"])
    client.cookies.set("taal", "en")

    page = await client.get("/beheer/spoor?vraag=twaalf&van=31-02-2026")

    assert page.status_code == 422
    assert "<title>Error: Trail of changes – " in page.text
    assert "Fill in the number of a question, with digits only, such as 12." in page.text
    assert "Fill in a valid date, such as 31-12-2026 (day-month-year)." in page.text


async def test_trail_names_actions_in_english(client, accounts):
    await login(client, EMAIL["beheerder"])
    await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "naam": "Anna",
            "email": "anna@velsen.example",
            "wachtwoord": PASSWORD,
            "rol": "raadslid",
            "gemeente": "velsen",
        },
    )
    client.cookies.set("taal", "en")

    page = main_text((await client.get("/beheer/spoor")).text)

    assert "Account created" in page
    assert "role: (empty) → raadslid" in page
    assert "Account aangemaakt" not in page


async def test_another_councils_page_is_refused_in_english(client, accounts):
    await login(client, EMAIL["raadslid"])
    client.cookies.set("taal", "en")

    page = await client.get("/raad/velsen")

    assert page.status_code == 403
    assert "This page belongs to another municipality." in page.text


async def test_password_changed_mail_in_the_language_the_account_chose(client, accounts, mail_settings, smtp):
    await login(client, EMAIL["raadslid"])
    client.cookies.set("taal", "en")
    await client.get("/raad/beverwijk")  # the switch's cookie is remembered on the account

    changed = await post_form(
        client, "/account/wachtwoord", {"huidig": PASSWORD, "nieuw": NIEUW, "herhaling": NIEUW}
    )
    await outbox.drain(mail_settings)
    [sent] = smtp.to(EMAIL["raadslid"])
    body = sent.get_body("plain").get_content()

    assert changed.status_code == 302
    assert await Gebruiker.select(Gebruiker.taal).where(Gebruiker.email == EMAIL["raadslid"]) == [
        {"taal": "en"}
    ]
    assert sent["Subject"] == "Your password for Participatie IJmond has been changed"
    assert body.splitlines()[0] == "Dear Kees,"
    assert (
        "Was this not you? Then choose a new password right away at "
        "https://participatie.test/wachtwoord-vergeten and let the administrator know."
    ) in body
    assert "Beste" not in body and "Met vriendelijke groet" not in body


async def test_reset_mail_follows_the_account_not_the_page(client, accounts, mail_settings, smtp):
    """Whoever asks for a link on an English page gets the mail in the account's language
    (Dutch, never switched); the same stored mail rendered in English reads English throughout."""
    client.cookies.set("taal", "en")

    asked = await post_form(client, "/wachtwoord-vergeten", {"email": EMAIL["raadslid"]})
    # Rendered before sending: a sent mail's context is blanked.
    [row] = await Bericht.select().where(Bericht.sjabloon == "wachtwoord_herstel").output(load_json=True)
    english = outbox.render({**row, "taal": "en"}, mail_settings)
    body = english.get_payload(decode=True).decode()
    await outbox.drain(mail_settings)
    [sent] = smtp.to(EMAIL["raadslid"])

    assert asked.status_code == 200
    assert row["taal"] == "nl"
    assert "If there is an account with this email address" in asked.text
    assert sent["Subject"] == "Kies een nieuw wachtwoord voor Participatie IJmond"
    assert "Beste Kees," in sent.get_body("plain").get_content()
    assert english["Subject"] == "Choose a new password for Participatie IJmond"
    assert body.splitlines()[0] == "Dear Kees,"
    assert "This link works for 60 minutes and only once." in body
    assert "Beste" not in body


async def test_outage_alert_in_each_beheerders_language_with_its_date(
    database, settings, mail_settings, smtp
):
    engels = await make_gebruiker(settings, "beheerder", None, email="admin@ijmond.example", naam="Sam")
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example", naam="Beheer")
    await remember_taal(engels, "en")
    await _queue(1)
    start = outbox.now()
    smtp.stop()

    await outbox.drain(mail_settings, moment=start)
    restart(smtp)
    await outbox.drain(mail_settings, moment=start + timedelta(hours=1))
    (english,) = smtp.to("admin@ijmond.example")
    (dutch,) = smtp.to("beheer@ijmond.example")
    with taal.in_taal("en"):
        since_en = tijd.moment(start)
    body = english.get_body("plain").get_content()

    assert english["Subject"] == "The mail server of Participatie IJmond could not be reached"
    assert body.splitlines()[0] == "Dear Sam,"
    assert f"Since {since_en} Participatie IJmond could not reach the mail server." in body
    assert " at " in since_en
    assert dutch["Subject"] == "De mailserver van Participatie IJmond was niet bereikbaar"
    assert f"Sinds {tijd.moment(start)} kon Participatie IJmond" in dutch.get_body("plain").get_content()
