"""The report and its mail in plain Dutch (issue 13, B1): advice only promised when there is
advice, the addressee not in the middle of a sentence, a decimal comma, singular for one."""

import re

from participatie.mail import outbox
from participatie.rapporten import domain
from participatie.vragen import domain as vragen
from participatie.vragen.tables import Vraag
from tests.rapporten.test_domain import _to, _written, make_vraag_met_deelnemers


async def _publish(mensen, settings, vraag_id: int) -> None:
    await _written(mensen, vraag_id)
    await domain.publish(mensen["raadslid"], vraag_id, settings)
    await outbox.drain(settings)


def _text(smtp, address: str) -> str:
    (mail,) = [m for m in smtp.to(address) if "inbreng" in m["Subject"]]
    return " ".join(mail.get_body("plain").get_content().split())


async def test_report_mail_before_the_advice_promises_no_advice(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=1)

    await _publish(mensen, mail_settings, vraag_id)

    wants_more = _text(smtp, "inwoner0@example.org")
    only_report = _text(smtp, "inwoner1@example.org")
    for text in (wants_more, only_report):
        assert "U leest erin wat inwoners ons vertelden en wat wij concluderen." in text
        assert "advisere" not in text
        assert "ons advies" not in text
    assert (
        "U wilde ook horen wat de gemeente hiermee doet. De raad geeft de gemeente eerst nog advies. "
        "Daarna krijgt u nog één e-mail." in wants_more
    )
    html = next(m for m in smtp.to("inwoner0@example.org") if "inbreng" in m["Subject"])
    assert "adviseren" not in html.get_body("html").get_content()


async def test_report_mail_with_advice_says_so(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=1)
    await Vraag.update(
        {Vraag.advies_tekst: "Maak het formulier korter.", Vraag.advies_aan: "Het college"}
    ).where(Vraag.id == vraag_id)

    await _publish(mensen, mail_settings, vraag_id)

    text = _text(smtp, "inwoner0@example.org")
    assert "wat wij concluderen en wat we de gemeente adviseren." in text
    assert "U wilde ook horen wat de gemeente met ons advies doet." in text


async def test_report_page_names_the_addressee_like_a_letter_and_writes_dutch_numbers(
    client, mensen, mail_settings, smtp
):
    # Ten respondents: the smallest group whose distribution and average a report shows.
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=10)
    raadslid = mensen["raadslid"]
    # One visit that reached one person: back to voorleggen to record it, then on again.
    await _to(vraag_id, raadslid, "voorleggen")
    await vragen.add_activiteit(
        vraag_id, raadslid, waar="De bibliotheek", op=vragen.today().isoformat(), bereikt="1", notities=""
    )
    await _to(vraag_id, raadslid, "terugkoppelen", "advies")
    await vragen.record_advies(
        vraag_id,
        raadslid,
        versie=(await vragen.load_vraag(vraag_id))["versie"],
        tekst="Maak het formulier korter.",
        aan="Het college van B en W",
    )
    await _publish(mensen, mail_settings, vraag_id)
    rapport = await domain.load_rapport(vraag_id)

    page = (await client.get(f"/rapporten/beverwijk/{rapport['sleutel']}")).text

    assert "<h2>Ons advies</h2>" in page
    assert "<p><strong>Aan:</strong> Het college van B en W</p>" in page
    assert "aan Het college" not in page
    assert "De bibliotheek (" in page and "): 1 inwoner gesproken." in page
    assert 'Het formulier is te lang <span class="klein">(iedereen in de groep vond dit)</span>' in page
    assert "unaniem" not in page
    averages = re.findall(r"Gemiddeld: <strong>([^<]*)</strong>", page)
    assert averages and all(re.fullmatch(r"\d+,\d", a) for a in averages), averages
