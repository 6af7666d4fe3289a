"""Focus groups in English (issue 14): the council's pages with the `taal=en` cookie, a resident
who signs up in English gets every mail in English (through the real form and a real SMTP
server), the council can choose English for a resident it adds or invites, refusals come in
English, and Dutch stays the default."""

import re

import pytest

from participatie import taal, tijd
from participatie.focusgroepen import domain
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from tests.conftest import login, post_form
from tests.focusgroepen.test_domain import INWONER, _later, _meeting, make_groep
from tests.paginas import lang_of, main_text


async def _groep_met_alles(mensen, settings) -> dict[str, int]:
    """A group with a resident, a meeting and a finding: every council page has something."""
    groep_id = await make_groep(mensen)
    lid_id = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    bevinding_id = await domain.add_bevinding(
        mensen["raadslid"], groep_id, tekst="Te veel formulieren", steun="meerderheid", bijeenkomsten=[]
    )
    vraag_id = (await Focusgroep.select(Focusgroep.vraag).first())["vraag"]
    return {
        "groep": groep_id,
        "lid": lid_id,
        "bijeenkomst": bijeenkomst_id,
        "bevinding": bevinding_id,
        "vraag": vraag_id,
    }


# page -> (Dutch sentences that must be gone in English, English sentences that must be there)
PAGINAS: dict[str, tuple[list[str], list[str]]] = {
    "/raad/beverwijk/focusgroepen/{groep}": (
        ["Een inwoner toevoegen", "De groep afsluiten", "Steun in de groep", "Leden van de focusgroep"],
        ["Add a resident", "Close the group", "Support in the group", "(majority)", "1 resident"],
    ),
    "/raad/beverwijk/vragen/{vraag}/focusgroepen/nieuw": (
        ["Nieuwe focusgroep", "Focusgroep starten", "Op deze dag sluit de groep vanzelf."],
        ["New focus group", "Start focus group", "The group closes by itself on this day."],
    ),
    "/raad/beverwijk/focusgroepen/{groep}/wijzigen": (
        ["Focusgroep wijzigen", "Wijzigingen opslaan"],
        ["Change focus group", "Save changes"],
    ),
    "/raad/beverwijk/focusgroepen/{groep}/bijeenkomsten/{bijeenkomst}": (
        ["Wie komt, wie was er, en het verslag", "Bijeenkomst afzeggen", "Nog geen antwoord", " tot "],
        ["Who is coming, who was there, and the minutes", "Cancel meeting", "No answer yet", " to "],
    ),
    "/raad/beverwijk/focusgroepen/{groep}/bevindingen/{bevinding}": (
        ["Bevinding wijzigen", "Steun in de groep", "Meerderheid"],
        ["Change finding", "Support in the group", "Majority"],
    ),
}


@pytest.mark.parametrize("pad", list(PAGINAS))
async def test_council_page_in_english_has_no_dutch_left(client, settings, mensen, pad):
    ids = await _groep_met_alles(mensen, settings)
    nederlands, engels = PAGINAS[pad]
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")

    page = await client.get(pad.format(**ids))

    assert page.status_code == 200, pad
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    assert [zin for zin in nederlands if zin in main] == []
    assert [zin for zin in engels if zin not in main] == []


@pytest.mark.parametrize("pad", list(PAGINAS))
async def test_council_page_is_dutch_by_default(client, settings, mensen, pad):
    ids = await _groep_met_alles(mensen, settings)
    nederlands, engels = PAGINAS[pad]
    await login(client, "kees@beverwijk.example")

    page = await client.get(pad.format(**ids))

    assert page.status_code == 200, pad
    assert lang_of(page.text) == "nl"
    main = main_text(page.text)
    assert [zin for zin in nederlands if zin not in main] == []
    assert [zin for zin in engels if zin in main and zin not in {" to "}] == []


async def test_reply_page_and_its_refusal_in_english(client, settings, mensen):
    ids = await _groep_met_alles(mensen, settings)
    path = domain.reactie_pad(settings.secret_key, ids["lid"], ids["bijeenkomst"])
    client.cookies.set("taal", "en")

    page = await client.get(path)
    wrong = await post_form(client, path, {"antwoord": "altijd"})
    answer = await post_form(client, path, {"antwoord": "ja"})

    assert page.status_code == 200 and lang_of(page.text) == "en"
    main = main_text(page.text)
    assert "Are you coming to this meeting?" in main and "Yes, I'm coming" in main
    assert "Komt u naar deze bijeenkomst?" not in main
    start = (await Bijeenkomst.select(Bijeenkomst.begint_at).first())["begint_at"]
    with taal.in_taal("en"):
        assert tijd.datum_lang(start) in main  # "Friday 4 December 2026"
    assert wrong.status_code == 422 and "Choose yes, no or maybe." in main_text(wrong.text)
    assert "Kies ja, nee of misschien." not in wrong.text
    assert answer.status_code == 200 and "Thank you. Your answer has been saved." in answer.text


async def test_council_form_errors_in_english(client, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")

    meeting = await post_form(
        client,
        f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten",
        {"datum": _later().isoformat(), "begintijd": "21:00", "eindtijd": "20:00", "plaats": "Stadhuis"},
    )
    member = await post_form(
        client, f"/raad/beverwijk/focusgroepen/{groep_id}/leden", {"naam": "", "email": "", "telefoon": ""}
    )

    assert meeting.status_code == 422
    assert "The end time is before the start time. Choose a later end time." in main_text(meeting.text)
    assert "De eindtijd ligt voor de begintijd" not in meeting.text
    assert member.status_code == 422
    errors = main_text(member.text)
    assert "Fill in an email address or a phone number, so that we can send invitations." in errors
    assert "Without consent we cannot keep the details. Tick the box." in errors
    assert "Zonder toestemming" not in errors


async def _sign_up_link(settings, mensen, groep_id: int) -> str:
    await domain.invite_inwoner(mensen["raadslid"], groep_id, settings, "nieuw@example.org")
    (bericht,) = (
        await Bericht.select(Bericht.context)
        .where(Bericht.sjabloon == "focusgroep_aanmelden")
        .output(load_json=True)
    )
    return bericht["context"]["pad"]


async def test_resident_who_signs_up_in_english_gets_english_mails(client, mail_settings, smtp, mensen):
    groep_id = await make_groep(mensen)
    await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)  # Dutch: the council added her
    path = await _sign_up_link(mail_settings, mensen, groep_id)
    client.cookies.set("taal", "en")

    page = await client.get(path)
    refused = await post_form(client, path, {"naam": "Sam", "email": "sam@example.org"})
    done = await post_form(client, path, {"naam": "Sam", "email": "sam@example.org", "toestemming": "ja"})
    sam = await Lid.select().where(Lid.email == "sam@example.org").first()
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, mail_settings, _meeting())
    reminders_at = domain.herinnering_vanaf(
        (await Bijeenkomst.select(Bijeenkomst.begint_at).first())["begint_at"]
    )
    await domain.send_reminders(mail_settings, reminders_at)
    await domain.close_groep(mensen["raadslid"], groep_id, mail_settings)
    await outbox.drain(mail_settings)

    assert page.status_code == 200 and "at the latest 3 months after the group has finished" in page.text
    assert refused.status_code == 422 and "Without consent we cannot keep the details." in refused.text
    assert done.status_code == 200
    assert (sam["taal"], sam["toestemming_voor"][:29]) == ("en", "My name and contact details a")
    engels = smtp.to("sam@example.org")
    assert [m["Subject"] for m in engels] == [
        'Invitation: meeting of the focus group "Minimaregelingen"',
        'Tomorrow: meeting of the focus group "Minimaregelingen"',
        'Thank you for your input in the focus group "Minimaregelingen"',
    ]
    start = (await Bijeenkomst.select(Bijeenkomst.begint_at).where(Bijeenkomst.id == bijeenkomst_id).first())[
        "begint_at"
    ]
    with taal.in_taal("en"):
        datum_en = tijd.datum_lang(start)
    with taal.in_taal("nl"):
        datum_nl = tijd.datum_lang(start)
    uitnodiging = engels[0].get_body("plain").get_content().replace("\r\n", "\n")
    assert uitnodiging.startswith("Dear Sam,\nYou are invited to a meeting of the focus group")
    assert f"When: {datum_en}, 19:30 to 21:00" in uitnodiging
    assert datum_nl not in uitnodiging and "Met vriendelijke groet" not in uitnodiging
    assert "Let us know if you are coming" in engels[0].get_body("html").get_content()
    (kalender,) = [p for p in engels[0].iter_attachments() if p.get_content_type() == "text/calendar"]
    assert b"SUMMARY:Focus group: Minimaregelingen" in kalender.get_payload(decode=True)
    assert "The group recorded no findings." in engels[2].get_body("plain").get_content()
    # The resident the council added without choosing a language still reads Dutch.
    nederlands = smtp.to("fatima@example.org")
    assert [m["Subject"] for m in nederlands] == [
        'Uitnodiging: bijeenkomst focusgroep "Minimaregelingen"',
        'Morgen: bijeenkomst focusgroep "Minimaregelingen"',
        'Bedankt voor uw inbreng in de focusgroep "Minimaregelingen"',
    ]
    assert f"Wanneer: {datum_nl}, 19:30 tot 21:00" in nederlands[0].get_body("plain").get_content()


async def test_council_chooses_english_for_a_resident_it_adds_or_invites(client, settings, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")
    pad = f"/raad/beverwijk/focusgroepen/{groep_id}"

    form = await client.get(pad)
    added = await post_form(client, f"{pad}/leden", {**INWONER, "toestemming": "ja", "taal": "en"})
    dutch = await post_form(
        client, f"{pad}/leden", {**INWONER, "naam": "Jan", "email": "jan@example.org", "toestemming": "ja"}
    )
    odd = await post_form(
        client,
        f"{pad}/leden",
        {**INWONER, "naam": "Ans", "email": "ans@example.org", "toestemming": "ja", "taal": "de"},
    )
    invited = await post_form(
        client, f"{pad}/uitnodigen", {"uitnodiging_email": "sam@example.org", "uitnodiging_taal": "en"}
    )

    assert 'name="taal"' in form.text and '<option value="en">English</option>' in form.text
    assert (added.status_code, dutch.status_code, odd.status_code, invited.status_code) == (302,) * 4
    talen = {r["naam"]: r["taal"] for r in await Lid.select(Lid.naam, Lid.taal).where(Lid.soort == "inwoner")}
    assert talen == {"Fatima el Amrani": "en", "Jan": "nl", "Ans": "nl"}
    (bericht,) = (
        await Bericht.select().where(Bericht.sjabloon == "focusgroep_aanmelden").output(load_json=True)
    )
    assert bericht["taal"] == "en"
    mail = outbox.render(bericht, settings)
    assert mail["Subject"] == 'Participatieraad Beverwijk: will you join the focus group "Minimaregelingen"?'
    tekst = mail.get_payload()[0].get_payload(decode=True).decode()
    assert "The Participatieraad Beverwijk invites you to a focus group" in tekst
    assert re.search(r"The link works once, until [A-Z][a-z]+day \d+ [A-Z][a-z]+ \d{4}\.", tekst), tekst
