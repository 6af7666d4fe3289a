"""Addresses left for the report cannot be linked to the answers, even with the whole database.

The attacker holds a full copy of the database (a backup, an administrator) and tries every way
we know to tie an address to its response: PostgreSQL transaction ids (xmin) and physical row
positions (ctid), SQLite rowids, id order, any time column, and the order rows went in. Each
resident answers through the app and leaves an address right after, which is the worst case:
if addresses went in one by one, their order would follow the responses exactly.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from piccolo.columns import Date, Timestamp, Timestamptz

from participatie.peilingen import domain
from participatie.peilingen.tables import Antwoord, Rapportadres, Waarde
from tests.peilingen.test_domain import answers, make_peiling

N = 10  # the promise: no address narrowed to fewer responses than this (adressen.ADRES_BATCH)
RESIDENTS = 25  # two full batches of ten and five waiting: the last window is short


@pytest.fixture
async def browsers(app) -> AsyncIterator:
    """A browser of its own (cookies, client address) per resident."""
    opened: list[httpx.AsyncClient] = []

    def open_browser(n: int) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{n + 1}", 40000 + n))
        browser = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        await browser.aclose()


async def post(browser: httpx.AsyncClient, path: str, data: dict[str, list[str]]) -> httpx.Response:
    body = [(k, v) for k, values in data.items() for v in values]
    body.append(("_csrf_token", browser.cookies.get("participatie_csrf", "")))
    return await browser.post(
        path, content=urlencode(body), headers={"content-type": "application/x-www-form-urlencoded"}
    )


def email_of(n: int) -> str:
    return f"bewoner{n:02d}@example.org"


async def answer_and_leave_address(browser: httpx.AsyncClient, formulier, n: int) -> httpx.Response:
    """Answer (the open text says who this is, for the test's own bookkeeping), then leave an
    address on the thank-you page, like a resident does."""
    path = f"/p/{formulier.sleutel}"
    await browser.get(path)
    answered = await post(browser, path, answers(formulier, i4=[f"bewoner {n}"]))
    assert answered.status_code == 302
    await browser.get(answered.headers["location"])
    return await post(browser, f"{path}/adres", {"email": [email_of(n)]})


async def truth() -> dict[str, int]:
    """Which response each address belongs to: what the attacker tries to find out."""
    rows = await Waarde.select(Waarde.antwoord, Waarde.tekst).where(Waarde.tekst.like("bewoner %"))
    return {email_of(int(r["tekst"].split()[1])): r["antwoord"] for r in rows}


async def rows(sql: str) -> list[dict]:
    return await Antwoord.raw(sql)


async def xmin_windows() -> dict[str, set[int]]:
    """PostgreSQL: every row carries the id of the transaction that wrote it, and those ids
    rise with time. An address can only belong to a response written before it; the responses
    written since the previous address transaction are its candidates."""
    antwoorden = await rows("SELECT id, xmin::text::bigint AS x FROM antwoord")
    adressen = await rows("SELECT email, xmin::text::bigint AS x FROM rapportadres")
    groups = sorted({a["x"] for a in adressen})
    windows = {}
    for adres in adressen:
        before = [g for g in groups if g < adres["x"]]
        start = before[-1] if before else 0
        windows[adres["email"]] = {a["id"] for a in antwoorden if start < a["x"] < adres["x"]}
    return windows


async def rank_matches(order_by: str, wie: dict[str, int]) -> int:
    """Addresses in the order of a physical position or id, paired with the responses in
    the order they came in: how many pairs are right."""
    adressen = [r["email"] for r in await rows(f"SELECT email FROM rapportadres ORDER BY {order_by}")]
    antwoorden = sorted(wie.values())
    return sum(1 for email, antwoord in zip(adressen, antwoorden, strict=False) if wie[email] == antwoord)


def order_ways(engine: str) -> list[str]:
    return ["id", "ctid" if engine == "postgres" else "rowid"]


async def test_no_way_ties_an_address_to_fewer_than_n_responses(browsers, mensen, database, settings):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    for n in range(RESIDENTS):
        left = await answer_and_leave_address(browsers(n), formulier, n)
        assert left.status_code == 302
    wie = await truth()
    assert len(wie) == RESIDENTS

    # While the poll is open: the addresses kept so far, in batches.
    kept = {r["email"] for r in await Rapportadres.select(Rapportadres.email)}
    if database.name == "postgres":
        for email, candidates in (await xmin_windows()).items():
            assert wie[email] in candidates
            assert len(candidates) >= N, f"xmin narrows {email} to {len(candidates)} responses"
    # Order: a random order gets about one right per batch; more than 9 of 20 in two shuffled
    # batches happens less than once in 20,000 runs. Addresses one by one get all of them.
    kept_wie = {e: a for e, a in wie.items() if e in kept}
    for way in order_ways(database.name):
        assert await rank_matches(way, kept_wie) <= 9, f"{way} order follows the responses"
    assert len(kept) == 2 * N  # two batches in; five wait, as a backup taken now would show
    # The addresses still waiting show nothing readable.
    for row in await rows("SELECT inhoud FROM adreswachtrij"):
        assert b"example.org" not in bytes(row["inhoud"]) and b"bewoner" not in bytes(row["inhoud"])

    # After the poll closed, the planner puts every address in one batch.
    from participatie.rapporten import jobs

    await domain.close_early(mensen["raadslid"], formulier.peiling_id)
    await jobs.finalize_addresses(settings)

    assert {r["email"] for r in await Rapportadres.select(Rapportadres.email)} == set(wie)
    assert await rows("SELECT * FROM adreswachtrij") == []
    if database.name == "postgres":
        for email, candidates in (await xmin_windows()).items():
            assert candidates == set(wie.values()), email  # one batch: every response
    for way in order_ways(database.name):
        # One shuffled batch of 25: about one right; 8 or more once in 100,000 runs.
        assert await rank_matches(way, wie) <= 7, f"{way} order follows the responses"
    # Ids are random (version 4), not time-based; no table holding addresses has a time.
    assert {uuid.UUID(str(r["id"])).version for r in await Rapportadres.select(Rapportadres.id)} == {4}
    from participatie.peilingen.tables import Adreswachtrij

    for table in (Rapportadres, Adreswachtrij):
        times = [c._meta.name for c in table._meta.columns if isinstance(c, Timestamptz | Timestamp | Date)]
        assert times == [], f"{table._meta.tablename} has a time column"


async def kept_and_waiting() -> int:
    from participatie.peilingen.tables import Adreswachtrij

    return await Rapportadres.count() + await Adreswachtrij.count()


async def test_a_client_that_did_not_answer_cannot_leave_addresses(browsers, mensen, caplog):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    browser = browsers(0)
    page = await browser.get(f"/p/{formulier.sleutel}")
    assert page.status_code == 200

    audit = logging.getLogger("participatie.audit")
    audit.addHandler(caplog.handler)  # the app's logging does not propagate to the root
    try:
        responses = [
            await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [f"vreemde{n}@example.org"]})
            for n in range(100)
        ]
    finally:
        audit.removeHandler(caplog.handler)

    # Post/Redirect/Get: each refusal sends the browser back to the thank-you page.
    assert {(r.status_code, r.headers["location"]) for r in responses} == {
        (303, f"/p/{formulier.sleutel}/bedankt?adres=geweigerd")
    }
    shown = await browser.get(responses[0].headers["location"])
    assert shown.status_code == 200
    assert "direct nadat u de peiling hebt ingevuld" in shown.text
    assert await kept_and_waiting() == 0
    refusals = [r for r in caplog.records if r.getMessage() == "rapportadres_geweigerd"]
    assert len(refusals) == 100
    assert "example.org" not in caplog.text  # the log names no address


async def test_one_address_per_response_even_with_the_proof_replayed(browsers, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    browser = browsers(0)
    await browser.get(f"/p/{formulier.sleutel}")
    await post(browser, f"/p/{formulier.sleutel}", answers(formulier))
    proof = browser.cookies.get("participatie_adres", path=f"/p/{formulier.sleutel}")

    first = await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(1)]})
    browser.cookies.set("participatie_adres", proof, path=f"/p/{formulier.sleutel}")
    replayed = await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(2)]})

    assert proof
    assert (first.status_code, replayed.status_code) == (302, 303)
    assert (
        "U liet voor deze peiling al een e-mailadres achter."
        in (await browser.get(replayed.headers["location"])).text
    )
    assert await kept_and_waiting() == 1


async def test_no_address_once_the_poll_closed_and_the_page_says_so(browsers, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    browser = browsers(0)
    await browser.get(f"/p/{formulier.sleutel}")
    await post(browser, f"/p/{formulier.sleutel}", answers(formulier))
    await domain.close_early(mensen["raadslid"], formulier.peiling_id)

    thanks = await browser.get(f"/p/{formulier.sleutel}/bedankt")
    late = await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(1)]})

    assert 'action="/p/' not in thanks.text  # no form that would not keep the address
    assert "Deze peiling is gesloten." in thanks.text
    # Post/Redirect/Get (issue 13): Back or reload after the refusal never posts again.
    assert (late.status_code, late.headers["location"]) == (
        303,
        f"/p/{formulier.sleutel}/bedankt?adres=geweigerd",
    )
    assert "bewoner01" not in late.headers["set-cookie"]  # the refused address is not carried along
    shown = await browser.get(late.headers["location"])
    reloaded = await browser.get(late.headers["location"])
    for page in (shown, reloaded):
        assert page.status_code == 200
        assert "we hebben het niet bewaard" in page.text
        assert 'href="http://127.0.0.1:8000/rapporten/beverwijk"' in page.text
        assert 'action="/p/' not in page.text
    browser.cookies.clear()  # the cookie expired: the page still says why, from the poll itself
    expired = await browser.get(late.headers["location"])
    assert "Deze peiling is gesloten." in expired.text
    assert await kept_and_waiting() == 0


async def test_the_thank_you_page_says_how_long_an_address_is_kept(browsers, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    browser = browsers(0)
    await browser.get(f"/p/{formulier.sleutel}")
    answered = await post(browser, f"/p/{formulier.sleutel}", answers(formulier))

    page = await browser.get(answered.headers["location"])
    saved = await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(1)], "vervolg": ["ja"]})
    after = await browser.get(saved.headers["location"])

    for text in (page.text, after.text):
        assert "Daarna staat het nog hoogstens een dag in onze verzendlijst" in text
        assert (
            "Dan bewaren we het tot we u dat hebben gemaild, en hoogstens 12 maanden na het rapport." in text
        )
        assert "Komt er geen rapport, dan wissen we uw adres 12 maanden nadat de peiling sloot." in text
    assert 'action="/p/' in page.text and 'action="/p/' not in after.text


async def database_files(database, settings) -> bytes:
    """The bytes a copy of the database's files would hold for the address tables."""
    if database.name == "sqlite":
        await Antwoord.raw("PRAGMA wal_checkpoint(TRUNCATE)")
        paths = [Path(settings.database_url.split(":///", 1)[1])]
    else:
        await Antwoord.raw("CHECKPOINT")
        rows = await Antwoord.raw(
            "SELECT current_setting('data_directory') || '/' || pg_relation_filepath(t) AS pad "
            "FROM unnest(ARRAY['rapportadres', 'adreswachtrij']) AS t"
        )
        paths = [Path(r["pad"]) for r in rows]
        if not all(p.exists() for p in paths):
            pytest.skip("the PostgreSQL server's files are not on this machine")
    return b"".join([await asyncio.to_thread(p.read_bytes) for p in paths])


async def test_deleted_addresses_do_not_linger_in_the_database_files(browsers, mensen, database, settings):
    """Deleted rows must not stay readable in the files, where their old place would still
    show the order they came in: after the batches and the retention period, no address is
    left anywhere in the address tables' files."""
    from participatie.peilingen import adressen
    from participatie.rapporten import jobs

    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    for n in range(RESIDENTS):
        await answer_and_leave_address(browsers(n), formulier, n)
    await domain.close_early(mensen["raadslid"], formulier.peiling_id)
    await jobs.finalize_addresses(settings)
    before = await database_files(database, settings)
    await adressen.purge_unpublished(domain.now() + timedelta(days=400))
    await jobs.finalize_addresses(settings)

    after = await database_files(database, settings)

    # Present before (the files are read right); old row versions may add copies under load.
    assert all(before.count(email_of(n).encode()) >= 1 for n in range(RESIDENTS))
    assert [after.count(email_of(n).encode()) for n in range(RESIDENTS)] == [0] * RESIDENTS


async def test_an_address_that_is_not_one_recipient_is_refused(mensen, settings):
    from participatie.peilingen import adressen

    peiling_id = await make_peiling(mensen)
    secret = settings.secret_key
    proof = adressen.read_bewijs(secret, peiling_id, adressen.new_bewijs(secret, peiling_id))

    with pytest.raises(domain.OngeldigeInvoer) as refused:
        await adressen.leave_address(peiling_id, "inwoner@", wil_vervolg=False, bewijs=proof, secret=secret)
    await adressen.leave_address(
        peiling_id, "inwoner@example.org", wil_vervolg=True, bewijs=proof, secret=secret
    )

    assert refused.value.fouten == {"email": "Dit e-mailadres klopt niet. Kijk het nog eens na."}
    assert await kept_and_waiting() == 1
    assert adressen.read_bewijs(secret, peiling_id, "vervalst.0123456789abcdef0123456789abcdef") is None


async def test_beheerder_sets_how_long_addresses_of_an_unpublished_poll_are_kept(client, settings, mensen):
    from participatie.peilingen import adressen
    from tests.conftest import login, make_gebruiker, post_form

    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    await login(client, "beheer@ijmond.example")
    page = await client.get("/beheer/instellingen")
    waarden = {"maanden": "3", "vervolg_maanden": "12"}

    bad = await post_form(client, "/beheer/instellingen", {**waarden, "adres_maanden": "0"})
    good = await post_form(client, "/beheer/instellingen", {**waarden, "adres_maanden": "18"})

    assert 'name="adres_maanden" type="number" value="12"' in page.text  # the default
    assert bad.status_code == 422 and "Kies een bewaartermijn van 1 tot en met 36 maanden." in bad.text
    assert good.status_code == 200
    assert await adressen.bewaartermijn_maanden() == 18
