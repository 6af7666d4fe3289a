"""Paper polls (issue 15): the printable form, and typing in the forms that come back."""

import re
import zlib
from urllib.parse import urlencode

from participatie import tijd
from participatie.peilingen import domain
from participatie.peilingen.tables import Antwoord, Peiling, Waarde
from participatie.rapporten.tables import Rapport
from participatie.spoor.tables import Spoorregel
from tests.conftest import csrf_token, login, make_gebruiker
from tests.peilingen.test_domain import answers, make_peiling


def _pdf_tekst(pdf: bytes) -> bytes:
    """The PDF with its compressed streams unpacked: the tagged PDF keeps the text there."""
    delen = [pdf]
    for stroom in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            delen.append(zlib.decompress(stroom))
        except zlib.error:
            continue
    return b"\n".join(delen)


async def _kees(client, settings):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.papier@beverwijk.example")
    await login(client, "kees.papier@beverwijk.example")


async def _poll(mensen):
    return await domain.load_formulier(peiling_id=await make_peiling(mensen))


def _pad(formulier, rest=""):
    return f"/raad/beverwijk/peilingen/{formulier.peiling_id}{rest}"


def _token(page_text: str) -> str:
    return re.search(r'name="formulier" value="([^"]+)"', page_text).group(1)


async def _enter(client, formulier, data: dict[str, list[str]], token: str | None = None):
    if token is None:
        token = _token((await client.get(_pad(formulier, "/papier"))).text)
    csrf = await csrf_token(client)
    body = [(k, v) for k, values in data.items() for v in values]
    body += [("formulier", token), ("_csrf_token", csrf)]
    return await client.post(
        _pad(formulier, "/papier"),
        content=urlencode(body),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


async def test_the_printable_form_is_a_pdf_with_every_question_plain_and_large(client, settings, mensen):
    formulier = await _poll(mensen)
    await _kees(client, settings)

    gewoon = await client.get(_pad(formulier, "/papier/pdf"))
    groot = await client.get(_pad(formulier, "/papier/groot/pdf"))

    for response in (gewoon, groot):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response.content.rstrip().endswith(b"%%EOF")
        tekst = _pdf_tekst(response.content)
        for item in formulier.items:
            assert item.tekst.encode() in tekst, item.tekst
    assert "papier-nl.pdf" in gewoon.headers["content-disposition"]
    assert "groot-nl.pdf" in groot.headers["content-disposition"]
    # Larger print and boxes: the large variant does not fit on the same pages.
    assert gewoon.content != groot.content
    assert b"/Lang (nl)" in _pdf_tekst(gewoon.content)
    # In Dutch also from an English screen: the questions are the poll's Dutch texts.
    client.cookies.set("taal", "en")
    engels = await client.get(_pad(formulier, "/papier/pdf"))
    assert b"/Lang (nl)" in _pdf_tekst(engels.content)
    client.cookies.set("taal", "nl")
    beheer = await client.get(_pad(formulier))
    assert _pad(formulier, "/papier/pdf") in beheer.text
    assert _pad(formulier, "/papier/groot/pdf") in beheer.text
    assert f'href="{_pad(formulier, "/papier")}"' in beheer.text


async def test_twenty_paper_forms_are_stored_as_paper_and_split_in_the_results(client, settings, mensen):
    formulier = await _poll(mensen)
    online, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, online, bron="link", deelname_sleutel="browser-1")
    await _kees(client, settings)

    for n in range(20):
        response = await _enter(client, formulier, answers(formulier, i2=[str(n % 5 + 1)]))
        assert (response.status_code, response.headers["location"]) == (
            303,
            _pad(formulier, "/papier?klaar=1"),
        )

    page = await client.get(_pad(formulier, "/papier?klaar=1"))
    assert "20 papieren formulieren ingevoerd" in page.text
    assert "Opgeslagen. Typ nu het volgende formulier over." in page.text
    assert await Antwoord.count().where(Antwoord.bron == "papier") == 20
    assert await Antwoord.count() == 21
    uitslag = (await client.get(_pad(formulier, "/uitslag"))).text
    assert "Hoe de antwoorden binnenkwamen" in uitslag
    for bron, aantal in (("link", 1), ("code", 0), ("kiosk", 0), ("papier", 20)):
        assert f'data-bron="{bron}">{aantal}</td>' in uitslag
    csv = (await client.get(_pad(formulier, "/antwoorden.csv"))).text
    assert csv.count(";papier;") == 20
    # One trail line per form, without what was answered.
    regels = await Spoorregel.select().where(Spoorregel.actie == "peiling_papier_ingevoerd")
    assert len(regels) == 20
    assert "Eén formulier" not in str(regels)


async def test_a_wrong_paper_form_gets_the_online_messages_and_nothing_is_stored(client, settings, mensen):
    formulier = await _poll(mensen)
    await _kees(client, settings)
    meer = formulier.items[1]
    te_veel = [str(k) for k, _ in meer.keuzes[:3]]

    keuzes = await _enter(client, formulier, answers(formulier, i1=te_veel))
    getal = await _enter(client, formulier, answers(formulier, i3=["21"]))
    leeg = await _enter(client, formulier, {item.veld: [""] for item in formulier.items})
    verplicht = await _enter(client, formulier, answers(formulier, i0=[]))

    assert keuzes.status_code == getal.status_code == leeg.status_code == verplicht.status_code == 422
    assert "Kies hoogstens 2 antwoorden." in keuzes.text
    # What was typed stays, so only the mistake needs fixing.
    assert f'value="{meer.keuzes[2][0]}" checked' in keuzes.text
    assert "Vul een getal in van 0 tot en met 20." in getal.text
    assert "Dit formulier is leeg." in leeg.text
    assert "Kies een antwoord bij vraag 1: Kent u de regeling?" in verplicht.text
    assert await Antwoord.count() == 0 and await Waarde.count() == 0


async def test_an_optional_question_may_stay_empty_on_paper(client, settings, mensen):
    formulier = await _poll(mensen)
    await _kees(client, settings)

    response = await _enter(client, formulier, answers(formulier, i3=[""], i4=[]))

    assert response.status_code == 303
    assert await Antwoord.count() == 1


async def test_a_form_sent_twice_is_stored_once(client, settings, mensen):
    formulier = await _poll(mensen)
    await _kees(client, settings)
    token = _token((await client.get(_pad(formulier, "/papier"))).text)

    first = await _enter(client, formulier, answers(formulier), token)
    second = await _enter(client, formulier, answers(formulier), token)

    assert first.headers["location"].endswith("?klaar=1")
    assert second.headers["location"].endswith("?klaar=al")
    assert await Antwoord.count() == 1
    page = await client.get(second.headers["location"])
    assert "Dit formulier was al opgeslagen." in page.text
    assert "1 papieren formulier ingevoerd" in page.text


async def test_paper_comes_back_after_closing_until_the_report_is_published(client, settings, mensen):
    formulier = await _poll(mensen)
    await _kees(client, settings)
    await domain.close_early(mensen["raadslid"], formulier.peiling_id)
    formulier = await domain.load_formulier(peiling_id=formulier.peiling_id)

    na_sluiten = await _enter(client, formulier, answers(formulier))
    await Rapport.insert(
        Rapport(
            vraag=formulier.vraag_id,
            gemeente=formulier.gemeente_id,
            sleutel="papiertest",
            titel="Rapport",
            gepubliceerd_at=tijd.now(),
            aangemaakt_at=tijd.now(),
        )
    )
    page = await client.get(_pad(formulier, "/papier"))
    na_rapport = await _enter(client, formulier, answers(formulier), token="nieuw-formulier")

    assert na_sluiten.status_code == 303
    assert na_rapport.status_code == 409
    assert "tot het rapport gepubliceerd is" in page.text and 'name="formulier"' not in page.text
    assert await Antwoord.count() == 1


async def test_not_before_the_poll_opened(client, settings, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    await _kees(client, settings)

    response = await _enter(client, formulier, answers(formulier), token="t")

    assert response.status_code == 409
    assert await Antwoord.count() == 0
    assert (await Peiling.select(Peiling.status).first())["status"] == "concept"


async def test_another_council_may_not_print_or_type_in(client, settings, mensen):
    formulier = await _poll(mensen)
    await make_gebruiker(settings, "raadslid", "velsen", email="anna.papier@velsen.example")
    await login(client, "anna.papier@velsen.example")

    for rest in ("/papier", "/papier/pdf", "/papier/groot/pdf"):
        assert (await client.get(_pad(formulier, rest))).status_code == 403
        own_url = f"/raad/velsen/peilingen/{formulier.peiling_id}{rest}"
        assert (await client.get(own_url)).status_code == 404
    response = await _enter(client, formulier, answers(formulier), token="t")
    assert response.status_code == 403
    assert await Antwoord.count() == 0


async def test_an_optional_round_button_question_starts_at_empty_and_empty_stores_nothing(
    client, settings, mensen
):
    peiling_id = await make_peiling(mensen, publish=False)
    await domain.add_item(
        mensen["raadslid"], peiling_id, domain.ItemInvoer("janee", "Woont u alleen?", verplicht=False)
    )
    await domain.publish(mensen["raadslid"], peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    janee = formulier.items[5]
    await _kees(client, settings)

    page = await client.get(_pad(formulier, "/papier"))
    response = await _enter(client, formulier, {**answers(formulier), janee.veld: [""]}, _token(page.text))

    # A wrong pick can be undone with the arrow keys: the row starts at "leeg", which is no answer.
    assert f'id="{janee.veld}-leeg" name="{janee.veld}" value="" checked' in page.text
    assert response.status_code == 303
    assert await Waarde.count().where(Waarde.item == janee.id) == 0
    assert await Antwoord.count() == 1
