"""Walk the site as each kind of signed-in person would, following every link from their start page."""

from __future__ import annotations

import re
from collections import deque

import httpx
import pytest

from participatie.demo import DEMO_PASSWORD, load_demo
from tests.conftest import login

HREF = re.compile(r'href="(/[^"#]*)"')
MAX_PAGES = 120


async def crawl(client: httpx.AsyncClient, start: str) -> list[tuple[str, httpx.Response]]:
    """Every page reachable by links from `start`, breadth first, at most MAX_PAGES."""
    seen = {start}
    queue = deque([start])
    visited: list[tuple[str, httpx.Response]] = []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        response = await client.get(path)
        visited.append((path, response))
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in HREF.findall(response.text):
            link = link.replace("&amp;", "&")
            if link.startswith("/static/") or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return visited


@pytest.fixture
async def demo(database, settings):
    await load_demo(settings)


@pytest.mark.parametrize(
    "email",
    [
        "kees.bakker@beverwijk.example",
        "marja.vanleeuwen@beverwijk.example",
        "beheer@participatie.example",
    ],
)
async def test_every_page_behind_a_login_is_kept_out_of_caches(demo, client, email):
    response = await login(client, email, DEMO_PASSWORD)
    assert response.status_code == 302

    visited = await crawl(client, response.headers["location"])

    assert len(visited) >= 5
    cached = [p for p, r in visited if "no-store" not in r.headers.get("cache-control", "")]
    assert cached == []
    assert [p for p, r in visited if r.status_code >= 500] == []
