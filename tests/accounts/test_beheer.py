from argon2 import PasswordHasher

from participatie.accounts.tables import Gebruiker, Sessie
from tests.conftest import PASSWORD, login, make_gebruiker, post_form


async def _as_beheerder(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")


async def test_account_pages_render_for_the_beheerder(client, settings):
    anna = await make_gebruiker(
        settings, "raadslid", "velsen", email="anna@velsen.example", naam="Anna de Wit"
    )
    await _as_beheerder(client, settings)

    overview = await client.get("/beheer/gebruikers")
    new = await client.get("/beheer/gebruikers/nieuw")
    edit = await client.get(f"/beheer/gebruikers/{anna}")

    assert overview.status_code == 200
    assert "Anna de Wit" in overview.text
    assert new.status_code == 200
    assert 'name="wachtwoord"' in new.text
    assert edit.status_code == 200
    assert "anna@velsen.example" in edit.text
    assert '<option value="velsen" selected>' in edit.text


async def test_beheerder_adds_an_account_that_can_log_in(client, settings):
    await _as_beheerder(client, settings)

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
    row = await Gebruiker.select().where(Gebruiker.email == "kees@beverwijk.example").first()
    assert row["rol"] == "raadslid"
    assert row["wachtwoord_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(row["wachtwoord_hash"], "een lange zin als wachtwoord")


async def test_bad_account_input_gets_dutch_messages_and_stores_nothing(client, settings):
    await _as_beheerder(client, settings)

    response = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {"naam": "", "email": "geen-adres", "wachtwoord": "kort", "rol": "koning", "gemeente": "velsen"},
    )

    assert response.status_code == 422
    assert "Vul een naam in." in response.text
    assert "Vul een geldig e-mailadres in" in response.text
    assert "minstens 12 tekens" in response.text
    assert "Kies een rol" in response.text
    assert await Gebruiker.count() == 1


async def test_raadslid_needs_a_council(client, settings):
    await _as_beheerder(client, settings)

    response = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "naam": "Zonder Raad",
            "email": "z@test.example",
            "wachtwoord": PASSWORD,
            "rol": "raadslid",
            "gemeente": "",
        },
    )

    assert response.status_code == 422
    assert "Kies bij welke gemeente dit raadslid of deze ambtenaar hoort." in response.text
    assert await Gebruiker.count() == 1


async def test_duplicate_email_is_refused(client, settings):
    await _as_beheerder(client, settings)

    response = await post_form(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "naam": "Dubbel",
            "email": "BEHEER@test.example",
            "wachtwoord": PASSWORD,
            "rol": "beheerder",
            "gemeente": "",
        },
    )

    assert response.status_code == 422
    assert "Er is al een account met dit e-mailadres." in response.text


async def test_disabling_an_account_ends_its_sessions(client, settings, app):
    import httpx

    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna_client:
        await login(anna_client, "anna@velsen.example")
        assert (await anna_client.get("/raad/velsen")).status_code == 200
        await _as_beheerder(client, settings)

        response = await post_form(
            client, f"/beheer/gebruikers/{anna}", {"rol": "raadslid", "gemeente": "velsen"}
        )  # is_actief unticked

        assert response.status_code == 302
        assert (await anna_client.get("/raad/velsen")).status_code == 302
    row = await Gebruiker.select(Gebruiker.is_actief).where(Gebruiker.id == anna).first()
    assert row["is_actief"] is False
    assert await Sessie.count().where(Sessie.gebruiker == anna) == 0


async def test_re_roling_moves_a_raadslid_to_another_council(client, settings):
    anna = await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await _as_beheerder(client, settings)

    await post_form(
        client, f"/beheer/gebruikers/{anna}", {"rol": "ambtenaar", "gemeente": "heemskerk", "is_actief": "ja"}
    )

    row = await Gebruiker.select(Gebruiker.rol, Gebruiker.gemeente.slug).where(Gebruiker.id == anna).first()
    assert row == {"rol": "ambtenaar", "gemeente.slug": "heemskerk"}


async def test_beheerder_cannot_lock_themselves_out(client, settings):
    await _as_beheerder(client, settings)
    me = (await Gebruiker.select(Gebruiker.id).first())["id"]

    response = await post_form(client, f"/beheer/gebruikers/{me}", {"rol": "beheerder"})

    assert response.status_code == 422
    assert await Gebruiker.count().where(Gebruiker.is_actief == True) == 1  # noqa: E712


async def test_unknown_account_id_is_404(client, settings):
    await _as_beheerder(client, settings)

    assert (await client.get("/beheer/gebruikers/999999")).status_code == 404
    assert (await post_form(client, "/beheer/gebruikers/999999", {"rol": "beheerder"})).status_code == 404
