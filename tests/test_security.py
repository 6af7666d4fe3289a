import pytest
from litestar import get

from participatie.accounts.guards import PUBLIEK
from participatie.accounts.tables import Gebruiker
from tests.conftest import ROOT, csrf_token, login, make_gebruiker


async def _as_beheerder(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")


NEW_ACCOUNT = {
    "naam": "Nieuw",
    "email": "nieuw@test.example",
    "wachtwoord": "een lange zin als wachtwoord",
    "rol": "beheerder",
    "gemeente": "",
}


@pytest.mark.parametrize("path", ["/", "/inloggen", "/bestaat-niet", "/static/participatie.css"])
async def test_security_headers_on_every_response(client, path):
    response = await client.get(path)

    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_pages_load_nothing_from_other_hosts(client):
    response = await client.get("/inloggen")

    assert "http://" not in response.text.replace("http://testserver", "")
    assert "https://" not in response.text
    assert "<script>" not in response.text  # no inline scripts: CSP would block them anyway


async def test_post_without_csrf_token_is_refused_and_writes_nothing(client, settings):
    await _as_beheerder(client, settings)

    response = await client.post("/beheer/gebruikers/nieuw", data=NEW_ACCOUNT)

    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.text
    assert await Gebruiker.count() == 1


async def test_post_with_a_forged_csrf_token_is_refused(client, settings):
    await _as_beheerder(client, settings)

    response = await client.post(
        "/beheer/gebruikers/nieuw", data={**NEW_ACCOUNT, "_csrf_token": "vervalst" * 8}
    )

    assert response.status_code == 403
    assert await Gebruiker.count() == 1


async def test_htmx_post_with_csrf_header_only_is_accepted(client, settings):
    await _as_beheerder(client, settings)
    token = await csrf_token(client)

    response = await client.post(
        "/beheer/gebruikers/nieuw", data=NEW_ACCOUNT, headers={"x-csrftoken": token, "hx-request": "true"}
    )

    assert response.status_code == 302
    assert await Gebruiker.count() == 2


async def test_htmx_post_without_header_or_field_is_refused(client, settings):
    await _as_beheerder(client, settings)
    await csrf_token(client)

    response = await client.post("/beheer/gebruikers/nieuw", data=NEW_ACCOUNT, headers={"hx-request": "true"})

    assert response.status_code == 403
    assert await Gebruiker.count() == 1


async def test_login_form_needs_csrf_too(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")

    response = await client.post("/inloggen", data={"email": "beheer@test.example", "wachtwoord": "x" * 20})

    assert response.status_code == 403


async def test_oversized_body_gets_413_in_dutch(client, settings):
    token = await csrf_token(client)

    response = await client.post(
        "/inloggen",
        data={"email": "a" * (settings.max_body_bytes + 10), "wachtwoord": "x", "_csrf_token": token},
    )

    assert response.status_code == 413
    assert "te groot" in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
async def test_unused_methods_are_not_allowed(client, method):
    response = await client.request(method, "/inloggen")

    assert response.status_code == 405


async def test_wrong_method_on_a_route_gets_dutch_405(client):
    response = await client.post("/beheer/gebruikers", data={})

    assert response.status_code == 405
    assert "Dat kan hier niet" in response.text
    assert '<html lang="nl"' in response.text


async def test_unknown_page_gets_dutch_404(client):
    response = await client.get("/bestaat-niet")

    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
    assert 'lang="nl"' in response.text


async def test_unexpected_error_gets_dutch_500_without_stack_trace(app, client):
    @get("/kapot", opt=PUBLIEK)
    async def kapot() -> str:
        raise ZeroDivisionError("geheime details")

    app.register(kapot)

    response = await client.get("/kapot")

    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "geheime details" not in response.text
    assert "Traceback" not in response.text


async def test_responses_are_compressed(client):
    response = await client.get("/static/vendor/utrecht/html-9.0.4.css", headers={"accept-encoding": "gzip"})

    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < 10_000
    assert len(response.content) == (ROOT / "static/vendor/utrecht/html-9.0.4.css").stat().st_size


@pytest.mark.parametrize("path", ["/", "/inloggen", "/static/participatie.css"])
async def test_head_is_answered_for_get_routes_without_a_body(client, path):
    full = await client.get(path)

    head = await client.head(path)

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == full.headers["content-type"]
    assert head.headers["content-security-policy"] == full.headers["content-security-policy"]


async def test_head_of_a_page_behind_a_login_redirects_like_get(client):
    response = await client.head("/beheer/gebruikers")

    assert response.status_code == 302
    assert response.headers["location"].startswith("/inloggen")
