"""Account actions leave one trail line each, with the changed fields and no secrets."""

from __future__ import annotations

import json
from typing import Any

from participatie.accounts import domain
from participatie.accounts.tables import Gebruiker, Gemeente
from participatie.spoor.tables import Spoorregel
from tests.conftest import PASSWORD, login, make_gebruiker, post_form

NEW = "een nieuwe lange zin voor mij"


def _parsed(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value


async def _regels() -> list[dict[str, Any]]:
    rows = await Spoorregel.select(
        Spoorregel.door,
        Spoorregel.door_naam,
        Spoorregel.gemeente,
        Spoorregel.vraag_id,
        Spoorregel.onderwerp,
        Spoorregel.onderwerp_id,
        Spoorregel.actie,
        Spoorregel.voor,
        Spoorregel.na,
    ).order_by(Spoorregel.id)
    return [{**r, "voor": _parsed(r["voor"]), "na": _parsed(r["na"])} for r in rows]


async def _gemeente_id(slug: str) -> int:
    row = await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first()
    assert row is not None
    return int(row["id"])


async def _as_beheerder(client, settings) -> int:
    beheerder = await make_gebruiker(
        settings, "beheerder", None, email="beheer@test.example", naam="Bea Beheer"
    )
    await login(client, "beheer@test.example")
    return beheerder


async def test_creating_an_account_leaves_one_line_without_its_address(client, settings):
    beheerder = await _as_beheerder(client, settings)

    response = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "naam": "Kees Bakker",
            "email": "kees@beverwijk.example",
            "wachtwoord": "een lange zin als wachtwoord",
            "rol": "raadslid",
            "gemeente": "beverwijk",
        },
    )

    assert response.status_code == 302
    kees = (await Gebruiker.select(Gebruiker.id).where(Gebruiker.email == "kees@beverwijk.example").first())[
        "id"
    ]
    assert await _regels() == [
        {
            "door": beheerder,
            "door_naam": "Bea Beheer",
            "gemeente": await _gemeente_id("beverwijk"),
            "vraag_id": None,
            "onderwerp": "gebruiker",
            "onderwerp_id": kees,
            "actie": "gebruiker_aangemaakt",
            "voor": {},
            "na": {"rol": "raadslid", "gemeente": "beverwijk", "is_actief": True},
        }
    ]
    stored = json.dumps(await _regels())
    assert "kees@beverwijk.example" not in stored
    assert "argon2" not in stored


async def test_a_refused_new_account_leaves_no_line(client, settings):
    await _as_beheerder(client, settings)

    response = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {"naam": "", "email": "geen-adres", "wachtwoord": "kort", "rol": "koning", "gemeente": "velsen"},
    )

    assert response.status_code == 422
    assert await _regels() == []


async def test_an_account_made_without_a_person_leaves_no_line(database, settings):
    # The CLI and the demo data create accounts with door=None: the security log has those.
    await make_gebruiker(settings, "raadslid", "velsen")

    assert await _regels() == []


async def test_moving_an_account_to_another_council_records_the_changed_fields(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    beheerder = await _as_beheerder(client, settings)

    await post_form(
        client, f"/beheer/gebruikers/{anna}", {"rol": "ambtenaar", "gemeente": "heemskerk", "is_actief": "ja"}
    )

    [regel] = await _regels()
    assert (regel["door"], regel["actie"], regel["onderwerp"], regel["onderwerp_id"]) == (
        beheerder,
        "gebruiker_gewijzigd",
        "gebruiker",
        anna,
    )
    assert regel["gemeente"] == await _gemeente_id("heemskerk")
    assert regel["voor"] == {"rol": "raadslid", "gemeente": "velsen"}
    assert regel["na"] == {"rol": "ambtenaar", "gemeente": "heemskerk"}


async def test_switching_an_account_off_and_on_names_what_happened(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await _as_beheerder(client, settings)

    await post_form(client, f"/beheer/gebruikers/{anna}", {"rol": "raadslid", "gemeente": "velsen"})
    await post_form(
        client, f"/beheer/gebruikers/{anna}", {"rol": "raadslid", "gemeente": "velsen", "is_actief": "ja"}
    )

    assert [(r["actie"], r["voor"], r["na"]) for r in await _regels()] == [
        ("gebruiker_uitgezet", {"is_actief": True}, {"is_actief": False}),
        ("gebruiker_aangezet", {"is_actief": False}, {"is_actief": True}),
    ]


async def test_saving_an_account_unchanged_leaves_no_line(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await _as_beheerder(client, settings)

    response = await post_form(
        client, f"/beheer/gebruikers/{anna}", {"rol": "raadslid", "gemeente": "velsen", "is_actief": "ja"}
    )

    assert response.status_code == 302
    assert await _regels() == []


async def test_a_refused_account_change_leaves_no_line(client, settings):
    me = await _as_beheerder(client, settings)

    locked_out = await post_form(client, f"/beheer/gebruikers/{me}", {"rol": "beheerder"})
    unknown_council = await post_form(
        client, f"/beheer/gebruikers/{me}", {"rol": "raadslid", "gemeente": "haarlem", "is_actief": "ja"}
    )

    assert (locked_out.status_code, unknown_council.status_code) == (422, 422)
    assert await _regels() == []


async def test_a_reset_link_leaves_a_line_without_link_or_address(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    beheerder = await _as_beheerder(client, settings)

    response = await post_form(client, f"/beheer/gebruikers/{anna}/herstellink", {})

    assert response.status_code == 302
    assert await _regels() == [
        {
            "door": beheerder,
            "door_naam": "Bea Beheer",
            "gemeente": await _gemeente_id("velsen"),
            "vraag_id": None,
            "onderwerp": "gebruiker",
            "onderwerp_id": anna,
            "actie": "herstellink_verstuurd",
            "voor": {},
            "na": {},
        }
    ]


async def test_a_refused_reset_link_leaves_no_line(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await Gebruiker.update({Gebruiker.is_actief: False}).where(Gebruiker.id == anna)
    await _as_beheerder(client, settings)

    response = await post_form(client, f"/beheer/gebruikers/{anna}/herstellink", {})

    assert response.status_code == 422
    assert await _regels() == []


async def test_changing_ones_own_password_leaves_a_line_without_it(client, settings):
    anna = await make_gebruiker(
        settings, "raadslid", "velsen", email="anna@velsen.example", naam="Anna de Wit"
    )
    await login(client, "anna@velsen.example")

    wrong = await post_form(
        client, "/account/wachtwoord", {"huidig": "niet mijn wachtwoord", "nieuw": NEW, "herhaling": NEW}
    )
    assert wrong.status_code == 422
    assert await _regels() == []

    changed = await post_form(
        client, "/account/wachtwoord", {"huidig": PASSWORD, "nieuw": NEW, "herhaling": NEW}
    )

    assert changed.status_code == 302
    regels = await _regels()
    assert regels == [
        {
            "door": anna,
            "door_naam": "Anna de Wit",
            "gemeente": await _gemeente_id("velsen"),
            "vraag_id": None,
            "onderwerp": "gebruiker",
            "onderwerp_id": anna,
            "actie": "wachtwoord_gewijzigd",
            "voor": {},
            "na": {},
        }
    ]
    hash_now = (await Gebruiker.select(Gebruiker.wachtwoord_hash).where(Gebruiker.id == anna).first())[
        "wachtwoord_hash"
    ]
    stored = json.dumps(regels)
    assert NEW not in stored
    assert PASSWORD not in stored
    assert hash_now not in stored


async def test_the_domain_takes_the_acting_person_not_an_id(database, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example", naam="Bea Beheer")
    beheerder = await domain.acting_as("beheer@test.example")

    await domain.update_gebruiker(
        gebruiker_id=anna, rol="raadslid", gemeente_slug="beverwijk", is_actief=True, door=beheerder
    )

    assert [(r["door"], r["door_naam"], r["na"]) for r in await _regels()] == [
        (beheerder.id, "Bea Beheer", {"gemeente": "beverwijk"})
    ]
