"""The beheerder's settings page: all periods or none, and each change in the trail."""

from __future__ import annotations

import json
from typing import Any

from participatie.accounts.tables import Instelling
from participatie.spoor.tables import Spoorregel
from tests.conftest import login, make_gebruiker, post_form


async def _regels() -> list[dict[str, Any]]:
    rows = await Spoorregel.select(Spoorregel.door, Spoorregel.voor, Spoorregel.na).order_by(Spoorregel.id)
    return [{k: json.loads(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


async def _as_beheerder(client, settings) -> int:
    beheerder = await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")
    return beheerder


async def _current(client) -> dict[str, str]:
    page = await client.get("/beheer/instellingen")
    assert page.status_code == 200
    return {
        veld: page.text.split(f'name="{veld}"')[1].split('value="')[1].split('"')[0]
        for veld in ("maanden", "vervolg_maanden", "adres_maanden")
    }


async def test_one_wrong_period_changes_nothing_and_leaves_no_line(client, settings):
    await _as_beheerder(client, settings)
    before = await _current(client)

    response = await post_form(
        client, "/beheer/instellingen", {"maanden": "18", "vervolg_maanden": "0", "adres_maanden": "7"}
    )

    assert response.status_code == 422
    assert "Kies een bewaartermijn van 1 tot en met 36 maanden." in response.text
    assert 'value="18"' in response.text  # the typed input is shown again
    assert await _current(client) == before
    assert await Instelling.count() == 0
    assert await _regels() == []


async def test_a_changed_period_is_stored_and_traced_to_the_beheerder(client, settings):
    beheerder = await _as_beheerder(client, settings)
    before = await _current(client)

    response = await post_form(client, "/beheer/instellingen", {**before, "maanden": "18"})

    assert response.status_code == 200
    assert "De bewaartermijnen zijn opgeslagen." in response.text
    assert await _current(client) == {**before, "maanden": "18"}
    # Only the changed setting is traced, by whoever changed it, with its old and new value.
    assert [(r["door"], list(r["voor"].values()), list(r["na"].values())) for r in await _regels()] == [
        (beheerder, [int(before["maanden"])], [18])
    ]


async def test_every_changed_period_leaves_its_own_line(client, settings):
    beheerder = await _as_beheerder(client, settings)
    before = await _current(client)

    await post_form(
        client, "/beheer/instellingen", {"maanden": "5", "vervolg_maanden": "6", "adres_maanden": "7"}
    )

    regels = await _regels()
    assert [r["door"] for r in regels] == [beheerder] * 3
    changes = [pair for r in regels for pair in zip(r["voor"].values(), r["na"].values(), strict=True)]
    assert sorted(changes) == sorted(
        [(int(before["maanden"]), 5), (int(before["vervolg_maanden"]), 6), (int(before["adres_maanden"]), 7)]
    )


async def test_saving_the_periods_unchanged_leaves_no_line(client, settings):
    await _as_beheerder(client, settings)

    response = await post_form(client, "/beheer/instellingen", await _current(client))

    assert response.status_code == 200
    assert await _regels() == []


async def test_a_raadslid_cannot_open_the_settings(client, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")

    assert (await client.get("/beheer/instellingen")).status_code == 403
    assert (await post_form(client, "/beheer/instellingen", {"maanden": "1"})).status_code == 403
    assert await Instelling.count() == 0
