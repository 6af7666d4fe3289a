"""Hostile report texts cannot stall the server: Markdown is capped and rendered once when saved,
beside the server; the PDF is made in a child process that is killed at its time limit.

Timings are taken through the app in the test's own event loop: a handler that holds the loop
(rendering Markdown or a PDF in it, or in a thread holding the GIL) also holds the concurrent
request that stands for every other visitor.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from participatie import tijd
from participatie.rapporten import domain, pdf
from participatie.rapporten.tables import Rapport
from participatie.vragen import domain as vragen
from tests.conftest import login, post_form
from tests.rapporten.test_domain import _to, make_vraag_met_deelnemers
from tests.rapporten.test_routes import versie_in
from tests.vragen.test_domain import _versie

FAST = 0.5  # seconds: a page, and the wait of any other request while work goes on


@pytest.fixture
async def bezoeker(app) -> AsyncIterator[httpx.AsyncClient]:
    """Another visitor of the same app, with no session."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.4", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _pings(client: httpx.AsyncClient, stop: asyncio.Event) -> list[float]:
    """How long a cheap public page takes, again and again, until `stop`."""
    waits = []
    while not stop.is_set():
        # Timed from before the pause: a loop held by other work also makes the pause overrun.
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        response = await client.get("/rapporten/beverwijk")
        waits.append(time.perf_counter() - started - 0.05)
        assert response.status_code == 200
    return waits


async def _while_pinging(client: httpx.AsyncClient, work) -> tuple[object, float, list[float]]:
    """Run `work` while another visitor keeps asking a cheap page; (result, seconds, waits)."""
    stop = asyncio.Event()
    pinger = asyncio.create_task(_pings(client, stop))
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    try:
        result = await work
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        waits = await pinger
    return result, elapsed, waits


def _children(module: str) -> set[int]:
    """Processes started by this test process (the app runs in it) that run `module`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == os.getpid() and module.encode() in cmdline:
            found.add(int(entry.name))
    return found


async def _watch_children(module: str, until: asyncio.Task) -> set[int]:
    seen: set[int] = set()
    while not until.done():
        seen |= _children(module)
        await asyncio.sleep(0.1)
    return seen


async def _save(client, vraag_id: int, *, inleiding: str, conclusies: str) -> httpx.Response:
    base = f"/raad/beverwijk/vragen/{vraag_id}/rapport"
    versie = versie_in((await client.get(base)).text)
    return await post_form(
        client,
        base,
        {"versie": str(versie), "titel": "Wat u zei", "inleiding": inleiding, "conclusies": conclusies},
    )


@pytest.mark.parametrize("tekst", ["[" * 49_000, "*a" * 24_500], ids=["brackets", "emphasis"])
async def test_markdown_over_the_cap_is_refused_on_the_form(client, mensen, tekst):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")

    response = await _save(client, vraag_id, inleiding="", conclusies=tekst)

    assert response.status_code == 422
    assert "Dit mag hoogstens 20000 tekens lang zijn." in response.text
    assert await domain.load_rapport(vraag_id) is None  # a refused first save stores nothing


async def test_public_report_of_hostile_markdown_stays_fast(client, bezoeker, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    saved = await _save(client, vraag_id, inleiding="[" * 20_000, conclusies="[" * 20_000)
    published = await post_form(client, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {})
    sleutel = (await domain.load_rapport(vraag_id))["sleutel"]

    times = []
    for _ in range(3):
        started = time.perf_counter()
        page = await bezoeker.get(f"/rapporten/beverwijk/{sleutel}")
        times.append(time.perf_counter() - started)

    assert (saved.status_code, published.status_code, page.status_code) == (302, 302, 200)
    assert page.text.count("[" * 20_000) == 2
    assert statistics.median(times) < FAST and max(times) < FAST, times


async def test_public_report_renders_a_hostile_advice_beside_the_server(client, bezoeker, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    await _save(client, vraag_id, inleiding="", conclusies="Klaar.")
    await post_form(client, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {})
    raadslid = mensen["raadslid"]
    await _to(vraag_id, raadslid, "advies")
    # The advice belongs to the vraag (up to 50,000 characters) and shows on the report.
    await vragen.record_advies(
        vraag_id, raadslid, versie=await _versie(vraag_id), tekst="[" * 49_000, aan="het college"
    )
    sleutel = (await domain.load_rapport(vraag_id))["sleutel"]
    times: list[float] = []

    async def views() -> httpx.Response:
        for _ in range(3):
            started = time.perf_counter()
            page = await bezoeker.get(f"/rapporten/beverwijk/{sleutel}")
            times.append(time.perf_counter() - started)
        return page

    page, _, waits = await _while_pinging(client, views())

    assert page.status_code == 200 and "[" * 49_000 in page.text
    assert statistics.median(times) < FAST, times
    assert max(waits) < FAST, waits


async def test_pdf_of_hostile_report_is_refused_within_its_limit_and_others_are_served(
    client, bezoeker, mensen, monkeypatch
):
    # A short limit keeps the suite quick; the mechanism is the one that kills at 20 s.
    monkeypatch.setattr(pdf, "MAX_SECONDS", 4.0)
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    saved = await _save(client, vraag_id, inleiding="", conclusies="*a" * 10_000)
    preview_started = time.perf_counter()
    preview = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport/voorbeeld")
    preview_time = time.perf_counter() - preview_started

    publish = asyncio.create_task(
        asyncio.wait_for(
            post_form(client, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {}),
            pdf.MAX_SECONDS + 6,
        )
    )
    watcher = asyncio.create_task(_watch_children("participatie.rapporten.pdf", publish))
    response, elapsed, waits = await _while_pinging(bezoeker, publish)
    children = await watcher

    assert saved.status_code == 302 and preview.status_code == 200
    assert preview_time < FAST
    assert response.status_code == 422
    assert "De PDF van dit rapport kost te veel tijd om te maken." in response.text
    assert elapsed < pdf.MAX_SECONDS + 3
    assert (await domain.load_rapport(vraag_id))["gepubliceerd_at"] is None
    # The PDF was made in a child process, which was killed at the limit.
    assert len(children) == 1 and _children("participatie.rapporten.pdf") == set()
    assert len(waits) >= 5 and max(waits) < FAST, waits


async def test_other_requests_are_served_while_a_normal_pdf_is_made(client, bezoeker, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    await _save(client, vraag_id, inleiding="Dank u wel.", conclusies="De regeling is **onbekend**.")

    publish = post_form(client, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {})
    response, _, waits = await _while_pinging(bezoeker, publish)

    assert response.status_code == 302
    assert bytes((await Rapport.select(Rapport.pdf).first())["pdf"]).startswith(b"%PDF")
    assert waits and max(waits) < FAST, waits


async def test_an_edit_after_publication_shows_and_is_logged(client, bezoeker, mensen, audit_actions):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    await _save(client, vraag_id, inleiding="", conclusies="Eerste versie.")
    await post_form(client, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {})
    rapport = await domain.load_rapport(vraag_id)
    before = await bezoeker.get(f"/rapporten/beverwijk/{rapport['sleutel']}")

    edited = await _save(client, vraag_id, inleiding="", conclusies="Tweede **versie**.")
    after = await bezoeker.get(f"/rapporten/beverwijk/{rapport['sleutel']}")
    changed = await domain.load_rapport(vraag_id)

    today = tijd.datum(changed["gewijzigd_at"])
    assert "gewijzigd op" not in before.text
    assert edited.status_code == 302
    assert f"<strong>gewijzigd op {today}</strong>" in after.text
    assert "Tweede <strong>versie</strong>." in after.text
    assert bytes(changed["pdf"]) != bytes(rapport["pdf"])
    edits = [e for e in audit_actions if e["actie"] == "rapport_gewijzigd_na_publicatie"]
    assert edits == [
        {**edits[0], "door": mensen["raadslid"].id, "rapport": rapport["id"], "versie": changed["versie"]}
    ]


async def test_published_report_shows_no_distribution_of_too_few_answers(client, bezoeker, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    await _save(client, vraag_id, inleiding="", conclusies="Klaar.")
    await post_form(client, f"/raad/beverwijk/vragen/{vraag_id}/rapport/publiceren", {})
    rapport = await domain.load_rapport(vraag_id)

    page = await bezoeker.get(f"/rapporten/beverwijk/{rapport['sleutel']}")
    html = await domain.inhoud.render_html(rapport["id"])

    for text in (page.text, html):
        assert "1 inwoner vulde hem in" in text
        assert '<table class="staaf">' not in text and "<td>100%</td>" not in text
        assert text.count("1 antwoord: te weinig antwoorden om te tonen.") == 4
