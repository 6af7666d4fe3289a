"""The residents' public pages in English: with the `taal=en` cookie no Dutch sentence of the
page's own text is left, and the English one stands in its place. Dutch stays the default."""

from __future__ import annotations

import pytest

from tests.paginas import lang_of, main_text

# path -> (Dutch sentences that must be gone in English, English sentences that must be there)
PAGINAS: dict[str, tuple[list[str], list[str]]] = {
    "/": (
        ["Kies uw gemeente", "Doe mee: open peilingen", "Er zijn nog geen adviezen klaar."],
        ["Choose your municipality", "Take part: open surveys", "No advice is ready yet."],
    ),
    "/velsen": (
        ["Op deze pagina", "De vergaderingen van de raad zijn openbaar.", "Doe mee met het inwonerpanel"],
        [
            "On this page",
            "The meetings of the Participatieraad are open to the public.",
            "Join the residents' panel",
        ],
    ),
    "/velsen/inbreng": (
        ["Wat is er met uw inbreng gedaan?", "Zoek een woord", "Alle thema's"],
        ["What happened to your input?", "Search for a word", "All topics"],
    ),
    "/privacy": (
        ["Als u een peiling invult", "Uw antwoorden zijn anoniem.", "Waarom mogen wij dit?"],
        ["When you fill in a survey", "Your answers are anonymous.", "Why are we allowed to do this?"],
    ),
    "/toegankelijkheid": (
        ["Nalevingsstatus", "Voldoet gedeeltelijk", "Een probleem melden"],
        ["Compliance status", "Partially compliant", "Report a problem"],
    ),
    "/idee/velsen": (
        ["Uw vraag of idee voor de", "Schrijf het hier op. De raad leest alles.", "Versturen"],
        ["Your question or idea for the", "The Participatieraad reads everything.", "Send"],
    ),
    "/velsen/panel": (
        ["Doe mee met het inwonerpanel", "Zeg ik liever niet", "Aanmelden"],
        ["Join the residents' panel for Velsen", "I would rather not say", "Sign up"],
    ),
    "/mijn-gegevens": (
        ["Mijn gegevens", "Stuur mij een link", "Wat wij bewaren, waarom en hoe lang"],
        ["My data", "Send me a link", "What we keep, why and for how long"],
    ),
}


@pytest.mark.parametrize("pad", list(PAGINAS))
async def test_public_page_in_english_has_no_dutch_left(client, database, pad):
    nederlands, engels = PAGINAS[pad]
    client.cookies.set("taal", "en")

    page = await client.get(pad)

    assert page.status_code == 200, pad
    assert lang_of(page.text) == "en"
    main = main_text(page.text)
    assert [zin for zin in nederlands if zin in main] == []
    assert [zin for zin in engels if zin not in main] == []


@pytest.mark.parametrize("pad", list(PAGINAS))
async def test_public_page_stays_dutch_by_default(client, database, pad):
    nederlands, engels = PAGINAS[pad]

    page = await client.get(pad)

    assert lang_of(page.text) == "nl"
    main = main_text(page.text)
    assert [zin for zin in nederlands if zin not in main] == []
    assert [zin for zin in engels if zin in main] == []


async def test_the_council_page_invites_residents_to_the_panel(client, database):
    page = await client.get("/velsen")

    assert '<a class="utrecht-link" href="/velsen/panel">Doe mee met het inwonerpanel</a>' in page.text


async def test_an_english_404_has_an_english_title_and_text(client, database):
    client.cookies.set("taal", "en")

    page = await client.get("/bestaat-niet/echt-niet")

    assert page.status_code == 404
    assert lang_of(page.text) == "en"
    assert "<title>Page not found – " in page.text
    assert '<h1 class="utrecht-heading-1">Page not found</h1>' in page.text
    assert "This page does not exist (any more)." in page.text
    assert "Pagina niet gevonden" not in page.text and "Deze pagina bestaat niet" not in page.text


async def test_a_dutch_404_stays_dutch(client, database):
    page = await client.get("/bestaat-niet/echt-niet")

    assert page.status_code == 404
    assert "<title>Pagina niet gevonden – " in page.text and "Page not found" not in page.text


async def test_an_expired_form_is_explained_in_english(client, database):
    client.cookies.set("taal", "en")

    page = await client.post("/idee/velsen", data={"tekst": "Meer bankjes", "_csrf_token": "vervalst"})

    assert page.status_code == 403
    assert "The form has expired or was not sent completely." in page.text
