"""The beheerder's jargon list and the live signal, over HTTP on both engines: a word added is
flagged in the next signal and leaves a trail line; bad input is refused with a Dutch message and
stores nothing; only a beheerder edits the list; the fragment echoes nothing it was not meant to."""

from __future__ import annotations

import json

import pytest

from participatie.spoor.tables import Spoorregel
from participatie.taalhulp.tables import Jargonwoord
from tests.conftest import login, make_gebruiker, post_form


@pytest.fixture
async def beheerder(client, settings):
    await make_gebruiker(settings, "beheerder", email="beheer@test.example")
    await login(client, "beheer@test.example")
    return client


async def test_a_word_the_beheerder_adds_is_flagged_in_the_next_signal(beheerder):
    voor = await post_form(beheerder, "/taalhulp/signaal", {"tekst": "Wij regelen casusregie voor u."})
    assert "casusregie" not in voor.text

    antwoord = await post_form(
        beheerder, "/beheer/taal", {"woord": " Casusregie ", "alternatief": "één persoon regelt uw hulp"}
    )

    assert antwoord.status_code == 303
    assert await Jargonwoord.select(Jargonwoord.woord, Jargonwoord.alternatief) == [
        {"woord": "casusregie", "alternatief": "één persoon regelt uw hulp"}
    ]
    na = await post_form(beheerder, "/taalhulp/signaal", {"tekst": "Wij regelen casusregie voor u."})
    assert "Schrijf liever “één persoon regelt uw hulp” dan “casusregie”." in na.text
    regels = await Spoorregel.select(Spoorregel.actie, Spoorregel.na).where(
        Spoorregel.onderwerp == "jargonwoord"
    )
    assert [(r["actie"], json.loads(r["na"])) for r in regels] == [
        ("jargonwoord_toegevoegd", {"woord": "casusregie", "alternatief": "één persoon regelt uw hulp"})
    ]
    pagina = await beheerder.get("/beheer/taal?klaar=toegevoegd")
    assert "Het woord staat op de lijst." in pagina.text and "casusregie" in pagina.text


@pytest.mark.parametrize(
    ("woord", "alternatief", "veld", "melding"),
    [
        ("", "iets", "woord", "Vul een woord in: alleen letters, met spaties of streepjes ertussen."),
        ("woord2", "iets", "woord", "Vul een woord in: alleen letters, met spaties of streepjes ertussen."),
        (
            "kop\r\nBcc: x",
            "iets",
            "woord",
            "Vul een woord in: alleen letters, met spaties of streepjes ertussen.",
        ),
        ("<script>", "iets", "woord", "Vul een woord in: alleen letters, met spaties of streepjes ertussen."),
        ("a" * 61, "iets", "woord", "Een woord is hooguit 60 tekens."),
        ("casusregie", "   ", "alternatief", "Vul een eenvoudiger woord in."),
        ("casusregie", "x" * 201, "alternatief", "Het eenvoudiger woord is hooguit 200 tekens."),
        ("borging", "iets", "woord", "Dit woord staat al op de lijst."),
    ],
)
async def test_bad_input_is_refused_on_the_form_and_nothing_is_stored(
    beheerder, woord, alternatief, veld, melding
):
    antwoord = await post_form(beheerder, "/beheer/taal", {"woord": woord, "alternatief": alternatief})

    assert antwoord.status_code == 422
    assert f'id="fout-{veld}"' in antwoord.text and melding in antwoord.text
    assert await Jargonwoord.count() == 0
    assert await Spoorregel.count().where(Spoorregel.onderwerp == "jargonwoord") == 0


async def test_a_word_added_twice_is_refused_the_second_time(beheerder):
    await post_form(beheerder, "/beheer/taal", {"woord": "casusregie", "alternatief": "hulp regelen"})

    tweede = await post_form(beheerder, "/beheer/taal", {"woord": "CASUSREGIE", "alternatief": "iets anders"})

    assert tweede.status_code == 422 and "Dit woord staat al op de lijst." in tweede.text
    assert await Jargonwoord.select(Jargonwoord.alternatief) == [{"alternatief": "hulp regelen"}]


async def test_removing_a_word_takes_it_out_of_the_signal_and_leaves_a_trail_line(beheerder):
    await post_form(beheerder, "/beheer/taal", {"woord": "casusregie", "alternatief": "hulp regelen"})
    woord_id = (await Jargonwoord.select(Jargonwoord.id).first())["id"]

    antwoord = await post_form(beheerder, f"/beheer/taal/{woord_id}/verwijderen", {})

    assert antwoord.status_code == 303
    assert await Jargonwoord.count() == 0
    signaal = await post_form(beheerder, "/taalhulp/signaal", {"tekst": "Wij doen aan casusregie."})
    assert "casusregie”" not in signaal.text
    acties = (
        await Spoorregel.select(Spoorregel.actie)
        .where(Spoorregel.onderwerp == "jargonwoord")
        .order_by(Spoorregel.id)
    )
    assert [r["actie"] for r in acties] == ["jargonwoord_toegevoegd", "jargonwoord_verwijderd"]
    nog_eens = await post_form(beheerder, f"/beheer/taal/{woord_id}/verwijderen", {})
    assert nog_eens.status_code == 404


async def test_only_a_beheerder_edits_the_list_and_only_council_accounts_get_a_signal(client, settings):
    anoniem = await post_form(client, "/taalhulp/signaal", {"tekst": "Hallo."})
    assert anoniem.status_code in (401, 403) and "Taalhulp" not in anoniem.text

    await make_gebruiker(settings, "raadslid", "velsen", email="raad@test.example")
    await login(client, "raad@test.example")
    assert (await client.get("/beheer/taal")).status_code == 403
    geweigerd = await post_form(client, "/beheer/taal", {"woord": "casusregie", "alternatief": "hulp"})
    assert geweigerd.status_code == 403
    assert await Jargonwoord.count() == 0
    signaal = await post_form(client, "/taalhulp/signaal", {"tekst": "Participatie is belangrijk."})
    assert signaal.status_code == 200 and "Schrijf liever “meedoen” dan “participatie”." in signaal.text


async def test_the_fragment_reads_the_named_field_and_escapes_the_text(beheerder):
    lang = (
        "Dit is een zin met <script>alert(1)</script> erin en nog veel meer woorden om lang genoeg te zijn."
    )

    antwoord = await post_form(
        beheerder, "/taalhulp/signaal", {"anders": "Kort.", "intro": lang, "veld": "intro"}
    )

    assert antwoord.status_code == 200
    assert "<script>" not in antwoord.text and "&lt;script&gt;" in antwoord.text
    assert "1 zin is langer dan 15 woorden:" in antwoord.text  # the named field, not "Kort."
    # only what goes inside the page's box: the live region itself stays on the page
    assert "aria-live" not in antwoord.text and antwoord.text.lstrip().startswith('<div class="b1-signaal ')
