"""The trail of council actions: written in the domain's transaction, read back per vraag and
searched by a beheerder. Both engines (the `database` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from participatie import spoor, tijd
from participatie.accounts.tables import Gebruiker, Gemeente
from participatie.spoor import Zoekopdracht
from participatie.spoor.tables import Spoorregel


@dataclass(frozen=True)
class Persoon:
    """An actor as spoor.record sees one (accounts.domain.Ingelogd has the same two fields)."""

    id: int
    naam: str


async def _gemeente_id(slug: str) -> int:
    row = await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first()
    assert row is not None
    return row["id"]


async def _persoon(naam: str, gemeente: str) -> Persoon:
    email = naam.lower().replace(" ", ".").replace("%", "").replace("_", "") + "@example.org"
    rows = await Gebruiker.insert(
        Gebruiker(
            email=email,
            naam=naam,
            wachtwoord_hash="niet-gebruikt",
            rol="raadslid",
            gemeente=await _gemeente_id(gemeente),
            aangemaakt_at=tijd.now(),
        )
    )
    return Persoon(id=rows[0]["id"], naam=naam)


async def _acties(z: Zoekopdracht) -> list[str]:
    return [r.actie for r in await spoor.zoek(z)]


# --- record ------------------------------------------------------------------------------------


async def test_record_in_a_rolled_back_transaction_leaves_no_line(database):
    anna = await _persoon("Anna de Wit", "beverwijk")

    class Geweigerd(Exception):
        pass

    with pytest.raises(Geweigerd):
        async with Spoorregel._meta.db.transaction():
            await spoor.record(anna, "vraag_aangepast", onderwerp="vraag", onderwerp_id=7, vraag_id=7)
            raise Geweigerd  # the domain refuses after writing: neither change nor trace stays

    assert await Spoorregel.count() == 0


async def test_record_in_a_committed_transaction_leaves_one_line(database):
    anna = await _persoon("Anna de Wit", "beverwijk")

    async with Spoorregel._meta.db.transaction():
        await spoor.record(anna, "vraag_aangepast", onderwerp="vraag", onderwerp_id=7, vraag_id=7)

    assert await Spoorregel.count() == 1


async def test_record_then_van_vraag_gives_the_lines_newest_first(database):
    anna = await _persoon("Anna de Wit", "beverwijk")
    beverwijk = await _gemeente_id("beverwijk")
    voor, na = spoor.changed(
        {"titel": "Groen", "deadline": date(2026, 12, 1)}, {"titel": "Groener", "deadline": None}
    )

    async with Spoorregel._meta.db.transaction():
        await spoor.record(
            anna, "vraag_aangemaakt", onderwerp="vraag", onderwerp_id=7, vraag_id=7, gemeente_id=beverwijk
        )
    async with Spoorregel._meta.db.transaction():
        await spoor.record(anna, "andere_vraag", onderwerp="vraag", onderwerp_id=8, vraag_id=8)
    async with Spoorregel._meta.db.transaction():
        await spoor.record(
            anna,
            "vraag_aangepast",
            onderwerp="vraag",
            onderwerp_id=7,
            vraag_id=7,
            gemeente_id=beverwijk,
            voor=voor,
            na=na,
        )

    regels = await spoor.van_vraag(7)

    assert [r.actie for r in regels] == ["vraag_aangepast", "vraag_aangemaakt"]
    nieuwste = regels[0]
    assert (
        nieuwste.door_naam,
        nieuwste.gemeente_id,
        nieuwste.vraag_id,
        nieuwste.onderwerp,
        nieuwste.onderwerp_id,
    ) == ("Anna de Wit", beverwijk, 7, "vraag", 7)
    assert nieuwste.voor == {"titel": "Groen", "deadline": "2026-12-01"}
    assert nieuwste.na == {"titel": "Groener", "deadline": None}
    assert nieuwste.velden == [("titel", "Groen", "Groener"), ("deadline", "2026-12-01", None)]
    assert nieuwste.at.tzinfo == UTC
    assert regels[1].voor == {}
    assert regels[1].na == {}


async def test_record_without_a_person_is_the_system(database):
    async with Spoorregel._meta.db.transaction():
        await spoor.record(None, "peiling_gesloten", onderwerp="peiling", onderwerp_id=3, vraag_id=7)

    [regel] = await spoor.van_vraag(7)
    assert (regel.door_naam, regel.actie) == ("", "peiling_gesloten")


async def test_the_trail_outlives_the_account_that_acted(database):
    anna = await _persoon("Anna de Wit", "beverwijk")
    async with Spoorregel._meta.db.transaction():
        await spoor.record(anna, "vraag_aangemaakt", onderwerp="vraag", onderwerp_id=7, vraag_id=7)

    await Gebruiker.delete().where(Gebruiker.id == anna.id)

    [regel] = await spoor.van_vraag(7)
    assert regel.door_naam == "Anna de Wit"


# --- changed ---------------------------------------------------------------------------------


def test_changed_keeps_only_the_fields_that_differ():
    voor = {"titel": "Groen", "tekst": "Meer bomen", "thema": "wonen"}
    na = {"titel": "Groener", "tekst": "Meer bomen", "thema": "wonen"}
    assert spoor.changed(voor, na) == ({"titel": "Groen"}, {"titel": "Groener"})


def test_changed_compares_dates_as_what_the_trail_stores():
    voor = {"deadline": date(2026, 12, 1), "begint_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC)}
    na = {"deadline": "2026-12-01", "begint_at": datetime(2026, 12, 1, 9, 0)}  # naive from SQLite
    assert spoor.changed(voor, na) == ({}, {})


def test_changed_names_a_new_field_with_nothing_before():
    assert spoor.changed({"titel": "Groen"}, {"titel": "Groen", "thema": "wonen"}) == (
        {"thema": None},
        {"thema": "wonen"},
    )


def test_changed_with_nothing_changed_is_empty():
    voor = {"titel": "Groen", "rollen": {"a", "b"}}
    na = {"titel": "Groen", "rollen": {"b", "a"}}
    assert spoor.changed(voor, na) == ({}, {})


# --- zoek --------------------------------------------------------------------------------------


@pytest.fixture
async def trail(database):
    """Three lines a month apart: Anna (Beverwijk) on vraag 7, Bert (Velsen) on vraag 8, and a
    beheerder whose name holds the LIKE wildcards."""
    beverwijk = await _gemeente_id("beverwijk")
    velsen = await _gemeente_id("velsen")
    anna = await _persoon("Anna de Wit", "beverwijk")
    bert = await _persoon("Bert Bakker", "velsen")
    raar = await _persoon("Test_100% beheer", "heemskerk")
    lines = [
        (anna, "vraag_aangemaakt", "vraag", 7, beverwijk, datetime(2026, 1, 10, 10, 0, tzinfo=UTC)),
        (bert, "peiling_gepubliceerd", "peiling", 8, velsen, datetime(2026, 2, 10, 10, 0, tzinfo=UTC)),
        (raar, "gebruiker_aangemaakt", "gebruiker", None, None, datetime(2026, 3, 10, 10, 0, tzinfo=UTC)),
    ]
    for door, actie, onderwerp, vraag_id, gemeente_id, at in lines:
        async with Spoorregel._meta.db.transaction():
            await spoor.record(door, actie, onderwerp=onderwerp, vraag_id=vraag_id, gemeente_id=gemeente_id)
        await Spoorregel.update({Spoorregel.at: at}).where(Spoorregel.actie == actie)
    return {"beverwijk": beverwijk, "velsen": velsen}


async def test_zoek_without_filters_gives_everything_newest_first(trail):
    assert await _acties(Zoekopdracht()) == [
        "gebruiker_aangemaakt",
        "peiling_gepubliceerd",
        "vraag_aangemaakt",
    ]


async def test_zoek_by_part_of_the_name_ignores_case(trail):
    assert await _acties(Zoekopdracht(door="ANNA")) == ["vraag_aangemaakt"]
    assert await _acties(Zoekopdracht(door="bakk")) == ["peiling_gepubliceerd"]


async def test_zoek_by_part_of_the_action(trail):
    assert await _acties(Zoekopdracht(actie="aangemaakt")) == ["gebruiker_aangemaakt", "vraag_aangemaakt"]
    assert await _acties(Zoekopdracht(actie="Gepubliceerd")) == ["peiling_gepubliceerd"]


async def test_zoek_by_onderwerp_vraag_and_gemeente(trail):
    assert await _acties(Zoekopdracht(onderwerp="peiling")) == ["peiling_gepubliceerd"]
    assert await _acties(Zoekopdracht(vraag_id=7)) == ["vraag_aangemaakt"]
    assert await _acties(Zoekopdracht(gemeente_id=trail["velsen"])) == ["peiling_gepubliceerd"]
    assert await _acties(Zoekopdracht(vraag_id=7, gemeente_id=trail["velsen"])) == []


async def test_zoek_by_period_includes_the_start_and_excludes_the_end(trail):
    februari = Zoekopdracht(
        van=datetime(2026, 2, 10, 10, 0, tzinfo=UTC), tot=datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    )
    assert await _acties(februari) == ["peiling_gepubliceerd"]
    assert await _acties(Zoekopdracht(van=datetime(2026, 2, 1, tzinfo=UTC))) == [
        "gebruiker_aangemaakt",
        "peiling_gepubliceerd",
    ]
    assert await _acties(Zoekopdracht(tot=datetime(2026, 2, 1, tzinfo=UTC))) == ["vraag_aangemaakt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", ["gebruiker_aangemaakt"]),
        ("_", ["gebruiker_aangemaakt"]),
        ("100%", ["gebruiker_aangemaakt"]),
        ("%%", []),
        ("a_n", []),
    ],
)
async def test_zoek_wildcards_in_the_name_are_plain_characters(trail, text, expected):
    # As LIKE patterns "%", "_" and "%%" would match every name and "a_n" would match "Anna";
    # as plain text they find only the one name that holds them.
    assert await _acties(Zoekopdracht(door=text)) == expected


async def test_zoek_wildcards_in_the_action_are_plain_characters(trail):
    assert await _acties(Zoekopdracht(actie="%")) == []
    assert await _acties(Zoekopdracht(actie="peiling_")) == ["peiling_gepubliceerd"]
    assert await _acties(Zoekopdracht(actie="g_p")) == []


async def test_zoek_pages_with_limit_and_offset(trail):
    assert [r.actie for r in await spoor.zoek(Zoekopdracht(), limit=1, offset=1)] == ["peiling_gepubliceerd"]
