"""The council member's start page: what needs them, for the council of the URL only."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest

from participatie import tijd, werkbank
from participatie.accounts import domain as accounts
from participatie.accounts.queries import get_gemeente
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep
from participatie.mail.tables import Bericht, Status
from participatie.peilingen.tables import Antwoord, Peiling
from participatie.rapporten.tables import Rapport
from participatie.vragen.tables import Vraag
from tests.conftest import login, make_gebruiker


async def _gemeente_id(slug: str) -> int:
    info = await get_gemeente(slug)
    assert info is not None
    return info.id


async def _vraag(
    gemeente: str,
    titel: str,
    *,
    stap: str = "binnengekomen",
    scope: str | None = None,
    aangemaakt_at: datetime | None = None,
    reactie_verwacht_op: date | None = None,
) -> int:
    moment = aangemaakt_at or tijd.now()
    rows = await Vraag.insert(
        Vraag(
            titel=titel,
            tekst="Wat vinden inwoners ervan?",
            herkomst="raad",
            gemeente=await _gemeente_id(gemeente),
            scope=scope,
            stap=stap,
            reactie_verwacht_op=reactie_verwacht_op,
            aangemaakt_at=moment,
            stap_sinds_at=moment,
        )
    ).returning(Vraag.id)
    return rows[0]["id"]


async def _peiling(vraag_id: int, titel: str, sluit_at: datetime | None, *, antwoorden: int = 0) -> int:
    vraag = await Vraag.select(Vraag.gemeente).where(Vraag.id == vraag_id).first()
    rows = await Peiling.insert(
        Peiling(
            vraag=vraag_id,
            gemeente=vraag["gemeente"],
            titel=titel,
            sleutel=secrets.token_hex(8),
            status="open",
            sluit_at=sluit_at,
            aangemaakt_at=tijd.now(),
        )
    ).returning(Peiling.id)
    peiling_id = rows[0]["id"]
    for _ in range(antwoorden):
        await Antwoord.insert(Antwoord(peiling=peiling_id, ingediend_uur=tijd.now(), bron="link"))
    return peiling_id


async def _bijeenkomst(vraag_id: int, thema: str, begint_at: datetime, plaats: str = "Stadhuis") -> int:
    vraag = await Vraag.select(Vraag.gemeente).where(Vraag.id == vraag_id).first()
    groep = await Focusgroep.insert(
        Focusgroep(
            vraag=vraag_id,
            gemeente=vraag["gemeente"],
            thema=thema,
            eind_op=tijd.today() + timedelta(days=60),
            aangemaakt_at=tijd.now(),
        )
    ).returning(Focusgroep.id)
    rows = await Bijeenkomst.insert(
        Bijeenkomst(
            focusgroep=groep[0]["id"],
            begint_at=begint_at,
            eindigt_at=begint_at + timedelta(minutes=90),
            plaats=plaats,
            uid=secrets.token_hex(8),
        )
    ).returning(Bijeenkomst.id)
    return rows[0]["id"]


async def _rapport_met_mislukte_mails(vraag_id: int, titel: str, mislukt: int, *, verzonden: int = 1) -> int:
    vraag = await Vraag.select(Vraag.gemeente).where(Vraag.id == vraag_id).first()
    rows = await Rapport.insert(
        Rapport(
            vraag=vraag_id,
            gemeente=vraag["gemeente"],
            sleutel=secrets.token_hex(8),
            titel=titel,
            gepubliceerd_at=tijd.now(),
            aangemaakt_at=tijd.now(),
        )
    ).returning(Rapport.id)
    rapport_id = rows[0]["id"]
    statussen = [Status.MISLUKT.value] * mislukt + [Status.VERZONDEN.value] * verzonden
    for i, status in enumerate(statussen):
        await Bericht.insert(
            Bericht(
                aan=f"inwoner{i}.{rapport_id}@bewoner.example",
                sjabloon="rapport",
                groep=f"rapport:{rapport_id}",
                status=status,
                volgende_poging_at=tijd.now(),
                aangemaakt_at=tijd.now(),
            )
        )
    return rapport_id


def _deze_maandag() -> date:
    vandaag = tijd.today()
    return vandaag - timedelta(days=vandaag.weekday())


def _nederlands(dag: date, uur: int, minuut: int = 0) -> datetime:
    """A moment on the Dutch clock, stored as UTC."""
    return tijd.from_local(datetime.combine(dag, time(uur, minuut)))


def _sectie(html: str, sectie_id: str) -> str:
    """The HTML of one section of the page, or "" when the page does not show it."""
    found = re.search(rf'<section id="{sectie_id}">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


@pytest.fixture
async def kees(client, settings, database):
    """A raadslid of Beverwijk, logged in."""
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@beverwijk.example", naam="Kees")
    await login(client, "kees@beverwijk.example")


async def test_werkbank_new_vragen_oldest_first_with_date_and_regio_not_another_council(client, kees):
    eerder = _nederlands(date(2026, 3, 2), 10)
    await _vraag("beverwijk", "Speeltuin Breestraat")
    await _vraag("beverwijk", "Parkeren centrum", aangemaakt_at=eerder)
    await _vraag("velsen", "Hele IJmond: minimabeleid", scope="regio")
    await _vraag("velsen", "Strandopgang Velsen")
    await _vraag("beverwijk", "Al getrechterd", stap="trechteren")

    response = await client.get("/raad/beverwijk")

    assert response.status_code == 200
    sectie = _sectie(response.text, "nieuwe-vragen")
    assert 'Nieuwe vragen om te trechteren <span class="aantal">(3)</span>' in sectie
    titels = re.findall(r'<a href="/raad/beverwijk/vragen/\d+">([^<]+)</a>', sectie)
    assert titels == ["Parkeren centrum", "Speeltuin Breestraat", "Hele IJmond: minimabeleid"]
    assert "binnengekomen op 2 maart 2026" in sectie
    assert "Strandopgang Velsen" not in response.text
    assert "Niets te doen" not in response.text


async def test_werkbank_polls_show_answers_and_only_closing_within_3_days_is_binnenkort(client, kees):
    vraag_id = await _vraag("beverwijk", "Fietspad", stap="voorleggen")
    morgen_17 = _nederlands(tijd.today() + timedelta(days=1), 17)
    await _peiling(vraag_id, "Fietspad peiling", morgen_17, antwoorden=2)
    await _peiling(vraag_id, "Over vier dagen", tijd.now() + timedelta(days=4))
    velsen_vraag = await _vraag("velsen", "Velsense vraag", stap="voorleggen")
    await _peiling(velsen_vraag, "Peiling van Velsen", morgen_17)

    sectie = _sectie((await client.get("/raad/beverwijk")).text, "peilingen")

    assert (
        'Peilingen die open zijn <span class="aantal">(2)</span>, waarvan 1 binnenkort sluit</h2>' in sectie
    )
    assert '<strong class="binnenkort">sluit morgen om 17:00</strong>,\n      2 antwoorden' in sectie
    assert sectie.count('class="binnenkort"') == 1
    vier = tijd.now() + timedelta(days=4)
    assert f"sluit op {tijd.datum_lang(tijd.local(vier).date())} om {tijd.tijd(vier)}" in sectie
    assert "Peiling van Velsen" not in sectie


async def test_werkbank_meetings_monday_to_sunday_on_the_dutch_clock(client, kees):
    vraag_id = await _vraag("beverwijk", "Jeugd", stap="voorleggen")
    maandag = _deze_maandag()
    await _bijeenkomst(
        vraag_id, "Jeugd zondagavond", _nederlands(maandag + timedelta(days=6), 23, 30), "Het Huis"
    )
    await _bijeenkomst(vraag_id, "Jeugd maandagochtend", _nederlands(maandag, 0, 0), "Bibliotheek")
    await _bijeenkomst(vraag_id, "Jeugd volgende week", _nederlands(maandag + timedelta(days=7), 0, 0))
    await _bijeenkomst(vraag_id, "Jeugd vorige week", _nederlands(maandag - timedelta(days=1), 23, 30))
    velsen_vraag = await _vraag("velsen", "Velsen", stap="voorleggen")
    await _bijeenkomst(velsen_vraag, "Groep van Velsen", _nederlands(maandag + timedelta(days=2), 19))

    sectie = _sectie((await client.get("/raad/beverwijk")).text, "bijeenkomsten")

    assert 'Bijeenkomsten deze week <span class="aantal">(2)</span>' in sectie
    assert re.findall(r"focusgroep ([^,<]+)", sectie) == ["Jeugd maandagochtend", "Jeugd zondagavond"]
    zondag = tijd.datum(maandag + timedelta(days=6), "EEEE d MMMM")
    assert f"{zondag}, 23:30 tot 01:00</a>:\n      focusgroep Jeugd zondagavond, Het Huis" in sectie


async def test_werkbank_overdue_borging_with_days_late(client, kees):
    vandaag = tijd.today()
    await _vraag("beverwijk", "Afval", stap="borging", reactie_verwacht_op=vandaag - timedelta(days=3))
    await _vraag("beverwijk", "Nog op tijd", stap="borging", reactie_verwacht_op=vandaag)
    await _vraag(
        "velsen", "Te laat in Velsen", stap="borging", reactie_verwacht_op=vandaag - timedelta(days=9)
    )

    sectie = _sectie((await client.get("/raad/beverwijk")).text, "borging")

    assert 'Borging te laat <span class="aantal">(1)</span>' in sectie
    assert re.findall(r'<a href="/raad/beverwijk/vragen/\d+">([^<]+)</a>', sectie) == ["Afval"]
    assert "3 dagen te laat" in sectie


async def test_werkbank_failed_report_mails_counted_per_report_without_addresses(client, kees):
    eerste = await _vraag("beverwijk", "Groen", stap="afgerond")
    tweede = await _vraag("beverwijk", "Water", stap="afgerond")
    await _rapport_met_mislukte_mails(eerste, "Rapport groen", 1)
    await _rapport_met_mislukte_mails(tweede, "Rapport water", 3)
    velsen = await _vraag("velsen", "Velsen", stap="afgerond")
    await _rapport_met_mislukte_mails(velsen, "Rapport Velsen", 2)

    page = (await client.get("/raad/beverwijk")).text
    sectie = _sectie(page, "rapportmails")

    assert 'Rapportmails die niet aankwamen <span class="aantal">(4)</span>' in sectie
    links = re.findall(r'<a href="/raad/beverwijk/vragen/(\d+)/rapport">([^<]+)</a>:\s+(\d+) mail', sectie)
    assert links == [(str(tweede), "Rapport water", "3"), (str(eerste), "Rapport groen", "1")]
    assert "Rapport Velsen" not in page
    assert "@" not in page.replace("kees@beverwijk.example", "")


async def test_werkbank_quiet_council_says_niets_te_doen(client, kees):
    await _vraag("velsen", "Alleen in Velsen")

    page = (await client.get("/raad/beverwijk")).text

    assert "<h2>Niets te doen</h2>" in page
    assert re.findall(r'<section id="([^"]+)">', page) == ["niets-te-doen"]


async def test_werkbank_raadslid_of_another_council_gets_403(client, settings, database):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    await login(client, "dorine@velsen.example")

    response = await client.get("/raad/beverwijk")

    assert response.status_code == 403


async def test_werkbank_beheerder_sees_the_council_of_the_url(client, settings, database):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    await login(client, "beheer@ijmond.example")
    await _vraag("heemskerk", "Vraag van Heemskerk")
    await _vraag("beverwijk", "Vraag van Beverwijk")

    page = (await client.get("/raad/heemskerk")).text

    assert "Vraag van Heemskerk" in page
    assert "Vraag van Beverwijk" not in page


async def test_werkbank_regio_vraag_of_another_region_is_not_shown(client, kees):
    regio_id = await accounts.ensure_regio("kennemerland", "Kennemerland")
    await accounts.ensure_gemeente("haarlem", "Haarlem", "Participatieraad Haarlem", regio_id)
    await _vraag("haarlem", "Kennemerland breed", scope="regio")

    page = (await client.get("/raad/beverwijk")).text

    assert "Kennemerland breed" not in page
    assert "<h2>Niets te doen</h2>" in page


@pytest.fixture
def query_count(database, monkeypatch):
    """How many statements the engine ran: Piccolo's engine method, wrapped on its class."""
    counter = {"n": 0}
    cls = type(database.engine)
    original = cls.run_querystring

    async def counted(engine, querystring, in_pool=False):
        counter["n"] += 1
        return await original(engine, querystring, in_pool)

    monkeypatch.setattr(cls, "run_querystring", counted)
    return counter


async def _one_of_each(n: int) -> None:
    maandag = _deze_maandag()
    for i in range(n):
        await _vraag("beverwijk", f"Nieuw {n}-{i}")
        await _vraag(
            "beverwijk",
            f"Borging {n}-{i}",
            stap="borging",
            reactie_verwacht_op=tijd.today() - timedelta(days=2),
        )
        vraag_id = await _vraag("beverwijk", f"Voorleggen {n}-{i}", stap="voorleggen")
        await _peiling(vraag_id, f"Peiling {n}-{i}", tijd.now() + timedelta(days=1), antwoorden=1)
        await _bijeenkomst(vraag_id, f"Groep {n}-{i}", _nederlands(maandag + timedelta(days=2), 19))
        await _rapport_met_mislukte_mails(vraag_id, f"Rapport {n}-{i}", 1)


async def test_werkbank_runs_the_same_queries_for_1_or_6_of_each(client, kees, query_count):
    await _one_of_each(1)
    await client.get("/raad/beverwijk")
    query_count["n"] = 0
    first = await client.get("/raad/beverwijk")
    few = query_count["n"]
    await _one_of_each(5)

    query_count["n"] = 0
    response = await client.get("/raad/beverwijk")

    assert query_count["n"] == few
    assert few <= 12
    assert first.text.count("<li><a href=") < response.text.count("<li><a href=")
    for sectie_id in ["nieuwe-vragen", "peilingen", "bijeenkomsten", "borging"]:
        assert _sectie(response.text, sectie_id).count("<li>") == 6, sectie_id
    assert 'Rapportmails die niet aankwamen <span class="aantal">(6)</span>' in response.text


def test_week_runs_monday_to_monday_on_the_dutch_clock_across_daylight_saving():
    # Summer time starts on Sunday 29 March 2026: that week is an hour shorter in UTC.
    week = werkbank.Week.van_dag(date(2026, 3, 29))

    assert week.van == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert week.tot == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_sluit_tekst_says_vandaag_morgen_overmorgen_then_the_date():
    nu = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # a Friday, 10:00 Dutch time
    vijf_uur = [datetime(2026, 11, d, 16, 0, tzinfo=UTC) for d in (27, 28, 29, 30)]

    teksten = [werkbank.sluit_tekst(moment, nu) for moment in vijf_uur]

    assert teksten == [
        "sluit vandaag om 17:00",
        "sluit morgen om 17:00",
        "sluit overmorgen om 17:00",
        "sluit op maandag 30 november 2026 om 17:00",
    ]
    assert [werkbank.sluit_binnenkort(moment, nu) for moment in vijf_uur] == [True, True, True, False]


async def test_werkbank_leads_to_the_councils_public_side(client, kees):
    page = (await client.get("/raad/beverwijk")).text
    for pad in ("/raad/beverwijk/site", "/raad/beverwijk/panel", "/beverwijk"):
        assert f'href="{pad}"' in page
        assert (await client.get(pad)).status_code == 200
