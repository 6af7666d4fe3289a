"""Hostile input on every form and every public address: a Dutch refusal, never a 500.

The forms are not listed by hand: each role's pages are crawled (tests/test_crawl.py) and every
form found there is sent back as it is, with each field left out in turn and with hostile
values in each field. A new form is fuzzed the day it appears on a page.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest

from participatie.demo import DEMO_PASSWORD, load_demo
from participatie.peilingen.tables import Peiling
from tests.conftest import login
from tests.test_crawl import crawl

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE vraag; --",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-13-45",
    "2026-02-30T25:61",
    "９",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
]
VARIANTS_PER_FORM = 24
# Forms whose success ends the session or the data the rest of the run needs.
SKIP_ACTIONS = re.compile(r"^/uitloggen")


@dataclass
class Formulier:
    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Formulier] = []
        self._current: Formulier | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = Formulier(
                action=a.get("action") or self.page, multipart="multipart" in a.get("enctype", "")
            )
            self.forms.append(self._current)
        elif self._current is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input" and a.get("type") == "file":
            self._current.files.append(a["name"])
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a or not any(n == a["name"] for n, _ in self._current.fields):
                self._current.fields.append((a["name"], a.get("value", "on")))
        elif tag in ("input", "textarea", "button") and a.get("type") != "submit":
            self._current.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None:
            self._current.fields.append((self._select, a.get("value", "")))
            self._select = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms_on(path: str, html: str) -> list[Formulier]:
    parser = _Forms(path)
    parser.feed(html)
    return [f for f in parser.forms if f.action.startswith("/") and not SKIP_ACTIONS.match(f.action)]


def variants(form: Formulier, rng: random.Random) -> list[tuple[list[tuple[str, str]], bool]]:
    """(fields, with_files) to send: as found, each field dropped, hostile values in each field."""
    names = [n for n, _ in form.fields if n != "_csrf_token"]
    csrf = [(n, v) for n, v in form.fields if n == "_csrf_token"]
    out: list[tuple[list[tuple[str, str]], bool]] = [(form.fields, True), (form.fields, False)]
    for name in names:
        out.append(([(n, v) for n, v in form.fields if n != name], True))
        others = [(n, v) for n, v in form.fields if n != "_csrf_token"]
        for value in rng.sample(HOSTILE, 3):
            out.append(([*csrf, *((n, value if n == name else v) for n, v in others)], True))
    out.append(([*csrf, *((n, rng.choice(HOSTILE)) for n in names)], True))
    rng.shuffle(out)
    return out[:VARIANTS_PER_FORM]


async def _send(client: httpx.AsyncClient, form: Formulier, fields, with_files: bool) -> httpx.Response:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    if form.multipart:
        if with_files:
            files = [(n, ("bijlage.pdf", b"%PDF-1.4 niet echt", "application/pdf")) for n in form.files]
            return await client.post(form.action, data=data, files=files)
        # Multipart with text parts only: a form without its file part once gave a 500.
        parts = [(name, (None, value)) for name, value in fields]
        return await client.post(form.action, files=parts)
    return await client.post(form.action, data=data)


@pytest.fixture
async def demo(database, settings):
    await load_demo(settings)


@pytest.mark.parametrize(
    "email",
    ["kees.bakker@beverwijk.example", "marja.vanleeuwen@beverwijk.example", "beheer@participatie.example"],
)
async def test_no_form_gives_a_500_on_hostile_input(demo, client, email):
    start = (await login(client, email, DEMO_PASSWORD)).headers["location"]
    pages = await crawl(client, start)
    forms = {f.action + str(sorted(n for n, _ in f.fields)): f for p, r in pages for f in forms_on(p, r.text)}
    rng = random.Random(4711)
    failures: list[str] = []

    for form in forms.values():
        for fields, with_files in variants(form, rng):
            response = await _send(client, form, fields, with_files)
            if response.status_code >= 500:
                failures.append(f"{form.action} {dict(fields)!r:.200} -> {response.status_code}")
            if response.status_code in (302, 303) and response.headers["location"].startswith("/inloggen"):
                await login(client, email, DEMO_PASSWORD)  # a password change or reset ends the session

    assert len(forms) >= 2
    assert failures == []


PUBLIC_VALUES = ["%00", "..%2F..%2Fetc", "x" * 3000, "%E2%80%AE", "-1", "99999999999999999999999", "%ZZ", "é"]


async def test_no_public_address_gives_a_500(demo, app, client):
    peiling = await Peiling.select(Peiling.sleutel).first()
    failures: list[str] = []
    for route in app.routes:
        handlers = [h for h in getattr(route, "route_handlers", []) if h.opt.get("publiek")]
        if not handlers or route.path.startswith("/static"):
            continue
        for value in [*PUBLIC_VALUES, peiling["sleutel"]]:
            path = re.sub(r"\{[^}]+\}", value, route.path)
            for method in sorted({m for h in handlers for m in h.http_methods} & {"GET", "POST"}):
                response = await client.request(method, path)
                if response.status_code >= 500:
                    failures.append(f"{method} {path[:80]} -> {response.status_code}")

    assert failures == []
