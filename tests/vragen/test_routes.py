from datetime import timedelta

import pytest

from participatie.vragen import domain
from participatie.vragen.tables import Gebeurtenis, Vraag
from tests.conftest import login, make_gebruiker, post_form
from tests.vragen.test_domain import _aanvraag, _ingelogd

FUTURE = (domain.today() + timedelta(days=30)).isoformat()


@pytest.fixture
async def kees(client, settings, database):
    """A raadslid of Beverwijk, logged in, and an adviesaanvraag of Beverwijk waiting."""
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@beverwijk.example")
    ambtenaar = await _ingelogd(settings, "ambtenaar", "beverwijk", "marja@beverwijk.example")
    vraag_id = await _aanvraag(ambtenaar)
    await login(client, "kees@beverwijk.example")
    return vraag_id


async def test_board_shows_the_vraag_in_its_column(client, kees):
    response = await client.get("/raad/beverwijk/vragen")

    assert response.status_code == 200
    assert "Minimaregelingen" in response.text
    assert 'id="kolom-binnengekomen">Binnengekomen <span class="aantal">(1)' in response.text


async def test_board_filters_on_theme_and_search(client, kees):
    assert "Minimaregelingen" not in (await client.get("/raad/beverwijk/vragen?thema=wonen")).text
    assert "Minimaregelingen" in (await client.get("/raad/beverwijk/vragen?zoek=regelingen")).text
    assert "Minimaregelingen" not in (await client.get("/raad/beverwijk/vragen?zoek=fietspad")).text


async def test_trechteren_and_moving_the_card_without_javascript(client, kees):
    response = await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/trechter",
        {"versie": "1", "scope": "regio", "thema": "minimabeleid", "prioriteit": "hoog"},
    )
    assert response.status_code == 302

    response = await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/stap",
        {"versie": "2", "naar": "concretiseren", "terug": "bord"},
    )

    assert response.status_code == 302
    assert response.headers["location"] == f"/raad/beverwijk/vragen?verplaatst={kees}"
    assert (await domain.load_vraag(kees))["stap"] == "concretiseren"
    page = await client.get(f"/raad/beverwijk/vragen/{kees}")
    assert "Voordat de vraag naar <strong>voorleggen</strong> kan" in page.text


async def test_stale_card_move_says_someone_else_changed_it(client, kees):
    await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/trechter",
        {"versie": "1", "scope": "gemeente", "thema": "minimabeleid", "prioriteit": "hoog"},
    )

    response = await post_form(
        client, f"/raad/beverwijk/vragen/{kees}/stap", {"versie": "1", "naar": "concretiseren"}
    )

    assert response.status_code == 409
    assert "Iemand anders heeft deze vraag net gewijzigd" in response.text
    assert (await domain.load_vraag(kees))["stap"] == "trechteren"


async def test_bad_trechter_input_is_shown_next_to_the_fields(client, kees):
    response = await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/trechter",
        {"versie": "1", "scope": "heelal", "thema": "ruimtevaart", "prioriteit": ""},
    )

    assert response.status_code == 422
    assert "Dit thema kennen we niet" in response.text
    assert "Kies een prioriteit." in response.text
    assert (await domain.load_vraag(kees))["versie"] == 1


async def test_concretisering_is_saved_with_own_forms(client, kees, settings):
    await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/trechter",
        {"versie": "1", "scope": "gemeente", "thema": "minimabeleid", "prioriteit": "hoog"},
    )
    page = await client.get(f"/raad/beverwijk/vragen/{kees}")
    assert page.status_code == 200

    token = client.cookies["participatie_csrf"]
    response = await client.post(
        f"/raad/beverwijk/vragen/{kees}/concretisering",
        data={
            "_csrf_token": token,
            "versie": "2",
            "precieze_vraag": "Wat houdt mensen tegen?",
            "aanpak": "Gesprek",
            "doelgroep": "Minima",
            "planning": "Voorjaar",
            "deadline": FUTURE,
            "participatievormen": ["flitspeiling", "focusgroep"],
            "andere_vorm": "koorrepetitie",
            "verantwoordelijke": "",
        },
    )

    assert response.status_code == 302
    vraag = await domain.load_vraag(kees)
    assert vraag["participatievormen"] == ["flitspeiling", "focusgroep", "koorrepetitie"]


async def test_raadslid_of_another_council_gets_404_for_a_local_vraag(client, settings, kees):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    await login(client, "dorine@velsen.example")

    assert (await client.get(f"/raad/velsen/vragen/{kees}")).status_code == 404
    assert (await client.get(f"/raad/beverwijk/vragen/{kees}")).status_code == 403
    response = await post_form(
        client, f"/raad/velsen/vragen/{kees}/stap", {"versie": "1", "naar": "trechteren"}
    )
    assert response.status_code == 404
    assert (await domain.load_vraag(kees))["stap"] == "binnengekomen"
    assert "Minimaregelingen" not in (await client.get("/raad/velsen/vragen")).text


async def test_ambtenaar_cannot_open_the_council_board(client, settings, kees):
    await login(client, "marja@beverwijk.example")

    assert (await client.get("/raad/beverwijk/vragen")).status_code == 403
    assert (await client.get(f"/raad/beverwijk/vragen/{kees}")).status_code == 403


async def test_raadslid_agendeert_a_vraag(client, kees):
    response = await post_form(
        client,
        "/raad/beverwijk/vragen/nieuw",
        {"titel": "Eenzaamheid onder mantelzorgers", "tekst": "Wat hebben zij nodig?", "thema": "mantelzorg"},
    )

    assert response.status_code == 302
    row = (
        await Vraag.select(Vraag.herkomst, Vraag.stap)
        .where(Vraag.titel == "Eenzaamheid onder mantelzorgers")
        .first()
    )
    assert row == {"herkomst": "raad", "stap": "binnengekomen"}


async def test_empty_agendering_is_refused_with_dutch_messages(client, kees):
    response = await post_form(client, "/raad/beverwijk/vragen/nieuw", {"titel": "", "tekst": ""})

    assert response.status_code == 422
    assert "Vul een korte titel in." in response.text
    assert await Vraag.count() == 1
    assert await Gebeurtenis.count() == 1


@pytest.fixture
def query_count(database, monkeypatch):
    """How many statements the engine ran: Piccolo's engine method, wrapped on its class."""
    counter = {"n": 0}
    cls = type(database.engine)
    original = cls.run_querystring

    async def counted(engine, querystring, in_pool=False):
        counter["n"] += 1
        return await original(engine, querystring, in_pool)

    monkeypatch.setattr(cls, "run_querystring", counted)
    return counter


async def test_board_runs_the_same_few_queries_for_3_or_60_vragen(client, kees, settings, query_count):
    ambtenaar = await _ingelogd(settings, "ambtenaar", "beverwijk", "anna@beverwijk.example")
    await client.get("/raad/beverwijk/vragen")
    query_count["n"] = 0
    await client.get("/raad/beverwijk/vragen")
    few = query_count["n"]
    for _ in range(59):
        await _aanvraag(ambtenaar)

    query_count["n"] = 0
    response = await client.get("/raad/beverwijk/vragen")

    assert query_count["n"] == few
    assert few <= 3
    assert 'id="kolom-binnengekomen">Binnengekomen <span class="aantal">(60)' in response.text
    assert response.text.count('class="vraagkaart"') == 25  # one column, capped
    assert "Alle 60 vragen in binnengekomen tonen" in response.text
    everything = await client.get("/raad/beverwijk/vragen?stap=binnengekomen")
    assert everything.text.count('class="vraagkaart"') == 60


@pytest.mark.parametrize("versie", ["99999999999999999999999", "٣", "-1", ""])
async def test_a_hostile_versie_is_a_concurrent_change_not_a_500(client, kees, versie):
    # Found by tests/test_fuzz.py: int() took the 23 digits and the database's integer overflowed.
    response = await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/trechter",
        {"versie": versie, "scope": "regio", "thema": "minimabeleid", "prioriteit": "hoog"},
    )

    assert response.status_code == 409, response.text[:300]
    assert "iemand anders" in response.text.lower()
    assert (await domain.load_vraag(kees))["versie"] == 1
