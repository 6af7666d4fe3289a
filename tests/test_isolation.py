"""The app is shared by every test of an engine (tests/conftest.py): nothing one test leaves
behind may reach the next. The first test leaves all it can; the second, run right after it
on the same app, finds none of it. pytest keeps a module's order, per engine."""

from participatie.accounts.guards import SESSION_COOKIE
from participatie.demo import GEMEENTEN
from participatie.peilingen import domain as peilingen
from participatie.peilingen import routes as peilingen_routes
from participatie.peilingen.tables import Peiling
from tests.conftest import _data_tables, login, make_gebruiker
from tests.peilingen.test_domain import make_peiling

# What the first test left, per engine: its app, its session cookie, its poll's link.
LEFT: dict[str, dict] = {}


async def test_isolation_first_test_leaves_a_session_rows_and_cached_polls(
    client, app, settings, mensen, database
):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    assert (await login(client, "beheer@ijmond.example")).status_code == 302
    peiling_id = await make_peiling(mensen)
    sleutel = (await Peiling.select(Peiling.sleutel).where(Peiling.id == peiling_id).first())["sleutel"]

    page = await client.get(f"/p/{sleutel}")

    assert page.status_code == 200
    assert (await client.get("/beheer/instellingen")).status_code == 200
    # The poll caches of the process are filled, as a real visit fills them.
    assert peilingen._rows and peilingen._cache and peilingen_routes._blank_cache
    LEFT[database.name] = {"app": app, "sessie": client.cookies[SESSION_COOKIE], "sleutel": sleutel}


async def test_isolation_second_test_finds_nothing_of_the_first(client, app, database):
    left = LEFT.pop(database.name)
    counts = {t._meta.tablename: await t.count() for t in _data_tables()}
    seeded = {"regio": 1, "gemeente": len(GEMEENTEN)}
    cookies_at_start = dict(client.cookies)

    old_session = await client.get(
        "/beheer/instellingen", headers={"cookie": f"{SESSION_COOKIE}={left['sessie']}"}
    )
    old_poll = await client.get(f"/p/{left['sleutel']}")

    assert app is left["app"]  # the same app: sharing it is what this file guards
    assert {name: n for name, n in counts.items() if n} == seeded
    assert cookies_at_start == {}
    assert old_session.status_code == 302
    assert old_session.headers["location"].startswith("/inloggen")
    assert old_poll.status_code == 404
    assert (peilingen._rows, peilingen._cache, peilingen_routes._blank_cache) == ({}, {}, {})
