"""Login limits: an attempt is counted before its password is hashed, per account and address."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from participatie.accounts import passwords
from participatie.accounts.domain import (
    ACCOUNT_ADDRESS_MAX_FAILURES,
    ACCOUNT_MAX_FAILURES,
)
from participatie.accounts.tables import Inlogpoging, Sessie
from tests.conftest import PASSWORD, csrf_token, login, make_gebruiker

WRONG = "fout fout fout fout"


@asynccontextmanager
async def client_from(app, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser somewhere else: the same app, another client address."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_100_parallel_wrong_passwords_for_one_account_check_at_most_5(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    token = await csrf_token(client)
    before = passwords.begrenzer.uitgevoerd

    responses = await asyncio.gather(
        *(
            client.post(
                "/inloggen", data={"email": "anna@velsen.example", "wachtwoord": WRONG, "_csrf_token": token}
            )
            for _ in range(100)
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert passwords.begrenzer.uitgevoerd - before == ACCOUNT_ADDRESS_MAX_FAILURES
    assert statuses == [400] * ACCOUNT_ADDRESS_MAX_FAILURES + [429] * (100 - ACCOUNT_ADDRESS_MAX_FAILURES)
    assert await Sessie.count() == 0


async def test_burst_of_29_wrong_passwords_then_the_right_one_is_refused(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    before = passwords.begrenzer.uitgevoerd
    for _ in range(29):
        await login(client, "anna@velsen.example", WRONG)

    response = await login(client, "anna@velsen.example", PASSWORD)

    assert response.status_code == 429
    assert passwords.begrenzer.uitgevoerd - before == ACCOUNT_ADDRESS_MAX_FAILURES
    assert await Sessie.count() == 0


async def test_failures_from_one_address_do_not_lock_the_account_elsewhere(app, client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    for _ in range(ACCOUNT_ADDRESS_MAX_FAILURES):
        assert (await login(client, "beheer@test.example", WRONG)).status_code == 400

    async with client_from(app, "198.51.100.20") as elsewhere:
        response = await login(elsewhere, "beheer@test.example", PASSWORD)

    assert response.status_code == 302
    assert (await login(client, "beheer@test.example", PASSWORD)).status_code == 429


async def test_addresses_in_one_ipv6_network_share_their_limit(app, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    for i in range(ACCOUNT_ADDRESS_MAX_FAILURES):
        async with client_from(app, f"2001:db8:1:2::{i + 1:x}") as c:
            assert (await login(c, "anna@velsen.example", WRONG)).status_code == 400

    async with client_from(app, "2001:db8:1:2::99") as same_network:
        blocked = await login(same_network, "anna@velsen.example", PASSWORD)
    async with client_from(app, "2001:db8:1:3::1") as other_network:
        allowed = await login(other_network, "anna@velsen.example", PASSWORD)

    assert blocked.status_code == 429
    assert allowed.status_code == 302


async def test_parallel_wrong_passwords_from_many_addresses_stop_at_the_account_cap(app, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    before = passwords.begrenzer.uitgevoerd
    clients = []
    for i in range(100):
        transport = httpx.ASGITransport(app=app, client=(f"198.51.{100 + i // 200}.{i % 200 + 1}", 50000))
        c = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        await csrf_token(c)
        clients.append(c)

    responses = await asyncio.gather(*(login(c, "anna@velsen.example", WRONG) for c in clients))
    # Tries refused because the process was busy hashing were never counted: they come again.
    retried = [
        await login(c, "anna@velsen.example", WRONG)
        for c, r in zip(clients, responses, strict=True)
        if "Het is nu erg druk" in r.text
    ]
    async with client_from(app, "192.0.2.50") as newcomer:
        after_cap = await login(newcomer, "anna@velsen.example", PASSWORD)
    for c in clients:
        await c.aclose()

    final = [r for r in responses if "Het is nu erg druk" not in r.text] + retried
    statuses = sorted(r.status_code for r in final)
    assert passwords.begrenzer.uitgevoerd - before == ACCOUNT_MAX_FAILURES
    assert statuses == [400] * ACCOUNT_MAX_FAILURES + [429] * (100 - ACCOUNT_MAX_FAILURES)
    # The price of a cap per account: a spread-out attack locks the real person out too,
    # for the rest of the window.
    assert after_cap.status_code == 429
    assert "te vaak een verkeerd wachtwoord" in after_cap.text


async def test_login_answers_429_in_dutch_when_too_many_hashes_wait(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await csrf_token(client)
    capacity = passwords.HASHES_AT_ONCE + passwords.HASHES_WAITING
    # Real argon2 work with the production profile keeps every slot busy for a while.
    busy = [
        asyncio.create_task(passwords.verify_password(None, "iets anders", "standaard"))
        for _ in range(capacity)
    ]
    await asyncio.sleep(0)

    response = await login(client, "anna@velsen.example", PASSWORD)
    results = await asyncio.gather(*busy)

    assert response.status_code == 429
    assert "Het is nu erg druk" in response.text
    assert response.headers["retry-after"] == str(passwords.RETRY_AFTER_BUSY)
    assert results == [False] * capacity
    # Nothing was checked, so nothing counts against the person.
    assert await Inlogpoging.count() == 0
    assert (await login(client, "anna@velsen.example", PASSWORD)).status_code == 302


async def test_failures_and_lockouts_are_logged_without_address_or_email(client, settings, audit_lines):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    for _ in range(ACCOUNT_ADDRESS_MAX_FAILURES + 1):
        await login(client, "anna@velsen.example", WRONG)

    actions = [line.split('"actie": "')[1].split('"')[0] for line in audit_lines]
    assert actions == ["gebruiker_aangemaakt"] + ["inloggen_mislukt"] * ACCOUNT_ADDRESS_MAX_FAILURES + [
        "inloggen_geblokkeerd"
    ]
    assert not any("anna@velsen.example" in line or "203.0.113.7" in line for line in audit_lines)
    assert '"grens": "account_adres"' in audit_lines[-1]
