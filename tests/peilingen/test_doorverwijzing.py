"""Issue 13: a resident's last poll page leads somewhere (the council's public report page, and
the report once it is out), and resident pages offer no "Inloggen" that is not theirs."""

import re

from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen.tables import Bijeenkomst, Lid
from participatie.peilingen import domain
from participatie.peilingen.tables import Peiling
from participatie.rapporten.tables import Rapport
from tests.focusgroepen.test_domain import _meeting, make_groep
from tests.peilingen.test_domain import answers, make_peiling
from tests.peilingen.test_routes import _post
from tests.rapporten.test_domain import _published_with

INLOGGEN = re.compile(r'href="/inloggen"')


def _links(html: str) -> set[str]:
    return set(re.findall(r'<a [^>]*href="([^"]+)"', html))


async def test_thank_you_page_leads_to_the_councils_reports(client, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))

    sent = await _post(client, f"/p/{formulier.sleutel}", answers(formulier))
    page = await client.get(sent.headers["location"])

    assert page.status_code == 200
    assert "/rapporten/beverwijk" in _links(page.text)
    assert "Alle rapporten van de " in page.text
    assert "Lees het eindrapport" not in page.text  # no report yet: no link to one
    assert not INLOGGEN.search(page.text)


async def test_closed_poll_page_leads_to_the_councils_reports(client, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await domain.close_early(mensen["raadslid"], formulier.peiling_id)

    page = await client.get(f"/p/{formulier.sleutel}")

    assert "Deze peiling is gesloten." in page.text
    assert "/rapporten/beverwijk" in _links(page.text)
    assert "Lees het eindrapport" not in page.text
    assert not INLOGGEN.search(page.text)


async def test_once_the_report_is_out_both_pages_link_it(client, mensen, settings):
    vraag_id = await _published_with(mensen, settings, adressen=1)
    sleutel = (await Peiling.select(Peiling.sleutel).where(Peiling.vraag == vraag_id).first())["sleutel"]
    rapport = (await Rapport.select(Rapport.sleutel).where(Rapport.vraag == vraag_id).first())["sleutel"]
    pad = f"/rapporten/beverwijk/{rapport}"

    closed = await client.get(f"/p/{sleutel}")
    thanks = await client.get(f"/p/{sleutel}/bedankt?al=1")
    report = await client.get(pad)

    for page in (closed, thanks):
        assert page.status_code == 200
        assert {pad, "/rapporten/beverwijk"} <= _links(page.text)
        assert "Lees het eindrapport" in page.text
    assert report.status_code == 200
    for page in (closed, thanks, report):
        assert not INLOGGEN.search(page.text)


async def test_focus_group_links_show_no_login_but_council_pages_do(client, mensen, settings):
    groep_id = await make_groep(mensen)
    await focusgroepen.add_inwoner(
        mensen["raadslid"], groep_id, naam="Fatima", email="fatima@example.org", telefoon="", toestemming=True
    )
    await focusgroepen.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    lid = await Lid.select(Lid.id).where(Lid.soort == "inwoner").first()
    bijeenkomst = await Bijeenkomst.select(Bijeenkomst.id).first()
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))

    reactie = await client.get(focusgroepen.reactie_pad(settings.secret_key, lid["id"], bijeenkomst["id"]))
    afmelden = await client.get(focusgroepen.afmeld_pad(settings.secret_key, lid["id"]))
    peiling = await client.get(f"/p/{formulier.sleutel}")
    home = await client.get("/")

    for page in (reactie, afmelden, peiling):
        assert page.status_code == 200
        assert not INLOGGEN.search(page.text)
    assert INLOGGEN.search(home.text)  # the council's way in stays where they start
