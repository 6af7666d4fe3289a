"""Load scenario: a municipality-wide poll on a real server, as the town would use it.

500 residents arrive over 5 minutes (a Poisson process: arrival times uniform over the run),
each with its own HTTP client and cookie jar, behind the municipality's reverse proxy: they
open the poll, read and think, answer, and about 30% leave an address on the thank-you page;
about 5% first send a form with a required answer missing and correct it. Meanwhile three
council members, logged in, watch the live results page, which refreshes every 20 s (htmx).

The app runs as real processes (`participatie run`): PostgreSQL with 2 workers, SQLite with 1,
each with PARTICIPATIE_TRUSTED_PROXIES=127.0.0.1 and every other setting at its production
default (flood brakes, pool size, planner). Residents send X-Forwarded-For from a handful of
addresses (a mobile network puts thousands behind one). Only 127.0.0.1 is contacted.

What must hold: no 5xx at all; every acknowledged answer (a redirect to the thank-you page)
is a stored response, and nothing else is (exact equality, also for the values in it); every
acknowledged address is kept (in the encrypted queue or already moved into Rapportadres);
the council's last view counts every stored response. Also printed: p50/p99 per request kind,
the peak memory of each server process, and wall times.

    python bench/gemeente_scenario.py [--residents 500] [--seconds 300] [--engine postgres|sqlite|both]
    python bench/gemeente_scenario.py --seconds 60 --residents 100        # a quick run

One engine takes about `seconds` + 40 s; `both` runs them one after the other. The last line
printed is one JSON object.

By default every request comes on a new connection, as from the README's nginx (plain
proxy_pass). `--keepalive` reuses connections, as Caddy, Traefik or nginx with `keepalive` do;
two things of uvicorn show up then (November 2026, uvicorn 0.54): a request sent just as an
idle connection reaches the 5 s keep-alive timeout is dropped without a response, and with
`--workers 2` every request on a reused connection waits ~40 ms (TCP_NODELAY is not set on
the workers' sockets, uvicorn issue #3149).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "gemeente-scenario-geheim-dat-lang-genoeg-is-0123456789"
PASSWORD = "scenario-wachtwoord-lang-genoeg"
GEMEENTE = "velsen"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "participatie_bench_gemeente"

COUNCIL_MEMBERS = 3
RESULTS_EVERY_S = 20.0  # the results page's own hx-trigger
ADDRESS_SHARE = 0.30
INVALID_FIRST_SHARE = 0.05
REQUEST_TIMEOUT_S = 30.0
# A resident who needs longer than this is cut off and counted as not finished.
RESIDENT_LIMIT_S = 180.0
# After the last arrival, stragglers get this long before the run is cut off.
TAIL_S = 90.0

# Who the proxy says the residents are (documentation ranges, never contacted). Weights: the
# big mobile networks put most phones behind a few carrier-grade NAT addresses; the rest come
# from a library's wifi, a care home, and a couple of home connections.
PROXY_ADDRESSES = [
    ("198.51.100.7", 30),  # mobile network A
    ("198.51.100.23", 20),  # mobile network B
    ("203.0.113.5", 15),  # mobile network C
    ("192.0.2.44", 10),  # library wifi
    ("192.0.2.90", 5),  # care home
    ("203.0.113.61", 8),  # home fibre provider (CGNAT)
    ("203.0.113.140", 7),  # cable provider (CGNAT)
    ("192.0.2.200", 5),  # the town hall's guest wifi
]
COUNCIL_ADDRESS = "192.0.2.10"
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
]
IDEAS = [
    "Meer bankjes langs het water.",
    "Een moestuin voor de buurt, met een vaste plek voor gereedschap.",
    "Minder maaien, meer bloemen voor de bijen.",
    "Betere verlichting in het park, 's avonds is het donker.",
    "Speeltoestellen voor oudere kinderen.",
    "Hondenpoep opruimen, dat zou al veel helpen!",
    "Bomen in de Lange Nieuwstraat.",
]


# --- the app as real processes ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(database_url: str, workers: int, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`participatie run` as an operator starts it, behind a proxy on 127.0.0.1."""
    port = _free_port()
    env = {
        **os.environ,
        "PARTICIPATIE_DATABASE_URL": database_url,
        "PARTICIPATIE_SECRET_KEY": SECRET,
        "PARTICIPATIE_BASE_URL": f"http://127.0.0.1:{port}",
        "PARTICIPATIE_TRUSTED_PROXIES": "127.0.0.1",
        # Nothing listens there: the scenario queues no mail, and must not reach anyone's SMTP.
        "PARTICIPATIE_SMTP_HOST": "127.0.0.1",
        "PARTICIPATIE_SMTP_PORT": str(_free_port()),
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "participatie", "run", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, by its id
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            raise RuntimeError(f"server did not start; see {log_path}:\n{log_path.read_text()[-2000:]}")
        time.sleep(0.3)
    # With several workers, /health answering once says one of them is up: wait for all.
    while workers > 1 and len(_process_tree(proc.pid)) < workers + 1 and time.monotonic() < deadline:
        time.sleep(0.3)
    return proc, base


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server (uvicorn stops its workers), the group only if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _process_tree(root: int) -> list[int]:
    """The root and all its descendants, from /proc."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents[ppid].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "main"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "resource_tracker" in cmdline:
        return "resource_tracker"
    if "multiprocessing" in cmdline or "spawn" in cmdline:
        return "worker"
    return "child"


class RssSampler(threading.Thread):
    """VmRSS of the server and every process under it, once a second; keeps the peaks.

    A thread rather than a task, so a busy event loop in the scenario does not skip samples.
    """

    def __init__(self, root: int, limit_s: float) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.limit_s = limit_s
        self.stop = threading.Event()
        self.peaks: dict[int, int] = {}
        self.roles: dict[int, str] = {}
        self.peak_total = 0
        self.samples = 0

    def run(self) -> None:
        deadline = time.monotonic() + self.limit_s
        while not self.stop.is_set() and time.monotonic() < deadline:
            total = 0
            for pid in _process_tree(self.root):
                kb = _rss_kb(pid)
                if kb is None:
                    continue
                self.roles.setdefault(pid, _role(pid, self.root))
                self.peaks[pid] = max(self.peaks.get(pid, 0), kb)
                total += kb
            self.peak_total = max(self.peak_total, total)
            self.samples += 1
            self.stop.wait(1.0)

    def figures(self) -> dict:
        per = {f"{self.roles[pid]}:{pid}": round(kb / 1024, 1) for pid, kb in sorted(self.peaks.items())}
        return {
            "peak_rss_mb": per,
            "peak_rss_total_mb": round(self.peak_total / 1024, 1),
            "rss_samples": self.samples,
        }


# --- the data: a vraag in voorleggen with a realistic poll ------------------------------------


async def _prepare(database_url: str) -> dict:
    """Migrate; the region, its councils, three council members and an open 8-item poll."""
    from participatie import db
    from participatie.accounts import domain as accounts
    from participatie.config import Settings
    from participatie.demo import GEMEENTEN
    from participatie.peilingen import domain
    from participatie.peilingen.domain import ItemInvoer
    from participatie.vragen import domain as vragen

    settings = Settings(database_url=database_url, secret_key=SECRET)
    engine = db.create_engine(database_url)
    await db.migrate(engine)
    regio = await accounts.ensure_regio("ijmond", "IJmond")
    for slug, naam, raad in GEMEENTEN:
        await accounts.ensure_gemeente(slug, naam, raad, regio)
    emails = [f"raadslid{n}@scenario.example" for n in range(1, COUNCIL_MEMBERS + 1)]
    for n, email in enumerate(emails, start=1):
        await accounts.create_gebruiker(
            settings,
            email=email,
            naam=f"Raadslid {n}",
            wachtwoord=PASSWORD,
            rol="raadslid",
            gemeente_slug=GEMEENTE,
            door=None,
        )
    raadslid = await accounts.acting_as(emails[0])
    vraag_id = await vragen.create_eigen_agendering(
        raadslid,
        titel="Groen in de wijk",
        tekst="Hoe tevreden zijn inwoners over het groen in hun buurt, en wat missen ze?",
        thema="wonen",
    )
    await vragen.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="wonen", prioriteit="hoog"
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await vragen.update_concretisering(
        vraag_id, raadslid, versie=3, precieze_vraag="Wat vinden inwoners van het groen?",
        aanpak="Een peiling onder alle inwoners.", doelgroep="Alle inwoners van Velsen",
        participatievormen=["flitspeiling"], planning="Vijf weken",
        deadline=(datetime.now(UTC) + timedelta(days=30)).date().isoformat(), verantwoordelijke=str(raadslid.id),
    )  # fmt: skip
    await vragen.advance_stap(vraag_id, raadslid, versie=4, naar="voorleggen")
    titel, intro = (
        "Groen in uw buurt",
        "Acht korte vragen over de parken, plantsoenen en bomen bij u in de buurt.",
    )
    peiling_id = await domain.create_peiling(raadslid, vraag_id, titel=titel, intro=intro, toegang="link")
    for invoer in [
        ItemInvoer(
            "enkel",
            "In welke wijk woont u?",
            is_achtergrond=True,
            keuzes=["IJmuiden", "Velsen-Zuid", "Velsen-Noord", "Driehuis", "Santpoort", "Velserbroek"],
        ),
        ItemInvoer(
            "enkel",
            "Hoe oud bent u?",
            is_achtergrond=True,
            keuzes=["Jonger dan 25", "25 tot 45", "45 tot 65", "65 of ouder"],
        ),
        ItemInvoer(
            "schaal",
            "Hoe tevreden bent u over het groen in uw buurt?",
            label_laag="Heel ontevreden",
            label_hoog="Heel tevreden",
        ),
        ItemInvoer(
            "meer",
            "Wat mist u het meest?",
            keuzes=["Bankjes", "Bomen", "Speelplekken", "Bloemen", "Schaduw", "Een hondenlosloopveld"],
            max_keuzes="2",
        ),
        ItemInvoer("janee", "Wilt u meehelpen met het onderhoud van een plantsoen?"),
        ItemInvoer(
            "getal",
            "Hoeveel minuten loopt u naar het dichtstbijzijnde park?",
            min_getal="0",
            max_getal="120",
        ),
        ItemInvoer(
            "enkel",
            "Hoe vaak gaat u naar een park?",
            keuzes=["Elke dag", "Elke week", "Elke maand", "Bijna nooit"],
            verplicht=False,
        ),
        ItemInvoer("tekst", "Heeft u een idee voor het groen bij u in de buurt?", verplicht=False),
    ]:
        await domain.add_item(raadslid, peiling_id, invoer)
    await domain.update_peiling(
        raadslid, peiling_id, titel=titel, intro=intro, toegang="link", opent_at="",
        sluit_at=(datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    await domain.publish(raadslid, peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    await db.close_pool(engine)
    return {
        "peiling_id": peiling_id,
        "sleutel": formulier.sleutel,
        "items": len(formulier.items),
        "achtergrond_id": next(i.id for i in formulier.items if i.is_achtergrond),
        "council": emails,
    }


async def _fresh_pg(name: str) -> str:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop_pg(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


COUNTS = {
    "responses": "SELECT count(*) FROM antwoord WHERE peiling = {p}",
    "waarden": "SELECT count(*) FROM waarde w JOIN antwoord a ON a.id = w.antwoord WHERE a.peiling = {p}",
    "deelnames": "SELECT count(*) FROM deelname WHERE peiling = {p}",
    # An address waits, encrypted, in the queue until a batch moves it (adressen.py): both count.
    "addresses_waiting": "SELECT count(*) FROM adreswachtrij WHERE peiling = {p}",
    "addresses_moved": "SELECT count(*) FROM rapportadres WHERE peiling = {p}",
    # The app's per-address counter (a keyed hash per client address): proves it saw the
    # residents' addresses from X-Forwarded-For, not the proxy's one. The planner may already
    # have purged windows that passed, so this is at most the number of addresses used.
    "client_addresses_seen": "SELECT count(DISTINCT sleutel) FROM teller WHERE peiling = {p} AND soort = 'adres'",
}


async def _counts(database_url: str, peiling_id: int) -> dict[str, int]:
    if database_url.startswith("sqlite"):
        import sqlite3

        from participatie.db import sqlite_path

        with sqlite3.connect(sqlite_path(database_url)) as conn:
            return {k: conn.execute(q.format(p=int(peiling_id))).fetchone()[0] for k, q in COUNTS.items()}
    conn = await asyncpg.connect(database_url)
    try:
        return {k: await conn.fetchval(q.format(p=int(peiling_id))) for k, q in COUNTS.items()}
    finally:
        await conn.close()


async def _settled_counts(database_url: str, peiling_id: int) -> dict[str, int]:
    """The counts once nothing moves any more (stable for 2 s, at most 30 s)."""
    last = await _counts(database_url, peiling_id)
    for _ in range(15):
        await asyncio.sleep(2)
        now = await _counts(database_url, peiling_id)
        if now == last:
            break
        last = now
    return last


# --- measuring requests ----------------------------------------------------------------------


@dataclass
class Meting:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    transport_errors: Counter = field(default_factory=Counter)
    server_errors: list[dict] = field(default_factory=list)
    unexpected: list[dict] = field(default_factory=list)

    async def request(
        self, client: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs
    ) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.transport_errors[f"{kind} {type(exc).__name__}"] += 1
            if len(self.unexpected) < 30:
                self.unexpected.append(
                    {
                        "what": f"{kind} {method} {url}: {exc!r}"[:300],
                        "after_ms": round((time.perf_counter() - start) * 1000, 1),
                    }
                )
            return None
        self.latencies[kind].append((time.perf_counter() - start) * 1000)
        self.statuses[(kind, response.status_code)] += 1
        if response.status_code >= 500 and len(self.server_errors) < 20:
            self.server_errors.append(
                {"kind": kind, "status": response.status_code, "path": url, "body": response.text[:300]}
            )
        return response

    def note(self, what: str, response: httpx.Response | None) -> None:
        """Something a browser would not expect (kept for the report, a few of each)."""
        if len(self.unexpected) < 30:
            self.unexpected.append(
                {
                    "what": what,
                    "status": response.status_code if response is not None else None,
                    "location": response.headers.get("location") if response is not None else None,
                }
            )

    def figures(self) -> dict:
        latency = {}
        for kind, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            latency[kind] = {
                "n": len(ordered),
                "p50_ms": round(_percentile(ordered, 50), 1),
                "p99_ms": round(_percentile(ordered, 99), 1),
                "max_ms": round(ordered[-1], 1),
            }
        return {
            "requests": sum(self.statuses.values()),
            "status_5xx": sum(n for (_, s), n in self.statuses.items() if s >= 500),
            "status_4xx": {f"{k} {s}": n for (k, s), n in sorted(self.statuses.items()) if 400 <= s < 500},
            "transport_errors": dict(self.transport_errors),
            "latency": latency,
            "server_errors": self.server_errors,
            "unexpected": self.unexpected,
        }


def _percentile(ordered: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the poll page, read as a browser reads it -----------------------------------------------


class PollForm(HTMLParser):
    """The fields of the poll form (or of any page's hidden inputs) and the page's assets."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = defaultdict(list)
        self.checkboxes: dict[str, list[str]] = defaultdict(list)
        self.numbers: dict[str, tuple[int, int]] = {}
        self.texts: dict[str, int] = {}
        self.optional: set[str] = set()
        self.max_choices: dict[str, int] = {}
        self.order: list[str] = []
        self.assets: list[str] = []
        self._fieldset = ""
        self._in_hint = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "fieldset":
            self._fieldset = a.get("id", "")
            if self._fieldset:
                self.order.append(self._fieldset)
        elif tag == "span" and "optioneel" in a.get("class", ""):
            self.optional.add(self._fieldset)
        elif tag == "p" and "hint" in a.get("class", ""):
            self._in_hint = True
        elif tag == "input":
            kind, name = a.get("type", "text"), a.get("name", "")
            if kind == "hidden":
                self.hidden[name] = a.get("value", "")
            elif kind == "radio":
                self.radios[name].append(a.get("value", ""))
            elif kind == "checkbox":
                self.checkboxes[name].append(a.get("value", ""))
            elif kind == "number":
                self.numbers[name] = (int(a.get("min", "0")), int(a.get("max", "100")))
        elif tag == "textarea":
            self.texts[a.get("name", "")] = int(a.get("maxlength", "500"))
        elif tag == "link" and a.get("rel") == "stylesheet" and a.get("href", "").startswith("/"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src", "").startswith("/"):
            self.assets.append(a["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_hint = False
        elif tag == "fieldset":
            self._fieldset = ""

    def handle_data(self, data: str) -> None:
        if self._in_hint and self._fieldset and (m := re.search(r"Kies hoogstens (\d+)", data)):
            self.max_choices[self._fieldset] = int(m.group(1))


def _answers(form: PollForm, rng: random.Random) -> tuple[list[tuple[str, str]], int]:
    """A resident's answers to every field on the page, and how many values they store."""
    pairs: list[tuple[str, str]] = []
    values = 0
    for veld in form.order:
        if veld in form.optional and rng.random() < 0.35:
            continue  # skips a question that may be skipped
        if veld in form.radios:
            options = form.radios[veld]
            # Not uniform: the first options are picked more often, as answers tend to lean.
            pairs.append((veld, rng.choices(options, weights=range(len(options) + 1, 1, -1))[0]))
            values += 1
        elif veld in form.checkboxes:
            options = form.checkboxes[veld]
            chosen = rng.sample(options, rng.randint(1, form.max_choices.get(veld, len(options))))
            pairs.extend((veld, c) for c in chosen)
            values += len(chosen)
        elif veld in form.numbers:
            lo, hi = form.numbers[veld]
            pairs.append((veld, str(min(hi, lo + int(rng.expovariate(1 / 10))))))
            values += 1
        elif veld in form.texts and rng.random() < 0.5:
            pairs.append((veld, rng.choice(IDEAS)[: form.texts[veld]]))
            values += 1
    return pairs, values


# --- the people --------------------------------------------------------------------------------


@dataclass
class Uitkomst:
    started: int = 0
    finished: int = 0
    cut_off: int = 0
    failed: int = 0
    acknowledged: int = 0
    acknowledged_values: int = 0
    duplicate_acknowledged: int = 0
    invalid_first: int = 0
    invalid_refused: int = 0
    addresses_tried: int = 0
    addresses_acknowledged: int = 0
    results_fetches: int = 0
    results_last_total: int | None = None
    council_logins: int = 0
    client_addresses: set[str] = field(default_factory=set)


def _client(base: str, address: str, user_agent: str, keepalive: bool) -> httpx.AsyncClient:
    """One resident's browser as the app sees it through the proxy: its own cookie jar.

    The proxy of the README (nginx, plain proxy_pass) opens a new upstream connection for
    every request and says `Connection: close`; with `keepalive` the proxy keeps idle upstream
    connections instead (nginx `keepalive`, Caddy and Traefik by default).
    """
    headers = {"X-Forwarded-For": address, "User-Agent": user_agent, "Accept-Language": "nl-NL,nl;q=0.9"}
    if not keepalive:
        headers["Connection"] = "close"
    return httpx.AsyncClient(
        base_url=base,
        timeout=REQUEST_TIMEOUT_S,
        follow_redirects=False,
        headers=headers,
        limits=httpx.Limits(max_connections=2, max_keepalive_connections=2 if keepalive else 0),
    )


async def _resident(
    n: int,
    base: str,
    sleutel: str,
    meting: Meting,
    uitkomst: Uitkomst,
    rng: random.Random,
    scale: float,
    keepalive: bool,
) -> None:
    address = rng.choices([a for a, _ in PROXY_ADDRESSES], weights=[w for _, w in PROXY_ADDRESSES])[0]
    leaves_address = rng.random() < ADDRESS_SHARE
    invalid_first = rng.random() < INVALID_FIRST_SHARE
    path = f"/p/{sleutel}"
    uitkomst.started += 1
    uitkomst.client_addresses.add(address)
    async with _client(base, address, rng.choice(USER_AGENTS), keepalive) as client:
        page = await meting.request(client, "poll_get", "GET", path)
        if page is None or page.status_code != 200:
            meting.note("poll page not 200", page)
            uitkomst.failed += 1
            return
        form = PollForm(page.text)
        for asset in form.assets[:5]:
            await meting.request(client, "static_get", "GET", asset)
        # Reading the questions and answering them on a phone.
        await asyncio.sleep(rng.uniform(3.0, 12.0) * scale)
        answers, values = _answers(form, rng)
        if invalid_first:
            uitkomst.invalid_first += 1
            required = [v for v in form.order if v not in form.optional]
            dropped = rng.choice(required)
            wrong = [(k, v) for k, v in answers if k != dropped]
            response = await meting.request(client, "post_answer", "POST", path, data=_form_data(form, wrong))
            if (
                response is None
                or response.status_code != 422
                or "Nog niet alles is goed ingevuld" not in response.text
            ):
                meting.note("incomplete form not refused with 422", response)
                uitkomst.failed += 1
                return
            uitkomst.invalid_refused += 1
            form = PollForm(response.text)  # a fresh form token, as the browser would send
            await asyncio.sleep(rng.uniform(1.0, 4.0) * scale)
        response = await meting.request(client, "post_answer", "POST", path, data=_form_data(form, answers))
        if response is None or response.status_code not in (302, 303):
            meting.note("answer not acknowledged", response)
            uitkomst.failed += 1
            return
        location = response.headers.get("location", "")
        if "al=1" in location:
            uitkomst.duplicate_acknowledged += 1
            meting.note("answer seen as a duplicate", response)
        elif location.split("?")[0].endswith(f"{path}/bedankt"):
            uitkomst.acknowledged += 1
            uitkomst.acknowledged_values += values
        else:
            meting.note("answer redirected elsewhere", response)
            uitkomst.failed += 1
            return
        thanks = await meting.request(client, "thanks_get", "GET", location)
        if thanks is None or thanks.status_code != 200:
            meting.note("thank-you page not 200", thanks)
            uitkomst.failed += 1
            return
        if leaves_address:
            uitkomst.addresses_tried += 1
            if f'action="{path}/adres"' not in thanks.text:
                meting.note("thank-you page without address form", thanks)
                uitkomst.failed += 1
                return
            await asyncio.sleep(rng.uniform(2.0, 6.0) * scale)
            hidden = PollForm(thanks.text).hidden
            data = {
                "_csrf_token": hidden.get("_csrf_token", ""),
                "email": f"inwoner{n}.{rng.randrange(10**6)}@voorbeeld.example.org",
            }
            if rng.random() < 0.5:
                data["vervolg"] = "ja"
            response = await meting.request(client, "post_address", "POST", f"{path}/adres", data=data)
            if (
                response is None
                or response.status_code not in (302, 303)
                or "adres=1" not in response.headers.get("location", "")
            ):
                meting.note("address not acknowledged", response)
                uitkomst.failed += 1
                return
            uitkomst.addresses_acknowledged += 1
            await meting.request(client, "thanks_get", "GET", response.headers["location"])
    uitkomst.finished += 1


def _form_data(form: PollForm, answers: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The form as a browser encodes it (a checkbox group repeats its name)."""
    data: dict[str, list[str]] = {
        "_csrf_token": [form.hidden.get("_csrf_token", "")],
        "formulier": [form.hidden.get("formulier", "")],
    }
    for name, value in answers:
        data.setdefault(name, []).append(value)
    return data


async def _login(base: str, email: str, meting: Meting, keepalive: bool) -> httpx.AsyncClient:
    client = _client(base, COUNCIL_ADDRESS, USER_AGENTS[2], keepalive)
    for attempt in range(5):
        page = await meting.request(client, "login", "GET", "/inloggen")
        token = PollForm(page.text).hidden.get("_csrf_token", "") if page is not None else ""
        response = await meting.request(
            client,
            "login",
            "POST",
            "/inloggen",
            data={"email": email, "wachtwoord": PASSWORD, "_csrf_token": token},
        )
        if response is not None and response.status_code in (302, 303):
            return client
        # A 429 while hashing is busy is the app's brake working: wait as a person would.
        await asyncio.sleep(1 + attempt)
    await client.aclose()
    raise RuntimeError(f"council member {email} could not log in")


async def _council_member(
    client: httpx.AsyncClient,
    path: str,
    meting: Meting,
    uitkomst: Uitkomst,
    done: asyncio.Event,
    offset: float,
    max_fetches: int,
) -> None:
    """Open the results page, then let htmx refresh its live part every 20 s until the end."""
    await asyncio.sleep(offset)
    htmx = {"HX-Request": "true", "HX-Target": "uitslag-live", "HX-Trigger": "uitslag-live"}
    for fetch in range(max_fetches):
        headers = {**htmx, "HX-Current-URL": str(client.base_url) + path} if fetch else {}
        response = await meting.request(client, "results_get", "GET", path, headers=headers)
        uitkomst.results_fetches += 1
        if response is None or response.status_code != 200 or 'id="uitslag-live"' not in response.text:
            meting.note("results page not as expected", response)
        try:
            await asyncio.wait_for(done.wait(), timeout=RESULTS_EVERY_S)
            return
        except TimeoutError:
            pass


def _results_total(html: str) -> int | None:
    match = re.search(r"<strong>(\d+)</strong> inwoners? de(?:d|den) mee", html)
    return int(match.group(1)) if match else None


async def _scenario(
    base: str, prepared: dict, residents: int, seconds: float, seed: int, keepalive: bool
) -> tuple[Meting, Uitkomst, float]:
    meting, uitkomst = Meting(), Uitkomst()
    rng = random.Random(seed)
    # Thinking time is scaled with the run, so a short run keeps the same shape.
    scale = min(1.0, seconds / 300)
    results = f"/raad/{GEMEENTE}/peilingen/{prepared['peiling_id']}/uitslag"
    council = []
    for email in prepared["council"]:  # one after the other: logins share the hashing slots
        council.append(await _login(base, email, meting, keepalive))
        uitkomst.council_logins += 1
    # One of them follows the breakdown by neighbourhood.
    paths = [results, results, f"{results}?uitsplitsen={prepared['achtergrond_id']}"]
    done = asyncio.Event()
    max_fetches = int((seconds + TAIL_S) / RESULTS_EVERY_S) + 2
    start = time.monotonic()
    watchers = [
        asyncio.create_task(
            _council_member(c, p, meting, uitkomst, done, i * RESULTS_EVERY_S / COUNCIL_MEMBERS, max_fetches)
        )
        for i, (c, p) in enumerate(zip(council, paths, strict=True))
    ]
    # A Poisson process with a known count: arrival times uniform over the run, in order.
    arrivals = sorted(rng.uniform(0, seconds) for _ in range(residents))
    tasks = []
    for n, at in enumerate(arrivals):
        await asyncio.sleep(max(0.0, start + at - time.monotonic()))
        resident_rng = random.Random(rng.random())
        tasks.append(
            asyncio.create_task(
                asyncio.wait_for(
                    _resident(n, base, prepared["sleutel"], meting, uitkomst, resident_rng, scale, keepalive),
                    timeout=RESIDENT_LIMIT_S,
                )
            )
        )
    finished, pending = await asyncio.wait(tasks, timeout=TAIL_S + RESIDENT_LIMIT_S)
    for task in pending:
        task.cancel()
        uitkomst.cut_off += 1
    for task in finished:
        if (exc := task.exception()) is not None:
            uitkomst.cut_off += 1
            if len(meting.unexpected) < 30:
                meting.unexpected.append({"what": f"resident raised {exc!r}"[:300]})
    run_s = time.monotonic() - start
    done.set()
    await asyncio.wait(watchers, timeout=REQUEST_TIMEOUT_S + 5)
    # The council's view once everything is in: it must count every stored response.
    last = await meting.request(council[0], "results_get", "GET", results)
    uitkomst.results_last_total = _results_total(last.text) if last is not None else None
    for client in council:
        await client.aclose()
    return meting, uitkomst, run_s


# --- one engine, start to finish --------------------------------------------------------------


def run_engine(engine: str, residents: int, seconds: float, seed: int, keepalive: bool) -> dict:
    started = time.monotonic()
    workers = 2 if engine == "postgres" else 1
    with tempfile.TemporaryDirectory(prefix="gemeente-scenario-") as tmp:
        if engine == "postgres":
            database_url = asyncio.run(_fresh_pg(PG_DATABASE))
        else:
            database_url = f"sqlite:///{tmp}/scenario.sqlite3"
        try:
            prepared = asyncio.run(_prepare(database_url))
            log_path = Path(tmp) / "server.log"
            proc, base = _serve(database_url, workers, log_path)
            sampler = RssSampler(proc.pid, limit_s=seconds + TAIL_S + RESIDENT_LIMIT_S + 120)
            sampler.start()
            try:
                meting, uitkomst, run_s = asyncio.run(
                    _scenario(base, prepared, residents, seconds, seed, keepalive)
                )
                counts = asyncio.run(_settled_counts(database_url, prepared["peiling_id"]))
            finally:
                sampler.stop.set()
                sampler.join(timeout=5)
                _stop(proc)
                server_log = log_path.read_text(errors="replace")
        finally:
            if engine == "postgres":
                asyncio.run(_drop_pg(PG_DATABASE))
    addresses_stored = counts["addresses_waiting"] + counts["addresses_moved"]
    http = meting.figures()
    figures = {
        "engine": engine,
        "workers": workers,
        "items": prepared["items"],
        "residents_started": uitkomst.started,
        "residents_finished": uitkomst.finished,
        "residents_failed": uitkomst.failed,
        "residents_cut_off": uitkomst.cut_off,
        "invalid_first": uitkomst.invalid_first,
        "invalid_refused_422": uitkomst.invalid_refused,
        "submissions_acknowledged": uitkomst.acknowledged,
        "submissions_seen_as_duplicate": uitkomst.duplicate_acknowledged,
        "responses_stored": counts["responses"],
        "deelnames_stored": counts["deelnames"],
        "stored_equals_acknowledged": counts["responses"] == uitkomst.acknowledged == counts["deelnames"],
        "values_acknowledged": uitkomst.acknowledged_values,
        "values_stored": counts["waarden"],
        "addresses_tried": uitkomst.addresses_tried,
        "addresses_acknowledged": uitkomst.addresses_acknowledged,
        "addresses_waiting": counts["addresses_waiting"],
        "addresses_moved": counts["addresses_moved"],
        "addresses_stored": addresses_stored,
        "addresses_equal": addresses_stored == uitkomst.addresses_acknowledged,
        "client_addresses_used": len(uitkomst.client_addresses),
        "client_addresses_seen": counts["client_addresses_seen"],
        "council_logins": uitkomst.council_logins,
        "results_fetches": uitkomst.results_fetches,
        "results_last_total": uitkomst.results_last_total,
        "results_total_equals_stored": uitkomst.results_last_total == counts["responses"],
        **http,
        **sampler.figures(),
        "scenario_s": round(run_s, 1),
        "engine_wall_s": round(time.monotonic() - started, 1),
    }
    figures["ok"] = (
        figures["status_5xx"] == 0
        and not figures["transport_errors"]
        and figures["stored_equals_acknowledged"]
        and figures["values_stored"] == figures["values_acknowledged"]
        and figures["addresses_equal"]
        and figures["results_total_equals_stored"]
        and uitkomst.finished == uitkomst.started == residents
        and uitkomst.duplicate_acknowledged == 0
    )
    if not figures["ok"] or "Traceback" in server_log:
        figures["server_log_tail"] = server_log[-3000:]
    return figures


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--engine", choices=["postgres", "sqlite", "both"], default="postgres")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--keepalive",
        action="store_true",
        help="the proxy keeps upstream connections open (Caddy, Traefik, nginx `keepalive`)",
    )
    args = parser.parse_args()
    if not 1 <= args.residents <= 5000 or not 10 <= args.seconds <= 1800:
        sys.exit("--residents 1..5000 and --seconds 10..1800")
    started = time.monotonic()
    result: dict = {
        "residents": args.residents,
        "seconds": args.seconds,
        "proxy_keepalive": args.keepalive,
        "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
    }
    engines = ["postgres", "sqlite"] if args.engine == "both" else [args.engine]
    for engine in engines:
        figures = run_engine(engine, args.residents, args.seconds, args.seed, args.keepalive)
        result[engine] = figures
        print(
            f"{engine}: {figures['residents_finished']}/{figures['residents_started']} residents, "
            f"{figures['submissions_acknowledged']} acknowledged / {figures['responses_stored']} stored, "
            f"addresses {figures['addresses_acknowledged']} / {figures['addresses_stored']}, "
            f"5xx {figures['status_5xx']}, ok={figures['ok']}",
            flush=True,
        )
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result["ok"] = all(result[e]["ok"] for e in engines)
    result["wall_s"] = round(time.monotonic() - started, 1)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
