"""`participatie run` behind a reverse proxy, as a real server process on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import PASSWORD, ROOT, make_gebruiker

EMAIL = "beheer@participatie.test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(settings, trusted: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_PASSWORD_PROFILE": "test",
        "PARTICIPATIE_PLANNER_ENABLED": "false",
        "PARTICIPATIE_TRUSTED_PROXIES": trusted,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "participatie", "run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/inloggen", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _login(base: str, wachtwoord: str, forwarded_for: str) -> int:
    with httpx.Client(base_url=base, timeout=10) as client:
        client.get("/inloggen")
        token = client.cookies["participatie_csrf"]
        response = client.post(
            "/inloggen",
            data={"email": EMAIL, "wachtwoord": wachtwoord, "_csrf_token": token},
            headers={"x-forwarded-for": forwarded_for},
        )
        return response.status_code


def _attack_then_log_in(base: str) -> tuple[list[int], int]:
    """An attacker guesses from one address; then the real person logs in from their own."""
    guesses = [_login(base, "fout wachtwoord nummer " + str(i), "198.51.100.66") for i in range(8)]
    return guesses, _login(base, PASSWORD, "203.0.113.10")


async def test_behind_a_trusted_proxy_an_attacker_does_not_lock_out_the_real_person(database, settings):
    await make_gebruiker(settings, "beheerder", email=EMAIL)

    with server(settings, trusted="127.0.0.1") as base:
        guesses, real = _attack_then_log_in(base)

    assert guesses[-1] == 429  # the attacker's own place is stopped
    assert real == 302  # the real person, elsewhere, gets in


async def test_without_trusting_the_proxy_everyone_shares_its_address(database, settings):
    # The situation the setting exists for: every request seems to come from the proxy.
    await make_gebruiker(settings, "beheerder", email=EMAIL)

    with server(settings, trusted="") as base:
        guesses, real = _attack_then_log_in(base)

    assert guesses[-1] == 429
    assert real == 429


async def test_an_idle_connection_from_the_proxy_stays_open_longer_than_a_few_seconds(database, settings):
    # A proxy (nginx keepalive, Caddy, Traefik) reuses idle connections for up to 60 s; a
    # server that closes them after 5 s drops the request the proxy sends at that moment.
    if database.name != "sqlite":
        pytest.skip("connection handling is the server's, the same for either database")
    with server(settings, trusted="127.0.0.1") as base:
        answered = _two_requests_on_one_connection(base, idle_seconds=6.5)

    assert answered == [200, 200]


def _two_requests_on_one_connection(base: str, idle_seconds: float) -> list[int]:
    host, port = base.removeprefix("http://").split(":")
    request = f"GET /health HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode()
    statuses = []
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        reader = conn.makefile("rb")
        for attempt in range(2):
            if attempt:
                time.sleep(idle_seconds)
            conn.sendall(request)
            statuses.append(_read_response(reader))
    return statuses


def _read_response(reader) -> int:
    """The status of one whole HTTP/1.1 response (0 when the server closed instead)."""
    status_line = reader.readline()
    if not status_line:
        return 0
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    reader.read(length)
    return int(status_line.split(b" ", 2)[1])
