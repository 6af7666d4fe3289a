"""A real app process on 127.0.0.1 and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright

from tests.conftest import ROOT, skip_or_fail

CHROMIUM = os.environ.get("PARTICIPATIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Dutch, as the residents see the pages: date and time fields read dd-mm-jjjj, numbers take
    # a decimal comma. On Linux chromium takes its language from LANGUAGE (set at launch below)
    # and needs Debian's chromium-l10n for it; --lang is what it reads elsewhere.
    "--lang=nl-NL",
]
# Where Debian's chromium keeps its languages; only en-US comes without chromium-l10n.
CHROMIUM_TALEN = Path(os.environ.get("PARTICIPATIE_CHROMIUM_LOCALES", "/usr/lib/chromium/locales"))


def _chromium_kent_nederlands() -> bool:
    """False only where chromium's language folder is there without Dutch in it."""
    return not CHROMIUM_TALEN.is_dir() or (CHROMIUM_TALEN / "nl.pak").exists()


WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(settings, database) -> Iterator[str]:
    """The app as production starts it (uvicorn, its own process) on the test database."""
    port = _free_port()
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": settings.database_url,
        "PARTICIPATIE_SECRET_KEY": settings.secret_key,
        "PARTICIPATIE_PLANNER_ENABLED": "false",
        "PARTICIPATIE_PASSWORD_PROFILE": "test",
        "PARTICIPATIE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "participatie.app:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
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
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 -- our own server
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                proc.kill()
                pytest.fail(f"app startte niet:\n{out}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
async def _chromium() -> AsyncIterator[Browser]:
    """One chromium for the whole run: starting it cost about a second per browser test."""
    if not shutil.which(CHROMIUM):
        skip_or_fail("browser", f"Geen chromium op {CHROMIUM} (apt-get install chromium)")
    if not _chromium_kent_nederlands():
        skip_or_fail("browser", "chromium kent geen Nederlands (apt-get install chromium-l10n)")
    async with async_playwright() as p:
        b = await p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANGUAGE": "nl_NL"}
        )
        yield b
        await b.close()


@pytest.fixture
async def browser(_chromium: Browser) -> AsyncIterator[Browser]:
    """The shared chromium, clean for each test: every context a test opened (its cookies,
    storage and pages) is closed after it, also when the test forgot to, so nothing carries over."""
    assert _chromium.is_connected(), "chromium is tijdens de run gestopt"
    assert not _chromium.contexts, "een vorige test liet een browsercontext open"
    yield _chromium
    for context in list(_chromium.contexts):
        await context.close()


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[Page]:
    """An old, narrow phone: 320 CSS pixels wide."""
    context = await browser.new_context(
        viewport={"width": 320, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
    )
    page = await context.new_page()
    yield page
    await context.close()


async def assert_accessible(page: Page) -> None:
    results = await Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


async def assert_fits_width(page: Page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling at this width."""
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"pagina is {overflow}px te breed"


@pytest.fixture
async def phone_without_js(browser: Browser) -> AsyncIterator[Page]:
    """The same old phone with JavaScript switched off: every form must still work."""
    context = await browser.new_context(
        viewport={"width": 320, "height": 640}, is_mobile=True, java_script_enabled=False, locale="nl-NL"
    )
    page = await context.new_page()
    yield page
    await context.close()


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    yield page
    await context.close()


async def log_in(page: Page, base: str, email: str, wachtwoord: str) -> None:
    await page.goto(base + "/inloggen")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(wachtwoord)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_load_state()
