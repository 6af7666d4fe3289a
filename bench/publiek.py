"""Benchmark: the home page and a council page with 100 finished vragen, server time in-process.

Builds a database of its own (participatie_bench_publiek on PostgreSQL, or a SQLite file with
--sqlite), fills it with 100 finished vragen (advice and reaction, a tenth IJmond-wide), open
polls, meetings and visible members, then requests `/` and `/velsen` through the whole app
(middleware, session lookup, queries, template) and reports the median and p99 of repeated
runs, and the SQL statements of one request. Target: both under 50 ms. The last line printed
is one JSON object.

    python bench/publiek.py [--requests 200] [--url postgresql://postgres@127.0.0.1:5432/postgres] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

from participatie import db
from participatie.accounts import domain as accounts
from participatie.accounts.tables import Gebruiker
from participatie.app import create_app
from participatie.config import Settings
from participatie.demo import GEMEENTEN
from participatie.peilingen.tables import Peiling
from participatie.raden.tables import Vergadering
from participatie.vragen.stappen import THEMAS
from participatie.vragen.tables import Vraag

DB_NAME = "participatie_bench_publiek"
PASSWORD = "bench-wachtwoord-lang-genoeg"
VRAGEN = 100
DOEL_MS = 50


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
    ids = {s: await accounts.ensure_gemeente(s, n, r, regio) for s, n, r in GEMEENTEN}
    for i in range(8):
        await accounts.create_gebruiker(
            settings,
            email=f"lid{i}@velsen.example",
            naam=f"Raadslid {i}",
            wachtwoord=PASSWORD,
            rol="raadslid",
            gemeente_slug="velsen",
            door=None,
        )
    await Gebruiker.update({Gebruiker.is_zichtbaar_op_site: True}).where(
        Gebruiker.email.is_in([f"lid{i}@velsen.example" for i in range(0, 8, 2)])
    )
    rng = random.Random(14)
    now = datetime.now(UTC)
    themas = [t for t, _ in THEMAS]
    advies = (
        "## Ons advies\n\nMaak de regeling **eenvoudiger** en vertel inwoners op tijd wat er verandert.\n\n"
        * 3
    )
    vragen = []
    for i in range(VRAGEN):
        afgerond = rng.random() < 0.7
        vragen.append(
            Vraag(
                titel=f"Vraag {i}: {rng.choice(themas).replace('_', ' ')} in de wijk",
                tekst="Wat een inwoner typte. " * 20,
                herkomst=rng.choice(["gemeente", "raad", "inwoner"]),
                gemeente=rng.choice(list(ids.values())),
                scope="regio" if rng.random() < 0.1 else "gemeente",
                thema=rng.choice(themas),
                prioriteit="normaal",
                stap="afgerond" if afgerond else "borging",
                advies_tekst=advies + f"Vraag {i}.",
                advies_aan="Wethouder Sociaal Domein",
                advies_at=now - timedelta(days=rng.randint(1, 700)),
                reactie_oordeel=rng.choice(["overgenomen", "deels", "niet"]) if afgerond else None,
                reactie_toelichting="De gemeente legt uit wat zij doet. " * 5 if afgerond else "",
                reactie_at=now if afgerond else None,
                aangemaakt_at=now - timedelta(days=800),
                stap_sinds_at=now,
            )
        )
    await Vraag.insert(*vragen)
    open_ids = []
    for i in range(6):
        rows = await Vraag.insert(
            Vraag(
                titel=f"Open vraag {i}",
                tekst="tekst",
                herkomst="raad",
                gemeente=ids[GEMEENTEN[i % 3][0]],
                scope="gemeente",
                thema="ouderen",
                stap="voorleggen",
                aangemaakt_at=now,
                stap_sinds_at=now,
            )
        )
        open_ids.append((rows[0]["id"], ids[GEMEENTEN[i % 3][0]]))
    await Peiling.insert(
        *[
            Peiling(
                vraag=vraag_id,
                gemeente=gemeente_id,
                titel=f"Peiling {n}",
                sleutel=f"bench{n:04d}",
                toegang="link",
                status="open",
                sluit_at=now + timedelta(days=n + 1),
                aangemaakt_at=now,
            )
            for n, (vraag_id, gemeente_id) in enumerate(open_ids)
        ]
    )
    await Vergadering.insert(
        *[
            Vergadering(
                gemeente=ids["velsen"],
                begint_at=now + timedelta(days=7 * (n + 1)),
                eindigt_at=now + timedelta(days=7 * (n + 1), hours=2),
                plaats="Stadhuis Velsen",
                onderwerp=f"Openbare vergadering {n}",
                agenda="1. Opening\n2. Minimabeleid\n3. Rondvraag",
                versie=1,
                aangemaakt_at=now,
                gewijzigd_at=now,
            )
            for n in range(4)
        ]
    )


class QueryCounter:
    """Counts the statements the engine runs; wraps Piccolo's engine, not our code."""

    def __init__(self, engine) -> None:
        self.count = 0
        cls = type(engine)
        original = cls.run_querystring

        async def counted(engine_self, querystring, in_pool: bool = False):
            self.count += 1
            return await original(engine_self, querystring, in_pool)

        cls.run_querystring = counted


async def _measure(client: httpx.AsyncClient, path: str, requests: int) -> tuple[list[float], list[float]]:
    """Wall time and this process's CPU time per request, in ms, sorted. The CPU time is the
    app's own cost (with SQLite: the database's too), little moved by other work on a shared
    machine; the wall time is what a visitor waits."""
    timings, cpu = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = await client.get(path)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return sorted(timings), sorted(cpu)


def _p99(timings: list[float]) -> float:
    return round(timings[max(0, int(len(timings) * 0.99) - 1)], 1)


async def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead of PostgreSQL")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    if args.sqlite:
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    else:
        url = await _fresh_database(args.url)
    settings = Settings(
        database_url=url,
        secret_key="bench-geheim-dat-lang-genoeg-is-1234567890",
        planner_enabled=False,
        password_profile="test",
    )
    engine = db.create_engine(url)
    await db.migrate(engine)
    if not args.sqlite:
        await db.start_pool(engine, 5)
    await _fill(settings)
    if not args.sqlite:
        await db.close_pool(engine)

    app = create_app(settings)
    result: dict = {"engine": "sqlite" if args.sqlite else "postgres", "vragen_klaar": VRAGEN}
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            counter = QueryCounter(Vraag._meta.db)
            # robots.txt: the app's own cost without a query, to read the others against.
            for naam, path in (
                ("robots", "/robots.txt"),
                ("home", "/"),
                ("raad", "/velsen"),
                ("inbreng", "/velsen/inbreng"),
            ):
                for _ in range(10):  # warm up: templates compiled, pool filled, Markdown cached
                    await client.get(path)
                counter.count = 0
                page = await client.get(path)
                result[f"{naam}_queries"] = counter.count
                result[f"{naam}_kb"] = round(len(page.content) / 1024, 1)
                timings, cpu = await _measure(client, path, args.requests)
                result[f"{naam}_p50_ms"] = round(statistics.median(timings), 1)
                result[f"{naam}_p99_ms"] = _p99(timings)
                result[f"{naam}_cpu_p50_ms"] = round(statistics.median(cpu), 1)
    result["requests"] = args.requests
    result["load_1min"] = round(os.getloadavg()[0], 1)
    result["doel_ms"] = DOEL_MS
    result["binnen_doel"] = result["home_p50_ms"] < DOEL_MS and result["raad_p50_ms"] < DOEL_MS
    if not args.sqlite:
        conn = await asyncpg.connect(args.url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        finally:
            await conn.close()
    tmp.cleanup()
    return result


if __name__ == "__main__":
    figures = asyncio.run(main())
    print(
        f"home p50 {figures['home_p50_ms']} ms, council page p50 {figures['raad_p50_ms']} ms, "
        f"inbreng p50 {figures['inbreng_p50_ms']} ms ({figures['engine']})"
    )
    print(json.dumps(figures))
