"""The council's own pages of its website in English (a council member may switch too): the
site page, a meeting's page, and the meeting form's errors. Dutch stays the default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participatie import tijd
from participatie.raden.tables import Vergadering
from tests.conftest import login, make_gebruiker, post_form
from tests.paginas import lang_of, main_text
from tests.raden.conftest import make_klaar

KEES = "kees@beverwijk.example"


@pytest.fixture
async def kees(client, settings, database):
    await make_gebruiker(settings, "raadslid", "beverwijk", email=KEES, naam="Kees de Vries")
    await login(client, KEES)
    return client


def _toekomst(dagen: int = 10) -> str:
    return (tijd.today() + timedelta(days=dagen)).isoformat()


async def _vergadering(kees) -> int:
    response = await post_form(
        kees,
        "/raad/beverwijk/site/vergaderingen",
        {
            "onderwerp": "Voorjaar",
            "plaats": "Stadhuis",
            "datum": _toekomst(),
            "begin": "19:30",
            "eind": "21:00",
        },
    )
    assert response.status_code == 302
    row = await Vergadering.select(Vergadering.id).first()
    return row["id"]


async def test_the_site_page_in_english(kees):
    await _vergadering(kees)
    kees.cookies.set("taal", "en")

    page = await kees.get("/raad/beverwijk/site")

    assert page.status_code == 200
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    for english in (
        "Your page on the website",
        "Are you on the page?",
        "Public meetings",
        "Back to the workbench",
    ):
        assert english in main, english
    for dutch in ("Uw pagina op de website", "Staat u op de pagina?", "Openbare vergaderingen", " uur<"):
        assert dutch not in main, dutch


async def test_the_site_page_stays_dutch_by_default(kees):
    page = await kees.get("/raad/beverwijk/site")

    assert lang_of(page.text) == "nl"
    main = main_text(page.text)
    assert "Uw pagina op de website" in main and "Your page on the website" not in main


async def test_a_meetings_page_in_english(kees):
    vergadering_id = await _vergadering(kees)
    kees.cookies.set("taal", "en")

    page = await kees.get(f"/raad/beverwijk/site/vergaderingen/{vergadering_id}")

    assert page.status_code == 200
    main = main_text(page.text)
    assert "Change meeting" in main
    assert "Vergadering wijzigen" not in main


@pytest.mark.parametrize(
    ("data", "veld", "melding"),
    [
        ({"begin": ""}, "begin", "Fill in the start time, such as 19:30."),
        ({"begin": "25:99"}, "begin", "Fill in a valid start time, such as 19:30."),
        ({"eind": "9 uur"}, "eind", "Fill in a valid end time, such as 21:30."),
        ({"begin": "20:00", "eind": "19:00"}, "eind", "The end time must be after the start time."),
        ({"onderwerp": ""}, "onderwerp", "Fill in the subject."),
    ],
)
async def test_meeting_form_errors_in_english_store_nothing(kees, data, veld, melding):
    kees.cookies.set("taal", "en")
    goed = {
        "onderwerp": "Vergadering",
        "plaats": "Stadhuis",
        "datum": _toekomst(),
        "begin": "19:00",
        "eind": "21:00",
    }

    response = await post_form(kees, "/raad/beverwijk/site/vergaderingen", {**goed, **data})

    assert response.status_code == 422
    assert f'<a class="utrecht-link" href="#veld-{veld}">{melding}</a>' in response.text
    assert await Vergadering.count() == 0


async def test_a_wrong_contact_address_is_refused_in_english(kees):
    kees.cookies.set("taal", "en")

    response = await post_form(
        kees, "/raad/beverwijk/site/tekst", {"tekst": "", "contact_email": "geen adres", "versie": "0"}
    )

    assert response.status_code == 422
    assert (
        "This email address is not right. Fill in an address such as council@municipality.nl."
        in response.text
    )
    assert "Dit e-mailadres klopt niet" not in response.text


async def test_the_input_page_shows_themes_and_verdicts_in_english(client, database):
    await make_klaar("velsen", "Betaalbare huizen", thema="wonen", oordeel="deels")
    client.cookies.set("taal", "en")

    page = await client.get("/velsen/inbreng?thema=wonen")

    assert page.status_code == 200
    main = main_text(page.text)
    assert '<option value="wonen" selected>Housing</option>' in main
    assert "<strong>Partly followed</strong>" in main
    assert "Wonen" not in main and "Deels overgenomen" not in main


async def test_the_input_page_keeps_dutch_labels_by_default(client, database):
    await make_klaar("velsen", "Betaalbare huizen", thema="wonen", oordeel="deels")

    page = await client.get("/velsen/inbreng?thema=wonen")

    main = main_text(page.text)
    assert '<option value="wonen" selected>Wonen</option>' in main
    assert "<strong>Deels overgenomen</strong>" in main
