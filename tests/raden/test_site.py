"""The council keeps its public page up: text, the member's own choice to be shown, meetings.
Over HTTP as the people who use it, on both engines."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import icalendar
import pytest

from participatie import tijd
from participatie.accounts.tables import Gebruiker
from participatie.raden.tables import Raadspagina, Vergadering
from participatie.spoor.tables import Spoorregel
from tests.conftest import login, make_gebruiker, post_form

KEES = "kees@beverwijk.example"


@pytest.fixture
async def kees(client, settings, database):
    """A raadslid of Beverwijk, logged in."""
    await make_gebruiker(settings, "raadslid", "beverwijk", email=KEES, naam="Kees de Vries")
    await login(client, KEES)
    return client


@pytest.fixture
async def bezoeker(app):
    """A resident on the public pages: another browser, not logged in."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def _toekomst(dagen: int = 10) -> str:
    return (tijd.today() + timedelta(days=dagen)).isoformat()


async def test_member_saves_the_text_and_sees_the_preview(kees, bezoeker):
    response = await post_form(
        kees,
        "/raad/beverwijk/site/tekst",
        {
            "tekst": "Wij zijn **de raad**.\n\n<script>alert(1)</script>",
            "contact_email": "raad@bev.example",
            "versie": "0",
        },
    )
    site = await kees.get("/raad/beverwijk/site?opgeslagen=tekst")
    publiek = await bezoeker.get("/beverwijk")

    assert response.status_code == 302
    assert response.headers["location"] == "/raad/beverwijk/site?opgeslagen=tekst#voorbeeld"
    assert "De tekst is opgeslagen." in site.text
    assert "Zo staat het nu op de website" in site.text
    assert "<strong>de raad</strong>" in site.text
    assert "<strong>de raad</strong>" in publiek.text
    assert "<script>alert(1)</script>" not in publiek.text
    assert "<script>alert(1)</script>" not in site.text
    rij = await Raadspagina.select(Raadspagina.versie, Raadspagina.contact_email).first()
    assert rij == {"versie": 1, "contact_email": "raad@bev.example"}
    assert await Spoorregel.count().where(Spoorregel.actie == "raadspagina_gewijzigd") == 1


async def test_a_bad_contact_address_or_a_stale_form_stores_nothing(kees):
    fout = await post_form(
        kees,
        "/raad/beverwijk/site/tekst",
        {"tekst": "Tekst", "contact_email": "raad@\r\nBcc: x@y.z", "versie": "0"},
    )
    await post_form(
        kees, "/raad/beverwijk/site/tekst", {"tekst": "Eerste", "contact_email": "", "versie": "0"}
    )
    oud = await post_form(
        kees, "/raad/beverwijk/site/tekst", {"tekst": "Tweede", "contact_email": "", "versie": "0"}
    )

    assert fout.status_code == 422
    assert "Dit e-mailadres klopt niet." in fout.text
    assert "Tekst" in fout.text  # what was typed comes back
    assert oud.status_code == 409
    assert await Raadspagina.select(Raadspagina.tekst).first() == {"tekst": "Eerste"}


async def test_too_long_text_is_refused_in_dutch(kees):
    response = await post_form(
        kees, "/raad/beverwijk/site/tekst", {"tekst": "x" * 20_001, "contact_email": "", "versie": "0"}
    )

    assert response.status_code == 422
    assert "Dit mag hoogstens 20000 tekens lang zijn." in response.text
    assert await Raadspagina.count() == 0


async def test_member_of_another_council_gets_403_and_changes_nothing(client, settings, database):
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    await login(client, "dorine@velsen.example")

    page = await client.get("/raad/beverwijk/site")
    tekst = await post_form(client, "/raad/beverwijk/site/tekst", {"tekst": "Overgenomen", "versie": "0"})
    vergadering = await post_form(
        client,
        "/raad/beverwijk/site/vergaderingen",
        {"onderwerp": "X", "plaats": "Y", "datum": _toekomst(), "begin": "19:00", "eind": "20:00"},
    )

    assert (page.status_code, tekst.status_code, vergadering.status_code) == (403, 403, 403)
    assert await Raadspagina.count() == 0
    assert await Vergadering.count() == 0


async def test_residents_and_ambtenaren_cannot_open_the_council_side(client, settings, database):
    anoniem = await client.get("/raad/beverwijk/site")
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example")
    await login(client, "marja@beverwijk.example")
    ambtenaar = await client.get("/raad/beverwijk/site")

    assert anoniem.status_code == 302
    assert anoniem.headers["location"].startswith("/inloggen")
    assert ambtenaar.status_code == 403


async def test_a_member_chooses_to_be_shown_and_to_be_hidden_again(kees, bezoeker):
    voor = await bezoeker.get("/beverwijk")
    aan = await post_form(kees, "/raad/beverwijk/site/zichtbaar", {"zichtbaar": "ja"})
    zichtbaar = await bezoeker.get("/beverwijk")
    await post_form(kees, "/raad/beverwijk/site/zichtbaar", {})
    weer_weg = await bezoeker.get("/beverwijk")

    assert "Kees de Vries" not in voor.text
    assert aan.status_code == 302
    assert "Kees de Vries" in zichtbaar.text
    assert KEES not in zichtbaar.text
    assert "Kees de Vries" not in weer_weg.text
    assert await Spoorregel.count().where(Spoorregel.actie == "zichtbaarheid_gewijzigd") == 2


async def test_a_beheerder_may_edit_the_page_but_is_not_a_member_to_show(client, settings, database):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example", naam="Bea Beheer")
    await login(client, "beheer@ijmond.example")

    page = await client.get("/raad/beverwijk/site")
    response = await post_form(client, "/raad/beverwijk/site/zichtbaar", {"zichtbaar": "ja"})

    assert page.status_code == 200
    assert "Alleen leden van de raad kunnen hier kiezen" in page.text
    assert response.status_code == 403
    assert await Gebruiker.select(Gebruiker.is_zichtbaar_op_site).first() == {"is_zichtbaar_op_site": False}


# --- meetings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "veld", "melding"),
    [
        ({}, "onderwerp", "Vul het onderwerp in."),
        ({}, "datum", "Vul een datum in."),
        ({}, "begin", "Vul de begintijd in, zoals 19:30."),
        ({"datum": "31-02-2027"}, "datum", "Vul een geldige datum in, zoals 31-12-2026."),
        ({"begin": "25:99"}, "begin", "Vul een geldige begintijd in, zoals 19:30."),
        ({"begin": "20:00", "eind": "19:00"}, "eind", "De eindtijd moet na de begintijd liggen."),
        ({"datum": "2020-01-01"}, "datum", "Deze datum ligt in het verleden. Kies een datum vanaf vandaag."),
        ({"plaats": "x" * 201}, "plaats", "Dit mag hoogstens 200 tekens lang zijn."),
        ({"onderwerp": "  "}, "onderwerp", "Vul het onderwerp in."),
    ],
)
async def test_meeting_form_errors_are_dutch_and_store_nothing(kees, data, veld, melding):
    goed = {
        "onderwerp": "Vergadering",
        "plaats": "Stadhuis",
        "datum": _toekomst(),
        "begin": "19:00",
        "eind": "21:00",
    }
    if data == {}:
        goed = {}
    response = await post_form(kees, "/raad/beverwijk/site/vergaderingen", {**goed, **data})

    assert response.status_code == 422
    assert f'<a class="utrecht-link" href="#veld-{veld}">{melding}</a>' in response.text
    assert await Vergadering.count() == 0


async def test_meeting_times_are_read_on_the_dutch_clock_and_shown_everywhere(kees, bezoeker):
    response = await post_form(
        kees,
        "/raad/beverwijk/site/vergaderingen",
        {
            "onderwerp": "Zomervergadering",
            "plaats": "Stadhuis",
            "datum": "2027-07-01",
            "begin": "19:30",
            "eind": "21:00",
            "agenda": "1. Opening",
        },
    )
    rij = await Vergadering.select(Vergadering.begint_at, Vergadering.eindigt_at).first()
    publiek = await bezoeker.get("/beverwijk")
    feed = icalendar.Calendar.from_ical((await bezoeker.get("/beverwijk/vergaderingen.ics")).content)

    assert response.status_code == 302
    # 19:30 in Amsterdam in summer (UTC+2) is 17:30 UTC.
    assert tijd.as_utc(rij["begint_at"]) == datetime(2027, 7, 1, 17, 30, tzinfo=UTC)
    assert tijd.as_utc(rij["eindigt_at"]) == datetime(2027, 7, 1, 19, 0, tzinfo=UTC)
    assert "donderdag 1 juli 2027, 19:30</time> tot 21:00 uur" in publiek.text
    (event,) = feed.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 7, 1, 17, 30, tzinfo=UTC)


async def test_changing_and_cancelling_a_meeting_reaches_the_feed(kees, bezoeker):
    await post_form(
        kees,
        "/raad/beverwijk/site/vergaderingen",
        {
            "onderwerp": "Eerste",
            "plaats": "Stadhuis",
            "datum": _toekomst(),
            "begin": "19:00",
            "eind": "21:00",
        },
    )
    (v,) = await Vergadering.select(Vergadering.id)
    pad = f"/raad/beverwijk/site/vergaderingen/{v['id']}"
    formulier = await kees.get(pad)
    gewijzigd = await post_form(
        kees,
        pad,
        {
            "onderwerp": "Gewijzigd",
            "plaats": "Bibliotheek",
            "datum": _toekomst(),
            "begin": "19:00",
            "eind": "21:00",
            "versie": "1",
        },
    )
    te_laat = await post_form(
        kees,
        pad,
        {
            "onderwerp": "Oud formulier",
            "plaats": "X",
            "datum": _toekomst(),
            "begin": "19:00",
            "eind": "21:00",
            "versie": "1",
        },
    )
    na_wijziging = icalendar.Calendar.from_ical((await bezoeker.get("/beverwijk/vergaderingen.ics")).content)
    afgelast = await post_form(kees, pad + "/annuleren", {"versie": "2"})
    na_afgelasten = icalendar.Calendar.from_ical((await bezoeker.get("/beverwijk/vergaderingen.ics")).content)

    assert formulier.status_code == 200
    assert 'value="Eerste"' in formulier.text
    assert gewijzigd.status_code == 302
    assert te_laat.status_code == 409
    (event,) = na_wijziging.walk("VEVENT")
    assert (str(event["summary"]), str(event["location"]), event["sequence"]) == (
        "Participatieraad Beverwijk: Gewijzigd",
        "Bibliotheek",
        2,
    )
    assert afgelast.status_code == 302
    (event2,) = na_afgelasten.walk("VEVENT")
    assert (str(event2["uid"]), str(event2["status"]), event2["sequence"]) == (
        str(event["uid"]),
        "CANCELLED",
        3,
    )
    assert "Gaat niet door" in (await bezoeker.get("/beverwijk")).text


async def test_another_councils_meeting_is_not_found(kees, settings):
    from tests.raden.conftest import make_vergadering

    velsen = await make_vergadering("velsen", "Van Velsen")

    page = await kees.get(f"/raad/beverwijk/site/vergaderingen/{velsen}")
    cancel = await post_form(kees, f"/raad/beverwijk/site/vergaderingen/{velsen}/annuleren", {"versie": "1"})

    assert (page.status_code, cancel.status_code) == (404, 404)
    assert await Vergadering.select(Vergadering.is_geannuleerd).first() == {"is_geannuleerd": False}


async def test_meeting_errors_are_summed_up_in_the_order_of_the_form(kees):
    response = await post_form(kees, "/raad/beverwijk/site/vergaderingen", {})

    volgorde = re.findall(r'<li><a class="utrecht-link" href="#veld-(\w+)">', response.text)
    assert volgorde == ["onderwerp", "datum", "begin", "eind", "plaats"]


async def test_a_time_typed_with_a_dot_is_read_too(kees):
    response = await post_form(
        kees,
        "/raad/beverwijk/site/vergaderingen",
        {"onderwerp": "V", "plaats": "P", "datum": "01-07-2027", "begin": "9.30", "eind": "11.00"},
    )

    assert response.status_code == 302
    rij = await Vergadering.select(Vergadering.begint_at).first()
    assert tijd.as_utc(rij["begint_at"]) == datetime(2027, 7, 1, 7, 30, tzinfo=UTC)
