"""Benchmark: a report mailed to 10,000 participants through a local SMTP server.

A fresh PostgreSQL database gets a vraag with a closed 10-item poll (with answers), a focus
group with 20 findings and 10,000 addresses left for the report. The report is published
(the mail-out queued in one transaction), then `participatie rapport verstuur` sends it as
in production, in its own process, to an aiosmtpd sink in a third process that records every
recipient. Figures: delivered, duplicates, seconds, mails/s, the sender's peak memory, and the
PDF render time of that report (median of three).

    python bench/terugkoppeling_fanout.py [--recipients 10000] [--url postgresql://postgres@127.0.0.1:5432/postgres]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-geheim-dat-lang-genoeg-is-1234567890"
PASSWORD = "bench-wachtwoord-lang-genoeg"
DATABASE = "participatie_bench_fanout"

SINK = r"""
import asyncio, sys
from aiosmtpd.controller import Controller

out = open(sys.argv[2], "a", buffering=1)

class Sink:
    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            out.write(rcpt + "\n")
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]), data_size_limit=10_000_000)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _fresh_pg(admin_url: str) -> str:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    return admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"


async def _drop_pg(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    finally:
        await conn.close()


async def _prepare(url: str, recipients: int) -> dict:
    from participatie import db
    from participatie.accounts import domain as accounts
    from participatie.config import Settings
    from participatie.demo import GEMEENTEN
    from participatie.focusgroepen import domain as focusgroepen
    from participatie.peilingen import domain as peilingen
    from participatie.peilingen.domain import ItemInvoer
    from participatie.rapporten import domain as rapporten
    from participatie.vragen import domain as vragen

    settings = Settings(
        database_url=url, secret_key=SECRET, password_profile="test", base_url="https://bench.test"
    )
    engine = db.create_engine(url)
    await db.migrate(engine)
    await db.start_pool(engine, 5)
    regio = await accounts.ensure_regio("ijmond", "IJmond")
    for slug, naam, raad in GEMEENTEN:
        await accounts.ensure_gemeente(slug, naam, raad, regio)
    await accounts.create_gebruiker(
        settings, email="raad@bench.example", naam="Bench Raad", wachtwoord=PASSWORD, rol="raadslid",
        gemeente_slug="velsen", door=None,
    )  # fmt: skip
    raadslid = await accounts.acting_as("raad@bench.example")
    vraag_id = await vragen.create_eigen_agendering(
        raadslid, titel="Minimaregelingen", tekst="Waarom niet?", thema="wonen"
    )
    await vragen.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="wonen", prioriteit="hoog"
    )
    await vragen.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await vragen.update_concretisering(
        vraag_id, raadslid, versie=3, precieze_vraag="Wat houdt inwoners tegen?", aanpak="Peiling en focusgroep",
        doelgroep="Inwoners met een laag inkomen", participatievormen=["flitspeiling", "focusgroep"], planning="x",
        deadline=(datetime.now(UTC) + timedelta(days=30)).date().isoformat(), verantwoordelijke=str(raadslid.id),
    )  # fmt: skip
    await vragen.advance_stap(vraag_id, raadslid, versie=4, naar="voorleggen")

    peiling_id = await peilingen.create_peiling(
        raadslid, vraag_id, titel="Tien vragen", intro="", toegang="link"
    )
    for n in range(10):
        await peilingen.add_item(
            raadslid,
            peiling_id,
            ItemInvoer(
                "enkel", f"Vraag {n + 1} over de regeling?", keuzes=["Ja", "Soms", "Nee", "Weet niet"]
            ),
        )
    await peilingen.update_peiling(
        raadslid, peiling_id, titel="Tien vragen", intro="", toegang="link", opent_at="",
        sluit_at=(datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    await peilingen.publish(raadslid, peiling_id)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    for r in range(300):
        data = {item.veld: [str(item.keuzes[(r + i) % 4][0])] for i, item in enumerate(formulier.items)}
        gegeven, _ = peilingen.parse_antwoorden(formulier, data)
        await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel=f"bench-{r}")
    await peilingen.close_early(raadslid, peiling_id)

    groep_id = await focusgroepen.create_focusgroep(
        raadslid, vraag_id, thema="Ervaringen", doel="Horen waar het vastloopt",
        eind_op=(datetime.now(UTC) + timedelta(days=30)).date().isoformat(), verantwoordelijke=str(raadslid.id),
    )  # fmt: skip
    for n in range(20):
        await focusgroepen.add_bevinding(
            raadslid, groep_id, tekst=f"Bevinding {n + 1}: het aanvraagformulier is te lang en te moeilijk.",
            steun=["unaniem", "meerderheid", "minderheid", ""][n % 4], bijeenkomsten=[],
        )  # fmt: skip
    await vragen.advance_stap(vraag_id, raadslid, versie=5, naar="terugkoppelen")
    rapport = await rapporten.rapport_voor(raadslid, vraag_id)
    await rapporten.update_rapport(
        raadslid, vraag_id, versie=rapport["versie"], titel="Minimaregelingen: wat u ons vertelde",
        inleiding="Dank aan iedereen die meedeed.", conclusies="## Conclusies\n\n- De regeling is onbekend.\n- Het formulier is te lang.",
        automatisch=False,
    )  # fmt: skip

    # 10,000 addresses as residents leave them: one row each, in bulk.
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "rapportadres",
            records=[
                (__import__("uuid").uuid4(), peiling_id, f"inwoner{n}@bench.example", n % 3 == 0)
                for n in range(recipients)
            ],
            columns=["id", "peiling", "email", "wil_vervolg"],
        )
    finally:
        await conn.close()

    started = time.perf_counter()
    queued = await rapporten.publish(raadslid, vraag_id, settings)
    publish_s = time.perf_counter() - started
    rapport_id = (await rapporten.load_rapport(vraag_id))["id"]
    pdf_times = []
    for _ in range(3):
        started = time.perf_counter()
        pdf = await rapporten.render_pdf(rapport_id)
        pdf_times.append(time.perf_counter() - started)
    await db.close_pool(engine)
    return {
        "vraag_id": vraag_id,
        "queued": queued,
        "publish_s": round(publish_s, 2),
        "pdf_render_s": round(statistics.median(pdf_times), 3),
        "pdf_kb": round(len(pdf) / 1024, 1),
    }


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    url = asyncio.run(_fresh_pg(args.url))
    try:
        prepared = asyncio.run(_prepare(url, args.recipients))
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "received.txt"
            port = _free_port()
            sink = subprocess.Popen(
                [sys.executable, "-c", SINK, str(port), str(log)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
            env = {
                **os.environ,
                "PARTICIPATIE_DATABASE_URL": url,
                "PARTICIPATIE_SECRET_KEY": SECRET,
                "PARTICIPATIE_SMTP_PORT": str(port),
                "PARTICIPATIE_BASE_URL": "https://bench.test",
            }
            started = time.perf_counter()
            sender = subprocess.Popen(
                [sys.executable, "-m", "participatie.cli", "rapport", "verstuur", str(prepared["vraag_id"])],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            _, status, usage = os.wait4(sender.pid, 0)
            seconds = time.perf_counter() - started
            sender.returncode = os.waitstatus_to_exitcode(status)
            time.sleep(0.5)  # the sink writes its last lines
            sink.communicate(input="", timeout=30)
            received = Counter(log.read_text().split())
    finally:
        asyncio.run(_drop_pg(args.url))
    delivered = len(received)
    return {
        "recipients": args.recipients,
        "queued": prepared["queued"],
        "delivered": delivered,
        "duplicates": sum(n - 1 for n in received.values()),
        "seconds": round(seconds, 2),
        "mails_per_s": round(delivered / seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "sender_exit": sender.returncode,
        "publish_s": prepared["publish_s"],
        "pdf_render_s": prepared["pdf_render_s"],
        "pdf_kb": prepared["pdf_kb"],
    }


if __name__ == "__main__":
    figures = main()
    print(
        f"{figures['delivered']} of {figures['recipients']} delivered in {figures['seconds']} s "
        f"({figures['mails_per_s']}/s), {figures['duplicates']} duplicates, peak {figures['peak_rss_mb']} MB"
    )
    print(json.dumps(figures))
