"""Benchmark: the council board with 2,000 vragen and 20,000 timeline entries on PostgreSQL.

Builds a database of its own (participatie_bench_board), fills it, then requests the board
through the whole app (middleware, session lookup, query, template, gzip) in-process, and
counts the SQL queries of one request. The last line printed is one JSON object.

    python bench/vragen_board.py [--requests 200] [--url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from participatie import db
from participatie.accounts import domain as accounts
from participatie.app import create_app
from participatie.config import Settings
from participatie.demo import GEMEENTEN
from participatie.vragen.stappen import THEMAS, VOLGORDE
from participatie.vragen.tables import Gebeurtenis, Vraag

DB_NAME = "participatie_bench_board"
PASSWORD = "bench-wachtwoord-lang-genoeg"
VRAGEN = 2_000
GEBEURTENISSEN = 20_000


async def _fresh_database(admin_url: str) -> str:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await conn.close()
    return admin_url.rsplit("/", 1)[0] + f"/{DB_NAME}"


async def _fill(settings: Settings) -> None:
    regio = await accounts.ensure_regio("ijmond", "IJmond")
    gemeente_ids = [await accounts.ensure_gemeente(s, n, r, regio) for s, n, r in GEMEENTEN]
    await accounts.create_gebruiker(
        settings,
        email="raadslid@velsen.example",
        naam="Bench Raadslid",
        wachtwoord=PASSWORD,
        rol="raadslid",
        gemeente_slug="velsen",
        door=None,
    )
    rng = random.Random(42)
    now = datetime.now(UTC)
    themas = [t for t, _ in THEMAS]
    vragen = [
        Vraag(
            titel=f"Vraag {i}: {rng.choice(themas).replace('_', ' ')} in de wijk",
            tekst="Hoe ervaren inwoners dit? " * 20,
            herkomst=rng.choice(["gemeente", "raad", "inwoner"]),
            gemeente=rng.choice(gemeente_ids),
            scope="regio" if rng.random() < 0.1 else "gemeente",
            thema=rng.choice(themas),
            prioriteit=rng.choice(["hoog", "normaal", "laag"]),
            stap=rng.choice(VOLGORDE).value,
            deadline=(now + timedelta(days=rng.randint(-30, 120))).date(),
            aangemaakt_at=now - timedelta(days=rng.randint(0, 700)),
            stap_sinds_at=now,
        )
        for i in range(VRAGEN)
    ]
    for start in range(0, len(vragen), 500):
        await Vraag.insert(*vragen[start : start + 500])
    ids = [r["id"] for r in await Vraag.select(Vraag.id)]
    entries = [
        Gebeurtenis(
            vraag=rng.choice(ids),
            at=now - timedelta(minutes=i),
            soort="inhoud",
            notitie="Besproken in de vergadering.",
            is_intern=True,
        )
        for i in range(GEBEURTENISSEN)
    ]
    for start in range(0, len(entries), 1_000):
        await Gebeurtenis.insert(*entries[start : start + 1_000])


class QueryCounter:
    """Counts the statements the engine runs; wraps Piccolo's engine, not our code."""

    def __init__(self, engine) -> None:
        self.count = 0
        cls = type(engine)  # engines use __slots__, so the method is wrapped on the class
        original = cls.run_querystring

        async def counted(engine_self, querystring, in_pool: bool = False):
            self.count += 1
            return await original(engine_self, querystring, in_pool)

        cls.run_querystring = counted


async def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    url = await _fresh_database(args.url)
    settings = Settings(
        database_url=url,
        secret_key="bench-geheim-dat-lang-genoeg-is-1234567890",
        planner_enabled=False,
        password_profile="test",
    )
    engine = db.create_engine(url)
    await db.migrate(engine)
    await db.start_pool(engine, 5)
    started = time.perf_counter()
    await _fill(settings)
    fill_s = time.perf_counter() - started
    await db.close_pool(engine)

    app = create_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await client.get("/inloggen")
            response = await client.post(
                "/inloggen",
                data={
                    "email": "raadslid@velsen.example",
                    "wachtwoord": PASSWORD,
                    "_csrf_token": client.cookies["participatie_csrf"],
                },
            )
            assert response.status_code in (302, 303), response.status_code
            counter = QueryCounter(Vraag._meta.db)
            for _ in range(10):  # warm up: templates compiled, pool filled
                board = await client.get("/raad/velsen/vragen", headers={"accept-encoding": "gzip"})
                assert board.status_code == 200
            counter.count = 0
            await client.get("/raad/velsen/vragen")
            queries = counter.count
            cards = board.text.count('class="vraagkaart"')

            timings = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                response = await client.get("/raad/velsen/vragen", headers={"accept-encoding": "gzip"})
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            filtered = []
            for _ in range(args.requests // 4):
                t0 = time.perf_counter()
                response = await client.get("/raad/velsen/vragen?zoek=wijk&thema=wonen")
                filtered.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200

    timings.sort()
    filtered.sort()
    p99_index = max(0, int(len(timings) * 0.99) - 1)
    result = {
        "vragen": VRAGEN,
        "gebeurtenissen": GEBEURTENISSEN,
        "cards_on_board": cards,
        "requests": len(timings),
        "board_p50_ms": round(statistics.median(timings), 1),
        "board_p99_ms": round(timings[p99_index], 1),
        "board_queries": queries,
        "filtered_p50_ms": round(statistics.median(filtered), 1),
        "html_kb": round(len(board.content) / 1024, 1),
        "fill_s": round(fill_s, 1),
    }
    conn = await asyncpg.connect(args.url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()
    return result


if __name__ == "__main__":
    figures = asyncio.run(main())
    print(f"board p50 {figures['board_p50_ms']} ms, p99 {figures['board_p99_ms']} ms")
    print(json.dumps(figures))
