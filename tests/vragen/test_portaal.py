"""The ambtenaar's portal, the resident's idea form, and the council's later-step forms."""

import csv
import io
import re
from datetime import timedelta

import pytest

from participatie.vragen import domain
from participatie.vragen.portaal import AANVRAAG_MAX_BODY
from participatie.vragen.tables import Bijlage, Gebeurtenis, Vraag
from tests.conftest import csrf_token, login, make_gebruiker, post_form
from tests.vragen.test_domain import _concretiseer, _ingelogd, _versie

FUTURE = (domain.today() + timedelta(days=30)).isoformat()
PAST = (domain.today() - timedelta(days=1)).isoformat()
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

AANVRAAG = {
    "titel": "Toegankelijkheid stadhuis",
    "thema": "toegankelijkheid",
    "tekst": "Hoe maken we het stadhuis beter bereikbaar?",
    "achtergrond": "De lift is vaak stuk.",
    "advies_gewenst_op": FUTURE,
    "contactpersoon": "Marja van Leeuwen",
}


async def _submit(client, data=None, files=None):
    token = await csrf_token(client)
    return await client.post(
        "/gemeente/beverwijk/aanvragen/nieuw",
        data={**AANVRAAG, **(data or {}), "_csrf_token": token},
        files=files or {"bijlagen": ("", b"", "application/octet-stream")},
    )


@pytest.fixture
async def marja(client, settings, database):
    """An ambtenaar of Beverwijk, logged in."""
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example", naam="Marja")
    await login(client, "marja@beverwijk.example")
    return client


async def test_ambtenaar_submits_a_request_with_a_pdf(marja):
    response = await _submit(marja, files={"bijlagen": ("lift rapport.pdf", PDF, "application/pdf")})

    assert response.status_code == 302
    vraag = await Vraag.select(Vraag.id, Vraag.titel, Vraag.herkomst, Vraag.stap).first()
    assert response.headers["location"] == f"/gemeente/beverwijk/aanvragen/{vraag['id']}?ingediend=1"
    assert (vraag["titel"], vraag["herkomst"], vraag["stap"]) == (
        AANVRAAG["titel"],
        "gemeente",
        "binnengekomen",
    )
    page = await marja.get(response.headers["location"])
    assert "Uw aanvraag is verstuurd" in page.text
    assert 'aria-current="step"' in page.text
    bijlage = await Bijlage.select(Bijlage.id).first()
    download = await marja.get(f"/gemeente/beverwijk/aanvragen/{vraag['id']}/bijlagen/{bijlage['id']}")
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''lift%20rapport.pdf"
    listing = await marja.get("/gemeente/beverwijk")
    assert 'Toegankelijkheid stadhuis</a> <span class="klein">(van u)</span>' in listing.text


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"tekst": ""}, None, "Vul de vraag in."),
        ({"advies_gewenst_op": PAST}, None, "Deze datum ligt in het verleden"),
        ({"thema": "ruimtevaart"}, None, "Dit thema kennen we niet"),
        (
            {},
            {"bijlagen": ("brief.pdf", b"<html>geen pdf</html>", "application/pdf")},
            "geen echt PDF-bestand",
        ),
        (
            {},
            {"bijlagen": ("setup.exe", b"MZ\x90\x00", "application/octet-stream")},
            "alleen PDF, DOCX en ODT",
        ),
        (
            {},
            {"bijlagen": ("groot.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")},
            "groter dan 10 MB",
        ),
    ],
)
async def test_bad_request_is_explained_on_the_form_and_stores_nothing(marja, data, files, message):
    response = await _submit(marja, data, files)

    assert response.status_code == 422
    assert message in response.text
    assert 'foutsamenvatting" role="alert"' in response.text
    assert AANVRAAG["contactpersoon"] in response.text  # what was typed stays
    assert await Vraag.count() == 0
    assert await Bijlage.count() == 0


async def test_request_body_over_the_upload_limit_is_refused_with_413(marja):
    response = await _submit(
        marja, files={"bijlagen": ("x.pdf", b"%PDF-" + b"0" * AANVRAAG_MAX_BODY, "application/pdf")}
    )

    assert response.status_code == 413
    assert await Vraag.count() == 0


async def _aanvraag_via_domain(settings) -> tuple[int, object]:
    ambtenaar = await _ingelogd(settings, "ambtenaar", "beverwijk", "collega@beverwijk.example")
    vraag_id = await domain.create_adviesaanvraag(
        ambtenaar,
        titel="Minimaregelingen",
        tekst="Waarom vragen mensen de regelingen niet aan?",
        achtergrond="",
        thema="minimabeleid",
        advies_gewenst_op=FUTURE,
        contactpersoon="Collega",
        bijlagen=[domain.NieuweBijlage("nota.pdf", PDF)],
    )
    return vraag_id, ambtenaar


async def test_ambtenaar_sees_colleagues_requests_but_no_internal_notes(marja, settings):
    vraag_id, _ = await _aanvraag_via_domain(settings)
    raadslid = await _ingelogd(settings, "raadslid", "beverwijk", "kees@beverwijk.example")
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(
        vraag_id, raadslid, versie=2, naar="concretiseren", notitie="We gaan aan de slag."
    )

    page = await marja.get(f"/gemeente/beverwijk/aanvragen/{vraag_id}")

    assert page.status_code == 200
    assert "Stap: Concretiseren. We gaan aan de slag." in page.text
    assert "Getrechterd" not in page.text  # the council's internal note
    assert "prioriteit" not in page.text
    # Where the request stands, as the NL Design System's process steps, each state in words
    # too (the old list ran the numbers into the names: "Binnengekomen2.").
    steps = re.findall(
        r'denhaag-process-steps__step--(\w[\w-]*)"[^>]*>.*?step-heading[^>]*>'
        r'([^<]+?) <span class="sr-only">\((\w[\w ]*)\)',
        page.text,
        re.S,
    )
    assert [(toestand, naam.strip(), woord) for toestand, naam, woord in steps][:3] == [
        ("checked", "Binnengekomen", "klaar"),
        ("checked", "Trechteren", "klaar"),
        ("current", "Concretiseren", "nu"),
    ]
    assert all(toestand == "not-checked" for toestand, _, _ in steps[3:]) and len(steps) > 3
    assert page.text.count('aria-current="step"') == 1


async def test_ambtenaar_cannot_reach_another_municipality(marja, settings):
    other = await _ingelogd(settings, "ambtenaar", "velsen", "piet@velsen.example")
    velsen_vraag = await domain.create_adviesaanvraag(
        other,
        titel="Velsen",
        tekst="Een vraag van Velsen",
        achtergrond="",
        thema="wonen",
        advies_gewenst_op=FUTURE,
        contactpersoon="Piet",
        bijlagen=[domain.NieuweBijlage("nota.pdf", PDF)],
    )
    bijlage = await Bijlage.select(Bijlage.id).first()

    assert (await marja.get("/gemeente/velsen")).status_code == 403
    assert (await marja.get(f"/gemeente/beverwijk/aanvragen/{velsen_vraag}")).status_code == 404
    download = f"/gemeente/beverwijk/aanvragen/{velsen_vraag}/bijlagen/{bijlage['id']}"
    assert (await marja.get(download)).status_code == 404
    assert (await marja.get("/raad/beverwijk/vragen")).status_code == 403


async def test_ambtenaar_records_the_reaction_in_borging(marja, settings):
    vraag_id, _ = await _aanvraag_via_domain(settings)
    raadslid = await _ingelogd(settings, "raadslid", "beverwijk", "kees@beverwijk.example")
    await _to_borging(vraag_id, raadslid)
    path = f"/gemeente/beverwijk/aanvragen/{vraag_id}"

    refused = await post_form(
        marja, f"{path}/reactie", {"reactie_oordeel": "misschien", "reactie_toelichting": ""}
    )
    stored = await post_form(
        marja,
        f"{path}/reactie",
        {
            "reactie_oordeel": "deels",
            "reactie_toelichting": "Het formulier wordt korter.",
            "vervolg_op": FUTURE,
        },
    )

    assert refused.status_code == 422
    assert "Kies: overgenomen, deels overgenomen of niet overgenomen." in refused.text
    assert stored.status_code == 302
    vraag = await domain.load_vraag(vraag_id)
    assert (vraag["reactie_oordeel"], vraag["reactie_toelichting"]) == (
        "deels",
        "Het formulier wordt korter.",
    )
    page = await marja.get(path)
    assert "<h3>Advies</h3>" in page.text  # the Markdown heading, one level under the page's h2
    assert "Deels overgenomen" in page.text


async def _to_borging(vraag_id, raadslid) -> None:
    await domain.update_trechter(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        scope="gemeente",
        thema="minimabeleid",
        prioriteit="hoog",
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    for naar in ("voorleggen", "terugkoppelen", "advies"):
        await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar=naar)
    await domain.record_advies(
        vraag_id, raadslid, versie=await _versie(vraag_id), tekst="# Advies\n\nDoe het.", aan="Het college"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="borging")


# --- the resident's idea form ---------------------------------------------------------------


async def test_resident_sends_an_idea_without_an_account(client, database):
    response = await post_form(
        client, "/idee/heemskerk", {"tekst": "<script>alert(1)</script> Meer bankjes", "email": ""}
    )

    assert response.status_code == 302
    assert response.headers["location"] == "/idee/heemskerk/bedankt"
    vraag = await Vraag.select(Vraag.tekst, Vraag.herkomst, Vraag.inwoner_email).first()
    assert vraag == {
        "tekst": "<script>alert(1)</script> Meer bankjes",
        "herkomst": "inwoner",
        "inwoner_email": None,
    }
    assert "Bedankt voor uw vraag of idee" in (await client.get("/idee/heemskerk/bedankt")).text


async def test_idea_with_a_bad_address_keeps_the_text_and_says_why(client, database):
    response = await post_form(client, "/idee/heemskerk", {"tekst": "Meer bankjes", "email": "jan@"})

    assert response.status_code == 422
    assert "Dit e-mailadres klopt niet" in response.text
    assert ">Meer bankjes</textarea>" in response.text
    assert await Vraag.count() == 0


async def test_idea_form_ignores_robots_and_unknown_councils(client, database):
    robot = await post_form(
        client, "/idee/heemskerk", {"tekst": "Koop nu", "email": "", "website": "spam.example"}
    )

    assert robot.status_code == 302
    assert await Vraag.count() == 0
    assert (await client.get("/idee/amsterdam")).status_code == 404


async def test_residents_text_is_escaped_on_the_council_page(client, settings, database):
    vraag_id = await domain.create_idee(
        gemeente_slug="heemskerk", tekst="<img src=x onerror=alert(1)>", email=""
    )
    await make_gebruiker(settings, "raadslid", "heemskerk", email="ans@heemskerk.example")
    await login(client, "ans@heemskerk.example")

    page = await client.get(f"/raad/heemskerk/vragen/{vraag_id}")

    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "<img src=x" not in page.text


# --- the council's forms in later steps, the export and htmx ---------------------------------


@pytest.fixture
async def kees(client, settings, database):
    """A raadslid of Beverwijk, logged in, with a request of Beverwijk in voorleggen."""
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@beverwijk.example")
    raadslid = await _ingelogd(settings, "raadslid", "beverwijk", "kees2@beverwijk.example")
    vraag_id, _ = await _aanvraag_via_domain(settings)
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="voorleggen")
    await login(client, "kees@beverwijk.example")
    return vraag_id


async def test_outreach_is_recorded_and_bad_numbers_are_explained(client, kees):
    path = f"/raad/beverwijk/vragen/{kees}/activiteiten"

    bad = await post_form(
        client, path, {"waar": "Voedselbank", "op": domain.today().isoformat(), "bereikt": "veel"}
    )
    good = await post_form(
        client, path, {"waar": "Voedselbank", "op": domain.today().isoformat(), "bereikt": "23"}
    )

    assert bad.status_code == 422
    assert "Vul het aantal bereikte inwoners in als een getal" in bad.text
    assert 'value="Voedselbank"' in bad.text
    assert good.status_code == 302
    page = await client.get(f"/raad/beverwijk/vragen/{kees}")
    assert "Voedselbank – 23 inwoners bereikt" in page.text
    assert "In totaal 23 inwoners bereikt." in page.text


async def test_hostile_markdown_in_the_advice_renders_inert(client, kees):
    for naar in ("terugkoppelen", "advies"):
        await post_form(
            client, f"/raad/beverwijk/vragen/{kees}/stap", {"versie": str(await _versie(kees)), "naar": naar}
        )

    response = await post_form(
        client,
        f"/raad/beverwijk/vragen/{kees}/advies",
        {
            "versie": str(await _versie(kees)),
            "advies_tekst": "**Doen**\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(2))",
            "advies_aan": "Het college",
        },
    )
    page = await client.get(f"/raad/beverwijk/vragen/{kees}")

    assert response.status_code == 302
    assert "<strong>Doen</strong>" in page.text
    assert "<script>alert(1)" not in page.text
    assert 'href="javascript' not in page.text


async def test_csv_export_has_the_step_dates_and_defuses_formulas(client, kees):
    await Vraag.update({Vraag.titel: '=HYPERLINK("http://evil.example")'}).where(Vraag.id == kees)

    response = await client.get("/raad/beverwijk/vragen/export.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    today = domain.today().isoformat()
    assert record["titel"] == '\'=HYPERLINK("http://evil.example")'
    assert (record["huidige_stap"], record["datum_binnengekomen"], record["datum_voorleggen"]) == (
        "voorleggen",
        today,
        today,
    )
    assert record["datum_advies"] == ""


async def test_csv_export_is_only_for_the_council(marja):
    assert (await marja.get("/raad/beverwijk/vragen/export.csv")).status_code == 403


async def test_htmx_card_move_returns_only_the_board_with_a_message(client, kees):
    token = await csrf_token(client)
    headers = {"HX-Request": "true", "x-csrftoken": token}
    path = f"/raad/beverwijk/vragen/{kees}/stap"

    moved = await client.post(
        path,
        data={"versie": str(await _versie(kees)), "naar": "terugkoppelen", "terug": "bord"},
        headers=headers,
    )
    stale = await client.post(path, data={"versie": "1", "naar": "advies", "terug": "bord"}, headers=headers)

    assert moved.status_code == 200
    assert moved.text.lstrip().startswith('<div id="bord">')
    assert "<html" not in moved.text
    assert f"Vraag {kees} (Minimaregelingen) staat nu in de stap terugkoppelen." in moved.text
    assert f"Vraag {kees} is niet verplaatst. Iemand anders heeft deze vraag net gewijzigd" in stale.text
    assert (await domain.load_vraag(kees))["stap"] == "terugkoppelen"
    assert await Gebeurtenis.count().where(Gebeurtenis.naar_stap == "advies") == 0


async def test_csv_export_dates_are_on_the_dutch_clock(client, kees):
    # 23:30 UTC on 15 January is 00:30 on the 16th in Amsterdam: the day a council member saw.
    from datetime import UTC, datetime

    from participatie.vragen.tables import Gebeurtenis

    await Gebeurtenis.update({Gebeurtenis.at: datetime(2027, 1, 15, 23, 30, tzinfo=UTC)}).where(
        Gebeurtenis.vraag == kees
    )

    response = await client.get("/raad/beverwijk/vragen/export.csv")
    header, row = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    record = dict(zip(header, row, strict=True))

    assert (record["datum_binnengekomen"], record["datum_voorleggen"]) == ("2027-01-16", "2027-01-16")
