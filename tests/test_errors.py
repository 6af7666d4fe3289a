"""Error pages and what the logs say about them: security events, and never a token or address."""

import json
import sqlite3

import httpx
import pytest
from litestar import Litestar, get
from litestar.params import FromPath

from participatie import version
from participatie.app import template_config
from participatie.config import Settings
from participatie.errors import internal_error_handler
from tests.conftest import csrf_token, login, make_gebruiker

TOKEN = "Zx9-geheime-link-token-4711"


@get("/f/{token:str}", sync_to_thread=False)
def kapot(token: FromPath[str]) -> str:
    raise RuntimeError("kon niet versturen naar jan.jansen@example.org")


async def test_a_500_on_a_personal_link_logs_neither_its_token_nor_an_address(log_lines):
    app = Litestar(
        [kapot],
        exception_handlers={Exception: internal_error_handler},
        template_config=template_config(Settings()),
        debug=False,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(f"/f/{TOKEN}")

    assert response.status_code == 500
    logged = "\n".join(log_lines)
    assert "/f/{token}" in logged
    assert TOKEN not in logged
    assert "jan.jansen@example.org" not in logged
    assert "[e-mailadres]" in logged


def _events(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if '"actie"' in line]


async def test_refused_access_and_csrf_failures_are_logged(client, settings, log_lines):
    gebruiker_id = await make_gebruiker(settings, "raadslid", "velsen", email="r@velsen.example")
    await login(client, "r@velsen.example")
    await csrf_token(client)

    other = await client.get("/raad/beverwijk/vragen")
    forged = await client.post("/uitloggen", data={"_csrf_token": "vervalst" * 8})

    assert (other.status_code, forged.status_code) == (403, 403)
    events = [
        (e["actie"], e["door"], e["route"]) for e in _events(log_lines) if e["actie"].endswith("_geweigerd")
    ]
    assert events == [
        ("toegang_geweigerd", gebruiker_id, "/raad/{gemeente}/vragen"),
        ("csrf_geweigerd", gebruiker_id, "/uitloggen"),
    ]


@pytest.mark.parametrize("path", ["/p/%00", "/idee/%00", "/f/%00/x", "/rapporten/velsen/%00", "/?q=%00"])
async def test_a_nul_byte_in_an_address_is_a_404_not_a_500(client, path):
    response = await client.get(path)

    assert response.status_code == 404


@get("/opslaan/{kind:str}", sync_to_thread=False)
def opslaan(kind: FromPath[str]) -> str:
    if kind == "alleen-lezen":
        raise sqlite3.OperationalError("attempt to write a readonly database")
    if kind == "weg":
        raise ConnectionRefusedError(111, "Connect call failed")
    raise ValueError("een fout van ons")


@pytest.mark.parametrize(("kind", "status"), [("alleen-lezen", 503), ("weg", 503), ("bug", 500)])
async def test_a_database_that_is_away_gives_a_dutch_503_to_try_again(kind, status, log_lines):
    app = Litestar(
        [opslaan],
        exception_handlers={Exception: internal_error_handler},
        template_config=template_config(Settings()),
        debug=False,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get(f"/opslaan/{kind}")

    assert response.status_code == status
    if status == 503:
        assert "Probeer het over een paar minuten opnieuw" in response.text
        assert response.headers["retry-after"] == "120"
        assert "Traceback" not in "\n".join(log_lines)


async def test_health_reports_the_database_and_the_version(client):
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "versie": version()}
    assert response.headers["cache-control"] == "no-store"
    assert (await client.head("/health")).status_code == 200
