"""Focusgroepen on both engines: members, meetings with calendar mails, replies, findings,
closing and the retention job. Mails go through the outbox to a real SMTP server."""

import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from participatie import tijd
from participatie.accounts import domain as accounts
from participatie.focusgroepen import domain
from participatie.focusgroepen.domain import BijeenkomstInvoer
from participatie.focusgroepen.tables import Aanmelding, Bevinding, Bijeenkomst, Focusgroep, Lid, Reactie
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from tests.conftest import make_gebruiker
from tests.peilingen.test_domain import _vraag_in_voorleggen

INWONER = {"naam": "Fatima el Amrani", "email": "fatima@example.org", "telefoon": "", "toestemming": True}


def _later(days: int = 10) -> date:
    return (tijd.now() + timedelta(days=days)).astimezone(tijd.AMSTERDAM).date()


def _meeting(days: int = 10, **changes) -> BijeenkomstInvoer:
    values = {
        "datum": _later(days).isoformat(),
        "begintijd": "19:30",
        "eindtijd": "21:00",
        "plaats": "Buurthuis De Schakel, Beverwijk",
        "agenda": "1. Kennismaken\n2. Ervaringen met de minimaregeling",
    }
    return BijeenkomstInvoer(**{**values, **changes})


async def make_groep(mensen) -> int:
    vraag_id = await _vraag_in_voorleggen(mensen)
    return await domain.create_focusgroep(
        mensen["raadslid"],
        vraag_id,
        thema="Minimaregelingen",
        doel="Horen waar inwoners vastlopen bij het aanvragen.",
        eind_op=_later(60).isoformat(),
        verantwoordelijke=str(mensen["raadslid"].id),
    )


def _calendar(message) -> icalendar.Event:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    (event,) = cal.walk("VEVENT")
    return cal, event


async def test_create_checks_its_input_and_stores_nothing_on_error(mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)

    with pytest.raises(domain.OngeldigeInvoer) as error:
        await domain.create_focusgroep(
            mensen["raadslid"],
            vraag_id,
            thema=" ",
            doel="Iets",
            eind_op=(date.today() - timedelta(days=1)).isoformat(),
            verantwoordelijke=str(mensen["velsen"].id),  # a raadslid of another council
        )

    assert set(error.value.fouten) == {"thema", "eind_op", "verantwoordelijke"}
    assert await Focusgroep.count() == 0


async def test_another_council_cannot_touch_the_group(mensen):
    groep_id = await make_groep(mensen)

    with pytest.raises(domain.GeenToegang):
        await domain.add_inwoner(mensen["velsen"], groep_id, **INWONER)
    assert await domain.rol_in_groep(mensen["velsen"], groep_id) is None
    assert await domain.rol_in_groep(mensen["raadslid"], groep_id) == "beheer"


async def test_a_policy_officer_sees_only_groups_they_are_in(mensen, settings):
    groep_id = await make_groep(mensen)
    assert await domain.rol_in_groep(mensen["ambtenaar"], groep_id) is None

    await domain.add_account_lid(mensen["raadslid"], groep_id, str(mensen["ambtenaar"].id))

    assert await domain.rol_in_groep(mensen["ambtenaar"], groep_id) == "lid"
    # A policy officer of another municipality cannot be added at all.
    other = await make_gebruiker(settings, "ambtenaar", "velsen", email="piet@velsen.example")
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.add_account_lid(mensen["raadslid"], groep_id, str(other))


@pytest.mark.parametrize(
    ("changes", "veld"),
    [
        ({"toestemming": False}, "toestemming"),
        ({"email": "fatima@@example"}, "email"),
        ({"email": "", "telefoon": ""}, "email"),
        ({"email": "", "telefoon": "bel me"}, "telefoon"),
        ({"naam": ""}, "naam"),
    ],
)
async def test_a_resident_needs_consent_and_a_way_to_reach_them(mensen, changes, veld):
    groep_id = await make_groep(mensen)

    with pytest.raises(domain.OngeldigeInvoer) as error:
        await domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, **changes})

    assert veld in error.value.fouten
    assert await Lid.count().where(Lid.soort == "inwoner") == 0


async def test_consent_is_recorded_with_date_and_what_it_covers(mensen):
    groep_id = await make_groep(mensen)

    lid_id = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)

    lid = await Lid.select().where(Lid.id == lid_id).first()
    assert lid["toestemming_op"] == tijd.now().astimezone(tijd.AMSTERDAM).date()
    assert "3 maanden nadat de groep klaar is" in lid["toestemming_voor"]


@pytest.mark.parametrize(
    ("changes", "veld"),
    [
        ({"datum": (date.today() - timedelta(days=1)).isoformat()}, "datum"),
        ({"begintijd": "21:00", "eindtijd": "19:00"}, "eindtijd"),
        ({"begintijd": "half acht"}, "begintijd"),
        ({"plaats": "", "online_link": ""}, "plaats"),
        ({"plaats": "", "online_link": "javascript:alert(1)"}, "online_link"),
    ],
)
async def test_bad_meeting_input_stores_and_mails_nothing(mensen, settings, changes, veld):
    groep_id = await make_groep(mensen)
    queued = await Bericht.count()

    with pytest.raises(domain.OngeldigeInvoer) as error:
        await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting(**changes))

    assert veld in error.value.fouten
    assert (await Bijeenkomst.count(), await Bericht.count()) == (0, queued)


async def test_invitation_update_and_cancellation_carry_one_calendar_item(mensen, mail_settings, smtp):
    groep_id = await make_groep(mensen)
    await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, mail_settings, _meeting())
    await outbox.drain(mail_settings)
    await domain.change_bijeenkomst(
        mensen["raadslid"], bijeenkomst_id, mail_settings, _meeting(begintijd="20:00", eindtijd="21:30")
    )
    await outbox.drain(mail_settings)
    await domain.cancel_bijeenkomst(mensen["raadslid"], bijeenkomst_id, mail_settings)
    await outbox.drain(mail_settings)

    mails = smtp.to("fatima@example.org")
    assert [m["Subject"].split(":")[0] for m in mails] == ["Uitnodiging", "Gewijzigd", "Gaat niet door"]
    calendars = [_calendar(m) for m in mails]
    uids = {str(event["UID"]) for _, event in calendars}
    assert len(uids) == 1
    assert [int(event["SEQUENCE"]) for _, event in calendars] == [0, 1, 2]
    assert [str(cal["METHOD"]) for cal, _ in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    first, second = calendars[0][1], calendars[1][1]
    start = datetime.combine(_later(), datetime.strptime("19:30", "%H:%M").time(), tijd.AMSTERDAM)
    assert first.decoded("DTSTART") == start.astimezone(UTC)
    assert second.decoded("DTSTART") == (start + timedelta(minutes=30)).astimezone(UTC)
    assert str(first["LOCATION"]) == "Buurthuis De Schakel, Beverwijk"
    assert str(calendars[2][1]["STATUS"]) == "CANCELLED"
    # The raadslid, as a member, is invited too.
    assert len(smtp.to("kees@beverwijk.example")) == 3
    # Every mail to a member carries their own leave link.
    assert all("/afmelden/" in m.get_body("plain").get_content() for m in mails)


def _path(message, pattern: str) -> str:
    match = re.search(pattern, message.get_body("plain").get_content())
    assert match, message.get_body("plain").get_content()
    return match.group(0)


async def test_reply_link_works_only_for_its_own_member(mensen, mail_settings, smtp):
    groep_id = await make_groep(mensen)
    fatima = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    jan = await domain.add_inwoner(
        mensen["raadslid"], groep_id, **{**INWONER, "naam": "Jan", "email": "jan@example.org"}
    )
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, mail_settings, _meeting())
    await outbox.drain(mail_settings)
    link = _path(smtp.to("fatima@example.org")[0], r"/f/\d+/bijeenkomsten/\d+/[0-9a-f]+")
    lid_id, b_id, token = int(link.split("/")[2]), int(link.split("/")[4]), link.split("/")[5]
    assert (lid_id, b_id) == (fatima, bijeenkomst_id)

    await domain.reply(mail_settings.secret_key, fatima, bijeenkomst_id, token, "ja")
    await domain.reply(mail_settings.secret_key, fatima, bijeenkomst_id, token, "misschien")
    with pytest.raises(domain.OngeldigeLink):
        await domain.reply(mail_settings.secret_key, jan, bijeenkomst_id, token, "nee")  # Fatima's token
    with pytest.raises(domain.OngeldigeLink):
        await domain.reply(mail_settings.secret_key, fatima, bijeenkomst_id, "0" * 32, "nee")  # forged
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.reply(mail_settings.secret_key, fatima, bijeenkomst_id, token, "weet niet")

    assert await Reactie.select(Reactie.lid, Reactie.antwoord) == [{"lid": fatima, "antwoord": "misschien"}]


async def test_reminder_goes_the_day_before_to_yes_and_no_answer_once(mensen, mail_settings, smtp):
    groep_id = await make_groep(mensen)
    fatima = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    jan = await domain.add_inwoner(
        mensen["raadslid"], groep_id, **{**INWONER, "naam": "Jan", "email": "jan@example.org"}
    )
    ans = await domain.add_inwoner(
        mensen["raadslid"], groep_id, **{**INWONER, "naam": "Ans", "email": "ans@example.org"}
    )
    bijeenkomst_id = await domain.plan_bijeenkomst(
        mensen["raadslid"], groep_id, mail_settings, _meeting(days=3)
    )
    secret = mail_settings.secret_key
    await domain.reply(
        secret, fatima, bijeenkomst_id, domain.link_token(secret, "reactie", fatima, bijeenkomst_id), "ja"
    )
    await domain.reply(
        secret, jan, bijeenkomst_id, domain.link_token(secret, "reactie", jan, bijeenkomst_id), "nee"
    )
    await Bericht.delete(force=True)
    start = (await Bijeenkomst.select(Bijeenkomst.begint_at).first())["begint_at"]
    day_before = domain.herinnering_vanaf(start)

    too_early = await domain.send_reminders(mail_settings, day_before - timedelta(hours=1))
    sent = await domain.send_reminders(mail_settings, day_before + timedelta(minutes=5))
    again = await domain.send_reminders(mail_settings, day_before + timedelta(hours=2))
    await outbox.drain(mail_settings)

    assert (too_early, sent, again) == (0, 3, 0)  # Fatima (ja), Ans (no answer), the raadslid
    assert sorted(m["To"] for m in smtp.received) == sorted(
        ["fatima@example.org", "ans@example.org", "kees@beverwijk.example"]
    )
    assert all(m["Subject"].startswith("Morgen") for m in smtp.received)
    assert ans


async def test_a_resident_signs_up_once_through_their_invitation(mensen, mail_settings, smtp):
    groep_id = await make_groep(mensen)
    await domain.invite_inwoner(mensen["raadslid"], groep_id, mail_settings, "nieuw@example.org")
    await outbox.drain(mail_settings)
    token = _path(smtp.to("nieuw@example.org")[0], r"/f/aanmelden/[A-Za-z0-9_-]+").rsplit("/", 1)[1]
    secret = mail_settings.secret_key

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.sign_up(secret, token, **{**INWONER, "toestemming": False})
    lid_id = await domain.sign_up(secret, token, **{**INWONER, "email": "nieuw@example.org"})
    with pytest.raises(domain.OngeldigeLink):
        await domain.sign_up(secret, token, **INWONER)
    with pytest.raises(domain.OngeldigeLink):
        await domain.sign_up(secret, "vervalst", **INWONER)

    assert await Lid.select(Lid.id, Lid.email).where(Lid.soort == "inwoner") == [
        {"id": lid_id, "email": "nieuw@example.org"}
    ]
    assert await Aanmelding.count() == 0


async def test_leaving_through_the_link_erases_contact_details(mensen, settings):
    groep_id = await make_groep(mensen)
    lid_id = await domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, "telefoon": "06 12345678"})
    path = domain.afmeld_pad(settings.secret_key, lid_id)

    with pytest.raises(domain.OngeldigeLink):
        await domain.leave_by_link(settings.secret_key, lid_id + 1, path.rsplit("/", 1)[1])
    await domain.leave_by_link(settings.secret_key, lid_id, path.rsplit("/", 1)[1])

    lid = await Lid.select().where(Lid.id == lid_id).first()
    assert (lid["naam"], lid["email"], lid["telefoon"]) == ("", None, None)
    assert lid["vertrokken_at"] is not None


async def test_findings_link_only_to_meetings_of_their_own_group(mensen, settings):
    groep_id = await make_groep(mensen)
    other_id = await make_groep(mensen)
    own = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    foreign = await domain.plan_bijeenkomst(mensen["raadslid"], other_id, settings, _meeting())

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.add_bevinding(
            mensen["raadslid"],
            groep_id,
            tekst="Het formulier is te lang",
            steun="",
            bijeenkomsten=[str(foreign)],
        )
    await domain.add_bevinding(
        mensen["raadslid"],
        groep_id,
        tekst="Het formulier is te lang",
        steun="unaniem",
        bijeenkomsten=[str(own)],
    )

    (bevinding,) = await domain.bevindingen(groep_id)
    assert (bevinding["tekst"], bevinding["steun"], len(bevinding["bijeenkomsten"])) == (
        "Het formulier is te lang",
        "unaniem",
        1,
    )
    assert await Bevinding.count() == 1


async def _closed_group_with_attendance(mensen, settings) -> tuple[int, int]:
    groep_id = await make_groep(mensen)
    fatima = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    await domain.add_inwoner(
        mensen["raadslid"], groep_id, **{**INWONER, "naam": "Jan", "email": "jan@example.org"}
    )
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    # The meeting took place: move it into the past, then record who came.
    await Bijeenkomst.update(
        {Bijeenkomst.begint_at: tijd.now() - timedelta(hours=3), Bijeenkomst.eindigt_at: tijd.now()}
    ).where(Bijeenkomst.id == bijeenkomst_id)
    raadslid = (await Lid.select(Lid.id).where(Lid.soort == "raadslid").first())["id"]
    await domain.record_verslag(
        mensen["raadslid"], bijeenkomst_id, verslag="Goed gesprek.", aanwezig={fatima, raadslid}
    )
    await domain.add_bevinding(
        mensen["raadslid"], groep_id, tekst="Te veel formulieren", steun="meerderheid", bijeenkomsten=[]
    )
    await domain.close_groep(mensen["raadslid"], groep_id, settings)
    return groep_id, bijeenkomst_id


async def test_closing_thanks_the_members_with_the_findings(mensen, mail_settings, smtp):
    groep_id, _ = await _closed_group_with_attendance(mensen, mail_settings)
    await Bericht.delete().where(Bericht.sjabloon != "focusgroep_bedankt")

    await outbox.drain(mail_settings)

    (mail,) = smtp.to("fatima@example.org")
    text = mail.get_body("plain").get_content()
    assert "- Te veel formulieren (meerderheid)" in text
    assert "https://participatie.test/rapporten/beverwijk" in text
    with pytest.raises(domain.Gesloten):
        await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, mail_settings, _meeting())


async def test_retention_job_removes_residents_once_and_keeps_the_counts(mensen, settings):
    groep_id, bijeenkomst_id = await _closed_group_with_attendance(mensen, settings)
    closed_at = (await Focusgroep.select(Focusgroep.gesloten_at).first())["gesloten_at"]
    closed_at = closed_at if closed_at.tzinfo else closed_at.replace(tzinfo=UTC)

    early = await domain.purge_personal_data(closed_at + timedelta(days=80))
    assert await Lid.count().where(Lid.soort == "inwoner") == 2
    first = await domain.purge_personal_data(closed_at + timedelta(days=95))
    second = await domain.purge_personal_data(closed_at + timedelta(days=200))

    assert (early, first, second) == (0, 1, 0)
    assert await Lid.count().where(Lid.soort == "inwoner") == 0
    assert (
        await Lid.count().where(Lid.soort == "raadslid") == 1
    )  # accounts are not personal data of the group
    groep = await Focusgroep.select().where(Focusgroep.id == groep_id).first()
    assert groep["aantal_inwoners"] == 2
    bijeenkomst = await Bijeenkomst.select().where(Bijeenkomst.id == bijeenkomst_id).first()
    assert bijeenkomst["aanwezig_inwoners"] == 1
    assert bijeenkomst["verslag"] == "Goed gesprek."


async def test_beheerder_sets_the_retention_period(mensen, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    beheerder = await accounts.acting_as("beheer@ijmond.example")

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.set_bewaartermijn(beheerder, "0")
    with pytest.raises(domain.GeenToegang):
        await domain.set_bewaartermijn(mensen["raadslid"], "6")
    await domain.set_bewaartermijn(beheerder, "6")
    await domain.set_bewaartermijn(beheerder, "12")

    assert await domain.bewaartermijn_maanden() == 12


async def test_planner_closes_groups_past_their_end_date(mensen, settings):
    groep_id = await make_groep(mensen)
    await Focusgroep.update({Focusgroep.eind_op: date.today() - timedelta(days=1)}).where(
        Focusgroep.id == groep_id
    )

    closed = await domain.close_ended(settings)
    again = await domain.close_ended(settings)

    assert (closed, again) == (1, 0)
    groep = await Focusgroep.select().where(Focusgroep.id == groep_id).first()
    assert groep["samenvatting"] == "De groep heeft geen bevindingen vastgelegd."
