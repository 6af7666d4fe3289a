"""The beheerder's reference figures, on both engines: a whole table is stored at once with one
trail line, only a beheerder may change it, a wrong cell is refused on the form with the other
cells kept, and two saves at the same moment still leave one row per category."""

from __future__ import annotations

import asyncio
import json

import pytest

from participatie.accounts import domain as accounts
from participatie.accounts.tables import Gemeente
from participatie.bereik import referenties
from participatie.bereik.tables import Referentie
from participatie.fouten import GeenToegang, OngeldigeInvoer
from participatie.kenmerken import LEEFTIJDEN
from participatie.spoor.tables import Spoorregel
from tests.conftest import login, make_gebruiker, post_form

LEEFTIJD = {"16-25": "3.120", "26-40": "4 800", "41-65": "12250", "66-80": "5100", "80+": "1650"}
KERN = {"Beverwijk": "37 500", "Wijk aan Zee": "2.350"}


@pytest.fixture
async def beheerder(database, settings):
    await make_gebruiker(settings, "beheerder", email="beheer@test.example")
    return await accounts.acting_as("beheer@test.example")


async def _gemeente_id(slug: str) -> int:
    return (await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first())["id"]


async def test_the_beheerder_saves_a_whole_table_and_reads_it_back(beheerder):
    gemeente_id = await _gemeente_id("beverwijk")

    aantal = await referenties.save_referenties(
        beheerder, "beverwijk", {"leeftijd": LEEFTIJD, "kern": KERN}, " CBS StatLine, 1 januari 2026 "
    )

    assert aantal == 7
    assert await referenties.load_referenties(gemeente_id) == {
        "leeftijd": {"16-25": 3120, "26-40": 4800, "41-65": 12250, "66-80": 5100, "80+": 1650},
        "kern": {"Beverwijk": 37500, "Wijk aan Zee": 2350},
    }
    assert (await referenties.load_bron(gemeente_id)).tekst == "CBS StatLine, 1 januari 2026"
    # Another municipality's figures are its own.
    assert await referenties.load_referenties(await _gemeente_id("velsen")) == {}
    regels = await Spoorregel.select(Spoorregel.actie, Spoorregel.gemeente, Spoorregel.na)
    assert [(r["actie"], r["gemeente"]) for r in regels] == [("referentiecijfers_gewijzigd", gemeente_id)]
    assert json.loads(regels[0]["na"])["leeftijd: 80+"] == 1650


async def test_saving_again_updates_in_place_and_an_empty_cell_removes_its_figure(beheerder):
    gemeente_id = await _gemeente_id("beverwijk")
    alles = {"leeftijd": LEEFTIJD, "kern": KERN}
    await referenties.save_referenties(beheerder, "beverwijk", alles, "CBS 2025")

    await referenties.save_referenties(
        beheerder, "beverwijk", {"leeftijd": {**LEEFTIJD, "80+": "1700"}, "kern": {}}, "CBS 2026"
    )

    assert await referenties.load_referenties(gemeente_id) == {
        "leeftijd": {"16-25": 3120, "26-40": 4800, "41-65": 12250, "66-80": 5100, "80+": 1700}
    }
    assert await Referentie.count() == 5
    assert set(await Referentie.select(Referentie.bron).output(as_list=True)) == {"CBS 2026"}


async def test_a_raadslid_may_not_change_the_figures(database, settings):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@test.example")
    raadslid = await accounts.acting_as("kees@test.example")

    with pytest.raises(GeenToegang):
        await referenties.save_referenties(raadslid, "beverwijk", {"leeftijd": LEEFTIJD}, "CBS")

    assert await Referentie.count() == 0


@pytest.mark.parametrize(
    ("getypt", "melding"),
    [
        ("12,5", "Vul een heel getal in, zoals 1250."),
        ("-3", "Een aantal kan niet kleiner zijn dan 0."),
        ("10000001", "Dit getal is te groot: het hoogste is 10.000.000."),
        ("9" * 5000, "Dit getal is te groot: het hoogste is 10.000.000."),
        ("٣٣", "Vul een heel getal in, zoals 1250."),
        ("1e6", "Vul een heel getal in, zoals 1250."),
        ("12.34", "Vul een heel getal in, zoals 1250."),
        ("<script>", "Vul een heel getal in, zoals 1250."),
    ],
)
async def test_a_wrong_cell_is_refused_and_nothing_is_stored(beheerder, getypt, melding):
    with pytest.raises(OngeldigeInvoer) as refused:
        await referenties.save_referenties(
            beheerder, "beverwijk", {"leeftijd": {**LEEFTIJD, "66-80": getypt}}, "CBS"
        )

    assert refused.value.fouten == {"leeftijd-3": melding}
    assert await Referentie.count() == 0
    assert await Spoorregel.count() == 0


async def test_figures_without_a_source_are_refused(beheerder):
    with pytest.raises(OngeldigeInvoer) as refused:
        await referenties.save_referenties(beheerder, "beverwijk", {"leeftijd": LEEFTIJD}, "  ")

    assert refused.value.fouten == {"bron": "Vul de bron en de peildatum in."}


async def test_unknown_characteristics_and_categories_are_ignored(beheerder):
    await referenties.save_referenties(
        beheerder,
        "heemskerk",
        {"leeftijd": {"0-15": "99", "80+": "10"}, "inkomen": {"laag": "5"}, "kern": {"Beverwijk": "7"}},
        "CBS",
    )

    assert await referenties.load_referenties(await _gemeente_id("heemskerk")) == {"leeftijd": {"80+": 10}}


async def test_two_saves_at_once_leave_one_row_per_category(beheerder, settings):
    await make_gebruiker(settings, "beheerder", email="beheer2@test.example")
    tweede = await accounts.acting_as("beheer2@test.example")

    await asyncio.gather(
        *(
            referenties.save_referenties(
                wie, "beverwijk", {"leeftijd": {k: str(1000 * i) for k in LEEFTIJD}}, f"CBS {i}"
            )
            for i, wie in enumerate([beheerder, tweede, beheerder, tweede], start=1)
        )
    )

    rows = await Referentie.select(Referentie.categorie, Referentie.aantal, Referentie.bron)
    assert sorted(r["categorie"] for r in rows) == sorted(LEEFTIJD)
    # One save won as a whole: every cell holds the same save's number and source.
    assert len({(r["aantal"], r["bron"]) for r in rows}) == 1


# --- the page, over HTTP ----------------------------------------------------------------------


@pytest.fixture
async def als_beheerder(client, settings):
    await make_gebruiker(settings, "beheerder", email="beheer@test.example")
    await login(client, "beheer@test.example")
    return client


def _formulier(leeftijd: dict[str, str], bron: str = "CBS StatLine, 1 januari 2026") -> dict[str, str]:
    return {f"leeftijd-{n}": leeftijd.get(c, "") for n, c in enumerate(LEEFTIJDEN)} | {"bron": bron}


async def test_the_page_saves_the_table_and_shows_totals_and_shares_in_dutch(als_beheerder):
    instellingen = await als_beheerder.get("/beheer/instellingen")
    keuze = await als_beheerder.get("/beheer/referenties")
    # Reached from the settings (the top menu stays one row on a wide screen).
    assert 'href="/beheer/referenties">Referentiecijfers</a>' in instellingen.text
    assert 'href="/beheer/taal">Woorden voor de taalhulp</a>' in instellingen.text
    assert keuze.status_code == 200 and 'href="/beheer/referenties/beverwijk"' in keuze.text

    antwoord = await post_form(als_beheerder, "/beheer/referenties/beverwijk", _formulier(LEEFTIJD))

    assert antwoord.status_code == 303
    assert antwoord.headers["location"] == "/beheer/referenties/beverwijk?klaar=1"
    pagina = await als_beheerder.get(antwoord.headers["location"])
    assert "De referentiecijfers zijn opgeslagen." in pagina.text
    # 3120 + 4800 + 12250 + 5100 + 1650 = 26920; 80+ is 6,1 % of it.
    assert "Totaal: 26.920 inwoners." in pagina.text
    assert "6,1%" in pagina.text
    assert pagina.text.count('inputmode="numeric"') == 7  # five age bands, two kernen
    assert 'value="CBS StatLine, 1 januari 2026"' in pagina.text
    assert "Laatst opgeslagen op" in pagina.text
    # The trail names the change in words.
    spoor = await als_beheerder.get("/beheer/spoor")
    assert "Referentiecijfers gewijzigd" in spoor.text


async def test_a_wrong_cell_comes_back_on_the_form_with_the_other_cells_kept(als_beheerder):
    antwoord = await post_form(
        als_beheerder, "/beheer/referenties/beverwijk", _formulier({**LEEFTIJD, "80+": "12,5"})
    )

    assert antwoord.status_code == 422
    assert 'id="fout-leeftijd-4"' in antwoord.text and "Vul een heel getal in, zoals 1250." in antwoord.text
    # The summary names the cell and jumps to it.
    assert 'href="#veld-leeftijd-4">80+ jaar: Vul een heel getal in, zoals 1250.</a>' in antwoord.text
    assert 'value="12,5"' in antwoord.text and 'value="4 800"' in antwoord.text
    assert await Referentie.count() == 0


async def test_hostile_input_is_escaped_and_stores_nothing(als_beheerder):
    antwoord = await post_form(
        als_beheerder,
        "/beheer/referenties/beverwijk",
        _formulier({"16-25": '"><script>alert(1)</script>'}, bron="x" * 201),
    )

    assert antwoord.status_code == 422
    assert "<script>alert(1)" not in antwoord.text and "&lt;script&gt;" in antwoord.text
    assert "Dit mag hoogstens 200 tekens lang zijn." in antwoord.text
    assert await Referentie.count() == 0
    # An unknown municipality is not a page.
    assert (await als_beheerder.get("/beheer/referenties/atlantis")).status_code == 404


async def test_a_raadslid_gets_neither_the_page_nor_the_save(client, settings):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@test.example")
    await login(client, "kees@test.example")

    assert (await client.get("/beheer/referenties/beverwijk")).status_code == 403
    antwoord = await post_form(client, "/beheer/referenties/beverwijk", _formulier(LEEFTIJD))
    assert antwoord.status_code == 403
    assert await Referentie.count() == 0


async def test_english_page_formats_numbers_the_english_way(als_beheerder):
    await post_form(als_beheerder, "/beheer/referenties/beverwijk", _formulier(LEEFTIJD))
    als_beheerder.cookies.set("taal", "en")

    pagina = await als_beheerder.get("/beheer/referenties/beverwijk")

    assert "Total: 26,920 inhabitants." in pagina.text and "6.1%" in pagina.text
