"""The container set-up, run as far as a machine without a container engine allows.

The image's own command (Dockerfile CMD) is started outside a container with the settings
compose.yaml gives the app, and the image's HEALTHCHECK command must then report it healthy:
if either file drifts from what the app understands, this fails.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import ROOT


def _dockerfile_json(instruction: str) -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{instruction}\b.*?(\[.*\])\s*$", text, re.MULTILINE)
    assert match, f"geen {instruction} in de Dockerfile"
    return json.loads(match.group(1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_image_runs_as_a_user_without_privileges():
    text = (ROOT / "Dockerfile").read_text()

    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "HEALTHCHECK" in text


def test_compose_starts_postgresql_the_app_with_two_workers_and_a_mail_catcher():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())

    assert set(compose["services"]) == {"db", "app", "mail"}
    app = compose["services"]["app"]["environment"]
    assert app["PARTICIPATIE_DATABASE_URL"].startswith("postgresql://")
    assert app["PARTICIPATIE_WORKERS"] == "2"
    assert app["PARTICIPATIE_SMTP_HOST"] == "mail"


async def test_the_images_command_serves_and_its_health_check_passes(database, settings):
    port = _free_port()
    command = _dockerfile_json("CMD")
    command[command.index("--port") + 1] = str(port)
    health = _dockerfile_json(r"HEALTHCHECK.*CMD")
    health = [part.replace("8000", str(port)) for part in health]
    environment = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["app"]["environment"]
    env = {
        **os.environ,
        **{k: str(v) for k, v in environment.items()},
        # This machine's database instead of compose's "db" service; SQLite serves one process.
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_WORKERS": "1" if settings.is_sqlite else "2",
        "PARTICIPATIE_PLANNER_ENABLED": "false",
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"

    healthy, errors = _serve_and_check(command, health, env)

    assert healthy
    assert b"Traceback" not in errors


def _serve_and_check(command: list[str], health: list[str], env: dict[str, str]) -> tuple[bool, bytes]:
    """Start the image's command, run its health check until it passes (40 s at most)."""
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    healthy = False
    try:
        deadline = time.monotonic() + 40
        while not healthy and time.monotonic() < deadline:
            healthy = subprocess.run(health, env=env, capture_output=True, timeout=10).returncode == 0
            time.sleep(0 if healthy else 0.5)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=15)
    return healthy, errors
