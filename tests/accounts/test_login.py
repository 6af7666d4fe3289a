from datetime import timedelta

import httpx

from participatie.accounts.domain import ACCOUNT_ADDRESS_MAX_FAILURES, ADDRESS_MAX_FAILURES, now
from participatie.accounts.guards import SESSION_COOKIE
from participatie.accounts.tables import Inlogpoging, Sessie
from participatie.app import create_app
from tests.conftest import PASSWORD, login, make_gebruiker, running


async def test_login_with_right_password_lands_on_own_council(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")

    response = await login(client, "Anna@Velsen.example ")

    assert response.status_code == 302
    assert response.headers["location"] == "/raad/velsen"
    assert await Sessie.count() == 1
    page = await client.get("/raad/velsen")
    assert page.status_code == 200
    assert "Participatieraad Velsen" in page.text


async def test_login_with_wrong_password_says_so_and_opens_no_session(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")

    response = await login(client, "anna@velsen.example", "verkeerd wachtwoord hier")

    assert response.status_code == 400
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.text
    assert SESSION_COOKIE not in response.cookies
    assert await Sessie.count() == 0


async def test_login_with_unknown_address_gives_the_same_message(client):
    response = await login(client, "niemand@velsen.example", "een of ander wachtwoord")

    assert response.status_code == 400
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.text


async def test_login_locks_account_after_too_many_failures(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    for _ in range(ACCOUNT_ADDRESS_MAX_FAILURES):
        assert (await login(client, "anna@velsen.example", "fout fout fout fout")).status_code == 400

    response = await login(client, "anna@velsen.example", PASSWORD)

    assert response.status_code == 429
    assert "te vaak een verkeerd wachtwoord" in response.text
    assert 1 <= int(response.headers["retry-after"]) <= 15 * 60 + 1
    assert await Sessie.count() == 0


async def test_login_lock_ends_when_failures_are_old(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    for _ in range(ACCOUNT_ADDRESS_MAX_FAILURES):
        await login(client, "anna@velsen.example", "fout fout fout fout")
    await Inlogpoging.update({Inlogpoging.at: now() - timedelta(minutes=16)}, force=True)

    response = await login(client, "anna@velsen.example", PASSWORD)

    assert response.status_code == 302


async def test_login_is_limited_per_address_across_accounts(client):
    for i in range(ADDRESS_MAX_FAILURES // 2):
        await login(client, f"persoon{i}@velsen.example", "fout fout fout fout")
        await login(client, f"ander{i}@velsen.example", "fout fout fout fout")

    response = await login(client, "weer.een.ander@velsen.example", "fout fout fout fout")

    assert response.status_code == 429
    assert "Probeer het over" in response.text


async def test_login_stores_no_plain_address_or_email(client, settings):
    await login(client, "anna@velsen.example", "fout fout fout fout")

    rows = await Inlogpoging.select(Inlogpoging.sleutel)

    assert len(rows) == 3  # account and address, address alone, account alone
    assert all(len(r["sleutel"]) == 64 and "@" not in r["sleutel"] for r in rows)
    assert all("203.0.113.7" not in r["sleutel"] for r in rows)


async def test_login_gives_a_fresh_session_id_each_time(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")
    first = client.cookies[SESSION_COOKIE]

    await login(client, "anna@velsen.example")
    second = client.cookies[SESSION_COOKIE]

    assert first != second
    assert await Sessie.count() == 1  # the first session was ended, not left open


async def test_session_cookie_is_httponly_and_samesite(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")

    response = await login(client, "anna@velsen.example")

    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in header
    assert "SameSite=lax" in header
    assert "Secure" not in header


async def test_session_cookie_is_secure_on_https(settings, database):
    https_settings = settings.with_changes(base_url="https://participatie.example")
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    app = create_app(https_settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            response = await login(c, "anna@velsen.example")

    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in header
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_idle_session_expires(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")
    await Sessie.update(
        {Sessie.laatst_gezien_at: now() - timedelta(minutes=settings.session_idle_minutes + 1)},
        force=True,
    )

    response = await client.get("/raad/velsen")

    assert response.status_code == 302
    assert response.headers["location"] == "/inloggen?volgende=/raad/velsen"
    assert await Sessie.count() == 0


async def test_disabled_account_cannot_log_in(client, settings):
    from participatie.accounts.tables import Gebruiker

    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await Gebruiker.update({Gebruiker.is_actief: False}, force=True)

    response = await login(client, "anna@velsen.example")

    assert response.status_code == 400
    assert await Sessie.count() == 0


async def test_logout_ends_the_session(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")
    token = client.cookies["participatie_csrf"]

    response = await client.post("/uitloggen", data={"_csrf_token": token})

    assert response.status_code == 302
    assert await Sessie.count() == 0
    assert (await client.get("/raad/velsen")).status_code == 302


async def test_login_redirects_only_to_local_pages(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    token = (
        client.cookies.get("participatie_csrf")
        or (await client.get("/inloggen")).cookies["participatie_csrf"]
    )

    response = await client.post(
        "/inloggen",
        data={
            "email": "anna@velsen.example",
            "wachtwoord": PASSWORD,
            "volgende": "//evil.example/x",
            "_csrf_token": token,
        },
    )

    assert response.headers["location"] == "/raad/velsen"
