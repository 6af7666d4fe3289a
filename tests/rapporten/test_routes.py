"""Report pages through the whole app: the council's page, the public report and its PDF."""

from participatie.peilingen.tables import Rapportadres
from participatie.rapporten import domain
from tests.conftest import login, post_form
from tests.rapporten.test_domain import CONCLUSIES, make_vraag_met_deelnemers


async def test_council_writes_and_publishes_then_everyone_reads(client, mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2)
    await login(client, "kees@beverwijk.example")
    base = f"/raad/beverwijk/vragen/{vraag_id}/rapport"

    page = await client.get(base)
    versie = (await domain.load_rapport(vraag_id))["versie"]
    empty = await post_form(client, base, {"versie": str(versie), "titel": "", "conclusies": ""})
    early = await post_form(client, f"{base}/publiceren", {})
    saved = await post_form(
        client,
        base,
        {"versie": str(versie), "titel": "Wat u ons vertelde", "inleiding": "", "conclusies": CONCLUSIES},
    )
    published = await post_form(client, f"{base}/publiceren", {})
    after = await client.get(base)
    rapport = await domain.load_rapport(vraag_id)
    await post_form(client, "/uitloggen", {})

    assert page.status_code == 200 and "nu 3 adressen" in page.text
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
    assert sorted(r["email"] for r in await Rapportadres.select(Rapportadres.email)) == [
        "INWONER0@example.org",
        "inwoner0@example.org",
    ]
