"""The B1 signal where the council writes, without JavaScript: the report editor shows the
signal of each text after saving it, and after a refusal (the typed text is kept and measured)."""

from __future__ import annotations

import html
import re

from tests.conftest import login, post_form
from tests.rapporten.test_domain import make_vraag_met_deelnemers
from tests.rapporten.test_routes import versie_in
from tests.taalhulp.test_signaal import MAKKELIJK, MOEILIJK


def _box(page: str, id: str) -> str:
    found = re.search(rf'<div class="b1-signaal-vak" id="{id}" aria-live="polite">.*?</div>', page, re.S)
    assert found, f"geen signaal {id}"
    return html.unescape(found.group(0))


async def test_the_report_editor_shows_the_signal_of_each_saved_text(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=0)
    await login(client, "kees@beverwijk.example")
    pad = f"/raad/beverwijk/vragen/{vraag_id}/rapport"
    leeg = await client.get(pad)

    opgeslagen = await post_form(
        client,
        pad,
        {
            "versie": versie_in(leeg.text),
            "titel": "Wat u zei",
            "inleiding": MAKKELIJK,
            "conclusies": MOEILIJK,
        },
    )
    pagina = await client.get(pad)

    assert "Taalhulp: hier ziet u hoe makkelijk uw tekst te lezen is." in _box(leeg.text, "b1-conclusies")
    assert opgeslagen.status_code == 302
    inleiding, conclusies = _box(pagina.text, "b1-inleiding"), _box(pagina.text, "b1-conclusies")
    assert "b1-signaal--makkelijk" in inleiding and "Makkelijk te lezen" in inleiding
    assert "b1-signaal--moeilijk" in conclusies and "Moeilijk te lezen" in conclusies
    assert "1 zin is langer dan 15 woorden:" in conclusies
    assert "Schrijf liever “zorgen dat het blijft gebeuren” dan “borging”." in conclusies
    # live while typing: the box is refreshed from /taalhulp/signaal (htmx), naming its field
    assert 'hx-post="/taalhulp/signaal"' in pagina.text and '"veld": "conclusies"' in pagina.text


async def test_a_refused_save_keeps_the_text_and_measures_it(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=0)
    await login(client, "kees@beverwijk.example")
    pad = f"/raad/beverwijk/vragen/{vraag_id}/rapport"
    versie = versie_in((await client.get(pad)).text)

    geweigerd = await post_form(
        client, pad, {"versie": versie, "titel": "", "inleiding": "", "conclusies": MOEILIJK}
    )

    assert geweigerd.status_code == 422 and "Vul een titel in." in geweigerd.text
    assert "Moeilijk te lezen" in _box(geweigerd.text, "b1-conclusies")


async def test_the_signal_is_in_english_for_an_english_page_and_its_advice_stays_about_dutch(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=0)
    await login(client, "kees@beverwijk.example")
    client.cookies.set("taal", "en")
    pad = f"/raad/beverwijk/vragen/{vraag_id}/rapport"
    versie = versie_in((await client.get(pad)).text)

    geweigerd = await post_form(
        client, pad, {"versie": versie, "titel": "", "inleiding": "", "conclusies": MOEILIJK}
    )

    box = _box(geweigerd.text, "b1-conclusies")
    assert "Hard to read" in box and "Better write “zorgen dat het blijft gebeuren” than “borging”." in box
    assert "Moeilijk te lezen" not in box
