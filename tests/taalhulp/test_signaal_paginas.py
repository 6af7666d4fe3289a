"""The B1 signal where the council writes, without JavaScript: the report editor shows the
signal of each text after saving it, and after a refusal (the typed text is kept and measured)."""

from __future__ import annotations

import html
import re

from participatie.peilingen.tables import Peiling
from tests.conftest import login, make_gebruiker, post_form
from tests.peilingen.test_domain import _vraag_in_voorleggen
from tests.rapporten.test_domain import make_vraag_met_deelnemers
from tests.rapporten.test_routes import versie_in
from tests.taalhulp.test_signaal import MAKKELIJK, MOEILIJK
from tests.vragen import test_portaal
from tests.vragen.test_domain import _ingelogd, _versie

kees = test_portaal.kees  # the fixture: a raadslid of Beverwijk with a vraag in voorleggen


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


async def test_the_advice_form_shows_the_signal_of_the_saved_advice_and_of_a_refused_one(client, kees):
    for naar in ("terugkoppelen", "advies"):
        await post_form(
            client, f"/raad/beverwijk/vragen/{kees}/stap", {"versie": str(await _versie(kees)), "naar": naar}
        )
    pad = f"/raad/beverwijk/vragen/{kees}"

    opgeslagen = await post_form(
        client,
        f"{pad}/advies",
        {"versie": str(await _versie(kees)), "advies_tekst": MOEILIJK, "advies_aan": "Het college"},
    )
    pagina = await client.get(pad)
    geweigerd = await post_form(
        client,
        f"{pad}/advies",
        {"versie": str(await _versie(kees)), "advies_tekst": MAKKELIJK, "advies_aan": ""},
    )

    assert opgeslagen.status_code == 302  # advice, never a block
    assert "Moeilijk te lezen" in _box(pagina.text, "b1-advies")
    assert geweigerd.status_code == 422
    assert "Makkelijk te lezen" in _box(geweigerd.text, "b1-advies")  # what was typed, not what is stored


async def test_the_poll_builder_measures_the_introduction_the_questions_and_a_refused_question(
    client, settings, mensen
):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    vraag_id = await _vraag_in_voorleggen(mensen)
    await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/peilingen/nieuw",
        {"titel": "Bankjes", "intro": MOEILIJK, "toegang": "link"},
    )
    peiling_id = (await Peiling.select(Peiling.id).first())["id"]
    pad = f"/raad/beverwijk/peilingen/{peiling_id}"

    toegevoegd = await post_form(
        client,
        f"{pad}/items",
        {"soort": "enkel", "tekst": "Hoe vindt u de participatie?", "keuzes": "Goed\nSlecht"},
    )
    pagina = await client.get(pad)
    geweigerd = await post_form(
        client,
        f"{pad}/items",
        {"soort": "enkel", "tekst": "Kent u de minima-regelingen conform de wet?", "keuzes": "Ja"},
    )

    assert toegevoegd.status_code == 302
    assert "Moeilijk te lezen" in _box(pagina.text, "b1-intro")
    assert "Schrijf liever “meedoen” dan “participatie”." in _box(pagina.text, "b1-vragen")
    assert geweigerd.status_code == 422
    assert "Schrijf liever “volgens” dan “conform”." in _box(geweigerd.text, "b1-nieuwe-vraag")
    assert 'hx-trigger="input changed delay:700ms from:find input[name=tekst]"' in geweigerd.text


async def test_the_councils_own_page_text_is_measured_after_saving_and_on_a_refused_form(client, settings):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="site.raad@beverwijk.example")
    await login(client, "site.raad@beverwijk.example")

    leeg = await client.get("/raad/beverwijk/site")
    opgeslagen = await post_form(
        client, "/raad/beverwijk/site/tekst", {"tekst": MOEILIJK, "contact_email": "", "versie": "0"}
    )
    pagina = await client.get("/raad/beverwijk/site")
    geweigerd = await post_form(
        client,
        "/raad/beverwijk/site/tekst",
        {"tekst": MAKKELIJK, "contact_email": "geen adres", "versie": "1"},
    )

    assert "Taalhulp: hier ziet u hoe makkelijk uw tekst te lezen is." in _box(leeg.text, "b1-raadstekst")
    assert opgeslagen.status_code in (302, 303)
    assert "Moeilijk te lezen" in _box(pagina.text, "b1-raadstekst")
    assert geweigerd.status_code == 422
    assert "Makkelijk te lezen" in _box(geweigerd.text, "b1-raadstekst")


async def test_the_municipalitys_reasons_are_measured_before_they_go_to_residents(client, settings):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="reactie.raad@beverwijk.example")
    await login(client, "reactie.raad@beverwijk.example")
    raadslid = await _ingelogd(settings, "raadslid", "beverwijk", "ander.raad@beverwijk.example")
    vraag_id, _ = await test_portaal._aanvraag_via_domain(settings)
    await test_portaal._to_borging(vraag_id, raadslid)
    pad = f"/raad/beverwijk/vragen/{vraag_id}"

    geweigerd = await post_form(
        client, f"{pad}/reactie", {"reactie_oordeel": "misschien", "reactie_toelichting": MAKKELIJK}
    )
    opgeslagen = await post_form(
        client, f"{pad}/reactie", {"reactie_oordeel": "deels", "reactie_toelichting": MOEILIJK}
    )
    pagina = await client.get(pad)

    assert geweigerd.status_code == 422
    assert "Makkelijk te lezen" in _box(geweigerd.text, "b1-reactie")
    assert opgeslagen.status_code == 302
    assert "Moeilijk te lezen" in _box(pagina.text, "b1-reactie")
