"""The beheerder's trail page: search by person, action, vraag, council and period."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from participatie.accounts.tables import Gemeente
from participatie.spoor.tables import Spoorregel
from tests.conftest import login, make_gebruiker

MOMENT = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)  # 11 November, 00:30 on the Dutch clock


async def _gemeente_id(slug: str) -> int:
    row = await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first()
    assert row is not None
    return int(row["id"])


def _regel(at: datetime, door_naam: str, actie: str, **kwargs: Any) -> Spoorregel:
    return Spoorregel(
        at=at,
        door=None,
        door_naam=door_naam,
        gemeente=kwargs.get("gemeente"),
        vraag_id=kwargs.get("vraag_id"),
        onderwerp=kwargs.get("onderwerp", "vraag"),
        onderwerp_id=kwargs.get("onderwerp_id"),
        actie=actie,
        voor=kwargs.get("voor", {}),
        na=kwargs.get("na", {}),
    )


@pytest.fixture
async def trail(database) -> dict[str, int]:
    velsen = await _gemeente_id("velsen")
    beverwijk = await _gemeente_id("beverwijk")
    await Spoorregel.insert(
        _regel(
            MOMENT,
            "Anna de Wit",
            "vraag_gewijzigd",
            gemeente=velsen,
            vraag_id=12,
            onderwerp_id=12,
            voor={"titel": "Oude titel"},
            na={"titel": "Nieuwe titel"},
        ),
        _regel(
            MOMENT - timedelta(days=3), "Kees Bakker", "peiling_gepubliceerd", gemeente=beverwijk, vraag_id=7
        ),
        _regel(
            MOMENT + timedelta(days=2),
            "Bea Beheer",
            "gebruiker_uitgezet",
            onderwerp="gebruiker",
            onderwerp_id=3,
        ),
    )
    return {"velsen": velsen, "beverwijk": beverwijk}


@pytest.fixture
async def beheerder(client, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@test.example")
    await login(client, "beheer@test.example")
    return client


def _rows(html: str) -> list[str]:
    """The 'Wie' cell of each table row, in order (rows and cells carry the Utrecht table
    classes and a data-label for the stacked layout on a phone)."""
    body = (
        html.split('<tbody class="utrecht-table__body">')[1].split("</tbody>")[0] if "<tbody" in html else ""
    )
    return [
        re.findall(r'<td class="utrecht-table__cell" data-label="Wie">(.*?)</td>', row, re.S)[0].strip()
        for row in body.split('<tr class="utrecht-table__row">')[1:]
    ]


async def test_the_whole_trail_shows_newest_first(beheerder, trail):
    page = await beheerder.get("/beheer/spoor")

    assert page.status_code == 200
    assert _rows(page.text) == ["Bea Beheer", "Anna de Wit", "Kees Bakker"]
    assert "11 november 2026 om 00:30" in page.text  # the Dutch clock, not UTC
    assert "titel: Oude titel → Nieuwe titel" in page.text
    assert '<a class="utrecht-link" href="/raad/velsen/vragen/12">vraag 12</a>' in page.text
    assert '<a class="utrecht-link" href="/beheer/gebruikers/3">gebruiker 3</a>' in page.text


async def test_beheerder_finds_a_line_by_part_of_a_name(beheerder, trail):
    page = await beheerder.get("/beheer/spoor", params={"wie": "anna"})

    assert page.status_code == 200
    assert _rows(page.text) == ["Anna de Wit"]


async def test_beheerder_finds_lines_by_action_and_subject(beheerder, trail):
    by_action = await beheerder.get("/beheer/spoor", params={"actie": "gepubliceerd"})
    by_subject = await beheerder.get("/beheer/spoor", params={"onderwerp": "gebruiker"})

    assert _rows(by_action.text) == ["Kees Bakker"]
    assert _rows(by_subject.text) == ["Bea Beheer"]


async def test_beheerder_finds_lines_by_vraag_and_council(beheerder, trail):
    by_vraag = await beheerder.get("/beheer/spoor", params={"vraag": "7"})
    by_council = await beheerder.get("/beheer/spoor", params={"gemeente": "velsen"})

    assert _rows(by_vraag.text) == ["Kees Bakker"]
    assert _rows(by_council.text) == ["Anna de Wit"]


async def test_a_period_runs_over_whole_dutch_days(beheerder, trail):
    # 23:30 UTC on the 10th is the 11th in the Netherlands.
    on_the_11th = await beheerder.get("/beheer/spoor", params={"van": "11-11-2026", "tot": "11-11-2026"})
    up_to_the_10th = await beheerder.get("/beheer/spoor", params={"tot": "10-11-2026"})
    as_the_date_input_sends_it = await beheerder.get("/beheer/spoor", params={"van": "2026-11-11"})

    assert _rows(on_the_11th.text) == ["Anna de Wit"]
    assert _rows(up_to_the_10th.text) == ["Kees Bakker"]
    assert _rows(as_the_date_input_sends_it.text) == ["Bea Beheer", "Anna de Wit"]


async def test_nothing_found_says_so(beheerder, trail):
    page = await beheerder.get("/beheer/spoor", params={"wie": "Niemand Bekend"})

    assert page.status_code == 200
    assert _rows(page.text) == []
    assert "Geen wijzigingen gevonden" in page.text


async def test_a_long_trail_pages_by_a_hundred(beheerder, database):
    await Spoorregel.insert(
        *(_regel(MOMENT + timedelta(minutes=i), f"Persoon {i:03d}", "vraag_gewijzigd") for i in range(105))
    )

    first = await beheerder.get("/beheer/spoor", params={"actie": "vraag"})
    second = await beheerder.get("/beheer/spoor", params={"actie": "vraag", "pagina": "2"})

    assert len(_rows(first.text)) == 100
    assert _rows(first.text)[0] == "Persoon 104"
    assert 'href="/beheer/spoor?actie=vraag&amp;pagina=2"' in first.text
    assert "Vorige" not in first.text
    assert _rows(second.text) == [f"Persoon {i:03d}" for i in range(4, -1, -1)]
    assert 'href="/beheer/spoor?actie=vraag&amp;pagina=1"' in second.text
    assert "Volgende" not in second.text


@pytest.mark.parametrize("tekst", ["%", "_", "%%", " _ % "])
async def test_wildcards_alone_do_not_match_everything(beheerder, trail, tekst):
    by_name = await beheerder.get("/beheer/spoor", params={"wie": tekst})
    by_action = await beheerder.get("/beheer/spoor", params={"actie": tekst})

    for page in (by_name, by_action):
        assert page.status_code == 422
        assert "werken hier niet als jokerteken" in page.text
        assert _rows(page.text) == []


@pytest.mark.parametrize(
    ("params", "melding"),
    [
        ({"vraag": "12a"}, "alleen cijfers"),
        ({"vraag": "-1"}, "alleen cijfers"),
        ({"vraag": "99999999999999999999"}, "alleen cijfers"),
        ({"vraag": "١٢"}, "alleen cijfers"),  # Arabic-Indic digits: isdigit() says yes, the database no
        ({"van": "31-02-2026"}, "Vul een geldige datum in"),
        ({"van": "morgen"}, "Vul een geldige datum in"),
        ({"tot": "0001-01-01"}, "na het jaar 2000"),
        ({"van": "12-11-2026", "tot": "11-11-2026"}, "De einddatum ligt voor de begindatum"),
        ({"gemeente": "haarlem"}, "Kies een gemeente uit de lijst."),
        ({"wie": "a" * 101}, "hoogstens 100 tekens"),
    ],
)
async def test_bad_input_gets_a_dutch_message_on_the_form(beheerder, trail, params, melding):
    page = await beheerder.get("/beheer/spoor", params=params)

    assert page.status_code == 422
    assert melding in page.text
    assert _rows(page.text) == []
    for value in params.values():
        assert f'value="{value}"' in page.text or value in ("haarlem",)  # shown again to correct


@pytest.mark.parametrize(
    "params",
    [
        {"onderwerp": "x' OR 1=1 --"},
        {"wie": "'; DROP TABLE spoorregel; --"},
        {"pagina": "-3"},
        {"pagina": "abc"},
        {"pagina": "99999999999999"},
        {"wie": "<script>alert(1)</script>"},
    ],
)
async def test_hostile_input_is_answered_calmly(beheerder, trail, params):
    page = await beheerder.get("/beheer/spoor", params=params)

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert await Spoorregel.count() == 3


async def test_a_raadslid_may_not_read_the_trail(client, settings, trail):
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")

    page = await client.get("/beheer/spoor")

    assert page.status_code == 403
    assert "Anna de Wit" not in page.text


async def test_an_anonymous_visitor_is_sent_to_login(client, trail):
    page = await client.get("/beheer/spoor")

    assert page.status_code == 302
    assert page.headers["location"] == "/inloggen?volgende=/beheer/spoor"


async def test_the_beheerders_start_page_and_menu_lead_to_the_trail(beheerder):
    page = await beheerder.get("/beheer/gebruikers")

    assert page.text.count('href="/beheer/spoor"') == 2


async def test_the_trail_shows_names_dutch_dates_and_readable_actions(beheerder, trail, settings):
    # Issue 12's leftover: the page showed `verantwoordelijke: 5` and ISO timestamps.
    kees = await make_gebruiker(
        settings, "raadslid", "velsen", email="kees@velsen.example", naam="Kees Bakker"
    )
    await Spoorregel.insert(
        _regel(
            MOMENT,
            "Anna de Wit",
            "concretisering_gewijzigd",
            gemeente=trail["velsen"],
            vraag_id=12,
            onderwerp_id=12,
            voor={"verantwoordelijke": None, "deadline": "2026-12-01"},
            na={"verantwoordelijke": kees, "deadline": "2026-12-27"},
        )
    )

    page = await beheerder.get("/beheer/spoor?actie=concretisering_gewijzigd")

    assert page.status_code == 200
    assert "Concretisering gewijzigd" in page.text
    assert "(leeg) → Kees Bakker" in page.text
    assert "27 december 2026" in page.text
    assert "2026-12-27" not in page.text
    assert f"verantwoordelijke: {kees}" not in page.text
