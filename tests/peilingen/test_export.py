"""The raw-answer download: streamed without holding the server, no small group singled out,
formulas kept as text, every download in the security log."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections.abc import AsyncIterator

import httpx
import openpyxl
import pytest

from participatie import csvexport
from participatie.accounts.tables import Gebruiker
from participatie.peilingen import domain
from participatie.peilingen.domain import ItemInvoer
from participatie.peilingen.export import KLEINE_GROEP
from participatie.peilingen.tables import Antwoord, Waarde
from tests.conftest import login, make_gebruiker
from tests.peilingen.test_domain import answers, make_peiling

FAST = 0.5  # seconds another request may wait while the export runs


@pytest.fixture
async def kees(client, settings, mensen) -> httpx.AsyncClient:
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    return client


@pytest.fixture
async def bezoeker(app) -> AsyncIterator[httpx.AsyncClient]:
    """Another visitor of the same app, with no session."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.4", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _poll_met_leeftijd(mensen) -> domain.Formulier:
    """The 5-item poll plus a background item (age group) as the sixth."""
    peiling_id = await make_peiling(mensen, publish=False)
    await domain.add_item(
        mensen["raadslid"],
        peiling_id,
        ItemInvoer("enkel", "Hoe oud bent u?", is_achtergrond=True, keuzes=["tot 40", "40 tot 65", "65+"]),
    )
    await domain.publish(mensen["raadslid"], peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    return formulier


async def _submit(formulier, n: int, leeftijd: int, sleutel: str, **overrides) -> None:
    item = formulier.items[5]
    for k in range(n):
        data = answers(formulier, **overrides)
        data[item.veld] = [str(item.keuzes[leeftijd][0])]
        gegeven, fouten = domain.parse_antwoorden(formulier, data)
        assert fouten == {}
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"{sleutel}{k}")


def _rows(response: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))


async def _copy_first_answer(formulier, times: int) -> None:
    """Bulk insert: `times` more responses like the first, in two statements per table."""
    first = (await Antwoord.select(Antwoord.id).first())["id"]
    await Antwoord.raw(
        "INSERT INTO antwoord (peiling, ingediend_uur, bron) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
        "SELECT a.peiling, a.ingediend_uur, a.bron FROM antwoord a, n WHERE a.id = {}",
        times,
        first,
    )
    await Waarde.raw(
        "INSERT INTO waarde (antwoord, item, keuze, getal, tekst, verborgen) "
        "SELECT a.id, w.item, w.keuze, w.getal, w.tekst, w.verborgen "
        "FROM antwoord a JOIN waarde w ON w.antwoord = {} WHERE a.peiling = {} AND a.id <> {}",
        first,
        formulier.peiling_id,
        first,
    )


async def test_export_of_30000_responses_does_not_hold_other_requests(kees, bezoeker, mensen):
    formulier = await _poll_met_leeftijd(mensen)
    await _submit(formulier, 1, 0, "b", i4=["Een formulier voor alles, graag op papier en online. " * 3])
    await _copy_first_answer(formulier, 29_999)
    path = f"/raad/beverwijk/peilingen/{formulier.peiling_id}/antwoorden.csv"

    stop = asyncio.Event()
    waits: list[float] = []

    async def pings() -> None:
        while not stop.is_set():
            # Timed from before the pause: a loop held by the export also makes the pause overrun.
            started = time.perf_counter()
            await asyncio.sleep(0.05)
            assert (await bezoeker.get("/rapporten/beverwijk")).status_code == 200
            waits.append(time.perf_counter() - started - 0.05)

    pinger = asyncio.create_task(pings())
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    try:
        response = await kees.get(path)
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        await pinger

    rows = _rows(response)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert len(rows) == 30_001 and rows[-1][0] == "30000"
    assert rows[1][3:] == rows[-1][3:]
    assert len(waits) >= 3 and max(waits) < FAST, (elapsed, sorted(waits)[-3:])


async def test_export_hides_the_background_of_small_groups(kees, mensen, audit_actions):
    formulier = await _poll_met_leeftijd(mensen)
    await _submit(formulier, 12, 0, "jong")  # tot 40: 12
    await _submit(formulier, 10, 1, "midden")  # 40 tot 65: 10
    await _submit(formulier, 1, 2, "oud", i0=[str(formulier.items[0].keuzes[2][0])])  # 65+: one person
    base = f"/raad/beverwijk/peilingen/{formulier.peiling_id}"

    rows = _rows(await kees.get(f"{base}/antwoorden.csv"))
    xlsx = await kees.get(f"{base}/antwoorden.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    xlsx_rows = [[c.value or "" for c in row] for row in sheet.iter_rows()]

    leeftijden = [r[8] for r in rows[1:]]
    # The lone 65+ is hidden, and so is the next smallest group, so that the hidden rows are
    # ten or more together and the results page's "65+: 1" points at none of them.
    assert leeftijden == ["tot 40"] * 12 + [KLEINE_GROEP] * 11
    assert "65+" not in {c for r in rows for c in r}
    # The answers themselves stay: the lone resident's "Nee" is still counted.
    assert [r[3] for r in rows[1:]].count("Nee") == 1
    assert xlsx_rows == rows
    raadslid = (
        await Gebruiker.select(Gebruiker.id).where(Gebruiker.email == "kees.raad@beverwijk.example").first()
    )["id"]
    exports = [
        (e["actie"], e["door"], e["peiling"], e["formaat"])
        for e in audit_actions
        if e["actie"] == "antwoorden_geexporteerd"
    ]
    assert exports == [
        ("antwoorden_geexporteerd", raadslid, formulier.peiling_id, "csv"),
        ("antwoorden_geexporteerd", raadslid, formulier.peiling_id, "xlsx"),
    ]


async def test_export_shows_background_of_groups_big_enough(kees, mensen):
    formulier = await _poll_met_leeftijd(mensen)
    await _submit(formulier, 10, 0, "jong")
    await _submit(formulier, 10, 2, "oud")

    rows = _rows(await kees.get(f"/raad/beverwijk/peilingen/{formulier.peiling_id}/antwoorden.csv"))

    assert [r[8] for r in rows[1:]] == ["tot 40"] * 10 + ["65+"] * 10


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Gewoon = goed", "Gewoon = goed"),
        (None, ""),
        (7, "7"),
    ],
)
def test_formula_start_is_escaped(value, cell):
    assert csvexport.cel(value) == cell


async def test_export_escapes_tab_and_carriage_return_formulas(kees, mensen):
    formulier = await _poll_met_leeftijd(mensen)
    await _submit(formulier, 2, 0, "t", i4=["placeholder"])
    # The form strips leading white space; stored text from elsewhere (an import, an older
    # version) may still start with a tab or a carriage return.
    ids = [
        w["id"] for w in await Waarde.select(Waarde.id).where(Waarde.tekst.is_not_null()).order_by(Waarde.id)
    ]
    for waarde_id, text in zip(ids, ["\t=HYPERLINK(1)", "\r=HYPERLINK(2)"], strict=True):
        await Waarde.update({Waarde.tekst: text}).where(Waarde.id == waarde_id)
    base = f"/raad/beverwijk/peilingen/{formulier.peiling_id}"

    rows = _rows(await kees.get(f"{base}/antwoorden.csv"))

    assert [r[7] for r in rows[1:]] == ["'\t=HYPERLINK(1)", "'\r=HYPERLINK(2)"]


async def test_the_results_page_hides_a_background_group_the_export_hides(kees, mensen):
    formulier = await _poll_met_leeftijd(mensen)
    await _submit(formulier, 12, 0, "jong")
    await _submit(formulier, 10, 1, "midden")
    await _submit(formulier, 1, 2, "oud")

    page = (await kees.get(f"/raad/beverwijk/peilingen/{formulier.peiling_id}/uitslag")).text

    leeftijd = page[page.index(". Hoe oud bent u?</h2>") :]
    leeftijd = leeftijd[: leeftijd.index("</table>")]
    rows = [
        r.split("</th>")[0] for r in leeftijd.split('<th scope="row" class="utrecht-table__header-cell">')[1:]
    ]
    assert rows == ["tot 40", "40 tot 65", "65+"]
    assert '<td class="utrecht-table__cell">12</td>' in leeftijd
    # The lone 65+ and the next smallest group (so the one cannot be worked out from the total).
    assert leeftijd.count("minder dan 10 mensen: niet getoond") == 2
    assert '<td class="utrecht-table__cell">1</td>' not in leeftijd
    assert '<td class="utrecht-table__cell">10</td>' not in leeftijd


@pytest.mark.parametrize(
    ("utc_uur", "nederlands_uur"),
    [("2027-01-15 23:00:00+00:00", "2027-01-16 00:00"), ("2027-07-14 22:00:00+00:00", "2027-07-15 00:00")],
)
async def test_export_hour_is_the_dutch_hour_in_winter_and_summer(kees, mensen, utc_uur, nederlands_uur):
    from datetime import datetime

    formulier = await _poll_met_leeftijd(mensen)
    await _submit(formulier, 1, 0, "een")
    await Antwoord.update({Antwoord.ingediend_uur: datetime.fromisoformat(utc_uur)}, force=True)

    rows = _rows(await kees.get(f"/raad/beverwijk/peilingen/{formulier.peiling_id}/antwoorden.csv"))

    # The results page shows answers per Dutch hour; the export must say the same hour.
    assert rows[1][1] == nederlands_uur
