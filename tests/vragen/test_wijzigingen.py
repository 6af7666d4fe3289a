"""The vraag page's "Wie wijzigde wat": the trail of this vraag, its polls, groups and report."""

from __future__ import annotations

from participatie import spoor, tijd
from participatie.accounts import domain as accounts
from participatie.spoor.tables import Spoorregel
from participatie.vragen import domain
from tests.conftest import login, make_gebruiker, post_form
from tests.vragen.test_domain import _aanvraag, _concretiseer


async def test_page_shows_who_changed_what_newest_first_and_only_for_this_vraag(client, settings, database):
    await make_gebruiker(
        settings, "raadslid", "beverwijk", email="kees@beverwijk.example", naam="Kees Bakker"
    )
    await make_gebruiker(
        settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example", naam="Marja Leeuw"
    )
    kees = await accounts.acting_as("kees@beverwijk.example")
    vraag_id = await _aanvraag(await accounts.acting_as("marja@beverwijk.example"))
    andere_id = await _aanvraag(await accounts.acting_as("marja@beverwijk.example"), titel="Iets anders")
    await login(client, "kees@beverwijk.example")
    response = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/trechter",
        {"versie": "1", "scope": "gemeente", "thema": "wonen", "prioriteit": "hoog"},
    )
    assert response.status_code == 302
    vraag = await domain.load_vraag(vraag_id)
    # What the poll, focus group and report domains write: a line naming this vraag.
    async with Spoorregel._meta.db.transaction():
        await spoor.record(
            kees,
            "peiling_gewijzigd",
            onderwerp="peiling",
            onderwerp_id=7,
            vraag_id=vraag_id,
            gemeente_id=vraag["gemeente"],
            voor={"titel": "Oude titel"},
            na={"titel": "Nieuwe titel"},
        )
        await spoor.record(kees, "iets_nieuws_gedaan", onderwerp="rapport", vraag_id=vraag_id)
        await spoor.record(kees, "geheim_elders_gedaan", onderwerp="peiling", vraag_id=andere_id)

    page = (await client.get(f"/raad/beverwijk/vragen/{vraag_id}")).text

    sectie = page.split('<h2 id="wijzigingen">Wie wijzigde wat</h2>', 1)[1]
    assert f"{tijd.datum(tijd.now())} om " in sectie
    assert "Kees Bakker" in sectie
    assert "Trechteren opgeslagen" in sectie
    assert "thema: minimabeleid → wonen" in sectie
    assert "prioriteit: (leeg) → hoog" in sectie
    assert "stap: binnengekomen → trechteren" in sectie
    assert 'Peiling gewijzigd <span class="klein">(peiling #7)</span>' in sectie
    assert "titel: Oude titel → Nieuwe titel" in sectie
    assert "iets nieuws gedaan" in sectie  # an action without a Dutch label: its name, readable
    assert "geheim elders gedaan" not in sectie
    # Newest first: the poll's line was written after the trechter form, the aanvraag before it.
    assert (
        sectie.index("iets nieuws gedaan")
        < sectie.index("Peiling gewijzigd")
        < sectie.index("Trechteren opgeslagen")
        < sectie.index("Adviesaanvraag ingediend")
    )
    assert "Marja Leeuw" in sectie  # the ambtenaar who asked, on the oldest line


async def test_trail_shows_people_by_name_and_dates_as_dutch_dates(client, settings, database):
    await make_gebruiker(
        settings, "raadslid", "beverwijk", email="kees@beverwijk.example", naam="Kees Bakker"
    )
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example")
    kees = await accounts.acting_as("kees@beverwijk.example")
    vraag_id = await _aanvraag(await accounts.acting_as("marja@beverwijk.example"))
    await domain.update_trechter(vraag_id, kees, versie=1, scope="gemeente", thema="wonen", prioriteit="hoog")
    await domain.advance_stap(vraag_id, kees, versie=2, naar="concretiseren")
    await _concretiseer(vraag_id, kees)
    await login(client, "kees@beverwijk.example")

    page = (await client.get(f"/raad/beverwijk/vragen/{vraag_id}")).text

    sectie = page.split('<h2 id="wijzigingen">Wie wijzigde wat</h2>', 1)[1]
    deadline = (await domain.load_vraag(vraag_id))["deadline"]
    assert "verantwoordelijk raadslid: (leeg) → Kees Bakker</li>" in sectie
    assert f"uiterste datum: (leeg) → {tijd.datum(deadline)}</li>" in sectie
    assert deadline.isoformat() not in sectie
    assert f"→ {kees.id}<" not in sectie


def test_trail_values_read_as_words():
    namen = {5: "Kees Bakker"}

    assert spoor.waarde_tekst(5, "verantwoordelijke", namen) == "Kees Bakker"
    assert spoor.waarde_tekst(6, "verantwoordelijke", namen) == "account 6 (bestaat niet meer)"
    assert spoor.waarde_tekst("2026-07-01T10:30:00+00:00") == "1 juli 2026 om 12:30"  # summer time
    assert spoor.waarde_tekst("2026-12-01T10:30:00+00:00") == "1 december 2026 om 11:30"
    assert spoor.waarde_tekst("2026-12-01") == "1 december 2026"
    assert spoor.waarde_tekst(True) == "ja"
    assert spoor.waarde_tekst(["2026-12-01", "2026-12-02"]) == "1 december 2026, 2 december 2026"
    assert spoor.waarde_tekst(None) == "(leeg)"
    assert spoor.waarde_tekst(5) == "5"  # a number that is no person stays a number
