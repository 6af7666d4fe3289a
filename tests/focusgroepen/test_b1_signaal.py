"""The B1 signal beside a meeting's agenda, the text the residents get in their invitation:
without JavaScript it shows the signal of the saved agenda (the meeting page) and of a refused
one (the planning form keeps what was typed); with htmx the box is refreshed while typing."""

from __future__ import annotations

from participatie.focusgroepen.tables import Bijeenkomst
from tests.conftest import login, post_form
from tests.focusgroepen.test_domain import _later, make_groep
from tests.taalhulp.test_signaal import MAKKELIJK, MOEILIJK
from tests.taalhulp.test_signaal_paginas import _box


async def _plan(client, groep_id: int, agenda: str, **changes: str):
    velden = {
        "datum": _later().isoformat(),
        "begintijd": "19:30",
        "eindtijd": "21:00",
        "plaats": "Buurthuis De Schakel",
        "agenda": agenda,
    }
    return await post_form(
        client, f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten", {**velden, **changes}
    )


async def _bijeenkomst_pad(groep_id: int) -> str:
    rij = await Bijeenkomst.select(Bijeenkomst.id).first()
    return f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten/{rij['id']}"


async def test_a_hard_agenda_shows_the_advice_on_the_meeting_page(client, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")

    gepland = await _plan(client, groep_id, MOEILIJK)
    pagina = await client.get(await _bijeenkomst_pad(groep_id))

    assert gepland.status_code == 302  # advice, never a block
    box = _box(pagina.text, "b1-agenda")
    assert "b1-signaal--moeilijk" in box and "Moeilijk te lezen" in box
    assert "1 zin is langer dan 15 woorden:" in box
    assert "Schrijf liever “zorgen dat het blijft gebeuren” dan “borging”." in box
    # live while typing: htmx posts the agenda field to the signal fragment
    assert 'hx-post="/taalhulp/signaal"' in pagina.text and '"veld": "agenda"' in pagina.text


async def test_an_easy_agenda_shows_no_advice(client, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")

    await _plan(client, groep_id, MAKKELIJK)
    box = _box((await client.get(await _bijeenkomst_pad(groep_id))).text, "b1-agenda")

    assert "b1-signaal--makkelijk" in box and "Makkelijk te lezen" in box
    assert "Schrijf liever" not in box and "langer dan 15 woorden" not in box


async def test_a_refused_plan_keeps_the_agenda_and_measures_it(client, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")
    leeg = await client.get(f"/raad/beverwijk/focusgroepen/{groep_id}")

    geweigerd = await _plan(client, groep_id, MOEILIJK, begintijd="21:00", eindtijd="20:00")

    assert "Taalhulp: hier ziet u hoe makkelijk uw tekst te lezen is." in _box(leeg.text, "b1-agenda")
    assert geweigerd.status_code == 422 and "De eindtijd ligt voor de begintijd" in geweigerd.text
    assert "Moeilijk te lezen" in _box(geweigerd.text, "b1-agenda")
    assert await Bijeenkomst.count() == 0


async def test_the_live_fragment_measures_the_agenda_field(client, mensen):
    await login(client, "kees@beverwijk.example")

    moeilijk = await post_form(client, "/taalhulp/signaal", {"veld": "agenda", "agenda": MOEILIJK})
    makkelijk = await post_form(client, "/taalhulp/signaal", {"veld": "agenda", "agenda": MAKKELIJK})

    assert moeilijk.status_code == 200 and "Moeilijk te lezen" in moeilijk.text
    assert makkelijk.status_code == 200 and "Makkelijk te lezen" in makkelijk.text
    assert "Schrijf liever" not in makkelijk.text
