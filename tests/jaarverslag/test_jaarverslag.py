"""The year report (issue 15): a world of two years in Beverwijk (and a little of Velsen that must
not count), every figure on the page checked, the Dutch year boundary, what the public may see,
the PDF, and who may open the council's page."""

from __future__ import annotations

import html
import re
import secrets
import shutil
import subprocess
import zlib
from datetime import UTC, date, datetime

import pytest

from participatie import tijd
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid, Reactie
from participatie.jaarverslag import queries
from participatie.peilingen.tables import Antwoord, Peiling, Teller
from participatie.raden.tables import Vergadering
from participatie.vragen.tables import Activiteit, Gebeurtenis, Vraag
from tests.conftest import login, make_gebruiker
from tests.raden.conftest import gemeente_id

GEHEIME_NAAM = "Annegreet Zonnebloem"
GEHEIM_ADRES = "annegreet@voorbeeld.example"
GEHEIME_TEKST = "Mijn idee over het bankje bij Dorpsstraat 12"


def utc(*delen: int) -> datetime:
    return datetime(*delen, tzinfo=UTC)


def amsterdam(*delen: int) -> datetime:
    """A moment on the Dutch clock, as the UTC the database stores."""
    return datetime(*delen, tzinfo=tijd.AMSTERDAM).astimezone(UTC)


async def _vraag(gemeente: int, herkomst: str, aangemaakt: datetime, stap: str, **velden) -> int:
    rows = await Vraag.insert(
        Vraag(
            titel=f"Vraag van {aangemaakt:%Y-%m-%d}",
            tekst=velden.pop("tekst", "Een vraag."),
            herkomst=herkomst,
            gemeente=gemeente,
            stap=stap,
            aangemaakt_at=aangemaakt,
            stap_sinds_at=aangemaakt,
            **velden,
        )
    )
    return rows[0]["id"]


async def _stappen(vraag: int, *wissels: tuple[datetime, str | None, str, str]) -> None:
    """Step changes as the timeline keeps them: (moment, from, to, soort)."""
    for at, van, naar, soort in wissels:
        await Gebeurtenis.insert(
            Gebeurtenis(vraag=vraag, at=at, soort=soort, van_stap=van, naar_stap=naar, is_intern=False)
        )


async def _peiling(gemeente: int, vraag: int) -> int:
    rows = await Peiling.insert(
        Peiling(
            vraag=vraag,
            gemeente=gemeente,
            titel="Peiling",
            sleutel=secrets.token_hex(6),
            status="gesloten",
            aangemaakt_at=utc(2024, 1, 1),
        )
    )
    return rows[0]["id"]


async def _antwoorden(peiling: int, bron: str, *momenten: datetime) -> None:
    for moment in momenten:
        await Antwoord.insert(Antwoord(peiling=peiling, ingediend_uur=moment, bron=bron))


async def _groep(gemeente: int, vraag: int, aangemaakt: datetime, aantal_inwoners: int | None = None) -> int:
    rows = await Focusgroep.insert(
        Focusgroep(
            vraag=vraag,
            gemeente=gemeente,
            thema="Minima",
            eind_op=date(2025, 12, 31),
            aantal_inwoners=aantal_inwoners,
            aangemaakt_at=aangemaakt,
        )
    )
    return rows[0]["id"]


async def _lid(groep: int, soort: str, naam: str = "", gebruiker: int | None = None) -> int:
    rows = await Lid.insert(
        Lid(
            focusgroep=groep,
            soort=soort,
            naam=naam,
            email=GEHEIM_ADRES if naam else None,
            gebruiker=gebruiker,
            aangemaakt_at=utc(2025, 3, 1),
        )
    )
    return rows[0]["id"]


async def _bijeenkomst(groep: int, begint: datetime, *, geannuleerd=False, aanwezig_inwoners=None) -> int:
    rows = await Bijeenkomst.insert(
        Bijeenkomst(
            focusgroep=groep,
            begint_at=begint,
            eindigt_at=begint,
            uid=secrets.token_hex(8),
            geannuleerd=geannuleerd,
            aanwezig_inwoners=aanwezig_inwoners,
            verslag="Annegreet vertelde over haar buurman.",
        )
    )
    return rows[0]["id"]


async def _vergadering(gemeente: int, begint: datetime, geannuleerd: bool = False) -> None:
    await Vergadering.insert(
        Vergadering(
            gemeente=gemeente,
            begint_at=begint,
            eindigt_at=begint,
            plaats="Stadhuis",
            onderwerp="Vergadering",
            is_geannuleerd=geannuleerd,
            aangemaakt_at=begint,
            gewijzigd_at=begint,
        )
    )


async def _bereik(vraag: int, vorm: str, datum: date, aantal: int, omschrijving: str = "") -> None:
    await Activiteit.insert(Activiteit(vraag=vraag, waar=omschrijving, op=datum, bereikt=aantal, vorm=vorm))


async def seed_world(mensen) -> None:
    """Two years of Beverwijk. The comments give what each row adds to which year."""
    bev = await gemeente_id("beverwijk")
    vel = await gemeente_id("velsen")

    # 2025, gemeente; binnengekomen 2 days, trechteren 4 days; now concretiseren.
    v1 = await _vraag(bev, "gemeente", utc(2025, 2, 1, 10), "concretiseren")
    await _stappen(
        v1,
        (utc(2025, 2, 1, 10), None, "binnengekomen", "stap"),
        (utc(2025, 2, 3, 10), "binnengekomen", "trechteren", "stap"),
        (utc(2025, 2, 7, 10), "trechteren", "concretiseren", "stap"),
    )
    # 2025, raad; binnengekomen 4 days, trechteren 1 day; now afgewezen.
    v2 = await _vraag(bev, "raad", utc(2025, 3, 1), "afgewezen")
    await _stappen(
        v2,
        (utc(2025, 3, 1), None, "binnengekomen", "stap"),
        (utc(2025, 3, 5), "binnengekomen", "trechteren", "stap"),
        (utc(2025, 3, 6), "trechteren", "afgewezen", "stap"),
    )
    # 1 January 2025 00:30 in Amsterdam is 31 December 2024 23:30 UTC: an idea of 2025.
    v3 = await _vraag(
        bev,
        "inwoner",
        amsterdam(2025, 1, 1, 0, 30),
        "binnengekomen",
        tekst=GEHEIME_TEKST,
        inwoner_email=GEHEIM_ADRES,
    )
    await _stappen(v3, (amsterdam(2025, 1, 1, 0, 30), None, "binnengekomen", "stap"))
    # 31 December 2024 23:30 in Amsterdam (22:30 UTC): an idea of 2024.
    await _vraag(bev, "inwoner", amsterdam(2024, 12, 31, 23, 30), "binnengekomen", tekst=GEHEIME_TEKST)
    # 2024, gemeente, the whole way. 2024: binnengekomen 6, trechteren 3, concretiseren 21,
    # voorleggen 92 days. 2025: terugkoppelen 96, advies 11, borging 41 days; advice of 2025, adopted.
    v5 = await _vraag(
        bev,
        "gemeente",
        utc(2024, 6, 1),
        "afgerond",
        advies_at=utc(2025, 1, 15),
        reactie_oordeel="overgenomen",
        reactie_at=utc(2025, 2, 20),
        reactie_verwacht_op=date(2025, 2, 26),
    )
    await _stappen(
        v5,
        (utc(2024, 6, 1), None, "binnengekomen", "stap"),
        (utc(2024, 6, 7), "binnengekomen", "trechteren", "stap"),
        (utc(2024, 6, 10), "trechteren", "concretiseren", "stap"),
        (utc(2024, 7, 1), "concretiseren", "voorleggen", "stap"),
        (utc(2024, 10, 1), "voorleggen", "terugkoppelen", "stap"),
        (utc(2025, 1, 5), "terugkoppelen", "advies", "stap"),
        (utc(2025, 1, 16), "advies", "borging", "stap"),
        (utc(2025, 2, 26), "borging", "afgerond", "stap"),
    )
    # 2024, gemeente; advice of 2025 without a reaction, overdue. Its steps in between are not
    # on the timeline: the change to borging cannot be measured.
    v6 = await _vraag(
        bev,
        "gemeente",
        utc(2024, 9, 1),
        "borging",
        advies_at=utc(2025, 5, 1),
        reactie_verwacht_op=date(2025, 6, 12),
    )
    await _stappen(
        v6, (utc(2024, 9, 1), None, "binnengekomen", "stap"), (utc(2025, 5, 2), "advies", "borging", "stap")
    )
    # 2025, raad, no timeline at all; advice of 2025, partly adopted.
    await _vraag(
        bev,
        "raad",
        utc(2025, 4, 1),
        "afgerond",
        advies_at=utc(2025, 11, 1),
        reactie_oordeel="deels",
        reactie_at=utc(2025, 11, 20),
    )
    # 2025, gemeente; advice written but not sent (still in advies): not counted as given.
    await _vraag(bev, "gemeente", utc(2025, 10, 1), "advies", advies_at=utc(2025, 12, 1))
    # Velsen: counts nowhere in Beverwijk.
    velsen_vraag = await _vraag(vel, "gemeente", utc(2025, 5, 1), "borging", advies_at=utc(2025, 5, 1))

    # Poll responses. 2025: link 3, code 2, kiosk 1. 2024: link 1. The kiosk response at
    # 31 December 2025 23:00 UTC is 1 January 2026 on the Dutch clock.
    peiling = await _peiling(bev, v1)
    await _antwoorden(peiling, "link", utc(2025, 2, 10, 9), utc(2025, 2, 10, 10), utc(2025, 7, 1, 12))
    await _antwoorden(peiling, "link", utc(2024, 5, 1, 12))
    await _antwoorden(peiling, "code", utc(2025, 2, 11, 9), utc(2025, 2, 12, 9))
    await _antwoorden(peiling, "kiosk", utc(2025, 6, 1, 9), utc(2025, 12, 31, 23))
    await _antwoorden(await _peiling(vel, velsen_vraag), "link", utc(2025, 5, 2, 9), utc(2025, 5, 3, 9))

    # Focus groups of 2025: one with its members (2 residents and a council member), one whose
    # residents' data are gone (5 kept). Meetings: 1 resident present + 4 kept; one cancelled.
    groep = await _groep(bev, v1, utc(2025, 3, 1))
    anna = await _lid(groep, "inwoner", GEHEIME_NAAM)
    bert = await _lid(groep, "inwoner", "Bert Binnenhof")
    kees = await _lid(groep, "raadslid", gebruiker=mensen["raadslid"].id)
    eerste = await _bijeenkomst(groep, utc(2025, 3, 10, 18))
    for lid, aanwezig in ((anna, True), (bert, False), (kees, True)):
        await Reactie.insert(Reactie(bijeenkomst=eerste, lid=lid, antwoord="ja", aanwezig=aanwezig))
    oud = await _groep(bev, v1, utc(2025, 4, 1), aantal_inwoners=5)
    await _bijeenkomst(oud, utc(2025, 5, 1, 18), aanwezig_inwoners=4)
    await _bijeenkomst(oud, utc(2025, 6, 1, 18), geannuleerd=True)
    await _groep(vel, velsen_vraag, utc(2025, 3, 1), aantal_inwoners=9)

    # Outreach: 2025 one visit, 12 residents; 2024 one visit, 7.
    await Activiteit.insert(Activiteit(vraag=v1, waar="Voedselbank", op=date(2025, 5, 5), bereikt=12))
    await Activiteit.insert(Activiteit(vraag=v1, waar="Koor", op=date(2024, 12, 31), bereikt=7))
    # Outreach per vorm (bereik), by its date. 2025: opiniebus 40 + 25, sleutelfiguren 4 on the
    # year's last day. 2024: spiegelgesprek 8. 2026 and Velsen count nowhere here.
    await _bereik(v1, "opiniebus", date(2025, 3, 1), 40, omschrijving="Opiniebus bij de Voedselbank")
    await _bereik(v1, "opiniebus", date(2025, 9, 1), 25)
    await _bereik(v1, "sleutelfiguren", date(2025, 12, 31), 4)
    await _bereik(v1, "spiegelgesprek", date(2024, 12, 31), 8)
    await _bereik(v1, "bezoek_op_locatie", date(2026, 1, 1), 9)
    await _bereik(velsen_vraag, "opiniebus", date(2025, 3, 1), 100)

    # Council meetings: 2025 one held, one cancelled; 2024 one held; Velsen's does not count.
    await _vergadering(bev, utc(2025, 2, 10, 18))
    await _vergadering(bev, utc(2025, 3, 10, 18), geannuleerd=True)
    await _vergadering(bev, utc(2024, 11, 1, 18))
    await _vergadering(vel, utc(2025, 2, 10, 18))


# What the page shows, per table caption: {row label: number as shown}.
VERWACHT_2025 = {
    "Vragen per herkomst in 2025": {
        "Adviesaanvraag van de gemeente": "2",
        "Door de raad zelf op de agenda gezet": "2",
        "Idee of vraag van een inwoner": "1",
        "Totaal": "5",
    },
    "Waar deze vragen nu zijn": {
        "Binnengekomen": "1",
        "Concretiseren": "1",
        "Advies": "1",
        "Afgerond": "1",
        "Afgewezen": "1",
    },
    "Dagen per stap in 2025": {
        "Binnengekomen": ("3,0", "2"),
        "Trechteren": ("2,5", "2"),
        "Terugkoppelen": ("96,0", "1"),
        "Advies": ("11,0", "1"),
        "Borging": ("41,0", "1"),
    },
    "Antwoorden op flitspeilingen, per manier van meedoen": {
        "Via de openbare link": "3",
        "Met een persoonlijke code": "2",
        "Op een tablet van de raad": "1",
        "Totaal": "6",
    },
    "Andere manieren van meedoen": {
        "Focusgroepen gestart": "2",
        "Inwoners in die focusgroepen": "7",
        "Keer dat een inwoner bij een bijeenkomst was": "5",
        "Activiteiten om inwoners te bereiken": "4",
        "Ideeën en vragen van inwoners": "1",
    },
    "Mensen bereikt buiten de peilingen, per vorm": {
        "Bezoek op locatie": "12",
        "Opiniebus": "65",
        "Spiegelgesprek": "0",
        "Sleutelfiguren": "4",
        "Totaal": "81",
    },
    "Adviezen verstuurd in 2025": {
        "Overgenomen": "1",
        "Deels overgenomen": "1",
        "Niet overgenomen": "0",
        "Nog geen reactie": "1",
        "Adviezen verstuurd": "3",
    },
    "Gehouden in 2025": {"Bijeenkomsten van focusgroepen": "2", "Openbare vergaderingen van de raad": "1"},
}

VERWACHT_2024 = {
    "Vragen per herkomst in 2024": {
        "Adviesaanvraag van de gemeente": "2",
        "Door de raad zelf op de agenda gezet": "0",
        "Idee of vraag van een inwoner": "1",
        "Totaal": "3",
    },
    "Waar deze vragen nu zijn": {"Binnengekomen": "1", "Borging": "1", "Afgerond": "1"},
    "Dagen per stap in 2024": {
        "Binnengekomen": ("6,0", "1"),
        "Trechteren": ("3,0", "1"),
        "Concretiseren": ("21,0", "1"),
        "Voorleggen": ("92,0", "1"),
    },
    "Antwoorden op flitspeilingen, per manier van meedoen": {
        "Via de openbare link": "1",
        "Met een persoonlijke code": "0",
        "Op een tablet van de raad": "0",
        "Totaal": "1",
    },
    "Andere manieren van meedoen": {
        "Focusgroepen gestart": "0",
        "Inwoners in die focusgroepen": "0",
        "Keer dat een inwoner bij een bijeenkomst was": "0",
        "Activiteiten om inwoners te bereiken": "2",
        "Ideeën en vragen van inwoners": "1",
    },
    "Mensen bereikt buiten de peilingen, per vorm": {
        "Bezoek op locatie": "7",
        "Opiniebus": "0",
        "Spiegelgesprek": "8",
        "Sleutelfiguren": "0",
        "Totaal": "15",
    },
    "Adviezen verstuurd in 2024": {
        "Overgenomen": "0",
        "Deels overgenomen": "0",
        "Niet overgenomen": "0",
        "Nog geen reactie": "0",
        "Adviezen verstuurd": "0",
    },
    "Gehouden in 2024": {"Bijeenkomsten van focusgroepen": "0", "Openbare vergaderingen van de raad": "1"},
}


def _tekst(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def tabellen(pagina: str) -> dict[str, dict[str, object]]:
    """Every table of the page: caption -> {row heading: number, or (number, number)}."""
    gevonden: dict[str, dict[str, object]] = {}
    for tabel in re.findall(r"<table.*?</table>", pagina, re.S):
        caption = _tekst(re.search(r"<caption.*?</caption>", tabel, re.S).group(0))
        rijen: dict[str, object] = {}
        for rij in re.findall(r"<tbody.*?</tbody>", tabel, re.S)[0].split("</tr>")[:-1]:
            kop = _tekst(re.search(r"<th.*?</th>", rij, re.S).group(0))
            cellen = [_tekst(c) for c in re.findall(r"<td.*?</td>", rij, re.S)]
            rijen[kop] = cellen[0] if len(cellen) == 1 else tuple(cellen)
        gevonden[caption] = rijen
    return gevonden


async def test_every_figure_of_two_years(client, mensen):
    await seed_world(mensen)
    pagina_2025 = await client.get("/beverwijk/jaarverslag/2025")
    pagina_2024 = await client.get("/beverwijk/jaarverslag/2024")
    assert (pagina_2025.status_code, pagina_2024.status_code) == (200, 200)
    assert tabellen(pagina_2025.text) == VERWACHT_2025
    assert tabellen(pagina_2024.text) == VERWACHT_2024
    # v6's change to borging has no start on the timeline: said so, and left out.
    assert "Let op: bij 1 stapwissel weten we niet wanneer de stap begon. Die telt niet mee." in _tekst(
        pagina_2025.text
    )
    assert "stapwissel weten we niet" not in pagina_2024.text
    assert "Op 1 advies had de gemeente al moeten reageren" in _tekst(pagina_2025.text)


async def test_the_year_follows_the_dutch_clock(database, mensen):
    bev = await gemeente_id("beverwijk")
    # 1 January 2026 00:30 Amsterdam = 31 December 2025 23:30 UTC: the new year.
    await _vraag(bev, "inwoner", utc(2025, 12, 31, 23, 30), "binnengekomen")
    # 31 December 2025 23:30 Amsterdam = 22:30 UTC: still the old year.
    await _vraag(bev, "raad", amsterdam(2025, 12, 31, 23, 30), "binnengekomen")
    nu = utc(2026, 6, 1)
    oud, nieuw = await queries.jaarcijfers(bev, 2025, nu), await queries.jaarcijfers(bev, 2026, nu)
    assert (oud.herkomst, nieuw.herkomst) == (
        {"gemeente": 0, "raad": 1, "inwoner": 0},
        {"gemeente": 0, "raad": 0, "inwoner": 1},
    )
    assert queries.grenzen(2026) == (utc(2025, 12, 31, 23), utc(2026, 12, 31, 23))


async def test_meetings_still_to_come_are_not_yet_held(database, mensen):
    bev = await gemeente_id("beverwijk")
    await _vergadering(bev, utc(2025, 2, 10, 18))
    await _vergadering(bev, utc(2025, 9, 10, 18))
    assert (await queries.jaarcijfers(bev, 2025, utc(2025, 6, 1))).vergaderingen == 1
    assert (await queries.jaarcijfers(bev, 2025, utc(2026, 1, 1))).vergaderingen == 2


async def test_public_page_and_pdf_hold_no_names_addresses_or_typed_text(client, mensen):
    await seed_world(mensen)
    for pad in ("/beverwijk/jaarverslag/2025", "/beverwijk/jaarverslag/2024"):
        pagina = (await client.get(pad)).text
        geheimen = (GEHEIME_NAAM, "Annegreet", "Bert Binnenhof", GEHEIM_ADRES, GEHEIME_TEKST, "Dorpsstraat")
        for geheim in geheimen:
            assert geheim not in pagina, (pad, geheim)
        assert "Voedselbank" not in pagina  # where the council went may name a small group
        assert "Vraag van 2025" not in pagina  # no titles either: only counts
    pdf = await client.get("/beverwijk/jaarverslag/2025/pdf")
    tekst = _pdf_tekst(pdf.content)
    for geheim in (GEHEIME_NAAM, GEHEIM_ADRES, GEHEIME_TEKST, "Bert Binnenhof"):
        assert geheim.encode() not in tekst


def _pdf_tekst(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream unpacked: WeasyPrint's tagged PDF keeps each
    heading's text there (structure tree and bookmarks), so no PDF reader is needed."""
    delen = [pdf]
    for stroom in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            delen.append(zlib.decompress(stroom))
        except zlib.error:
            continue
    return b"\n".join(delen)


async def test_the_pdf_is_a_real_pdf_with_the_headings(client, mensen):
    await seed_world(mensen)
    response = await client.get("/beverwijk/jaarverslag/2025/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert 'filename="jaarverslag-beverwijk-2025-nl.pdf"' in response.headers["content-disposition"]
    tekst = _pdf_tekst(response.content)
    for kop in (
        "Jaarverslag 2025",
        "Vragen die binnenkwamen",
        "Hoe lang een stap duurde",
        "Inwoners bereikt",
        "Adviezen en wat de gemeente ermee deed",
        "Bijeenkomsten en vergaderingen",
    ):
        assert kop.encode() in tekst, kop
    # In English when asked in English.
    client.cookies.set("taal", "en")
    engels = await client.get("/beverwijk/jaarverslag/2025/pdf")
    assert b"Annual report 2025" in _pdf_tekst(engels.content)
    assert "jaarverslag-beverwijk-2025-en.pdf" in engels.headers["content-disposition"]


async def test_council_page_shows_the_year_and_links_the_public_page(client, settings, mensen):
    await seed_world(mensen)
    await login(client, "kees@beverwijk.example")
    response = await client.get("/raad/beverwijk/jaarverslag", params={"jaar": "2025"})
    assert response.status_code == 200
    assert tabellen(response.text) == VERWACHT_2025
    assert 'href="/beverwijk/jaarverslag/2025"' in response.text
    assert 'href="/beverwijk/jaarverslag/2025/pdf"' in response.text
    assert '<option value="2025" selected>' in response.text
    # Without a year: this year on the Dutch clock.
    standaard = await client.get("/raad/beverwijk/jaarverslag")
    assert f'<option value="{tijd.today().year}" selected>' in standaard.text


async def test_who_may_open_what(client, settings, mensen):
    anoniem = await client.get("/raad/beverwijk/jaarverslag")
    assert anoniem.status_code == 302
    assert (await client.get("/beverwijk/jaarverslag/2025")).status_code == 200
    await login(client, "dorine@velsen.example")
    assert (await client.get("/raad/beverwijk/jaarverslag")).status_code == 403
    assert (await client.get("/raad/velsen/jaarverslag")).status_code == 200
    await login(client, "marja@beverwijk.example")  # an ambtenaar: not the council's page
    assert (await client.get("/raad/beverwijk/jaarverslag")).status_code == 403
    await make_gebruiker(settings, "beheerder", None, email="beheer@jaar.example")
    await login(client, "beheer@jaar.example")
    assert (await client.get("/raad/beverwijk/jaarverslag?jaar=2024")).status_code == 200


@pytest.mark.parametrize(
    "pad",
    [
        "/beverwijk/jaarverslag/2019",
        "/beverwijk/jaarverslag/2019/pdf",
        "/beverwijk/jaarverslag/{te_laat}",
        "/beverwijk/jaarverslag/{te_laat}/pdf",
        "/nergens/jaarverslag/2025",
        "/beverwijk/jaarverslag/twintig",
    ],
)
async def test_a_year_out_of_range_is_not_found(client, pad):
    response = await client.get(pad.format(te_laat=tijd.today().year + 2))
    assert response.status_code == 404


async def test_council_page_with_a_year_out_of_range_is_not_found(client, mensen):
    await login(client, "kees@beverwijk.example")
    assert (await client.get("/raad/beverwijk/jaarverslag?jaar=2019")).status_code == 404
    # Next year has a page (meetings are planned ahead); a word is this year.
    assert (await client.get(f"/raad/beverwijk/jaarverslag?jaar={tijd.today().year + 1}")).status_code == 200
    assert (await client.get("/raad/beverwijk/jaarverslag?jaar=vorig")).status_code == 200


async def test_an_empty_year_says_so_kindly(client, database):
    response = await client.get("/beverwijk/jaarverslag/2021")
    assert response.status_code == 200
    assert "Over 2021 is nog niets vastgelegd" in response.text
    assert "<table" not in response.text
    assert "/beverwijk/jaarverslag/2021/pdf" not in response.text


async def test_public_page_in_english(client, mensen):
    await seed_world(mensen)
    client.cookies.set("taal", "en")
    response = await client.get("/beverwijk/jaarverslag/2025")
    tekst = _tekst(response.text)
    for zin in ("Annual report 2025", "Questions that came in", "Residents reached", "Days (median)"):
        assert zin in tekst, zin
    for zin in ("Vragen die binnenkwamen", "Inwoners bereikt", "Via de openbare link"):
        assert zin not in tekst, zin
    # English numbers: a decimal point.
    assert "96.0" in tekst


async def test_the_council_pages_link_the_year_report(client, settings):
    jaar = tijd.local(tijd.now()).year
    publiek = await client.get("/beverwijk")
    await make_gebruiker(settings, "raadslid", "beverwijk", email="link.raad@beverwijk.example")
    await login(client, "link.raad@beverwijk.example")
    werkbank = await client.get("/raad/beverwijk")

    assert f'href="/beverwijk/jaarverslag/{jaar}"' in publiek.text
    assert f'href="/beverwijk/jaarverslag/{jaar - 1}"' in publiek.text
    assert 'href="/raad/beverwijk/jaarverslag"' in werkbank.text
    for pad in (
        f"/beverwijk/jaarverslag/{jaar}",
        f"/beverwijk/jaarverslag/{jaar - 1}",
        "/raad/beverwijk/jaarverslag",
    ):
        assert (await client.get(pad)).status_code == 200, pad


async def _in_taal(peiling: int, taal: str, aantal: int, moment: datetime) -> None:
    """Responses in a language as submit() leaves them: the responses, and the language count
    of their (Amsterdam) year apart from them."""
    for _ in range(aantal):
        await Antwoord.insert(Antwoord(peiling=peiling, ingediend_uur=moment, bron="link"))
    await Teller.insert(
        Teller(peiling=peiling, soort="taal", sleutel=taal, venster=tijd.local(moment).year, aantal=aantal)
    )


TAALTABEL = "Antwoorden op flitspeilingen, per taal"


async def test_answers_per_language_hide_small_groups(client, mensen):
    """Dutch first, then the most used; a language under 10 answers says "minder dan 10"."""
    bev, vel = await gemeente_id("beverwijk"), await gemeente_id("velsen")
    vraag = await _vraag(bev, "gemeente", utc(2025, 2, 1), "voorleggen")
    peiling = await _peiling(bev, vraag)
    await _in_taal(peiling, "nl", 31, utc(2025, 3, 1, 9))
    await _in_taal(peiling, "en", 12, utc(2025, 3, 1, 9))
    await _in_taal(peiling, "ar", 10, utc(2025, 3, 1, 9))
    await _in_taal(peiling, "ti", 3, utc(2025, 3, 1, 9))
    await _in_taal(peiling, "tr", 2, utc(2025, 3, 1, 9))
    # 1 January 2026 on the Dutch clock, and Velsen's answers: not in Beverwijk's 2025.
    await _in_taal(peiling, "pl", 20, utc(2025, 12, 31, 23))
    velsen = await _peiling(vel, await _vraag(vel, "gemeente", utc(2025, 2, 1), "voorleggen"))
    await _in_taal(velsen, "de", 15, utc(2025, 3, 1, 9))

    pagina = await client.get("/beverwijk/jaarverslag/2025")

    assert tabellen(pagina.text)[TAALTABEL] == {
        "Nederlands": "31",
        "Engels": "12",
        "Arabisch": "10",
        "Tigrinya": "minder dan 10",
        "Turks": "minder dan 10",
    }
    assert "Minder dan 10 antwoorden in een taal tonen we niet precies" in _tekst(pagina.text)
    assert tabellen(pagina.text)["Antwoorden op flitspeilingen, per manier van meedoen"]["Totaal"] == "58"


async def test_one_small_language_hides_a_second_so_the_total_does_not_tell(client, mensen):
    bev = await gemeente_id("beverwijk")
    peiling = await _peiling(bev, await _vraag(bev, "gemeente", utc(2025, 2, 1), "voorleggen"))
    await _in_taal(peiling, "nl", 40, utc(2025, 3, 1, 9))
    await _in_taal(peiling, "en", 11, utc(2025, 3, 1, 9))
    await _in_taal(peiling, "ar", 2, utc(2025, 3, 1, 9))

    pagina = await client.get("/beverwijk/jaarverslag/2025")

    assert tabellen(pagina.text)[TAALTABEL] == {
        "Nederlands": "40",
        "Engels": "10 of meer",
        "Arabisch": "minder dan 10",
    }


async def test_only_dutch_answers_give_no_language_table(client, mensen):
    await seed_world(mensen)  # every answer in Dutch
    pagina = await client.get("/beverwijk/jaarverslag/2025")
    assert TAALTABEL not in tabellen(pagina.text)
    assert "Minder dan 10 antwoorden" not in pagina.text


def test_taalregels_hide_small_counts_and_name_languages_in_dutch():
    assert queries.taalregels({"nl": 30}) == []
    assert queries.taalregels({"nl": 9, "en": 10}) == [
        queries.Taalregel("nl", "Nederlands", None, is_klein=True),
        queries.Taalregel("en", "Engels", None, is_klein=False),
    ]
    assert queries.taalregels({"xx-onbekend": 12, "nl": 12, "en": 30}) == [
        queries.Taalregel("nl", "Nederlands", 12, is_klein=False),
        queries.Taalregel("en", "Engels", 30, is_klein=False),
        queries.Taalregel("xx-onbekend", "xx-onbekend", 12, is_klein=False),
    ]


# A table's text is in the PDF's content streams as glyph ids, not as text: poppler reads it.
PDFTOTEXT = shutil.which("pdftotext")


def _pdf_regels(pdf: bytes) -> list[str]:
    """The PDF's lines as poppler lays them out, runs of spaces made one."""
    assert PDFTOTEXT is not None
    uit = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return [" ".join(r.split()) for r in uit.stdout.decode().splitlines()]


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
async def test_the_pdf_holds_the_outreach_and_language_tables(client, mensen):
    await seed_world(mensen)
    bev = await gemeente_id("beverwijk")
    peiling = await _peiling(bev, await _vraag(bev, "gemeente", utc(2025, 2, 1), "voorleggen"))
    await _in_taal(peiling, "en", 3, utc(2025, 3, 1, 9))
    # seed_world's 6 responses of 2025, in Dutch: their language count, as submit() keeps it.
    await Teller.insert(Teller(peiling=peiling, soort="taal", sleutel="nl", venster=2025, aantal=6))

    regels = _pdf_regels((await client.get("/beverwijk/jaarverslag/2025/pdf")).content)

    for regel in (
        "Mensen bereikt buiten de peilingen, per vorm",
        "Opiniebus 65",
        "Sleutelfiguren 4",
        TAALTABEL,
        "Nederlands minder dan 10",  # seed_world: 6 Dutch answers in 2025
        "Engels minder dan 10",
    ):
        assert regel in regels, (regel, regels)
