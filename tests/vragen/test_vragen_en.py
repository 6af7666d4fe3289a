"""The vragen part in English (issue 14): the council's board and vraag page, the ambtenaar's
portal, a refusal and a form error with the `taal=en` cookie; the mails in the language of the
form the vraag came in by (the resident's idea, the ambtenaar's request). Dutch stays the default
and the Dutch mails stay as they were."""

from __future__ import annotations

import html
from datetime import timedelta

from participatie import taal, tijd
from participatie.mail import outbox
from participatie.vragen import domain
from participatie.vragen.tables import Vraag
from tests.conftest import login, post_form
from tests.paginas import lang_of, main_text
from tests.vragen.test_domain import _aanvraag
from tests.vragen.test_mails import _to_borging


async def _in_concretiseren(mensen) -> int:
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    return vraag_id


# (Dutch that must be gone in English, English that must be there), per council page.
BORD = (
    [
        "Zelf een vraag agenderen",
        "Zoeken in titel en tekst",
        "Binnengekomen",
        "Concretiseren",
        "Minimabeleid",
    ],
    [
        "Put a question on the agenda yourself",
        "Search in title and text",
        "Received",
        "Detailing",
        "No questions",
        "Support for low incomes",  # the theme, from stappen.THEMAS
    ],
)
VRAAG = (
    [
        "De vraag zoals die binnenkwam",
        "Naar een andere stap",
        "Uiterste datum",
        "de uiterste datum",
        "Tijdlijn",
        "Getrechterd: gemeente, thema minimabeleid, prioriteit hoog.",  # a note stored in Dutch
    ],
    [
        "The question as it came in",
        "To another step",
        "Deadline",
        "<li>the deadline</li>",
        "Timeline",
        "Screened: local, topic Support for low incomes, priority high.",
    ],
)


async def test_board_and_vraag_page_in_english(client, mensen):
    vraag_id = await _in_concretiseren(mensen)
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")

    for pad, (nederlands, engels) in (
        ("/raad/beverwijk/vragen", BORD),
        (f"/raad/beverwijk/vragen/{vraag_id}", VRAAG),
    ):
        page = await client.get(pad)

        assert page.status_code == 200, pad
        assert lang_of(page.text) == "en"
        main = main_text(page.text)
        assert [zin for zin in nederlands if zin in main] == [], pad
        assert [zin for zin in engels if zin not in main] == [], pad


async def test_board_and_vraag_page_stay_dutch_by_default(client, mensen):
    vraag_id = await _in_concretiseren(mensen)
    await login(client, "kees@beverwijk.example")

    for pad, (nederlands, engels) in (
        ("/raad/beverwijk/vragen", BORD),
        (f"/raad/beverwijk/vragen/{vraag_id}", VRAAG),
    ):
        page = await client.get(pad)

        assert lang_of(page.text) == "nl"
        main = main_text(page.text)
        assert [zin for zin in nederlands if zin not in main] == [], pad
        assert [zin for zin in engels if zin in main] == [], pad


async def test_ambtenaar_portal_and_request_in_english(client, mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await login(client, "marja@beverwijk.example")
    client.cookies.set("taal", "en")

    portaal = main_text((await client.get("/gemeente/beverwijk")).text)
    aanvraag = main_text((await client.get(f"/gemeente/beverwijk/aanvragen/{vraag_id}")).text)

    assert "Requests for advice from the municipality of Beverwijk" in portaal
    assert "Do you need to do something?" in portaal
    assert "Moet u iets doen?" not in portaal
    assert "Where is your request now?" in aanvraag
    assert "The Participatieraad has received your question." in aanvraag
    assert "Request for advice submitted." in aanvraag  # a fixed timeline note, translated
    assert "Waar staat uw aanvraag?" not in aanvraag


async def test_a_refused_step_and_a_form_error_are_shown_in_english(client, mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")

    stap = await post_form(
        client, f"/raad/beverwijk/vragen/{vraag_id}/stap", {"versie": "1", "naar": "afgerond"}
    )
    trechter = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/trechter",
        {"versie": "1", "scope": "", "thema": "minimabeleid", "prioriteit": "hoog"},
    )

    assert stap.status_code == 422
    assert "A question cannot go from received to finished." in html.unescape(stap.text)
    assert "Een vraag kan niet" not in stap.text
    assert trechter.status_code == 422
    fout = "Choose whether the question is for one municipality or for the whole IJmond region."
    assert fout in html.unescape(trechter.text)
    assert "Kies of de vraag" not in trechter.text


async def test_a_resident_who_wrote_in_english_gets_english_mails(client, mensen, mail_settings, smtp):
    client.cookies.set("taal", "en")

    response = await post_form(
        client, "/idee/beverwijk", {"tekst": "More benches by the bus stop", "email": "resident@example.org"}
    )
    (vraag,) = await Vraag.select(Vraag.id, Vraag.taal)
    await domain.update_trechter(
        vraag["id"], mensen["raadslid"], versie=1, scope="gemeente", thema="ouderen", prioriteit="laag"
    )
    await outbox.drain(mail_settings)

    assert response.status_code == 302
    assert vraag["taal"] == "en"
    mails = {m["Subject"].strip(): m for m in smtp.to("resident@example.org")}
    assert sorted(mails) == [
        "Participatieraad Beverwijk: we have received your question or idea",
        "Participatieraad Beverwijk: your question is now in the step screening",
    ]
    ontvangen = mails["Participatieraad Beverwijk: we have received your question or idea"]
    tekst = ontvangen.get_body("plain").get_content().replace("\r\n", "\n")
    with taal.in_taal("en"):
        vandaag = tijd.datum(tijd.now())  # "28 November 2026": the English month
    assert (
        f"Thank you. The Participatieraad Beverwijk received your question or idea on {vandaag} at " in tekst
    )
    assert "Dear resident," in tekst and "Beste" not in tekst
    stap = mails["Participatieraad Beverwijk: your question is now in the step screening"]
    stap_tekst = stap.get_body("plain").get_content()
    assert "The Participatieraad is looking at whether and how to take up the question." in stap_tekst
    assert "Dear resident," in stap_tekst
    assert "De raad" not in stap_tekst


async def test_a_dutch_resident_still_gets_the_dutch_mails(client, mensen, mail_settings, smtp):
    await post_form(client, "/idee/beverwijk", {"tekst": "Meer bankjes", "email": "inwoner@example.org"})
    (vraag,) = await Vraag.select(Vraag.id, Vraag.taal)
    await domain.update_trechter(
        vraag["id"], mensen["raadslid"], versie=1, scope="gemeente", thema="ouderen", prioriteit="laag"
    )
    await outbox.drain(mail_settings)

    assert vraag["taal"] == "nl"
    mails = {m["Subject"].strip(): m for m in smtp.to("inwoner@example.org")}
    assert sorted(mails) == [
        "Participatieraad Beverwijk: uw vraag is nu in de stap trechteren",
        "Participatieraad Beverwijk: we hebben uw vraag of idee ontvangen",
    ]
    ontvangen = mails["Participatieraad Beverwijk: we hebben uw vraag of idee ontvangen"]
    tekst = ontvangen.get_body("plain").get_content().replace("\r\n", "\n")
    assert tekst.startswith("Beste inwoner,\n\nDank u wel. De Participatieraad Beverwijk heeft op ")
    assert f"heeft op {tijd.datum(tijd.now())} om " in tekst


async def test_an_ambtenaar_who_asked_in_english_gets_the_advice_and_reminder_in_english(
    client, mensen, mail_settings, smtp
):
    await login(client, "marja@beverwijk.example")
    client.cookies.set("taal", "en")
    response = await post_form(
        client,
        "/gemeente/beverwijk/aanvragen/nieuw",
        {
            "titel": "Minimaregelingen",
            "tekst": "Waarom vragen mensen de regelingen niet aan?",
            "thema": "minimabeleid",
            "advies_gewenst_op": (tijd.today() + timedelta(days=30)).isoformat(),
            "contactpersoon": "Marja van Leeuwen",
        },
    )
    assert response.status_code == 302, response.text
    (vraag,) = await Vraag.select(Vraag.id, Vraag.taal)
    await _to_borging(vraag["id"], mensen["raadslid"])
    await Vraag.update({Vraag.reactie_verwacht_op: tijd.today() - timedelta(days=1)}).where(
        Vraag.id == vraag["id"]
    )
    await domain.remind_overdue_borging()
    await outbox.drain(mail_settings)

    assert vraag["taal"] == "en"
    marja = {m["Subject"].strip() for m in smtp.to("marja@beverwijk.example")}
    assert 'Participatieraad Beverwijk: the advice on "Minimaregelingen" is ready' in marja
    assert "Participatieraad Beverwijk: your question is now in the step consulting" in marja
    assert 'Reminder: response to the advice on "Minimaregelingen"' in marja
    assert not [s for s in marja if "uw vraag" in s or "Herinnering" in s]
    # The council member has no stored language: Dutch.
    kees = [m["Subject"].strip() for m in smtp.to("kees@beverwijk.example")]
    assert kees == ['Herinnering: reactie op het advies over "Minimaregelingen"']
    (herinnering,) = [m for m in smtp.to("marja@beverwijk.example") if m["Subject"].startswith("Reminder")]
    with taal.in_taal("en"):
        verwacht = tijd.datum(tijd.today() - timedelta(days=1))
    assert (
        f"We expected the municipality's response by {verwacht} at the latest."
        in herinnering.get_body("plain").get_content()
    )
