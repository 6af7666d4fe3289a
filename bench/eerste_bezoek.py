"""Benchmark: what a resident's first visit to a poll costs, compressed, and that it has no script.

Loads the demo into a fresh SQLite database, requests the demo poll's page (/p/<sleutel>)
through the whole app (middleware, gzip) in-process, then every stylesheet the page links and
every stylesheet those import, as a browser with an empty cache does. Each response is counted
as it travelled: gzip-compressed bytes where the app compressed it, otherwise what gzip would
make of it (a file under the app's 500-byte compression floor). The budget is 60 kB; the last
line printed is one JSON object.

    PYTHONPATH=. python bench/eerste_bezoek.py   # from the repository root
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

BUDGET_BYTES = 60 * 1024
IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s]+)["']?\s*\)?""")


class _Page(HTMLParser):
    """Stylesheet links and script elements of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "").lower() == "stylesheet" and a.get("href"):
            self.stylesheets.append(a["href"] or "")
        if tag == "script":
            self.scripts += 1


def _wire_bytes(response: httpx.Response) -> tuple[int, bool]:
    """Bytes on the wire and whether the app compressed them."""
    if response.headers.get("content-encoding") == "gzip":
        return response.num_bytes_downloaded, True
    return len(gzip.compress(response.content, compresslevel=6)), False


async def meet(client: httpx.AsyncClient, pad: str) -> dict:
    """Fetch `pad` and everything it needs to render; sizes per file and in all."""
    headers = {"accept-encoding": "gzip"}
    page = await client.get(pad, headers=headers)
    page.raise_for_status()
    parser = _Page()
    parser.feed(page.text)
    files: dict[str, dict] = {}
    html_bytes, html_gzip = _wire_bytes(page)
    files[pad] = {"bytes": html_bytes, "gzip": html_gzip}
    queue = [urljoin(pad, href) for href in parser.stylesheets]
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in files:
            continue
        response = await client.get(url, headers=headers)
        response.raise_for_status()
        size, compressed = _wire_bytes(response)
        files[path] = {"bytes": size, "gzip": compressed}
        queue += [urljoin(url, found) for found in IMPORT.findall(response.text)]
    total = sum(f["bytes"] for f in files.values())
    return {
        "pad": pad,
        "bestanden": len(files),
        "stylesheets": len(files) - 1,
        "scripts": parser.scripts,
        "html_bytes": html_bytes,
        "css_bytes": total - html_bytes,
        "totaal_bytes": total,
        "totaal_kb": round(total / 1024, 1),
        "budget_kb": BUDGET_BYTES // 1024,
        "per_bestand": {path: f["bytes"] for path, f in files.items()},
    }


async def main() -> dict:
    from participatie import db
    from participatie.app import create_app
    from participatie.config import Settings
    from participatie.demo import load_demo
    from participatie.peilingen.tables import Peiling

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'eerste_bezoek.sqlite3'}"
        settings = Settings(
            database_url=url,
            secret_key="bench-geheim-dat-lang-genoeg-is-1234567890",
            planner_enabled=False,
            password_profile="test",
        )
        engine = db.create_engine(url)
        await db.migrate(engine)
        await db.start_pool(engine, 1)
        await load_demo(settings)
        sleutel = (await Peiling.select(Peiling.sleutel).first())["sleutel"]
        await db.close_pool(engine)

        app = create_app(settings)
        async with app.lifespan():
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                return await meet(client, f"/p/{sleutel}")


if __name__ == "__main__":
    figures = asyncio.run(main())
    for path, size in figures["per_bestand"].items():
        print(f"{size / 1024:6.1f} kB  {path}")
    print(
        f"eerste bezoek: {figures['totaal_kb']} kB van {figures['budget_kb']} kB, {figures['scripts']} scripts"
    )
    print(json.dumps(figures))
