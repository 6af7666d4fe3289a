"""The council's poll pages (builder, new poll, results) and the refusals a council member or
resident reads, in English with the `taal=en` cookie; Dutch stays the default."""

from __future__ import annotations

import httpx
import pytest

from participatie.peilingen import domain
from tests.conftest import login, make_gebruiker, post_form
from tests.paginas import lang_of, main_text
from tests.peilingen.test_domain import _vraag_in_voorleggen, answers, make_peiling
from tests.peilingen.test_routes import _post


@pytest.fixture
async def kees(client, settings, mensen) -> httpx.AsyncClient:
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    return client


# Dutch sentences that must be gone in English, and the English that takes their place.
BOUWER = (
    [
        "In voorbereiding: nog niet te zien voor inwoners",
        "Inwoners doen mee met een openbare link.",
        "Vraag toevoegen",
        "Wat voor vraag wilt u stellen?",
        "Instellingen opslaan",
        "Eén antwoord kiezen",
    ],
    [
        "Being prepared: residents cannot see it yet",
        "Residents take part with a public link.",
        "Add question",
        "What kind of question do you want to ask?",
        "Save settings",
        "Choose one answer",
    ],
)
UITSLAG = (
    ["inwoners deden mee.", "inwoners gaven antwoord.", "Antwoorden per uur", "Procent", "Gemiddeld:"],
    ["residents took part.", "residents answered.", "Answers per hour", "Percentage", "Average:"],
)


async def _uitslag_pad(mensen) -> str:
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    for n in range(10):
        gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"b{n}")
    return f"/raad/beverwijk/peilingen/{peiling_id}/uitslag"


async def test_the_builder_in_english_has_no_dutch_left(kees, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    kees.cookies.set("taal", "en")

    page = await kees.get(f"/raad/beverwijk/peilingen/{peiling_id}")

    assert page.status_code == 200
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    nederlands, engels = BOUWER
    assert [zin for zin in nederlands if zin in main] == []
    assert [zin for zin in engels if zin not in main] == []
    # The kinds of question are offered with their explanation, both in English.
    assert "Choose one answer: residents choose one answer from a list." in main


async def test_the_builder_is_dutch_by_default(kees, mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    page = await kees.get(f"/raad/beverwijk/peilingen/{peiling_id}")

    assert lang_of(page.text) == "nl"
    main = main_text(page.text)
    nederlands, engels = BOUWER
    assert [zin for zin in nederlands if zin not in main] == []
    assert [zin for zin in engels if zin in main] == []
    assert "Eén antwoord kiezen: inwoners kiezen één antwoord uit een lijst." in main


async def test_the_new_poll_page_in_english(kees, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    kees.cookies.set("taal", "en")

    page = await kees.get(f"/raad/beverwijk/vragen/{vraag_id}/peilingen/nieuw")

    assert page.status_code == 200
    main = main_text(page.text)
    assert "New poll for “" in main and "Nieuwe peiling bij" not in main
    assert "Create poll" in main and "Peiling maken" not in main
    assert "With a public link and a poster (once per phone or computer)" in main


async def test_the_results_in_english_and_in_dutch(kees, mensen):
    pad = await _uitslag_pad(mensen)

    dutch = main_text((await kees.get(pad)).text)
    kees.cookies.set("taal", "en")
    english_page = await kees.get(pad)
    english = main_text(english_page.text)

    assert lang_of(english_page.text) == "en"
    nederlands, engels = UITSLAG
    assert [zin for zin in nederlands if zin in english] == []
    assert [zin for zin in engels if zin not in english] == []
    assert "<strong>10</strong> residents took part." in english
    assert [zin for zin in nederlands if zin not in dutch] == []
    assert "<strong>10</strong> inwoners deden mee." in dutch
    # A number in the reader's way of writing it: 3.0 in English, 3,0 in Dutch.
    assert "Average: <strong>3.0</strong>" in english and "Gemiddeld: <strong>3,0</strong>" in dutch


async def test_a_refused_question_and_publication_are_explained_in_english(kees, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    base = f"/raad/beverwijk/peilingen/{peiling_id}"
    kees.cookies.set("taal", "en")

    one_choice = await post_form(
        kees, f"{base}/items", {"soort": "enkel", "tekst": "Waar?", "keuzes": "Alleen één", "verplicht": "ja"}
    )
    bad_number = await post_form(
        kees, f"{base}/items", {"soort": "getal", "tekst": "Hoe oud?", "min_getal": "tien", "verplicht": "ja"}
    )

    assert one_choice.status_code == 422
    main = main_text(one_choice.text)
    assert "Give at least two answers to choose from, each on its own line." in main
    assert "Geef minstens twee antwoorden" not in main
    assert bad_number.status_code == 422
    assert "Fill in a whole number for the smallest number." in main_text(bad_number.text)


async def test_a_resident_sees_missing_answers_and_a_wrong_address_in_english(client, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    path = f"/p/{formulier.sleutel}"
    client.cookies.set("taal", "en")
    await client.get(path)

    missing = await _post(client, path, answers(formulier, i0=[], i2=["9"]))
    answered = await _post(client, path, answers(formulier))
    typo = await post_form(client, f"{path}/adres", {"email": "geen-adres"})
    shown = await client.get(typo.headers["location"])

    assert missing.status_code == 422
    main = main_text(missing.text)
    assert "Choose an answer to question 1: Kent u de regeling?" in main
    assert "Kies een antwoord bij vraag 1" not in main
    assert answered.status_code == 302
    assert "This email address is not right. Please check it." in main_text(shown.text)
    assert "Dit e-mailadres klopt niet." not in shown.text
