"""Error pages and what the logs say about them: security events, and never a token or address."""

import json

import httpx
import pytest
from litestar import Litestar, get
from litestar.params import FromPath

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
