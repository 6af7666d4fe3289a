"""Reports in English (issue 14): the council's report page and the public report for whoever
chose English, refusals in English, and the report mails in the language the resident left
their address in. The report itself (the council's texts, the sentences made for it, the PDF)
stays Dutch. Dutch stays the default and unchanged."""

from __future__ import annotations

from babel.dates import format_date

from participatie import taal
from participatie.demo import GEMEENTEN
from participatie.focusgroepen.tables import Lid
from participatie.mail import outbox
from participatie.peilingen import domain as peilingen
from participatie.rapporten import domain, inhoud
from participatie.tijd import as_utc, local, plus_months
from participatie.vragen import domain as vragen
from tests.conftest import login, post_form
from tests.paginas import lang_of, main_text
from tests.peilingen import test_adressen
from tests.peilingen.test_adressen import post
from tests.rapporten.test_adressen import answered, open_poll_with_report
from tests.rapporten.test_domain import _to, _written, make_vraag_met_deelnemers
from tests.vragen.test_domain import _versie

browsers = test_adressen.browsers  # the fixture: a browser of its own per resident

RAAD = next(raad_naam for slug, _, raad_naam in GEMEENTEN if slug == "beverwijk")


def _plain(mail) -> str:
    return " ".join(mail.get_body("plain").get_content().split())


def _date(moment, locale: str) -> str:
    """A date as the reader's language writes it, by Babel directly (not through tijd.py)."""
    return format_date(local(moment).date(), "d MMMM y", locale=locale)


async def test_council_report_page_in_english_and_dutch_by_default(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2)
    await login(client, "kees@beverwijk.example")
    pad = f"/raad/beverwijk/vragen/{vraag_id}/rapport"

    dutch = await client.get(pad)
    client.cookies.set("taal", "en")
    english = await client.get(pad)

    nederlands = [
        "Deze delen komen vanzelf in het rapport",
        "Goedkeuren en publiceren",
        "Publiceren en versturen",
        "Nog niet begonnen",
    ]
    engels = [
        "These parts go into the report by themselves",
        "Approve and publish",
        "Publish and send",
        "Not started yet",
        "everyone who left an email address gets the report by email: 3 addresses now.",
        "So please write the title, the introduction and the conclusions in Dutch.",
    ]
    assert (dutch.status_code, english.status_code) == (200, 200)
    assert (lang_of(dutch.text), lang_of(english.text)) == ("nl", "en")
    assert [zin for zin in nederlands if zin in main_text(english.text)] == []
    assert [zin for zin in engels if zin not in main_text(english.text)] == []
    assert [zin for zin in nederlands if zin not in main_text(dutch.text)] == []
    assert "nu 3 adressen" in dutch.text


async def test_refusals_on_the_council_page_in_english(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")
    pad = f"/raad/beverwijk/vragen/{vraag_id}/rapport"

    preview = await client.get(f"{pad}/voorbeeld")  # nothing stored yet: a 404 that says why
    early = await post_form(client, f"{pad}/publiceren", {})

    assert preview.status_code == 404
    assert "There is no report yet. Save it first." in main_text(preview.text)
    assert "Sla het eerst op" not in preview.text
    assert early.status_code == 422
    assert "Write the conclusions before you publish." in main_text(early.text)
    assert "Schrijf de conclusies" not in early.text


async def test_public_report_in_english_keeps_the_councils_dutch_and_the_pdf_dutch(
    client, mensen, mail_settings
):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2)
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    rapport = await domain.load_rapport(vraag_id)
    pad = f"/rapporten/beverwijk/{rapport['sleutel']}"

    dutch = await client.get(pad)
    client.cookies.set("taal", "en")
    english = await client.get(pad)
    listing = await client.get("/rapporten/beverwijk")
    with taal.in_taal("en"):
        pdf_html = await inhoud.render_html(rapport["id"])

    nederlands = ["Hoe we inwoners bereikten", "Wat de gemeente ermee deed", "Download dit rapport als PDF"]
    engels = [
        "How we reached residents",
        "What the municipality did with it",
        "Download this report as a PDF",
        "The Participatieraad wrote this report in Dutch.",
        "(everyone in the group thought so)",
        "published on " + _date(rapport["gepubliceerd_at"], "en_GB"),
    ]
    main = main_text(english.text)
    assert lang_of(english.text) == "en"
    assert [zin for zin in nederlands if zin in main] == []
    assert [zin for zin in engels if zin not in main] == []
    # The council's texts are Dutch, and say so to screen readers.
    assert '<h1 lang="nl">Minimaregelingen: wat u ons vertelde</h1>' in english.text
    assert '<span lang="nl">Het formulier is te lang</span>' in english.text
    assert "Reports of the " + RAAD in main_text(listing.text)
    assert 'lang="nl">Minimaregelingen: wat u ons vertelde</a>' in listing.text
    # Dutch by default, exactly as before.
    assert [zin for zin in nederlands if zin not in main_text(dutch.text)] == []
    assert "<h1>Minimaregelingen: wat u ons vertelde</h1>" in dutch.text
    assert 'lang="nl"' not in main_text(dutch.text)
    # The PDF is the report itself: Dutch, whoever's request makes it.
    assert '<html lang="nl">' in pdf_html
    assert "Hoe we inwoners bereikten" in pdf_html and "How we reached" not in pdf_html


async def test_report_mails_in_the_language_the_address_was_left_in(
    client, mensen, browsers, mail_settings, smtp
):
    formulier, vraag_id = await open_poll_with_report(mensen)
    engels, nederlands = browsers(0), browsers(1)
    engels.cookies.set("taal", "en")
    for n, browser in enumerate((engels, nederlands)):
        await answered(browser, formulier, n)
        adres = {"email": [f"inwoner{n}@example.org"], "vervolg": ["ja"]}
        left = await post(browser, f"/p/{formulier.sleutel}/adres", adres)
        assert left.status_code == 302, left.headers.get("location")
    await peilingen.close_early(mensen["raadslid"], formulier.peiling_id)

    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)

    rapport = await domain.load_rapport(vraag_id)
    tot = plus_months(as_utc(rapport["gepubliceerd_at"]), 12)
    (en_mail,) = [m for m in smtp.to("inwoner0@example.org") if RAAD in m["Subject"]]
    (nl_mail,) = [m for m in smtp.to("inwoner1@example.org") if RAAD in m["Subject"]]
    en_text, nl_text = _plain(en_mail), _plain(nl_mail)
    assert en_mail["Subject"] == f"{RAAD}: what we did with your input"
    assert "Hello," in en_text and "Thank you!" in en_text
    assert "The report itself is written in Dutch." in en_text
    assert f"until {_date(tot, 'en_GB')} at the latest." in en_text
    assert "You received this email because you left your email address." in en_text
    assert "Goedendag" not in en_text and "Tot dan bewaren" not in en_text
    assert "Read the report" in en_mail.get_body("html").get_content()
    # The Dutch resident's mail as before, with the same date in Dutch.
    assert nl_mail["Subject"] == f"{RAAD}: wat we met uw inbreng deden"
    assert "Tot dan bewaren we uw e-mailadres, hoogstens 12 maanden nadat dit rapport" in nl_text
    assert f"uiterlijk tot {_date(tot, 'nl_NL')}." in nl_text
    assert "Nederlands" not in nl_text and "Hello" not in nl_text

    # The follow-up on the municipality's reaction, in the same two languages.
    smtp.received.clear()
    raadslid = mensen["raadslid"]
    await _to(vraag_id, raadslid, "advies")
    await vragen.record_advies(
        vraag_id, raadslid, versie=await _versie(vraag_id), tekst="Maak het eenvoudiger.", aan="College"
    )
    await _to(vraag_id, raadslid, "borging")
    await vragen.record_reactie(
        vraag_id, mensen["ambtenaar"], oordeel="deels", toelichting="We maken één formulier.", vervolg_op=""
    )
    assert await domain.send_followups(mail_settings) == 2
    await outbox.drain(mail_settings)

    (en_vervolg,) = smtp.to("inwoner0@example.org")
    (nl_vervolg,) = smtp.to("inwoner1@example.org")
    assert en_vervolg["Subject"] == f"{RAAD}: what the municipality did with your input"
    en_text = _plain(en_vervolg)
    assert "The municipality has responded:" in en_text
    assert "The municipality wrote this in Dutch: We maken één formulier." in en_text
    assert "This is the last email about this." in en_text
    assert nl_vervolg["Subject"] == f"{RAAD}: wat de gemeente met uw inbreng deed"
    assert "De gemeente heeft gereageerd: deels overgenomen." in _plain(nl_vervolg)


async def test_remove_me_page_in_english(client, mensen, mail_settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    rapport = await domain.load_rapport(vraag_id)
    pad = domain.afmeld_pad(mail_settings.secret_key, rapport["id"], "inwoner0@example.org")
    client.cookies.set("taal", "en")

    page = await client.get(pad)
    done = await post_form(client, pad, {})

    assert lang_of(page.text) == "en" and "Remove my email address" in main_text(page.text)
    assert done.status_code in (200, 201)
    assert "You will get no more emails from us about this report." in main_text(done.text)
    assert "verwijderen" not in main_text(done.text)


async def test_a_focus_group_member_gets_the_report_in_their_language(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await Lid.update({Lid.taal: "en"}).where(Lid.email == "fatima@example.org")
    await _written(mensen, vraag_id)

    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)

    (mail,) = [m for m in smtp.to("fatima@example.org") if RAAD in m["Subject"]]
    (dutch,) = [m for m in smtp.to("inwoner0@example.org") if RAAD in m["Subject"]]
    assert mail["Subject"] == f"{RAAD}: what we did with your input"
    assert "The report itself is written in Dutch." in _plain(mail)
    assert dutch["Subject"] == f"{RAAD}: wat we met uw inbreng deden"
