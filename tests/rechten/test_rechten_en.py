"""/mijn-gegevens in English: the link mail in the language of the request that asked for it,
read from the real SMTP server; the start page's and the data page's descriptions of every
source in English; refusals and form errors in English. Dutch stays the default."""

from __future__ import annotations

import re

from participatie.mail import outbox
from participatie.mail.tables import Bericht
from tests.conftest import post_form
from tests.paginas import lang_of, main_text
from tests.panel.helpers import sign_up as sign_up_panel
from tests.rechten.conftest import LINK, PIET, ask_link


async def _mail_to(mail_settings, smtp, email: str):
    await outbox.drain(mail_settings)
    found = [m for m in smtp.received if m["To"].lower() == email.lower()]
    assert found, f"geen mail aan {email}"
    return found[-1]


def _plain(mail) -> str:
    # SMTP carries the body with CRLF line ends.
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


async def _open_in_english(client, mail_settings, smtp) -> str:
    client.cookies.set("taal", "en")
    assert (await ask_link(client, PIET)).status_code == 303
    mail = await _mail_to(mail_settings, smtp, PIET)
    found = LINK.search(_plain(mail))
    assert found, _plain(mail)
    pad = found.group(1)
    used = await post_form(client, pad, {})
    assert used.status_code == 303
    return pad


async def test_the_link_mail_is_english_when_asked_for_in_english(client, gegevens, mail_settings, smtp):
    client.cookies.set("taal", "en")

    asked = await ask_link(client, PIET)
    mail = await _mail_to(mail_settings, smtp, PIET)

    assert asked.status_code == 303
    assert (await Bericht.select(Bericht.taal).where(Bericht.sjabloon == "rechten_link").first()) == {
        "taal": "en"
    }
    assert mail["Subject"] == "Your link to view your data"
    tekst = _plain(mail)
    assert tekst.startswith(
        "Dear resident,\n\nYou asked to see what data the Participatieraden (participation councils) "
        "of the IJmond keep about this email address. Open this link:\n\nhttps://participatie.test/mijn-gegevens/link/"
    )
    assert re.search(r"\nThe link works once, for 30 minutes \(until \d\d:\d\d\)\.\n", tekst), tekst
    assert tekst.endswith("The Participatieraden of Velsen, Beverwijk and Heemskerk\n")
    html_deel = mail.get_body(("html",)).get_content()
    assert ">See my data</a>" in html_deel
    assert "<p>Dear resident,</p>" in html_deel and "Beste inwoner" not in html_deel


async def test_the_link_mail_stays_dutch_by_default(client, gegevens, mail_settings, smtp):
    await ask_link(client, PIET)
    mail = await _mail_to(mail_settings, smtp, PIET)

    assert mail["Subject"] == "Uw link om uw gegevens te bekijken"
    tekst = _plain(mail)
    assert tekst.startswith("Beste inwoner,\n\nU vroeg om te zien welke gegevens de participatieraden")
    assert re.search(r"\nDe link werkt één keer, en 30 minuten lang \(tot \d\d:\d\d uur\)\.\n", tekst), tekst
    assert tekst.endswith(
        "Met vriendelijke groet,\nDe participatieraden van Velsen, Beverwijk en Heemskerk\n"
    )


async def test_the_data_page_describes_every_source_in_english(client, gegevens, mail_settings, smtp):
    await _open_in_english(client, mail_settings, smtp)

    page = await client.get("/mijn-gegevens/overzicht")

    assert page.status_code == 200
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    for english in (
        "Your question or idea for the Participatieraad Velsen",  # vragen
        "To let you know what the council does with your question or idea.",
        "Final report of the survey: Minimaregelingen",  # peilingen
        "Also receive the municipality's response",
        "Kept encrypted until there are enough other answers.",
        "Focus group on Minimaregelingen (Participatieraad Beverwijk)",  # focusgroepen
        "Invitation to the focus group on Minimaregelingen",
        "Email: Invitation to take part in a focus group",  # the outbox
        "To send you this email.",
        "Why we keep this",
        "How long",
    ):
        assert english in main, english
    for dutch in (
        "Uw vraag of idee voor de",
        "Om u te laten weten",
        "Eindrapport van de peiling",
        "Versleuteld bewaard",
        "Focusgroep over",
        "E-mail: Uitnodiging",
        "Waarom wij dit bewaren",
        "Tot de e-mail is verstuurd",
    ):
        assert dutch not in main, dutch


async def test_the_start_page_explains_each_source_in_english(client, database):
    client.cookies.set("taal", "en")

    page = await client.get("/mijn-gegevens")

    main = main_text(page.text)
    for english in (
        "<h3>Questions and ideas</h3>",
        "The email address you left with a question or idea, and that question or idea.",
        "<h3>Focus groups</h3>",
        "To invite you to the meetings of the focus group you take part in.",
        "<h3>Emails</h3>",
        "Until the email has been sent. After that we erase your address within 24 hours.",
    ):
        assert english in main, english
    assert "Vragen en ideeën" not in main and "Het e-mailadres dat u achterliet" not in main


async def test_the_start_page_stays_dutch_by_default(client, database):
    page = await client.get("/mijn-gegevens")

    main = main_text(page.text)
    assert "<h3>Vragen en ideeën</h3>" in main
    assert "Het e-mailadres dat u achterliet bij een vraag of idee, en die vraag of dat idee." in main
    assert "Questions and ideas" not in main


async def test_a_used_link_is_refused_in_english(client, gegevens, mail_settings, smtp):
    pad = await _open_in_english(client, mail_settings, smtp)

    again = await client.get(pad)

    assert again.status_code == 410
    main = main_text(again.text)
    assert "This link does not work (any more). A link works once, and only for 30 minutes." in main
    assert "Deze link werkt niet" not in main


async def test_an_empty_address_is_refused_in_english(client, database):
    client.cookies.set("taal", "en")

    page = await post_form(client, "/mijn-gegevens", {"email": ""})

    assert page.status_code == 422
    main = main_text(page.text)
    assert "Fill in your email address." in main
    assert "Vul uw e-mailadres in." not in main


async def test_a_correction_error_is_shown_in_english(client, gegevens, mail_settings, smtp):
    await _open_in_english(client, mail_settings, smtp)
    page = await client.get("/mijn-gegevens/overzicht")
    slot = re.search(
        r'name="slot" value="(\d+)">\s*<input type="hidden" name="bron" value="vragen">', page.text
    )
    assert slot, page.text
    ids = re.search(
        r'name="slot" value="'
        + slot.group(1)
        + r'">\s*<input[^>]*>\s*<input type="hidden" name="id" value="(\d+)">',
        page.text,
    )
    assert ids

    fout = await post_form(
        client,
        "/mijn-gegevens/corrigeer",
        {
            "slot": slot.group(1),
            "bron": "vragen",
            "id": ids.group(1),
            f"o{slot.group(1)}-email": "geen adres",
        },
    )

    assert fout.status_code == 422
    main = main_text(fout.text)
    assert "This email address is not right. Leave it empty if you no longer want messages." in main
    assert "Dit e-mailadres klopt niet" not in main


async def test_a_panel_mail_is_named_on_the_data_page_in_english(client, gegevens, mail_settings, smtp):
    await sign_up_panel(client, "velsen", PIET)
    await _open_in_english(client, mail_settings, smtp)

    page = await client.get("/mijn-gegevens/overzicht")

    main = main_text(page.text)
    assert "Email: Link to confirm your sign-up for the residents' panel" in main
    assert "Sign-up for the residents' panel for Velsen (not confirmed yet)" in main
