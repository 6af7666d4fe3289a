"""Report pages through the whole app: the council's page, the public report and its PDF."""

import re

from participatie.peilingen.tables import Rapportadres
from participatie.rapporten import domain
from participatie.rapporten.tables import Rapport
from participatie.spoor.tables import Spoorregel
from tests.conftest import login, post_form
from tests.peilingen.test_domain import _vraag_in_voorleggen
from tests.rapporten.test_domain import CONCLUSIES, _to, make_vraag_met_deelnemers


def versie_in(html: str) -> str:
    """The version the council's form would post back (0 for a report not stored yet)."""
    match = re.search(r'name="versie" value="(\d+)"', html)
    assert match is not None
    return match.group(1)


async def test_council_writes_and_publishes_then_everyone_reads(client, mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2)
    await login(client, "kees@beverwijk.example")
    base = f"/raad/beverwijk/vragen/{vraag_id}/rapport"

    page = await client.get(base)
    versie = versie_in(page.text)
    empty = await post_form(client, base, {"versie": versie, "titel": "", "conclusies": ""})
    early = await post_form(client, f"{base}/publiceren", {})
    saved = await post_form(
        client,
        base,
        {"versie": versie, "titel": "Wat u ons vertelde", "inleiding": "", "conclusies": CONCLUSIES},
    )
    published = await post_form(client, f"{base}/publiceren", {})
    after = await client.get(base)
    rapport = await domain.load_rapport(vraag_id)
    await post_form(client, "/uitloggen", {})

    assert page.status_code == 200 and "nu 3 adressen" in page.text
    assert versie == "0"  # a draft: the first save stores it
    assert empty.status_code == 422 and "Vul een titel in." in empty.text
    assert early.status_code == 422 and "Schrijf de conclusies" in early.text
    assert saved.status_code == 302 and published.status_code == 302
    assert "Het rapport ging naar 3 adressen." in after.text
    assert "@example.org" not in after.text  # counts, never addresses

    listing = await client.get("/rapporten/beverwijk")
    public = await client.get(f"/rapporten/beverwijk/{rapport['sleutel']}")
    pdf = await client.get(f"/rapporten/beverwijk/{rapport['sleutel']}/pdf")
    elsewhere = await client.get(f"/rapporten/velsen/{rapport['sleutel']}")
    assert "Wat u ons vertelde" in listing.text
    assert public.status_code == 200 and "<strong>onbekend</strong>" in public.text
    assert "Het formulier is te lang" in public.text
    assert "<script" not in public.text
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert elsewhere.status_code == 404


async def test_unpublished_reports_and_other_councils_see_nothing(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    rapport = await domain.rapport_voor(mensen["raadslid"], vraag_id)

    public = await client.get(f"/rapporten/beverwijk/{rapport['sleutel']}")
    await login(client, "dorine@velsen.example")
    other = await client.get(f"/raad/velsen/vragen/{vraag_id}/rapport")
    publish = await post_form(client, f"/raad/velsen/vragen/{vraag_id}/rapport/publiceren", {})

    assert (public.status_code, other.status_code, publish.status_code) == (404, 404, 404)
    assert (await domain.load_rapport(vraag_id))["gepubliceerd_at"] is None


async def test_remove_me_link(client, mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=2)
    rapport = await domain.rapport_voor(mensen["raadslid"], vraag_id)
    path = domain.afmeld_pad(settings.secret_key, rapport["id"], "inwoner1@example.org")

    forged = await post_form(client, path[:-4] + "0000", {})
    forged_page = await client.get(path[:-4] + "0000")
    page = await client.get(path)
    done = await post_form(client, path, {})

    assert forged.status_code == 404 and forged_page.status_code == 404
    assert page.status_code == 200 and done.status_code == 200
    # The goodbye leads back to the report, which stays readable (issue 13, no dead ends).
    sleutel = rapport["sleutel"]
    assert f'href="/rapporten/beverwijk/{sleutel}">Het rapport blijft hier te lezen' in done.text
    assert sorted(r["email"] for r in await Rapportadres.select(Rapportadres.email)) == [
        "INWONER0@example.org",
        "inwoner0@example.org",
    ]


async def test_council_page_get_stores_nothing(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    before = (await Rapport.count(), await Spoorregel.count())

    page = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport")
    again = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport")
    preview = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport/voorbeeld")

    assert (page.status_code, again.status_code, preview.status_code) == (200, 200, 404)
    assert "Er is nog geen rapport." in page.text
    assert "Wat inwoners zeiden over: " in page.text  # the draft's title, shown, not stored
    assert (await Rapport.count(), await Spoorregel.count()) == before


async def test_council_page_of_a_stored_report_stores_nothing(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await domain.create_rapport(mensen["raadslid"], vraag_id)
    await login(client, "kees@beverwijk.example")
    before = (
        await Rapport.count(),
        await Spoorregel.count(),
        (await domain.load_rapport(vraag_id))["versie"],
    )

    page = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport")
    preview = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport/voorbeeld")

    assert (page.status_code, preview.status_code) == (200, 200)
    assert versie_in(page.text) == "1"
    after = (await Rapport.count(), await Spoorregel.count(), (await domain.load_rapport(vraag_id))["versie"])
    assert after == before


async def test_council_page_before_voorleggen_says_why_and_stores_nothing(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await _to(vraag_id, mensen["raadslid"], "concretiseren")
    await login(client, "kees@beverwijk.example")
    before = (await Rapport.count(), await Spoorregel.count())

    page = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport")
    save = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/rapport",
        {"versie": "0", "titel": "Te vroeg", "inleiding": "", "conclusies": ""},
    )

    assert page.status_code == 422 and "Een rapport maakt u vanaf de stap voorleggen." in page.text
    assert save.status_code == 422 and "Een rapport maakt u vanaf de stap voorleggen." in save.text
    assert (await Rapport.count(), await Spoorregel.count()) == before


async def test_first_save_from_the_draft_stores_the_report_once(client, mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await login(client, "kees@beverwijk.example")
    base = f"/raad/beverwijk/vragen/{vraag_id}/rapport"
    vraag_page = await client.get(f"/raad/beverwijk/vragen/{vraag_id}")
    draft = await client.get(base)
    versie = versie_in(draft.text)
    form = {"versie": versie, "titel": "Eerste", "inleiding": "", "conclusies": "Klaar."}

    saved = await post_form(client, base, form)
    stale = await post_form(client, base, {**form, "titel": "Tweede"})
    page = await client.get(f"{base}?gelukt=opgeslagen")

    # Without JavaScript: a link from the vraag, a plain form posting to the same address.
    assert f'href="{base}"' in vraag_page.text
    assert f'<form method="post" action="{base}" class="formulier" novalidate>' in draft.text
    assert saved.status_code == 302 and saved.headers["location"] == f"{base}?gelukt=opgeslagen"
    assert stale.status_code == 409 and "Iemand anders heeft het rapport net gewijzigd" in stale.text
    assert 'value="Tweede"' in stale.text  # the input is shown again
    assert "Het rapport is opgeslagen." in page.text and versie_in(page.text) == "1"
    assert [r["titel"] for r in await Rapport.select(Rapport.titel)] == ["Eerste"]
    assert [
        r["actie"] for r in await Spoorregel.select(Spoorregel.actie).where(Spoorregel.onderwerp == "rapport")
    ] == ["rapport_aangemaakt"]
