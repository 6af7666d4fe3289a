"""Paper polls (issue 15): the printable form, and typing in the forms that come back."""

import os
import re
import zlib
from pathlib import Path
from urllib.parse import urlencode

import pytest

from participatie import tijd
from participatie.peilingen import domain, papier, talen
from participatie.peilingen.tables import Antwoord, Peiling, Peilingtaal, Vertaling, Waarde
from participatie.rapporten.tables import Rapport
from participatie.spoor.tables import Spoorregel
from tests.conftest import csrf_token, login, make_gebruiker
from tests.peilingen.geteld import per_taal
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


def _pdf_heeft(pdf: bytes, tekst: str) -> bool:
    """Whether `tekst` is in the PDF's tags (alt texts, titles): WeasyPrint writes a text with
    non-Latin letters as a UTF-16 string, in hex or as bytes."""
    ruw = _pdf_tekst(pdf)
    utf16 = tekst.encode("utf-16-be")
    return tekst.encode() in ruw or utf16 in ruw or utf16.hex().upper().encode() in ruw.upper()


def _bewaar(naam: str, pdf: bytes) -> None:
    """Set PARTICIPATIE_SCREENSHOTS=/some/dir to keep the PDFs and look at them (pdftoppm -png)."""
    if map_ := os.environ.get("PARTICIPATIE_SCREENSHOTS"):
        Path(map_).mkdir(parents=True, exist_ok=True)
        (Path(map_) / naam).write_bytes(pdf)


# The test poll (make_peiling) in Arabic, as a council would translate it.
ARABISCH = {
    "titel": "أنظمة الدخل المنخفض",
    "intro": "خمسة أسئلة قصيرة.",
    "Kent u de regeling?": "هل تعرف هذا النظام؟",
    "Ja, goed": "نعم، جيدًا",
    "Een beetje": "قليلًا",
    "Nee": "لا",
    "Waar hoort u erover?": "أين تسمع عنه؟",
    "Krant": "الجريدة",
    "Buren": "الجيران",
    "Huisarts": "طبيب العائلة",
    "Website": "الموقع الإلكتروني",
    "Hoe makkelijk is het aanvragen?": "ما مدى سهولة تقديم الطلب؟",
    "Heel moeilijk": "صعب جدًا",
    "Heel makkelijk": "سهل جدًا",
    "Hoeveel formulieren vulde u in?": "كم عدد الاستمارات التي ملأتها؟",
    "Wat zou helpen?": "ما الذي قد يساعد؟",
}


async def add_taal(formulier, code: str, vertaal=ARABISCH.get, *, compleet: bool = True) -> None:
    """Add `code` to the poll with a translation of every text (`vertaal(dutch)`), or of all
    but the last one. The version goes up, as with every change of a translation."""
    await Peilingtaal.insert(Peilingtaal(peiling=formulier.peiling_id, taal=code, aangemaakt_at=tijd.now()))
    dutch = {("titel", None, None): formulier.titel, ("intro", None, None): formulier.intro}
    for item in formulier.items:
        for veld in talen.ITEM_VELDEN:
            dutch[(veld, item.id, None)] = getattr(item, veld)
        for keuze_id, tekst in item.keuzes:
            dutch[(talen.KEUZE_VELD, item.id, keuze_id)] = tekst
    nodig = talen.nodig(formulier)
    for veld, item, keuze in nodig[:-1] if not compleet else nodig:
        tekst = vertaal(dutch[(veld, item, keuze)]) or vertaal(veld)
        assert tekst, (veld, item, keuze)
        await Vertaling.insert(
            Vertaling(peiling=formulier.peiling_id, taal=code, veld=veld, item=item, keuze=keuze, tekst=tekst)
        )
    await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == formulier.peiling_id)
    # Test databases are made anew with the same ids and versions: no translation of an
    # earlier test may come from the process's cache.
    talen._cache.clear()


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


async def test_the_form_prints_in_arabic_right_to_left_with_english_instructions(client, settings, mensen):
    formulier = await _poll(mensen)
    await add_taal(formulier, "ar")
    formulier = await domain.load_formulier(peiling_id=formulier.peiling_id)
    await _kees(client, settings)

    gewoon = await client.get(_pad(formulier, "/papier/pdf?taal=ar"))
    groot = await client.get(_pad(formulier, "/papier/groot/pdf?taal=ar"))

    for response in (gewoon, groot):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert b"/Lang (ar)" in _pdf_tekst(response.content)
        for arabisch in (ARABISCH["titel"], ARABISCH["Kent u de regeling?"], ARABISCH["Wat zou helpen?"]):
            assert _pdf_heeft(response.content, arabisch), arabisch
        # The poll's Dutch texts are not on it; the platform's instructions are, in English.
        assert not _pdf_heeft(response.content, "Kent u de regeling?")
    _bewaar("papier-ar.pdf", gewoon.content)
    _bewaar("papier-groot-ar.pdf", groot.content)
    assert "papier-ar.pdf" in gewoon.headers["content-disposition"]
    assert "groot-ar.pdf" in groot.headers["content-disposition"]
    assert gewoon.content != groot.content
    # The HTML the PDF is made of: right to left, English instructions marked as such.
    dutch_pdf = await client.get(_pad(formulier, "/papier/pdf"))
    assert b"/Lang (nl)" in _pdf_tekst(dutch_pdf.content)
    assert _pdf_heeft(dutch_pdf.content, "Kent u de regeling?")
    _bewaar("papier-nl.pdf", dutch_pdf.content)
    _bewaar("papier-groot-nl.pdf", (await client.get(_pad(formulier, "/papier/groot/pdf"))).content)


async def test_the_arabic_paper_html_is_right_to_left_and_its_instructions_english(mensen):
    formulier = await _poll(mensen)
    await add_taal(formulier, "ar")
    formulier = await domain.load_formulier(peiling_id=formulier.peiling_id)
    vertaald = talen.vertaal(formulier, (await talen.vertalingen(formulier))["ar"])
    arabisch = talen.taal_info("ar")

    html = papier.papier_html(vertaald, arabisch, groot=False, base_url="https://example.org")

    assert '<html lang="ar" dir="rtl">' in html
    assert ARABISCH["Kent u de regeling?"] in html and "Kent u de regeling?" not in html
    assert '<div class="papier__uitleg" lang="en" dir="ltr">' in html
    assert "Put a cross in the box next to your answer." in html
    assert "Zet een kruisje" not in html


@pytest.mark.parametrize("taal", ["xx", "zz-ZZ", "de", "ar%00", "ar\x00", "<script>", "a" * 500, "tr", "ar-"])
async def test_an_unknown_or_unfinished_language_is_a_404_never_a_500(client, settings, mensen, taal):
    formulier = await _poll(mensen)
    await add_taal(formulier, "ar")
    # Turkish is added but one text still lacks a translation: not offered, not printed.
    await add_taal(formulier, "tr", lambda dutch: f"TR {dutch}", compleet=False)
    await _kees(client, settings)

    for rest in ("/papier/pdf", "/papier/groot/pdf"):
        response = await client.get(_pad(formulier, rest) + "?" + urlencode({"taal": taal}))
        assert response.status_code == 404, (rest, taal)
        if "\x00" not in taal:  # security.py answers a NUL byte in the address before any route
            assert response.headers["content-type"].startswith("text/html")
    # The entry screen falls back to Dutch.
    page = await client.get(_pad(formulier, "/papier") + "?" + urlencode({"taal": taal}))
    assert page.status_code == (404 if "\x00" in taal else 200)
    if page.status_code == 200:
        assert '<option value="nl" selected>' in page.text


async def test_the_entry_page_links_the_form_in_every_offered_language(client, settings, mensen):
    formulier = await _poll(mensen)
    await add_taal(formulier, "ar")
    await add_taal(formulier, "tr", lambda dutch: f"TR {dutch}", compleet=False)
    await _kees(client, settings)

    page = (await client.get(_pad(formulier, "/papier"))).text

    assert f'href="{_pad(formulier, "/papier/pdf")}"' in page
    assert f'href="{_pad(formulier, "/papier/pdf?taal=ar")}"' in page
    assert f'href="{_pad(formulier, "/papier/groot/pdf?taal=ar")}"' in page
    assert "taal=tr" not in page
    assert '<option value="ar">Arabisch (العربية)</option>' in page
    assert "Turks" not in page


async def test_paper_forms_store_the_language_of_the_paper_and_it_stays_chosen(client, settings, mensen):
    formulier = await _poll(mensen)
    await add_taal(formulier, "ar")
    formulier = await domain.load_formulier(peiling_id=formulier.peiling_id)
    await _kees(client, settings)

    nl = await _enter(client, formulier, answers(formulier))
    ar = await _enter(client, formulier, {**answers(formulier), "taal": ["ar"]})
    page = await client.get(ar.headers["location"])
    ar2 = await _enter(client, formulier, {**answers(formulier), "taal": ["ar"]}, _token(page.text))

    assert nl.headers["location"] == _pad(formulier, "/papier?klaar=1")
    assert ar.headers["location"] == _pad(formulier, "/papier?klaar=1&taal=ar")
    assert ar2.status_code == 303
    # The next form starts in Arabic; the questions on the screen stay the Dutch ones.
    assert '<option value="ar" selected>' in page.text
    assert "Kent u de regeling?" in page.text and ARABISCH["Kent u de regeling?"] not in page.text
    assert [r["bron"] for r in await Antwoord.select(Antwoord.bron)] == ["papier"] * 3
    assert await per_taal() == {"nl": 1, "ar": 2}
    # The same choice ids: the Arabic answers pool with the Dutch ones.
    eerste = formulier.items[0].keuzes[0][0]
    assert await Waarde.count().where(Waarde.keuze == eerste) == 3


@pytest.mark.parametrize("taal", ["xx", "tr", ""])
async def test_a_paper_form_in_a_language_not_offered_is_refused_on_the_form(client, settings, mensen, taal):
    formulier = await _poll(mensen)
    await add_taal(formulier, "tr", lambda dutch: f"TR {dutch}", compleet=False)
    await _kees(client, settings)

    response = await _enter(client, formulier, {**answers(formulier), "taal": [taal]})

    if taal == "":
        # An empty value is the default: Dutch.
        assert response.status_code == 303
        assert await per_taal() == {"nl": 1}
        return
    assert response.status_code == 422
    assert "Kies de taal van het formulier uit de lijst." in response.text
    assert 'href="#taal"' in response.text
    # What was typed stays.
    assert f'value="{formulier.items[0].keuzes[0][0]}" checked' in response.text
    assert await Antwoord.count() == 0


def test_a_character_no_font_has_is_found():
    # Latin and Arabic come with fonts-dejavu-core, which WeasyPrint's package needs.
    assert papier.zonder_lettertype("Kent u de regeling? هل تعرف هذا النظام؟") == ""
    # A private-use character is in no font for text.
    assert papier.zonder_lettertype("a\U000f0001b") == "\U000f0001"


async def test_a_language_without_a_font_is_not_printed_as_boxes(client, settings, mensen):
    ethiopisch = "ሰላም ትግርኛ"
    if not papier.zonder_lettertype(ethiopisch):
        pytest.skip("this machine has a font for Ethiopic (Tigrinya)")
    formulier = await _poll(mensen)
    await add_taal(formulier, "ti", lambda dutch: f"{ethiopisch} {len(dutch)}")
    await _kees(client, settings)

    page = (await client.get(_pad(formulier, "/papier"))).text
    pdf = await client.get(_pad(formulier, "/papier/pdf?taal=ti"))

    assert "Voor het Tigrinya is op deze server geen lettertype." in page
    assert "taal=ti" not in page
    # Typing in a Tigrinya form still works: the entry screen is Dutch.
    assert '<option value="ti">Tigrinya (ትግርኛ)</option>' in page
    assert pdf.status_code == 409
    assert "Voor het Tigrinya is op deze server geen lettertype." in pdf.text
