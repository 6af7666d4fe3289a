"""The residents' panel in English: sign-up, its confirmation mail (read from the real SMTP
server), the invitation with an English date, the option labels, a form error, the council's
counts and the friendly limit message. The Dutch resident's mail stays as it was."""

from __future__ import annotations

from datetime import timedelta

from participatie import taal, tijd
from participatie.limiet import TeVaakPubliek
from participatie.mail import outbox
from participatie.panel.tables import Panellid
from participatie.peilingen.tables import Peiling
from tests.conftest import login
from tests.paginas import lang_of, main_text
from tests.panel.helpers import body, link, mails_to, post, sign_up
from tests.panel.test_uitnodigen import make_lid
from tests.peilingen.test_domain import make_peiling


def _text(mail) -> str:
    """The plain body as written (SMTP carries it with CRLF line ends)."""
    return body(mail).replace("\r\n", "\n")


async def test_sign_up_in_english_mails_the_confirmation_in_english(client, mail_settings, smtp) -> None:
    client.cookies.set("taal", "en")

    page = await sign_up(client, "velsen", "emma@example.org", kern="Driehuis", leeftijd="26-40")

    assert page.status_code == 200
    assert lang_of(page.text) == "en"
    assert "Check your email" in main_text(page.text)
    (mail,) = await mails_to(mail_settings, smtp, "emma@example.org")
    assert mail["Subject"] == "Confirm your sign-up for the residents' panel for Velsen"
    tekst = _text(mail)
    assert tekst.startswith("Dear resident,\n\nYou signed up for the residents' panel for Velsen of the ")
    assert "You only become a member once you use the link. The link works for 7 days." in tekst
    assert (
        "Did you not sign up? Then you need not do anything: we delete your email address after 7 days."
        in tekst
    )
    assert "Kind regards," in tekst
    for dutch in ("Beste inwoner", "Bevestig", "Met vriendelijke groet", "dagen"):
        assert dutch not in tekst

    pad = link(mail, "/panel/bevestigen/")
    done = await post(client, pad, [])

    assert done.status_code == 200
    assert "You are a member of the residents' panel" in main_text(done.text)
    (lid,) = await Panellid.select(Panellid.taal, Panellid.kern, Panellid.leeftijd)
    assert lid == {"taal": "en", "kern": "Driehuis", "leeftijd": "26-40"}


async def test_the_dutch_confirmation_mail_stays_dutch(client, mail_settings, smtp) -> None:
    await sign_up(client, "beverwijk", "jan@example.org")

    (mail,) = await mails_to(mail_settings, smtp, "jan@example.org")

    assert mail["Subject"] == "Bevestig uw aanmelding voor het inwonerpanel Beverwijk"
    tekst = _text(mail)
    assert tekst.startswith(
        "Beste inwoner,\n\nU heeft zich aangemeld voor het inwonerpanel Beverwijk van de "
        "Participatieraad Beverwijk. "
        "Bevestig uw aanmelding met deze link:\n\nhttps://participatie.test/panel/bevestigen/"
    )
    assert "Pas als u de link gebruikt, bent u lid. De link werkt 7 dagen.\n" in tekst
    assert tekst.endswith("Met vriendelijke groet,\nParticipatieraad Beverwijk\n")


async def test_the_sign_up_form_shows_its_options_in_english(client, database) -> None:
    client.cookies.set("taal", "en")

    page = await client.get("/velsen/panel")

    main = main_text(page.text)
    assert '<option value="41-65">41-65 years</option>' in main
    assert '<option value="80+">80+ years</option>' in main
    assert '<option value="Driehuis">Driehuis</option>' in main  # a place keeps its name
    assert (
        '<label class="utrecht-form-label utrecht-form-label--checkbox" for="themas-wonen">Housing</label>'
        in main
    )
    assert "jaar" not in main and ">Wonen<" not in main


async def test_the_sign_up_form_options_stay_dutch_by_default(client, database) -> None:
    page = await client.get("/velsen/panel")

    assert '<option value="41-65">41-65 jaar</option>' in page.text
    assert "years" not in main_text(page.text)


async def test_a_wrong_address_is_refused_in_english(client, database) -> None:
    client.cookies.set("taal", "en")

    page = await sign_up(client, "velsen", "geen-adres", kern="Atlantis")

    assert page.status_code == 422
    main = main_text(page.text)
    assert "This is not a valid email address. An email address looks like this: name@example.com." in main
    assert "Please choose a village or neighbourhood from the list." in main
    assert "Dit is geen geldig e-mailadres" not in main and "Kies een kern" not in main


async def test_an_english_member_is_invited_in_english_with_an_english_date(
    client, mensen, mail_settings, smtp
) -> None:
    await make_lid("beverwijk", "nl@example.org")
    lid_en = await make_lid("beverwijk", "en@example.org")
    await Panellid.update({Panellid.taal: "en"}).where(Panellid.id == lid_en)
    peiling_id = await make_peiling(mensen, toegang="codes")
    sluit = tijd.now().replace(microsecond=0) + timedelta(days=10)
    await Peiling.update({Peiling.sluit_at: sluit}).where(Peiling.id == peiling_id)
    await login(client, "kees@beverwijk.example")

    response = await post(client, "/raad/beverwijk/panel/uitnodigen", [("peiling", str(peiling_id))])
    await outbox.drain(mail_settings)

    assert response.status_code == 303
    (engels,) = smtp.to("en@example.org")
    (nederlands,) = smtp.to("nl@example.org")
    with taal.in_taal("en"):
        datum_en = tijd.moment(sluit)
    datum_nl = tijd.moment(sluit)
    assert " at " in datum_en and " om " in datum_nl
    assert engels["Subject"] == "Your opinion, please: Minimaregelingen"
    tekst = _text(engels)
    assert tekst.startswith(
        "Dear panel member,\n\nThe Participatieraad Beverwijk would like to know what you think."
    )
    assert f"You can take part until {datum_en}." in tekst
    assert "Your personal code: " in tekst and "Uw persoonlijke code" not in tekst
    assert "You get this email because you are a member of the residents' panel. Leave the panel: " in tekst
    assert nederlands["Subject"] == "Uw mening gevraagd: Minimaregelingen"
    assert f"U kunt meedoen tot {datum_nl}." in _text(nederlands)


async def test_the_council_panel_page_in_english(client, mensen) -> None:
    await make_lid("beverwijk", "a@example.org", kern="Wijk aan Zee", leeftijd="26-40")
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")

    page = await client.get("/raad/beverwijk/panel")

    assert page.status_code == 200
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    assert "Members per village or neighbourhood" in main
    assert ">26-40 years</th>" in main
    assert ">Not given</th>" in main
    assert ">fewer than 5</td>" in main
    for dutch in ("minder dan 5", "Niet ingevuld", " jaar<", "Leden per kern"):
        assert dutch not in main


async def test_the_limit_on_a_public_form_speaks_the_readers_language(database) -> None:
    with taal.in_taal("en"):
        engels = TeVaakPubliek(retry_after=90).melding
        een = TeVaakPubliek(retry_after=30).melding
    nederlands = TeVaakPubliek(retry_after=90).melding

    assert engels == (
        "Many forms have been sent from this internet connection. Please try again in 2 minutes."
    )
    assert een.endswith("Please try again in 1 minute.")
    assert nederlands == (
        "Er zijn vanaf deze internetverbinding veel formulieren verstuurd. "
        "Probeer het over 2 minuten opnieuw."
    )
