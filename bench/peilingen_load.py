"""Benchmark: residents answering a 5-item poll, as a real HTTP load from a second process.

The app runs as in production (uvicorn, its own process) on 127.0.0.1; wrk (C, Debian's
`wrk` package) sends the load with 32 connections for a fixed time. Every submission carries a
fresh form token, so each one is a new response. "stored == acknowledged" compares the 302s
wrk saw with the rows in the database afterwards.

Runs: PostgreSQL with one worker and with two, SQLite, the floor (a bare ASGI app inserting
the same rows with asyncpg and no framework), GETs of the poll page, the first visit's
compressed size, and the results page of a poll with 100,000 responses.

    python bench/peilingen_load.py [--seconds 10] [--url postgresql://postgres@127.0.0.1:5432/postgres]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-geheim-dat-lang-genoeg-is-1234567890"
PASSWORD = "bench-wachtwoord-lang-genoeg"
CONNECTIONS = 32

WRK_SCRIPT = r"""
local counter = 0
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end
function init(args)
  ok = 0
  bad = 0
end
function request()
  counter = counter + 1
  local body = BODY .. "&formulier=" .. RUN .. "-" .. id .. "-" .. counter
  return wrk.format("POST", PATH, HEADERS, body)
end
function response(status, headers, body)
  -- A stored response redirects to the thank-you page; "?al=1" would mean a duplicate.
  local location = headers["location"] or headers["Location"] or ""
  if (status == 302 or status == 303) and not string.find(location, "al=1", 1, true) then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local oks, bads = 0, 0
  for _, t in ipairs(threads) do oks = oks + t:get("ok"); bads = bads + t:get("bad") end
  io.write(string.format('WRKJSON {"requests": %d, "ok": %d, "bad": %d, "socket_errors": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, oks, bads, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""

GET_SCRIPT = r"""
function done(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %d, "bad": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.errors.status, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)


def _serve(database_url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": database_url,
        "PARTICIPATIE_SECRET_KEY": SECRET,
        "PARTICIPATIE_PLANNER_ENABLED": "false",
        "PARTICIPATIE_BASE_URL": f"http://127.0.0.1:{port}",
        "PARTICIPATIE_PEILING_LIMIET_PER_ADRES": "100000000",
        # wrk floods one poll from one address on purpose: measure the path, not the brakes.
        "PARTICIPATIE_PEILING_DRUK_PER_MINUUT": "100000000",
        "PARTICIPATIE_PEILING_MAX_PER_MINUUT": "100000000",
        "PARTICIPATIE_DB_POOL_SIZE": "16",
    }
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "participatie.app:app_from_env", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/", proc)
    return proc, base


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wrk(script: str, url: str, seconds: int, lua_vars: str = "") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua_vars + script)
        path = f.name
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", path, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(path).unlink()
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line[len("WRKJSON ") :])


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def _prepare(database_url: str) -> dict:
    """Migrate, create a council member, a vraag in voorleggen and an open 5-item poll."""
    from participatie import db
    from participatie.accounts import domain as accounts
    from participatie.config import Settings
    from participatie.demo import GEMEENTEN
    from participatie.peilingen import domain
    from participatie.peilingen.domain import ItemInvoer
    from participatie.vragen import domain as vragen

    settings = Settings(database_url=database_url, secret_key=SECRET, password_profile="test")
    engine = db.create_engine(database_url)
    await db.migrate(engine)
    regio = await accounts.ensure_regio("ijmond", "IJmond")
    for slug, naam, raad in GEMEENTEN:
        await accounts.ensure_gemeente(slug, naam, raad, regio)
    for email, rol in (("raad@bench.example", "raadslid"), ("amb@bench.example", "ambtenaar")):
        await accounts.create_gebruiker(
            settings,
            email=email,
            naam="Bench",
            wachtwoord=PASSWORD,
            rol=rol,
            gemeente_slug="velsen",
            door=None,
        )
    raadslid = await accounts.acting_as("raad@bench.example")
    vraag_id = await vragen.create_eigen_agendering(raadslid, titel="Bench", tekst="Bench", thema="wonen")
    await vragen.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="wonen", prioriteit="hoog"
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await vragen.update_concretisering(
        vraag_id, raadslid, versie=3, precieze_vraag="x", aanpak="x", doelgroep="x",
        participatievormen=["flitspeiling"], planning="x",
        deadline=(datetime.now(UTC) + timedelta(days=30)).date().isoformat(), verantwoordelijke=str(raadslid.id),
    )  # fmt: skip
    await vragen.advance_stap(vraag_id, raadslid, versie=4, naar="voorleggen")
    peiling_id = await domain.create_peiling(
        raadslid, vraag_id, titel="Bench", intro="Vijf vragen.", toegang="link"
    )
    for invoer in [
        ItemInvoer("enkel", "Kent u de regeling?", keuzes=["Ja", "Een beetje", "Nee"]),
        ItemInvoer("meer", "Waar hoort u erover?", keuzes=["Krant", "Buren", "Huisarts", "Website"]),
        ItemInvoer("schaal", "Hoe makkelijk?", label_laag="Moeilijk", label_hoog="Makkelijk"),
        ItemInvoer("janee", "Vraagt u het aan?"),
        ItemInvoer("tekst", "Wat zou helpen?", verplicht=False),
    ]:
        await domain.add_item(raadslid, peiling_id, invoer)
    await domain.update_peiling(
        raadslid, peiling_id, titel="Bench", intro="Vijf vragen.", toegang="link", opent_at="",
        sluit_at=(datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    await domain.publish(raadslid, peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    await db.close_pool(engine)
    return {"formulier": formulier, "peiling_id": peiling_id}


def _body(formulier) -> str:
    enkel, meer, schaal, janee, tekst = formulier.items
    return (
        f"{enkel.veld}={enkel.keuzes[1][0]}&{meer.veld}={meer.keuzes[0][0]}&{meer.veld}={meer.keuzes[3][0]}"
        f"&{schaal.veld}=4&{janee.veld}=1&{tekst.veld}=Een+formulier+voor+alles"
    )


def _csrf(base: str, path: str) -> tuple[str, str]:
    with urllib.request.urlopen(base + path) as response:
        cookies = response.headers.get_all("set-cookie")
    token = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("participatie_csrf="))
    return token, f"participatie_csrf={token}"


def _post_load(base: str, formulier, seconds: int) -> dict:
    path = f"/p/{formulier.sleutel}"
    token, cookie = _csrf(base, path)
    lua = (
        f"RUN = {_lua_string(os.urandom(6).hex())}\n"
        f"BODY = {_lua_string(_body(formulier) + '&_csrf_token=' + token)}\n"
        f"PATH = {_lua_string(path)}\n"
        f'HEADERS = {{["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = {_lua_string(cookie)}}}\n'
    )
    return _wrk(WRK_SCRIPT, base + path, seconds, lua)


async def _count(database_url: str, peiling_id: int) -> int:
    if database_url.startswith("sqlite"):
        import sqlite3

        from participatie.db import sqlite_path

        with sqlite3.connect(sqlite_path(database_url)) as conn:
            return conn.execute("SELECT count(*) FROM antwoord WHERE peiling = ?", (peiling_id,)).fetchone()[
                0
            ]
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM antwoord WHERE peiling = $1", peiling_id)
    finally:
        await conn.close()


async def _settled_count(database_url: str, peiling_id: int) -> int:
    """The count once the requests wrk left in flight have been written (stable for 1 s)."""
    last = await _count(database_url, peiling_id)
    while True:
        await asyncio.sleep(1)
        now = await _count(database_url, peiling_id)
        if now == last:
            return now
        last = now


async def _fresh_pg(admin_url: str, name: str) -> str:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def _drop_pg(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _exact(base: str, formulier, n: int) -> tuple[int, int]:
    """n submissions over 32 connections, each awaited to its answer: (acknowledged, errors).

    wrk stops with requests in flight (stored but never acknowledged to it), so the exact
    comparison of stored and acknowledged uses this run, which waits for every answer.
    """
    import httpx

    path = f"/p/{formulier.sleutel}"
    token, cookie = _csrf(base, path)
    body = _body(formulier) + "&_csrf_token=" + token
    prefix = os.urandom(6).hex()
    counter = iter(range(n))
    ok = errors = 0
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal ok, errors
            for i in counter:
                response = await client.post(
                    path,
                    content=f"{body}&formulier=exact-{prefix}-{i}",
                    headers={"content-type": "application/x-www-form-urlencoded", "cookie": cookie},
                )
                if response.status_code == 302 and "al=1" not in response.headers.get("location", ""):
                    ok += 1
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return ok, errors


def _run_submissions(database_url: str, prepared: dict, seconds: int, workers: int) -> dict:
    proc, base = _serve(database_url, workers)
    try:
        before = asyncio.run(_count(database_url, prepared["peiling_id"]))
        figures = _post_load(base, prepared["formulier"], seconds)
        after_wrk = asyncio.run(_settled_count(database_url, prepared["peiling_id"]))
        acknowledged, exact_errors = asyncio.run(_exact(base, prepared["formulier"], 1000))
        after_exact = asyncio.run(_count(database_url, prepared["peiling_id"]))
    finally:
        _stop(proc)
    return {
        "submissions_per_s": round(figures["ok"] / figures["seconds"], 1),
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "errors": figures["bad"] + figures["socket_errors"] + exact_errors,
        "in_flight_at_wrk_stop": after_wrk - before - figures["ok"],
        "exact_acknowledged": acknowledged,
        "exact_stored": after_exact - after_wrk,
        "stored_equals_acknowledged": after_exact - after_wrk == acknowledged and exact_errors == 0,
    }


FLOOR_APP = r"""
import os, asyncpg
from datetime import datetime, UTC
from urllib.parse import parse_qsl
POOL = None
PEILING = int(os.environ["FLOOR_PEILING"])
async def app(scope, receive, send):
    global POOL
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                POOL = await asyncpg.create_pool(os.environ["FLOOR_DSN"], min_size=4, max_size=16)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await POOL.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    pairs = [(k, v) for k, v in parse_qsl(body.decode()) if k.startswith("item-")]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    async with POOL.acquire() as conn:
        async with conn.transaction():
            await conn.execute("INSERT INTO deelname (peiling, sleutel) VALUES ($1, $2)", PEILING, os.urandom(16).hex())
            antwoord = await conn.fetchval(
                "INSERT INTO antwoord (peiling, ingediend_uur, bron) VALUES ($1, $2, 'link') RETURNING id", PEILING, now)
            rows = []
            for k, v in pairs:
                item = int(k[5:])
                if v.isdigit() and len(v) > 3:
                    rows.append((antwoord, item, int(v), None, None, False))
                elif v.isdigit():
                    rows.append((antwoord, item, None, int(v), None, False))
                else:
                    rows.append((antwoord, item, None, None, v, False))
            await conn.executemany(
                "INSERT INTO waarde (antwoord, item, keuze, getal, tekst, verborgen) VALUES ($1, $2, $3, $4, $5, $6)", rows)
    await send({"type": "http.response.start", "status": 302, "headers": [(b"location", b"/bedankt")]})
    await send({"type": "http.response.body", "body": b""})
"""


def _run_floor(database_url: str, prepared: dict, seconds: int) -> dict:
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "floor_app.py").write_text(FLOOR_APP)
        env = {**os.environ, "FLOOR_DSN": database_url, "FLOOR_PEILING": str(prepared["peiling_id"])}
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "floor_app:app", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            env=env,
            cwd=tmp,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("floor app did not start") from None
                time.sleep(0.2)
        try:
            lua = (
                f"RUN = {_lua_string(os.urandom(6).hex())}\n"
                f'BODY = {_lua_string(_body(prepared["formulier"]))}\nPATH = "/"\n'
                'HEADERS = {["Content-Type"] = "application/x-www-form-urlencoded"}\n'
            )
            figures = _wrk(WRK_SCRIPT, base + "/", seconds, lua)
        finally:
            _stop(proc)
    return {"submissions_per_s": round(figures["ok"] / figures["seconds"], 1), "p99_ms": figures["p99_ms"]}


def _page_figures(database_url: str, prepared: dict, seconds: int) -> dict:
    proc, base = _serve(database_url, 1)
    try:
        path = f"/p/{prepared['formulier'].sleutel}"
        gets = _wrk(GET_SCRIPT, base + path, seconds)
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            html_gz = response.read()
        html = gzip.decompress(html_gz).decode() if html_gz[:2] == b"\x1f\x8b" else html_gz.decode()
        total = len(html_gz)
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
            req = urllib.request.Request(base + asset, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(req) as response:
                body = response.read()
            # Static files are served as they are; count what gzip on the wire would make of them.
            total += len(body) if body[:2] == b"\x1f\x8b" else len(gzip.compress(body, 6))
    finally:
        _stop(proc)
    return {
        "page_gets_per_s": round(gets["requests"] / gets["seconds"], 1),
        "page_p99_ms": gets["p99_ms"],
        "page_first_visit_kb": round(total / 1024, 1),
    }


async def _fill_100k(database_url: str, prepared: dict) -> None:
    formulier = prepared["formulier"]
    enkel, meer, schaal, janee, tekst = formulier.items
    conn = await asyncpg.connect(database_url)
    try:
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        start = await conn.fetchval("SELECT coalesce(max(id), 0) FROM antwoord")
        await conn.copy_records_to_table(
            "antwoord",
            records=[
                (start + n + 1, prepared["peiling_id"], hour - timedelta(hours=n % 72), "link")
                for n in range(100_000)
            ],
            columns=["id", "peiling", "ingediend_uur", "bron"],
        )
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence('antwoord', 'id'), (SELECT max(id) FROM antwoord))"
        )
        records = []
        for n in range(100_000):
            a = start + n + 1
            records.append((a, enkel.id, enkel.keuzes[n % 3][0], None, None, False))
            records.append((a, meer.id, meer.keuzes[n % 4][0], None, None, False))
            records.append((a, schaal.id, None, 1 + n % 5, None, False))
            records.append((a, janee.id, None, n % 2, None, False))
            if n % 10 == 0:
                records.append((a, tekst.id, None, None, f"Antwoord {n}", False))
        await conn.copy_records_to_table(
            "waarde", records=records, columns=["antwoord", "item", "keuze", "getal", "tekst", "verborgen"]
        )
        await conn.execute("ANALYZE antwoord; ANALYZE waarde")
    finally:
        await conn.close()


def _results_100k(database_url: str, prepared: dict) -> dict:
    asyncio.run(_fill_100k(database_url, prepared))
    proc, base = _serve(database_url, 1)
    try:
        cookies = urllib.request.HTTPCookieProcessor()
        opener = urllib.request.build_opener(cookies)
        opener.open(base + "/inloggen").read()  # sets the CSRF cookie
        token = next(c.value for c in cookies.cookiejar if c.name == "participatie_csrf")
        data = f"email=raad%40bench.example&wachtwoord={PASSWORD}&_csrf_token={token}".encode()
        opener.open(urllib.request.Request(base + "/inloggen", data=data))
        path = f"{base}/raad/velsen/peilingen/{prepared['peiling_id']}/uitslag"
        timings = []
        for _ in range(12):
            t0 = time.perf_counter()
            body = opener.open(path).read()
            timings.append((time.perf_counter() - t0) * 1000)
        assert b"inwoners deden mee" in body
        total = re.search(rb"<strong>(\d+)</strong> inwoners deden mee", body)
    finally:
        _stop(proc)
    return {
        "results_100k_ms": round(statistics.median(timings[2:]), 1),
        "results_responses": int(total.group(1)),
    }


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk")
    result: dict = {"connections": CONNECTIONS, "seconds_per_run": args.seconds}

    pg = asyncio.run(_fresh_pg(args.url, "participatie_bench_peiling"))
    try:
        prepared = asyncio.run(_prepare(pg))
        one = _run_submissions(pg, prepared, args.seconds, workers=1)
        result.update({f"pg_{k}": v for k, v in one.items()})
        two = _run_submissions(pg, prepared, args.seconds, workers=2)
        result["pg_workers2_submissions_per_s"] = two["submissions_per_s"]
        result["pg_workers2_p99_ms"] = two["p99_ms"]
        result["pg_workers2_errors"] = two["errors"]
        result["pg_workers2_stored_equals_acknowledged"] = two["stored_equals_acknowledged"]
        floor = _run_floor(pg, prepared, args.seconds)
        result["floor_submissions_per_s"] = floor["submissions_per_s"]
        result["floor_ratio"] = round(one["submissions_per_s"] / floor["submissions_per_s"], 2)
        result.update(_page_figures(pg, prepared, args.seconds))
        result.update(_results_100k(pg, prepared))
    finally:
        asyncio.run(_drop_pg(args.url, "participatie_bench_peiling"))

    with tempfile.TemporaryDirectory() as tmp:
        lite = f"sqlite:///{tmp}/bench.sqlite3"
        prepared = asyncio.run(_prepare(lite))
        sqlite = _run_submissions(lite, prepared, args.seconds, workers=1)
        result.update({f"sqlite_{k}": v for k, v in sqlite.items()})
    return result


if __name__ == "__main__":
    figures = main()
    print(
        f"PostgreSQL {figures['pg_submissions_per_s']}/s p99 {figures['pg_p99_ms']} ms; "
        f"SQLite {figures['sqlite_submissions_per_s']}/s p99 {figures['sqlite_p99_ms']} ms"
    )
    print(json.dumps(figures))
