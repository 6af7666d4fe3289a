"""Password rules and the bound on argon2 work per process."""

import asyncio

import pytest

from participatie.accounts import passwords


@pytest.mark.parametrize(
    "wachtwoord",
    [
        "welkom123456",
        "wachtwoord12",
        "Wachtwoord2024!",
        "password1234",
        "Welkom01welkom01",
        "qwertyuiop123",
        "iloveyou1234",
        "123456789012",
        "Feyenoord1908",
        "zomer2026!!!!",
    ],
)
def test_common_passwords_are_refused(wachtwoord):
    assert passwords.check_strength(wachtwoord) == passwords.TE_BEKEND


@pytest.mark.parametrize(
    "wachtwoord",
    ["correct paard batterij niet", "Dijk-Lichtmast-Ui-91", "mijn fiets staat bij de pont"],
)
def test_passphrases_are_accepted(wachtwoord):
    assert passwords.check_strength(wachtwoord) is None


def test_the_offline_list_holds_at_least_10000_passwords():
    assert len(passwords.common_passwords()) >= 10_000
    assert {"welkom", "wachtwoord", "123456", "password"} <= passwords.common_passwords()


async def test_at_most_a_few_hashes_run_and_wait_the_rest_is_refused():
    capacity = passwords.HASHES_AT_ONCE + passwords.HASHES_WAITING
    peak_before = passwords.begrenzer.hoogste
    passwords.begrenzer.hoogste = 0

    results = await asyncio.gather(
        *(passwords.verify_password(None, f"poging {i}", "standaard") for i in range(30)),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, passwords.TeDruk)]
    assert [r for r in results if not isinstance(r, passwords.TeDruk)] == [False] * capacity
    assert len(refused) == 30 - capacity
    assert passwords.begrenzer.hoogste == passwords.HASHES_AT_ONCE
    passwords.begrenzer.hoogste = max(peak_before, passwords.begrenzer.hoogste)
