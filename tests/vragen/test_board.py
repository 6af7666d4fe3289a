"""The council's board as a page: what a card says, and what a move tells the person after it."""

import re
from datetime import timedelta

import pytest

from participatie import tijd
from participatie.vragen import domain
from tests.conftest import csrf_token, login, post_form
from tests.vragen.test_domain import FUTURE, _aanvraag, _concretiseer, _versie

BORD = "/raad/beverwijk/vragen"


@pytest.fixture
async def kees(client, mensen):
    """Kees (raadslid of Beverwijk) logged in on the client, and a waiting adviesaanvraag."""
    vraag_id = await _aanvraag(mensen["ambtenaar"], thema="huishoudelijke_hulp")
    await login(client, "kees@beverwijk.example")
    return vraag_id


def card(page: str, vraag_id: int) -> str:
    """The HTML of one card on the board."""
    found = re.search(rf'<li class="vraagkaart" id="kaart-{vraag_id}">(.*?)</li>', page, re.S)
    assert found, f"geen kaart voor vraag {vraag_id}"
    return found.group(1)


def facts(card_html: str) -> list[str]:
    return re.findall(r'<span class="feit[^"]*">([^<]*)</span>', card_html)


async def _htmx_move(client, vraag_id: int, versie: str, naar: str):
    token = await csrf_token(client)
    return await client.post(
        f"{BORD}/{vraag_id}/stap",
        data={"versie": versie, "naar": naar, "terug": "bord"},
        headers={"HX-Request": "true", "x-csrftoken": token},
    )


async def test_board_card_shows_the_theme_label_a_dutch_deadline_and_ijmond_breed(client, kees, mensen):
    raadslid = mensen["raadslid"]
    await domain.advance_stap(kees, raadslid, versie=await _versie(kees), naar="trechteren")
    await domain.update_trechter(
        kees,
        raadslid,
        versie=await _versie(kees),
        scope="regio",
        thema="huishoudelijke_hulp",
        prioriteit="hoog",
    )
    await domain.advance_stap(kees, raadslid, versie=await _versie(kees), naar="concretiseren")
    await _concretiseer(kees, raadslid)

    page = (await client.get(BORD)).text

    deadline = tijd.datum(domain.today() + timedelta(days=30))
    assert facts(card(page, kees)) == [
        f"Vraag {kees}",
        "Huishoudelijke hulp",
        f"Uiterste datum {deadline}",
        "IJmond-breed",
    ]
    assert "huishoudelijke_hulp" not in card(page, kees)
    assert re.fullmatch(r"\d{1,2} [a-z]+ \d{4}", deadline)  # "27 december 2026", not 27-12-2026
    assert FUTURE not in page


async def test_board_card_without_theme_or_deadline_shows_only_its_number(client, mensen):
    vraag_id = await domain.create_eigen_agendering(
        mensen["raadslid"], titel="Bankjes", tekst="Meer bankjes", thema=""
    )
    await login(client, "kees@beverwijk.example")

    page = (await client.get(BORD)).text

    assert facts(card(page, vraag_id)) == [f"Vraag {vraag_id}"]


async def test_board_move_without_javascript_lands_on_a_confirmation(client, kees):
    response = await post_form(
        client, f"{BORD}/{kees}/stap", {"versie": "1", "naar": "trechteren", "terug": "bord"}
    )

    assert response.status_code == 302
    assert response.headers["location"] == f"{BORD}?verplaatst={kees}"
    page = (await client.get(response.headers["location"])).text
    assert (
        '<div class="utrecht-alert utrecht-alert--ok"><div class="utrecht-alert__content">'
        f'<p class="utrecht-alert__message" id="bord-melding" tabindex="-1">Vraag {kees} (Minimaregelingen) '
        "staat nu in de stap trechteren.</p>" in page
    )
    # The moved card takes focus and is described by the message.
    assert f'href="{BORD}/{kees}" autofocus aria-describedby="bord-melding"' in card(page, kees)
    assert page.count("autofocus") == 1


async def test_board_confirmation_comes_from_the_database_not_the_url(client, kees):
    plain = (await client.get(BORD)).text
    for junk in ["<script>alert(1)</script>", "12abc", "99999999999", "-1", "١"]:
        page = await client.get(BORD, params={"verplaatst": junk})
        assert page.status_code == 200, junk
        assert 'id="bord-melding"' not in page.text, junk
        assert "<script>alert" not in page.text, junk

    # A number alone says where that vraag is now, in its stored title.
    page = (await client.get(BORD, params={"verplaatst": str(kees)})).text
    assert f"Vraag {kees} (Minimaregelingen) staat nu in de stap binnengekomen." in page
    assert 'id="bord-melding"' not in plain


async def test_board_confirmation_never_names_a_vraag_of_another_council(client, kees, settings):
    await login(client, "dorine@velsen.example")

    page = await client.get("/raad/velsen/vragen", params={"verplaatst": str(kees)})

    assert page.status_code == 200
    assert "Minimaregelingen" not in page.text
    assert 'id="bord-melding"' not in page.text


async def test_board_refused_move_without_javascript_shows_why_on_the_vraag_page(client, kees):
    response = await post_form(
        client, f"{BORD}/{kees}/stap", {"versie": "1", "naar": "advies", "terug": "bord"}
    )

    assert response.status_code == 422
    assert "Een vraag kan niet van binnengekomen naar advies." in response.text
    assert (await domain.load_vraag(kees))["stap"] == "binnengekomen"


async def test_board_htmx_move_focuses_the_moved_card(client, kees):
    response = await _htmx_move(client, kees, "1", "trechteren")

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="bord">')
    assert 'class="utrecht-alert utrecht-alert--ok"' in response.text
    assert f"Vraag {kees} (Minimaregelingen) staat nu in de stap trechteren." in response.text
    assert 'autofocus aria-describedby="bord-melding"' in card(response.text, kees)
    assert response.text.count("autofocus") == 1
    trechteren = response.text.split('id="kolom-trechteren"')[1].split("</section>")[0]
    assert f'id="kaart-{kees}"' in trechteren


async def test_board_refused_htmx_move_focuses_the_message(client, kees):
    response = await _htmx_move(client, kees, "1", "advies")

    assert response.status_code == 200
    assert (
        '<div class="utrecht-alert utrecht-alert--error"><div class="utrecht-alert__content">'
        '<p class="utrecht-alert__message" id="bord-melding" tabindex="-1" autofocus>'
        f"Vraag {kees} is niet verplaatst. Een vraag kan niet van binnengekomen naar advies.</p>"
    ) in response.text
    assert response.text.count("autofocus") == 1
    assert (await domain.load_vraag(kees))["stap"] == "binnengekomen"


async def test_board_filters_are_folded_until_one_is_on(client, kees):
    plain = (await client.get(BORD)).text
    filtered = (await client.get(BORD, params={"thema": "huishoudelijke_hulp", "zoek": "regeling"})).text

    assert '<details class="filterblok">' in plain
    assert "<summary>Filteren</summary>" in plain
    assert '<details class="filterblok" open>' in filtered
    assert "<summary>Filteren (2 actief)</summary>" in filtered
    assert f'id="kaart-{kees}"' in filtered


async def test_board_empty_column_says_so(client, kees):
    page = (await client.get(BORD)).text

    advies = page.split('id="kolom-advies"')[1].split("</section>")[0]
    assert '<p class="bord__leeg">Geen vragen</p>' in advies
