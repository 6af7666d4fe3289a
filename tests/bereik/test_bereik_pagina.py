"""The page "Wie hebben we bereikt?" through the whole app, on both engines: the table with its
small groups hidden, the rule and the source, whom we still miss while a poll is open, the
doelgroep and outreach forms without JavaScript (redirect and confirmation; a Dutch message and
400 on bad input), another council refused, and the public report's table."""

from __future__ import annotations

import os
import re
from urllib.parse import urlencode

import pytest

from participatie.bereik import activiteiten, doelgroep
from participatie.bereik.tables import Doelgroepcategorie
from participatie.kenmerken import LEEFTIJDEN
from participatie.peilingen.tables import Peiling, Status
from participatie.rapporten import domain as rapporten
from participatie.rapporten import inhoud
from participatie.vragen.tables import Activiteit
from tests.bereik.test_vertegenwoordiging import BEVOLKING, met_antwoorden, referenties
from tests.conftest import PASSWORD, csrf_token, login, post_form
from tests.e2e.conftest import (  # noqa: F401 -- fixtures, used by name
    _chromium,
    assert_accessible,
    assert_fits_width,
    browser,
    live_server,
    log_in,
)
from tests.peilingen.test_domain import _vraag_in_voorleggen

KEES = "kees@beverwijk.example"
DORINE = "dorine@velsen.example"


def pad(vraag_id: int, rest: str = "", gemeente: str = "beverwijk") -> str:
    return f"/raad/{gemeente}/vragen/{vraag_id}/bereik{rest}"


async def post_multi(client, path: str, pairs: list[tuple[str, str]]):
    """A form with repeated fields (checkboxes), as a browser posts it."""
    token = await csrf_token(client)
    return await client.post(
        path,
        content=urlencode([*pairs, ("_csrf_token", token)]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def cel(html: str, categorie: str, kolom: str) -> str:
    """The text of one cell of the row of `categorie` (data-label names the column)."""
    rij = re.search(
        rf'<tr class="utrecht-table__row" data-categorie="{re.escape(categorie)}">(.*?)</tr>', html, re.S
    )
    assert rij, categorie
    inhoud_ = re.search(rf'data-label="{kolom}"[^>]*>(.*?)</t[dh]>', rij.group(1), re.S)
    assert inhoud_, kolom
    return re.sub(r"<[^>]+>", "", inhoud_.group(1)).strip()


async def test_the_page_shows_the_table_with_small_groups_hidden_and_whom_we_miss(client, mensen):
    await referenties({"leeftijd": BEVOLKING})
    vraag_id, _, _ = await met_antwoorden(
        mensen, {"16-25": 9, "26-40": 60, "41-65": 80, "66-80": 50, "80+": 12}
    )
    await login(client, KEES)

    page = await client.get(pad(vraag_id))

    assert page.status_code == 200
    html = page.text
    assert "<h1>Wie hebben we bereikt?</h1>" in html
    assert cel(html, "16-25", "Bereikt") == "minder dan 10"
    assert cel(html, "16-25", "Deel van wie we bereikten") == "–niet getoond"
    assert cel(html, "16-25", "Oordeel") == "Ondervertegenwoordigd"
    assert cel(html, "80+", "Bereikt") == "minder dan 10"  # the next smallest, hidden with it
    assert cel(html, "80+", "Oordeel") == "Te weinig mensen om iets te zeggen"
    assert cel(html, "26-40", "Bereikt") == "60"
    # No shares while a group is hidden: a count over its share would give the total.
    assert cel(html, "26-40", "Deel van wie we bereikten") == "–niet getoond"
    assert "Dan tonen we geen percentages" in html
    assert cel(html, "26-40", "Deel van de inwoners") == "20,0%"
    assert ">9<" not in html and ">12<" not in html
    assert "kleiner is dan de helft van haar deel van de inwoners" in html
    assert "Bron van de cijfers over de inwoners: CBS StatLine, 1 januari 2026." in html
    missen = html[html.index('id="missen"') : html.index('id="tabel"')]
    assert "<strong>Leeftijd:</strong> 16-25" in missen


async def test_whom_we_miss_is_shown_only_while_a_poll_is_open(client, mensen):
    await referenties({"leeftijd": BEVOLKING})
    vraag_id, _, _ = await met_antwoorden(mensen, {"26-40": 60, "41-65": 80})
    await Peiling.update({Peiling.status: Status.GESLOTEN.value}).where(Peiling.vraag == vraag_id)
    await login(client, KEES)

    html = (await client.get(pad(vraag_id))).text

    assert "Wie missen we nog" not in html
    assert cel(html, "16-25", "Oordeel") == "Ondervertegenwoordigd"


async def test_the_vraag_page_links_to_the_page_with_a_short_summary(client, mensen):
    vraag_id, _, _ = await met_antwoorden(mensen, {"26-40": 60})
    await login(client, KEES)

    html = (await client.get(f"/raad/beverwijk/vragen/{vraag_id}")).text

    assert f'href="{pad(vraag_id)}"' in html
    assert '<h2 id="bereik">Wie hebben we bereikt?</h2>' in html


async def test_the_doelgroep_form_saves_without_javascript_and_confirms(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, KEES)

    saved = await post_multi(
        client, pad(vraag_id, "/doelgroep"), [("doelgroep_leeftijd", "66-80"), ("doelgroep_leeftijd", "80+")]
    )
    page = await client.get(saved.headers["location"])

    assert (saved.status_code, saved.headers["location"]) == (
        302,
        pad(vraag_id, "?gelukt=doelgroep#doelgroep"),
    )
    assert "De doelgroep is opgeslagen." in page.text
    assert 'value="66-80" checked' in page.text and 'value="16-25" checked' not in page.text
    assert await Doelgroepcategorie.count() == 2


async def test_a_hostile_doelgroep_is_refused_on_the_form_with_400(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, KEES)

    response = await post_multi(
        client,
        pad(vraag_id, "/doelgroep"),
        [("doelgroep_kern", "<script>alert(1)</script>"), ("doelgroep_leeftijd", "80+\x00")],
    )

    assert response.status_code == 400
    assert (
        'id="fout-doelgroep_kern"><span class="sr-only">Fout: </span>Kies alleen groepen uit de lijst.'
        in (response.text)
    )
    assert "<script>alert(1)</script>" not in response.text
    assert await Doelgroepcategorie.count() == 0


async def test_an_activity_is_recorded_listed_and_deleted(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, KEES)

    added = await post_form(
        client,
        pad(vraag_id, "/activiteiten"),
        {
            "vorm": "bezoek_op_locatie",
            "omschrijving": "Voedselbank Beverwijk",
            "datum": "05-11-2026",
            "aantal": "23",
            "kern": "Wijk aan Zee",
            "leeftijd": "",
        },
    )
    await post_form(
        client,
        pad(vraag_id, "/activiteiten"),
        {
            "vorm": "opiniebus",
            "omschrijving": "Markt",
            "datum": "06-11-2026",
            "aantal": "30",
            "kern": "Beverwijk",
        },
    )
    page = (await client.get(added.headers["location"])).text
    activiteit_id = (await Activiteit.select(Activiteit.id).order_by(Activiteit.id).first())["id"]
    deleted = await post_form(client, pad(vraag_id, f"/activiteiten/{activiteit_id}/verwijderen"), {})

    assert added.headers["location"] == pad(vraag_id, "?gelukt=activiteit#activiteiten")
    assert "5 november 2026: bezoek op locatie, Voedselbank Beverwijk – 23 mensen" in page
    # Counted in the picture: the kern it was noted on gets the 23.
    assert cel(page, "Wijk aan Zee", "Bereikt") == "23"
    assert deleted.headers["location"] == pad(vraag_id, "?gelukt=verwijderd#activiteiten")
    assert await Activiteit.count() == 1


@pytest.mark.parametrize(
    ("data", "veld", "melding"),
    [
        ({"vorm": "tovenarij"}, "vorm", "Kies een vorm uit de lijst."),
        ({"datum": "2026-13-45"}, "datum", "Vul een geldige datum in, zoals 31-12-2026."),
        ({"aantal": "1e9"}, "aantal", "Vul het aantal mensen in als een heel getal van 1 tot en met 10.000."),
        ({"kern": "Velsen-Noord"}, "kern", "Kies een kern uit de lijst, of laat het leeg."),
        ({"omschrijving": ""}, "omschrijving", "Vul waar het was in."),
    ],
)
async def test_bad_activity_input_gets_a_dutch_message_on_the_form_and_keeps_the_rest(
    client, mensen, data, veld, melding
):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, KEES)
    invoer = {
        "vorm": "opiniebus",
        "omschrijving": "Markt <b>Heemskerk</b>",
        "datum": "05-11-2026",
        "aantal": "8",
    }

    response = await post_form(client, pad(vraag_id, "/activiteiten"), {**invoer, **data})

    assert response.status_code == 400
    assert f'id="fout-{veld}"><span class="sr-only">Fout: </span>{melding}</div>' in response.text
    if veld != "omschrijving":
        assert 'value="Markt &lt;b&gt;Heemskerk&lt;/b&gt;"' in response.text
    assert await Activiteit.count() == 0


async def test_another_council_is_refused_and_changes_nothing(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, DORINE)

    other_slug = await client.get(pad(vraag_id))
    own_slug = await client.get(pad(vraag_id, gemeente="velsen"))
    post_other = await post_multi(client, pad(vraag_id, "/doelgroep"), [("doelgroep_leeftijd", "80+")])
    post_own = await post_multi(
        client, pad(vraag_id, "/doelgroep", gemeente="velsen"), [("doelgroep_leeftijd", "80+")]
    )
    activity = await post_form(
        client,
        pad(vraag_id, "/activiteiten", gemeente="velsen"),
        {"vorm": "opiniebus", "omschrijving": "Plein", "datum": "05-11-2026", "aantal": "5"},
    )

    assert [r.status_code for r in (other_slug, own_slug, post_other, post_own, activity)] == [
        403,
        404,
        403,
        404,
        404,
    ]
    assert (await Doelgroepcategorie.count(), await Activiteit.count()) == (0, 0)


async def test_without_login_the_page_asks_to_log_in(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)

    response = await client.get(pad(vraag_id))

    assert response.status_code in (302, 401)


async def test_the_report_shows_the_table_with_small_groups_hidden(mensen):
    await referenties({"leeftijd": BEVOLKING})
    vraag_id, _, _ = await met_antwoorden(
        mensen, {"16-25": 3, "26-40": 60, "41-65": 80, "66-80": 50, "80+": 12}
    )
    _, concept = await rapporten.rapport_van(mensen["raadslid"], vraag_id)
    await rapporten.update_rapport(
        mensen["raadslid"],
        vraag_id,
        versie=concept.versie,
        titel="Wat u zei",
        inleiding="",
        conclusies="",
        automatisch=False,
    )
    _, opgeslagen = await rapporten.rapport_van(mensen["raadslid"], vraag_id)

    html = await inhoud.render_html(opgeslagen.opgeslagen_id)

    assert "Wie we bereikten, vergeleken met de inwoners" in html
    assert cel(html, "16-25", "Bereikt") == "minder dan 10"
    assert cel(html, "80+", "Bereikt") == "minder dan 10"
    assert cel(html, "41-65", "Bereikt") == "80"
    assert ">3<" not in html and ">12<" not in html
    assert sorted(LEEFTIJDEN) == sorted(re.findall(r'data-categorie="([^"]+)"', html))


async def test_the_page_in_english_keeps_the_rule_and_the_hidden_groups(client, mensen):
    await referenties({"leeftijd": BEVOLKING})
    aantallen = {"16-25": 9, "26-40": 60, "41-65": 80, "66-80": 50, "80+": 12}
    vraag_id, _, _ = await met_antwoorden(mensen, aantallen)
    await login(client, KEES)
    client.cookies.set("taal", "en")

    html = (await client.get(pad(vraag_id))).text

    assert "<h1>Whom have we reached?</h1>" in html
    assert "less than half its share of the inhabitants" in html
    assert cel(html, "16-25", "Reached") == "fewer than 10"
    assert cel(html, "16-25", "Judgement") == "Under-represented"
    assert cel(html, "26-40", "Share of whom we reached") == "–not shown"
    assert "we show no percentages" in html


# --- in a real chromium (the screens do not depend on the engine: SQLite only) ---------------

SCHERMEN = os.environ.get("PARTICIPATIE_SCREENSHOTS")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("breedte", [320, 1280])
async def test_the_page_fits_is_accessible_and_stacks_on_a_phone(breedte, live_server, browser, mensen):  # noqa: F811
    await referenties({"leeftijd": BEVOLKING, "kern": {"Beverwijk": 37500, "Wijk aan Zee": 2350}})
    vraag_id, _, _ = await met_antwoorden(
        mensen, {"16-25": 9, "26-40": 60, "41-65": 80, "66-80": 50, "80+": 12}
    )
    await doelgroep.save_doelgroep(vraag_id, mensen["raadslid"], {"leeftijd": ["66-80", "80+", "41-65"]})
    for omschrijving, aantal, kern in [
        ("Voedselbank Beverwijk", "23", "Beverwijk"),
        ("Dorpshuis De Moriaan", "14", "Wijk aan Zee"),
    ]:
        await activiteiten.add_activiteit(
            vraag_id,
            mensen["raadslid"],
            vorm="bezoek_op_locatie",
            omschrijving=omschrijving,
            datum="05-11-2026",
            aantal=aantal,
            kern=kern,
            leeftijd="66-80",
        )
    context = await browser.new_context(viewport={"width": breedte, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, KEES, PASSWORD)
    await page.goto(live_server + pad(vraag_id))
    # A refused activity: the message on the form, the page still fits.
    await page.get_by_label("Hoeveel mensen sprak u?").fill("veel")
    await page.get_by_role("button", name="Activiteit vastleggen").click()
    await page.wait_for_load_state()

    assert await page.locator("#fout-aantal").is_visible()
    await assert_fits_width(page)
    await assert_accessible(page)
    rij = page.locator("table.bereik-tabel tbody tr").first
    assert await rij.evaluate("tr => getComputedStyle(tr).display") == (
        "block" if breedte < 768 else "table-row"
    )
    cijfer = page.locator('table.bereik-tabel tr[data-categorie="41-65"] td[data-aantal]').first
    # Numbers line up on the right, in the table and in the stacked blocks alike.
    assert await cijfer.evaluate("td => getComputedStyle(td).textAlign") == "right"
    if SCHERMEN:
        await page.screenshot(path=f"{SCHERMEN}/bereik-{breedte}.png", full_page=True)
    await context.close()
