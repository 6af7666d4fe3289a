import pytest
from litestar import Litestar, get

from participatie.app import _check_every_route_is_guarded
from tests.conftest import login, make_gebruiker


@pytest.fixture
async def velsen_raadslid(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")
    return client


async def test_raadslid_cannot_open_another_council_by_changing_the_url(velsen_raadslid):
    response = await velsen_raadslid.get("/raad/beverwijk")

    assert response.status_code == 403
    assert "Participatieraad Beverwijk" not in response.text
    assert "andere gemeente" in response.text


async def test_raadslid_gets_the_same_refusal_for_an_unknown_council(velsen_raadslid):
    response = await velsen_raadslid.get("/raad/haarlem")

    assert response.status_code == 403


async def test_raadslid_cannot_open_the_municipal_portal(velsen_raadslid):
    assert (await velsen_raadslid.get("/gemeente/velsen")).status_code == 403


async def test_raadslid_cannot_open_account_management(velsen_raadslid, settings):
    other = await make_gebruiker(settings, "ambtenaar", "beverwijk", email="b@beverwijk.example")

    assert (await velsen_raadslid.get("/beheer/gebruikers")).status_code == 403
    assert (await velsen_raadslid.get(f"/beheer/gebruikers/{other}")).status_code == 403


async def test_ambtenaar_sees_only_own_municipality(client, settings):
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example")
    response = await login(client, "marja@beverwijk.example")
    assert response.headers["location"] == "/gemeente/beverwijk"

    assert (await client.get("/gemeente/beverwijk")).status_code == 200
    assert (await client.get("/gemeente/velsen")).status_code == 403
    assert (await client.get("/raad/beverwijk")).status_code == 403


async def test_beheerder_may_open_every_council(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")

    for slug in ("velsen", "beverwijk", "heemskerk"):
        assert (await client.get(f"/raad/{slug}")).status_code == 200
    assert (await client.get("/raad/haarlem")).status_code == 404


async def test_anonymous_visitor_is_sent_to_login(client):
    response = await client.get("/beheer/gebruikers")

    assert response.status_code == 302
    assert response.headers["location"] == "/inloggen?volgende=/beheer/gebruikers"


def test_app_refuses_a_route_that_does_not_say_who_may_use_it():
    @get("/vergeten")
    async def vergeten() -> str:
        return "oeps"

    with pytest.raises(RuntimeError, match="zegt niet wie hem mag gebruiken"):
        _check_every_route_is_guarded(Litestar(route_handlers=[vergeten]))
