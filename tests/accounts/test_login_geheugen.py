"""The app as production runs it, flooded with logins: its memory stays bounded.

Each argon2 check with the standard profile takes 64 MiB; without a bound, 40 parallel login
posts grew one process to 2.4 GB and stalled every other request.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, make_gebruiker

PARALLEL = 50
LIMIT_MB = 500


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status_mb(pid: int, field: str) -> float:
    """A memory figure of a process from /proc, in MB (VmRSS now, VmHWM the peak so far)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


@pytest.fixture
def standaard_server(settings, database) -> Iterator[tuple[str, int]]:
    """uvicorn in its own process with the production password profile."""
    if not Path("/proc/self/status").exists():
        pytest.skip("meet geheugen via /proc (Linux)")
    port = _free_port()
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_PLANNER_ENABLED": "false",
        "PARTICIPATIE_PASSWORD_PROFILE": "standaard",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "participatie.app:app_from_env",
            "--factory",
            "--host",
            "0.0.0.0",  # noqa: S104 -- loopback addresses 127.0.0.x must all reach it
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/inloggen", timeout=1)  # noqa: S310 -- our own server
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                proc.kill()
                pytest.fail(f"app startte niet:\n{out}")
            time.sleep(0.1)
    yield base, proc.pid
    proc.terminate()
    proc.wait(timeout=10)


async def test_50_parallel_logins_keep_the_process_under_500_mb(standaard_server, settings):
    base, pid = standaard_server
    # Stored with the production profile: argon2 takes its cost from the stored hash.
    standaard = settings.with_changes(password_profile="standaard")
    await make_gebruiker(standaard, "raadslid", "velsen", email="anna@velsen.example")
    # Every login from its own loopback address, so no address limit hides the hashing.
    clients = [
        httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(local_address=f"127.0.0.{i + 2}"), base_url=base, timeout=60
        )
        for i in range(PARALLEL)
    ]
    for c in clients:
        await c.get("/inloggen")
    start_mb = _status_mb(pid, "VmRSS")
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(_status_mb(pid, "VmRSS"))
            time.sleep(0.01)

    async def other_request() -> float:
        # Someone else opening a page while the logins pour in.
        await asyncio.sleep(0.2)
        started = time.monotonic()
        page = await clients[0].get("/")
        assert page.status_code == 200
        return time.monotonic() - started

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        other_s, *responses = await asyncio.gather(
            other_request(),
            *(
                c.post(
                    "/inloggen",
                    data={
                        "email": "anna@velsen.example",
                        "wachtwoord": f"niet het wachtwoord {i}",
                        "_csrf_token": c.cookies["participatie_csrf"],
                    },
                )
                for i, c in enumerate(clients)
            ),
        )
    finally:
        done.set()
        sampler.join()
        for c in clients:
            await c.aclose()
    peak_mb = max(_status_mb(pid, "VmHWM"), *samples)

    statuses = [r.status_code for r in responses]
    busy = [r for r in responses if r.status_code == 429]
    print(
        f"\n{PARALLEL} parallelle logins: begin {start_mb:.0f} MB, piek {peak_mb:.0f} MB, "
        f"{statuses.count(400)} gecontroleerd, {len(busy)} keer 429, "
        f"andere pagina in {other_s * 1000:.0f} ms"
    )
    assert set(statuses) <= {400, 429}
    assert statuses.count(400) >= 2
    assert all("Het is nu erg druk" in r.text for r in busy)
    assert peak_mb < LIMIT_MB
