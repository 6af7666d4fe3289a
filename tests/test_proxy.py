"""Behind a reverse proxy: the resident's address and scheme, believed only from trusted proxies."""

import httpx
import pytest
from litestar import Litestar, Request, get

from participatie.app import behind_proxies
from participatie.config import ConfigError, Settings


@get("/wie", sync_to_thread=False)
def wie(request: Request) -> dict[str, str]:
    return {"adres": request.client.host if request.client else "", "schema": request.url.scheme}


async def _wie(trusted: tuple[str, ...], peer: str, headers: dict[str, str]) -> dict[str, str]:
    app = Litestar([wie])
    handler = behind_proxies(app, Settings(trusted_proxies=trusted))
    transport = httpx.ASGITransport(app=handler, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return (await client.get("/wie", headers=headers)).json()


FORWARDED = {"x-forwarded-for": "198.51.100.23", "x-forwarded-proto": "https"}


async def test_forwarded_headers_from_a_trusted_proxy_give_the_residents_address():
    seen = await _wie(("10.0.0.0/24",), "10.0.0.5", FORWARDED)

    assert seen == {"adres": "198.51.100.23", "schema": "https"}


async def test_forwarded_headers_from_anyone_else_are_ignored():
    seen = await _wie(("10.0.0.0/24",), "203.0.113.9", FORWARDED)

    assert seen == {"adres": "203.0.113.9", "schema": "http"}


async def test_without_trusted_proxies_no_header_is_believed():
    seen = await _wie((), "127.0.0.1", FORWARDED)

    assert seen == {"adres": "127.0.0.1", "schema": "http"}


async def test_a_resident_cannot_pose_as_someone_else_through_the_proxy():
    # The resident sends X-Forwarded-For themselves; the proxy appends the real address.
    seen = await _wie(("10.0.0.5",), "10.0.0.5", {"x-forwarded-for": "192.0.2.1, 198.51.100.23"})

    assert seen["adres"] == "198.51.100.23"


def test_trusted_proxies_are_read_from_the_environment_and_checked():
    settings = Settings.from_env({"PARTICIPATIE_TRUSTED_PROXIES": " 10.0.0.5, 172.16.0.0/12 ,"})

    assert settings.trusted_proxies == ("10.0.0.5", "172.16.0.0/12")
    with pytest.raises(ConfigError, match=r"PARTICIPATIE_TRUSTED_PROXIES: 'proxy\.local'"):
        Settings(secret_key="s" * 40, trusted_proxies=("proxy.local",)).check()
