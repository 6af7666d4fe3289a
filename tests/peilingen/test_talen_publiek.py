"""A poll in more than one language, seen by the resident: the picker, the form in the chosen
language (right to left for Arabic), the answers pooled with the Dutch ones, the kiosk, and the
count per language on the results page."""

import re
from urllib.parse import quote

import pytest

from participatie.peilingen import adressen, domain, queries
from participatie.peilingen.tables import Adreswachtrij, Antwoord, Waarde
from tests.conftest import login, make_gebruiker, post_form
from tests.peilingen.geteld import per_taal
from tests.peilingen.test_domain import answers, make_peiling
from tests.peilingen.test_papier import ARABISCH, add_taal
from tests.peilingen.test_routes import _post

ENGELS = {
    "titel": "Minimum income schemes",
    "intro": "Five short questions.",
    "Kent u de regeling?": "Do you know the scheme?",
    "Ja, goed": "Yes, well",
    "Een beetje": "A little",
    "Nee": "No",
    "Waar hoort u erover?": "Where do you hear about it?",
    "Krant": "Newspaper",
    "Buren": "Neighbours",
    "Huisarts": "GP",
    "Website": "Website",
    "Hoe makkelijk is het aanvragen?": "How easy is applying?",
    "Heel moeilijk": "Very hard",
    "Heel makkelijk": "Very easy",
    "Hoeveel formulieren vulde u in?": "How many forms did you fill in?",
    "Wat zou helpen?": "What would help?",
}


async def _meertalig(mensen, *, pools: bool = False):
    """The test poll with complete Arabic and English, and Polish with one text missing."""
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await add_taal(formulier, "ar")
    await add_taal(formulier, "en", ENGELS.get)
    await add_taal(formulier, "pl", lambda t: f"PL {t}", compleet=False)
    return await domain.load_formulier(peiling_id=formulier.peiling_id)


async def test_submit_stores_the_language_of_the_form(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))

    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1", taal="ar")
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-2")

    assert await per_taal() == {"ar": 1, "nl": 1}
    # Counted apart: the response itself names no language (an address left in English beside
    # the one English answer would name its author).
    assert "taal" not in {c._meta.name for c in Antwoord._meta.columns}
    assert await Antwoord.count() == 2


async def test_the_picker_offers_only_complete_languages_each_in_its_own_name(client, mensen):
    formulier = await _meertalig(mensen)
    alleen_nl = await domain.load_formulier(peiling_id=await make_peiling(mensen))

    page = await client.get(f"/p/{formulier.sleutel}")
    plain = await client.get(f"/p/{alleen_nl.sleutel}")

    assert page.status_code == 200
    nav = re.search(r'<nav class="peiling-talen".*?</nav>', page.text, re.S).group(0)
    assert 'aria-label="Taal van de peiling"' in nav
    assert (
        f'<a class="utrecht-link" href="/p/{formulier.sleutel}" lang="nl" hreflang="nl" dir="ltr" '
        'aria-current="page"><strong>Nederlands</strong></a>' in nav
    )
    assert f'href="/p/{formulier.sleutel}?taal=ar" lang="ar" hreflang="ar" dir="rtl">العربية</a>' in nav
    assert f'href="/p/{formulier.sleutel}?taal=en" lang="en" hreflang="en" dir="ltr">English</a>' in nav
    assert "taal=pl" not in page.text  # one text untranslated: not offered
    assert "<script" not in page.text
    assert "peiling-talen" not in plain.text


async def test_arabic_form_is_right_to_left_and_pooled_with_dutch(client, mensen):
    formulier = await _meertalig(mensen)
    path = f"/p/{formulier.sleutel}"
    enkel = formulier.items[0]
    ja = enkel.keuzes[0][0]

    page = await client.get(f"{path}?taal=ar")
    posted = await _post(client, path, {**answers(formulier), "taal": ["ar"]})
    thanks = await client.get(posted.headers["location"])
    client.cookies.clear()
    await _post(client, path, answers(formulier))

    assert page.status_code == 200
    # The platform's texts in English, the page in English; the poll's own texts in Arabic.
    assert '<html lang="en"' in page.text
    assert '<div class="peiling-inhoud" dir="rtl">' in page.text
    assert f'<h1 class="utrecht-heading-1" lang="ar" dir="rtl">{ARABISCH["titel"]}</h1>' in page.text
    assert f'<label for="{enkel.veld}-{ja}" lang="ar" dir="rtl">نعم، جيدًا</label>' in page.text
    assert '<span lang="ar" dir="rtl">هل تعرف هذا النظام؟</span>' in page.text
    assert "– صعب جدًا" in page.text and "– سهل جدًا" in page.text
    assert '<span dir="ltr">Question 1 of 5</span>' in page.text
    assert '<input type="hidden" name="taal" value="ar">' in page.text
    assert ">Send</button>" in page.text
    assert "Kent u de regeling?" not in page.text
    assert posted.headers["location"] == f"{path}/bedankt?taal=ar"
    assert f'<bdi lang="ar" dir="rtl">{ARABISCH["titel"]}</bdi>' in thanks.text
    assert '<input type="hidden" name="taal" value="ar">' in thanks.text  # the address form too
    assert await per_taal() == {"ar": 1, "nl": 1}
    # One Keuze for both languages: the results count them together.
    assert await Waarde.count().where((Waarde.item == enkel.id) & (Waarde.keuze == ja)) == 2
    uitslag = await queries.results(formulier)
    assert uitslag.items[0].regels[0].aantal == 2


async def test_english_poll_speaks_english_also_around_the_poll(client, mensen):
    formulier = await _meertalig(mensen)

    page = await client.get(f"/p/{formulier.sleutel}?taal=en")

    assert '<html lang="en"' in page.text
    assert '<h1 class="utrecht-heading-1">Minimum income schemes</h1>' in page.text  # no lang: the page's
    assert 'dir="rtl"' not in page.text.split('<nav class="peiling-talen"')[1].split("</nav>")[1]
    assert "Question 1 of 5" in page.text and ">Send</button>" in page.text
    assert (
        f'href="/p/{formulier.sleutel}?taal=en" lang="en" hreflang="en" dir="ltr" aria-current="page"'
        in page.text
    )


async def test_dutch_poll_on_an_english_site_marks_the_dutch_texts(client, mensen):
    formulier = await _meertalig(mensen)
    client.cookies.set("taal", "en")

    page = await client.get(f"/p/{formulier.sleutel}")

    assert '<html lang="en"' in page.text
    assert '<h1 class="utrecht-heading-1" lang="nl">Minimaregelingen</h1>' in page.text
    assert ">Send</button>" in page.text


@pytest.mark.parametrize(
    "gevraagd",
    [
        "xx",
        "pl",
        "nl",
        "NL",
        "",
        "a" * 5000,
        '"><script>alert(1)</script>',
        "ar\x00",
        "\x00",
        "ar-\ud800",
        "%",
    ],
)
async def test_unknown_or_hostile_language_gets_the_dutch_form(client, mensen, gevraagd):
    formulier = await _meertalig(mensen)
    path = f"/p/{formulier.sleutel}"

    page = await client.get(f"{path}?taal={quote(gevraagd, safe='', errors='surrogatepass')}")
    posted = await _post(client, path, {**answers(formulier), "taal": [gevraagd.replace("\ud800", "")]})
    if "\x00" in gevraagd:
        # The app refuses a NUL in any URL before a route sees it (security.py): 404, not 500.
        assert page.status_code == 404
        page = await client.get(path)

    assert page.status_code == 200
    assert '<h1 class="utrecht-heading-1">Minimaregelingen</h1>' in page.text
    assert 'type="hidden" name="taal"' not in page.text and "<script>alert" not in page.text
    assert posted.status_code == 302
    assert posted.headers["location"] == f"{path}/bedankt"
    assert await per_taal() == {"nl": 1}


async def test_errors_come_back_in_the_chosen_language(client, mensen):
    formulier = await _meertalig(mensen)
    enkel = formulier.items[0]

    response = await _post(client, f"/p/{formulier.sleutel}", {**answers(formulier, i0=[]), "taal": ["ar"]})

    assert response.status_code == 422
    assert '<div class="foutsamenvatting" role="alert" tabindex="-1" dir="ltr">' in response.text
    assert "Choose an answer to question 1: هل تعرف هذا النظام؟" in response.text
    assert f'<h1 class="utrecht-heading-1" lang="ar" dir="rtl">{ARABISCH["titel"]}</h1>' in response.text
    assert '<input type="hidden" name="taal" value="ar">' in response.text
    assert f'id="fout-{enkel.veld}"><span dir="ltr"><span class="sr-only">Error: </span>' in response.text
    assert await Antwoord.count() == 0


async def test_kiosk_answers_in_a_language_and_returns_to_dutch(client, settings, mensen):
    formulier = await _meertalig(mensen)
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.talen@beverwijk.example")
    await login(client, "kees.talen@beverwijk.example")
    await post_form(client, f"/raad/beverwijk/peilingen/{formulier.peiling_id}/kiosk", {})

    start = await client.get("/kiosk")
    page = await client.get("/kiosk?taal=ar")
    token = re.search(r'name="formulier" value="([^"]+)"', page.text).group(1)
    posted = await _post(
        client, "/kiosk?taal=en", {**answers(formulier), "formulier": [token], "taal": ["ar"]}
    )
    next_page = await client.get(posted.headers["location"])

    assert 'href="/kiosk?taal=ar" lang="ar" hreflang="ar" dir="rtl">العربية</a>' in start.text
    assert f'<h1 class="utrecht-heading-1" lang="ar" dir="rtl">{ARABISCH["titel"]}</h1>' in page.text
    assert '<input type="hidden" name="taal" value="ar">' in page.text
    assert posted.headers["location"] == "/kiosk?klaar=1"
    # The next person starts in Dutch, with the languages to pick from.
    assert '<h1 class="utrecht-heading-1">Minimaregelingen</h1>' in next_page.text
    assert 'href="/kiosk?taal=ar"' in next_page.text and 'type="hidden" name="taal"' not in next_page.text
    assert await Antwoord.select(Antwoord.bron) == [{"bron": "kiosk"}]
    assert await per_taal() == {"ar": 1}


async def _antwoorden(formulier, aantallen: dict[str, int]) -> None:
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    n = 0
    for code, aantal in aantallen.items():
        for _ in range(aantal):
            n += 1
            await domain.submit(
                formulier,
                gegeven,
                bron="link",
                deelname_sleutel=f"b-{n}",
                taal=code,
                drempels=domain.Drempels(druk_per_minuut=10**6, max_per_minuut=10**6, per_adres=10**6),
            )


async def test_count_per_language_hides_small_groups(mensen):
    formulier = await _meertalig(mensen)
    await _antwoorden(formulier, {"nl": 30, "ar": 12, "en": 3})
    alleen_nl = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await _antwoorden(alleen_nl, {"nl": 2})

    per_taal = await queries.per_taal(formulier.peiling_id, 45)

    # English (3) is hidden; being the only one, the next smallest (Arabic) goes too, or
    # 45 - 30 - 12 would give it away. Polish (added, never offered) has nobody: 0.
    assert [(t.code, t.naam, t.aantal) for t in per_taal] == [
        ("nl", "Nederlands", 30),
        ("ar", "Arabisch", None),
        ("en", "Engels", None),
        ("pl", "Pools", 0),
    ]
    assert await queries.per_taal(alleen_nl.peiling_id, 2) == []


async def test_count_per_language_exactly_one_small_group_hides_the_next(mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await add_taal(formulier, "ar")
    await add_taal(formulier, "en", ENGELS.get)
    formulier = await domain.load_formulier(peiling_id=formulier.peiling_id)
    await _antwoorden(formulier, {"nl": 20, "ar": 11, "en": 4})

    per_taal = await queries.per_taal(formulier.peiling_id, 35)

    assert [(t.code, t.aantal) for t in per_taal] == [("nl", 20), ("ar", None), ("en", None)]


async def test_results_page_shows_answers_per_language_in_dutch(client, settings, mensen):
    formulier = await _meertalig(mensen)
    await _antwoorden(formulier, {"nl": 12, "ar": 11, "en": 4})
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.uitslag@beverwijk.example")
    await login(client, "kees.uitslag@beverwijk.example")

    page = await client.get(f"/raad/beverwijk/peilingen/{formulier.peiling_id}/uitslag")

    assert page.status_code == 200
    assert '<caption class="utrecht-table__caption">Antwoorden per taal</caption>' in page.text
    for naam, code, tekst in [
        ("Nederlands", "nl", "12"),
        ("Arabisch", "ar", "minder dan 10"),
        ("Engels", "en", "minder dan 10"),
        ("Pools", "pl", "0"),
    ]:
        assert (
            f'<th scope="row" class="utrecht-table__header-cell">{naam}</th>'
            f'<td class="utrecht-table__cell" data-taal="{code}">{tekst}</td>'
        ) in page.text
    assert (
        f'<a class="utrecht-link los" href="/raad/beverwijk/vragen/{formulier.vraag_id}/bereik" '
        'id="bereik-link">Wie missen we nog?</a>'
    ) in page.text


async def test_results_page_of_a_dutch_only_poll_has_no_language_table(client, settings, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await _antwoorden(formulier, {"nl": 3})
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.nl@beverwijk.example")
    await login(client, "kees.nl@beverwijk.example")

    page = await client.get(f"/raad/beverwijk/peilingen/{formulier.peiling_id}/uitslag")

    assert page.status_code == 200
    assert "Antwoorden per taal" not in page.text


async def test_the_address_form_keeps_the_language_of_the_thank_you_page(client, mensen, settings):
    formulier = await _meertalig(mensen)
    path = f"/p/{formulier.sleutel}"
    await _post(client, path, {**answers(formulier), "taal": ["ar"]})

    typo = await post_form(client, f"{path}/adres", {"email": "geen-adres", "taal": "ar"})
    again = await client.get(typo.headers["location"])
    kept = await post_form(client, f"{path}/adres", {"email": "inwoner@example.org", "taal": "ar"})
    hostile = await post_form(client, f"{path}/adres", {"email": "x@example.org", "taal": '"><b>'})

    assert typo.headers["location"] == f"{path}/bedankt?adres=fout&taal=ar"
    assert again.status_code == 200 and '<input type="hidden" name="taal" value="ar">' in again.text
    assert kept.headers["location"] == f"{path}/bedankt?adres=1&taal=ar"
    assert hostile.headers["location"].endswith("/bedankt?adres=geweigerd")
    # The report mail goes out in English: the page around the Arabic poll was English.
    talen_in_wachtrij = [
        opened[2]
        for row in await Adreswachtrij.select(Adreswachtrij.inhoud)
        if (opened := adressen._decrypt(settings.secret_ring, formulier.peiling_id, row["inhoud"]))
    ]
    assert talen_in_wachtrij == ["en"]
