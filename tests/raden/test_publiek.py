"""The councils' public pages over HTTP, on both engines: home, council page, inbreng, the
meetings feed, the statements, robots.txt and the favicon."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from participatie.accounts.domain import acting_as
from participatie.accounts.tables import Gebruiker
from participatie.raden import domain, queries
from participatie.raden.agenda import uid
from participatie.raden.tables import Vergadering
from participatie.rapporten.tables import Rapport
from tests.conftest import make_gebruiker
from tests.raden.conftest import gemeente_id, make_klaar, make_peiling, make_vergadering


async def test_home_links_to_each_council_and_lists_open_polls_and_advice(client, database):
    await make_peiling("velsen", "Hoe ervaart u de bus?")
    await make_klaar("heemskerk", "Meer bankjes in het park")

    page = await client.get("/")

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for slug in ("velsen", "beverwijk", "heemskerk"):
        assert f'href="/{slug}"' in page.text
    assert "Hoe ervaart u de bus?" in page.text
    assert "Meer bankjes in het park" in page.text
    assert 'class="thema-ijmond' in page.text


async def test_home_without_polls_or_advice_says_so(client, database):
    page = await client.get("/")

    assert "Er is nu geen open peiling." in page.text
    assert "Er zijn nog geen adviezen klaar." in page.text


async def test_council_page_in_its_theme_with_polls_meetings_reports_and_inbreng(client, database):
    await make_peiling("beverwijk", "Eigen peiling")
    await make_peiling("velsen", "Regiopeiling", scope="regio")
    await make_peiling("velsen", "Peiling van Velsen")
    await make_peiling("beverwijk", "Alleen met code", toegang="codes")
    await make_peiling("beverwijk", "Nog in concept", status="concept")
    await make_peiling("beverwijk", "Over tijd", dagen=-1)
    await make_vergadering("beverwijk", "Vergadering over minima")
    await make_vergadering("beverwijk", "Vergadering van vorige maand", over_dagen=-30)
    await make_vergadering("beverwijk", "Afgelaste vergadering", over_dagen=3, geannuleerd=True)
    vraag_id = await make_klaar("beverwijk", "Mantelzorg in Beverwijk", thema="mantelzorg")
    await Rapport.insert(
        Rapport(
            vraag=vraag_id,
            gemeente=await gemeente_id("beverwijk"),
            sleutel="abc123",
            titel="Rapport mantelzorg",
            gepubliceerd_at=datetime.now(UTC),
            aangemaakt_at=datetime.now(UTC),
        )
    )

    page = await client.get("/beverwijk")

    assert page.status_code == 200
    assert '<body class="thema-beverwijk' in page.text
    assert '<h1 class="utrecht-heading-1">Participatieraad Beverwijk</h1>' in page.text
    assert "Eigen peiling" in page.text
    assert "Regiopeiling" in page.text  # IJmond-wide: on every council's page
    for hidden in ("Peiling van Velsen", "Alleen met code", "Nog in concept", "Over tijd"):
        assert hidden not in page.text
    assert "Open tot " in page.text
    assert "Vergadering over minima" in page.text
    assert "Vergadering van vorige maand" not in page.text
    assert "Afgelaste vergadering" in page.text and "Gaat niet door" in page.text
    assert 'href="/rapporten/beverwijk/abc123"' in page.text
    assert "Mantelzorg in Beverwijk" in page.text
    assert 'href="/beverwijk/inbreng"' in page.text
    assert 'href="/beverwijk/vergaderingen.ics"' in page.text
    assert 'href="/idee/beverwijk"' in page.text


@pytest.mark.parametrize(
    "path", ["/amsterdam", "/Velsen", "/amsterdam/inbreng", "/amsterdam/vergaderingen.ics"]
)
async def test_unknown_council_is_the_normal_404_page(client, database, path):
    page = await client.get(path)

    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Pagina niet gevonden" in page.text


async def test_council_text_is_markdown_with_scripts_removed(client, database, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    dorine = await acting_as("dorine@velsen.example")
    info = await _info("velsen")
    tekst = (
        "## Wie wij zijn\n\nWij zijn **inwoners**.\n\n<script>alert(1)</script>\n\n"
        "[klik](javascript:alert(1))"
    )

    await domain.save_pagina(dorine, info, tekst=tekst, contact_email="raad@velsen.example", versie=0)
    page = await client.get("/velsen")

    assert "<h4>Wie wij zijn</h4>" in page.text
    assert "<strong>inwoners</strong>" in page.text
    assert "<script>alert" not in page.text
    assert 'href="javascript:' not in page.text
    assert 'href="mailto:raad@velsen.example"' in page.text


async def test_only_members_who_chose_it_are_shown(client, database, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="a@velsen.example", naam="Anna Zichtbaar")
    await make_gebruiker(settings, "raadslid", "velsen", email="b@velsen.example", naam="Bert Verborgen")
    await make_gebruiker(settings, "raadslid", "beverwijk", email="c@bev.example", naam="Cor Andere Raad")
    await make_gebruiker(settings, "ambtenaar", "velsen", email="d@velsen.example", naam="Door Ambtenaar")
    await Gebruiker.update({Gebruiker.is_zichtbaar_op_site: True}).where(
        Gebruiker.email.is_in(["a@velsen.example", "c@bev.example", "d@velsen.example"])
    )

    page = await client.get("/velsen")

    assert "Anna Zichtbaar" in page.text
    for naam in ("Bert Verborgen", "Cor Andere Raad", "Door Ambtenaar", "a@velsen.example"):
        assert naam not in page.text


async def test_new_accounts_are_not_shown_until_they_choose(database, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="nieuw@velsen.example")

    row = await Gebruiker.select(Gebruiker.is_zichtbaar_op_site).first()

    assert row == {"is_zichtbaar_op_site": False}
    assert await queries.zichtbare_leden(await gemeente_id("velsen")) == []


# --- Wat is er met uw inbreng gedaan ----------------------------------------------------------


async def test_inbreng_shows_advice_and_reaction_of_finished_vragen_only(client, database):
    await make_klaar("velsen", "Afgerond in Velsen", advies="Advies **vet**", toelichting="Gemeente zegt ja.")
    await make_klaar("velsen", "Wacht op de gemeente", stap="borging")
    await make_klaar("heemskerk", "Regionaal uit Heemskerk", scope="regio")
    await make_klaar("heemskerk", "Lokaal in Heemskerk")
    await make_peiling("velsen", "Open peiling")  # its vraag is in voorleggen: not finished

    page = await client.get("/velsen/inbreng")

    assert page.status_code == 200
    assert "Afgerond in Velsen" in page.text
    assert "<strong>vet</strong>" in page.text
    assert "Gemeente zegt ja." in page.text
    assert "Gemeente nam het advies over" in page.text
    assert "Wacht op de gemeente" in page.text
    assert "De gemeente heeft nog niet gereageerd" in page.text
    assert "Regionaal uit Heemskerk" in page.text
    assert "Lokaal in Heemskerk" not in page.text
    assert "Vraag bij Open peiling" not in page.text
    assert "3 adviezen gevonden." in page.text


async def test_inbreng_never_shows_what_a_resident_typed_or_their_address(client, database):
    await make_klaar(
        "velsen", "Een titel", tekst="Mijn buurman Jan de Vries", inwoner_email="jan@example.org"
    )

    page = await client.get("/velsen/inbreng")

    assert "Een titel" in page.text
    assert "Jan de Vries" not in page.text
    assert "jan@example.org" not in page.text


async def test_inbreng_filters_by_theme_and_searches_words(client, database):
    await make_klaar("velsen", "Over wonen", thema="wonen", advies="Bouw meer huizen.")
    await make_klaar("velsen", "Over jeugd", thema="jeugd", advies="Meer jongerenwerk.")

    wonen = await client.get("/velsen/inbreng", params={"thema": "wonen"})
    zoek = await client.get("/velsen/inbreng", params={"q": "JONGEREN"})
    geen = await client.get("/velsen/inbreng", params={"q": "fietspad"})

    assert "Over wonen" in wonen.text and "Over jeugd" not in wonen.text
    assert '<option value="wonen" selected>' in wonen.text
    assert "Over jeugd" in zoek.text and "Over wonen" not in zoek.text
    assert 'Geen adviezen gevonden met "fietspad"' in geen.text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "%"},
        {"q": "_"},
        {"q": "' OR 1=1 --"},
        {"q": "<script>alert(1)</script>"},
        {"q": "a" * 10_000},
        {"q": "ë' \\ %_"},
        {"thema": "' OR 1=1 --"},
        {"thema": "<b>x</b>"},
        {"thema": "wonen", "pagina": "99999999999999999999"},
        {"pagina": "-1"},
        {"pagina": "٣"},
    ],
)
async def test_inbreng_survives_hostile_input(client, database, params):
    await make_klaar("velsen", "Over wonen", thema="wonen")

    page = await client.get("/velsen/inbreng", params=params)

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "<b>x</b>" not in page.text
    # A wildcard or quote is a plain character: it matches nothing here, never everything.
    if "q" in params:
        assert "Over wonen" not in page.text


async def test_inbreng_pages_twenty_at_a_time(client, database):
    for i in range(25):
        await make_klaar("velsen", f"Vraag nummer {i:02d}", dagen_geleden=i + 1)

    first = await client.get("/velsen/inbreng")
    second = await client.get("/velsen/inbreng", params={"pagina": "2"})

    assert first.text.count('class="raden-advies"') == 20
    assert second.text.count('class="raden-advies"') == 5
    assert "Vraag nummer 00" in first.text and "Vraag nummer 24" in second.text
    assert "u ziet pagina 2 van 2" in second.text


# --- the meetings feed ----------------------------------------------------------------------


async def test_feed_is_icalendar_with_stable_uids_and_cancellations(client, database):
    komend = await make_vergadering("heemskerk", "Openbare vergadering")
    afgelast = await make_vergadering("heemskerk", "Afgelast", over_dagen=2, geannuleerd=True)
    await make_vergadering("heemskerk", "Lang geleden", over_dagen=-120)
    await make_vergadering("velsen", "Van Velsen")

    first = await client.get("/heemskerk/vergaderingen.ics")
    second = await client.get("/heemskerk/vergaderingen.ics")

    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first.content == second.content  # an unchanged feed is byte for byte the same
    cal = icalendar.Calendar.from_ical(first.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {uid("heemskerk", komend), uid("heemskerk", afgelast)}
    event = events[uid("heemskerk", komend)]
    assert str(event["summary"]) == "Participatieraad Heemskerk: Openbare vergadering"
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert "DTSTAMP" in event
    stored = await Vergadering.select(Vergadering.begint_at).where(Vergadering.id == komend).first()
    assert event.decoded("dtstart") == queries.tijd.as_utc(stored["begint_at"])
    assert str(events[uid("heemskerk", afgelast)]["status"]) == "CANCELLED"
    assert b"\r\n" in first.content  # RFC 5545 line endings


# --- statements, robots, favicon ------------------------------------------------------------


async def test_statements_name_the_councils_contact(client, database, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    dorine = await acting_as("dorine@velsen.example")
    await domain.save_pagina(
        dorine, await _info("velsen"), tekst="", contact_email="raad@velsen.example", versie=0
    )

    privacy = await client.get("/privacy", params={"raad": "velsen"})
    toegankelijk = await client.get("/toegankelijkheid", params={"raad": "velsen"})
    algemeen = await client.get("/toegankelijkheid")
    onbekend = await client.get("/privacy", params={"raad": "<script>"})

    assert 'href="mailto:raad@velsen.example"' in privacy.text
    assert '<body class="thema-velsen' in privacy.text
    assert "/mijn-gegevens" in privacy.text
    assert "anoniem" in privacy.text
    assert 'href="mailto:raad@velsen.example"' in toegankelijk.text
    assert "Voldoet gedeeltelijk" in toegankelijk.text
    assert "Deze verklaring is opgesteld op 27 november 2026." in toegankelijk.text
    # Without ?raad= every council: Velsen's address, the others' idea forms.
    assert 'href="mailto:raad@velsen.example"' in algemeen.text
    assert 'href="/idee/beverwijk"' in algemeen.text
    assert onbekend.status_code == 200
    assert "<script>" not in onbekend.text


async def test_privacy_statement_says_the_retention_periods_that_are_set(client, database):
    page = await client.get("/privacy")

    assert "3 maanden nadat de focusgroep is afgesloten" in page.text
    assert "hoogstens 12 maanden na het rapport" in page.text


async def test_robots_allows_public_pages_and_keeps_out_of_council_pages(client, database):
    robots = await client.get("/robots.txt")

    assert robots.status_code == 200
    assert robots.headers["content-type"] == "text/plain; charset=utf-8"
    regels = robots.text.splitlines()
    assert "Allow: /" in regels
    for pad in ("/raad/", "/beheer/", "/gemeente/", "/p/", "/f/", "/mijn-gegevens"):
        assert f"Disallow: {pad}" in regels


async def test_favicon_is_an_icon_from_our_own_host_with_cache_headers(client, database):
    icon = await client.get("/favicon.ico")

    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age=" in icon.headers["cache-control"]


async def _info(slug: str):
    from participatie.accounts.queries import get_gemeente

    info = await get_gemeente(slug)
    assert info is not None
    return info


async def test_no_public_page_loads_anything_from_another_host(client, database, settings):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    tekst = "Zie [de gemeente](https://www.velsen.nl) en ![plaatje](https://tracker.example/p.gif)"
    await domain.save_pagina(
        await acting_as("dorine@velsen.example"),
        await _info("velsen"),
        tekst=tekst,
        contact_email="",
        versie=0,
    )
    await make_klaar("velsen", "Met een plaatje", advies="![x](https://tracker.example/a.gif)")

    for pad in ("/", "/velsen", "/velsen/inbreng", "/privacy", "/toegankelijkheid"):
        page = await client.get(pad)
        bronnen = re.findall(r'\s(?:src|srcset|data)="([^"]*)"', page.text)
        bronnen += re.findall(r'<link[^>]*href="([^"]*)"', page.text)
        assert [b for b in bronnen if not b.startswith("/")] == [], pad
        assert "tracker.example" not in page.text, pad
