"""Focusgroep pages through the whole app: who sees what, URL tampering, bad input, links."""

import re

import pytest

from participatie.focusgroepen import domain
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid, Reactie
from participatie.mail.tables import Bericht
from participatie.rapporten import domain as rapporten
from tests.conftest import login, make_gebruiker, post_form
from tests.focusgroepen.test_domain import INWONER, _later, _meeting, make_groep
from tests.peilingen.test_domain import _vraag_in_voorleggen


async def _groep_met_inwoner(mensen) -> tuple[int, int]:
    groep_id = await make_groep(mensen)
    lid_id = await domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, "telefoon": "0251 123456"})
    return groep_id, lid_id


async def test_council_creates_a_group_from_the_vraag_page(client, mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    await login(client, "kees@beverwijk.example")
    vraag_page = await client.get(f"/raad/beverwijk/vragen/{vraag_id}")
    assert f"/raad/beverwijk/vragen/{vraag_id}/focusgroepen/nieuw" in vraag_page.text

    bad = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/focusgroepen/nieuw",
        {"thema": "", "doel": "Horen", "eind_op": "2020-01-01", "verantwoordelijke": ""},
    )
    good = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/focusgroepen/nieuw",
        {
            "thema": "Minimaregelingen",
            "doel": "Horen waar het vastloopt",
            "eind_op": _later(30).isoformat(),
            "verantwoordelijke": str(mensen["raadslid"].id),
        },
    )

    assert bad.status_code == 422
    assert "Vul het thema in." in bad.text
    assert "Deze datum ligt in het verleden" in bad.text
    assert good.status_code == 302
    groep_id = (await Focusgroep.select(Focusgroep.id).first())["id"]
    assert good.headers["location"] == f"/raad/beverwijk/focusgroepen/{groep_id}"


async def test_contact_details_only_for_the_council_and_members(client, settings, mensen):
    groep_id, _ = await _groep_met_inwoner(mensen)

    await login(client, "kees@beverwijk.example")
    own = await client.get(f"/raad/beverwijk/focusgroepen/{groep_id}")
    await post_form(client, "/uitloggen", {})

    await login(client, "dorine@velsen.example")
    other_council = await client.get(f"/raad/velsen/focusgroepen/{groep_id}")
    other_slug = await client.get(f"/raad/beverwijk/focusgroepen/{groep_id}")
    await post_form(client, "/uitloggen", {})

    await login(client, "marja@beverwijk.example")
    not_a_member = await client.get(f"/gemeente/beverwijk/focusgroepen/{groep_id}")
    await domain.add_account_lid(mensen["raadslid"], groep_id, str(mensen["ambtenaar"].id))
    member = await client.get(f"/gemeente/beverwijk/focusgroepen/{groep_id}")
    as_council = await client.get(f"/raad/beverwijk/focusgroepen/{groep_id}")
    await post_form(client, "/uitloggen", {})

    await make_gebruiker(settings, "ambtenaar", "velsen", email="piet@velsen.example")
    await login(client, "piet@velsen.example")
    other_municipality = await client.get(f"/gemeente/velsen/focusgroepen/{groep_id}")

    assert own.status_code == 200
    assert "fatima@example.org" in own.text and "0251 123456" in own.text
    assert (other_council.status_code, other_slug.status_code) == (404, 403)
    assert "fatima@example.org" not in other_council.text
    assert not_a_member.status_code == 404
    assert member.status_code == 200
    assert "fatima@example.org" in member.text
    assert "Een bijeenkomst plannen" not in member.text  # reads along, does not run the group
    assert as_council.status_code == 403
    assert other_municipality.status_code == 404


async def test_council_actions_refuse_another_councils_group(client, mensen):
    groep_id, lid_id = await _groep_met_inwoner(mensen)
    await login(client, "dorine@velsen.example")

    for path, data in [
        (f"/raad/velsen/focusgroepen/{groep_id}/leden", {**INWONER, "toestemming": "ja"}),
        (f"/raad/velsen/focusgroepen/{groep_id}/leden/{lid_id}/verwijderen", {}),
        (f"/raad/velsen/focusgroepen/{groep_id}/sluiten", {"samenvatting": "Klaar"}),
        (f"/raad/velsen/focusgroepen/{groep_id}/bijeenkomsten", {"datum": _later().isoformat()}),
    ]:
        response = await post_form(client, path, data)
        assert response.status_code == 404, path

    assert await Lid.count().where(Lid.soort == "inwoner") == 1
    assert (await Focusgroep.select(Focusgroep.gesloten_at).first())["gesloten_at"] is None


async def test_bad_meeting_input_is_shown_by_the_field(client, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")

    response = await post_form(
        client,
        f"/raad/beverwijk/focusgroepen/{groep_id}/bijeenkomsten",
        {"datum": _later().isoformat(), "begintijd": "21:00", "eindtijd": "20:00", "plaats": "Stadhuis"},
    )

    assert response.status_code == 422
    assert "De eindtijd ligt voor de begintijd" in response.text
    assert 'value="Stadhuis"' in response.text  # what was typed stays
    assert await Bijeenkomst.count() == 0


async def test_resident_without_consent_is_not_added(client, mensen):
    groep_id = await make_groep(mensen)
    await login(client, "kees@beverwijk.example")

    response = await post_form(
        client, f"/raad/beverwijk/focusgroepen/{groep_id}/leden", INWONER | {"toestemming": ""}
    )

    assert response.status_code == 422
    assert "Zonder toestemming" in response.text
    assert await Lid.count().where(Lid.soort == "inwoner") == 0


async def test_reply_link_without_logging_in(client, settings, mensen):
    groep_id, lid_id = await _groep_met_inwoner(mensen)
    other = await domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, "naam": "Jan"})
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    path = domain.reactie_pad(settings.secret_key, lid_id, bijeenkomst_id)

    page = await client.get(path)
    answer = await post_form(client, path, {"antwoord": "ja"})
    wrong = await post_form(client, path, {"antwoord": "altijd"})
    borrowed = await post_form(client, path.replace(f"/f/{lid_id}/", f"/f/{other}/"), {"antwoord": "nee"})

    assert page.status_code == 200 and "Komt u naar deze bijeenkomst?" in page.text
    assert answer.status_code == 200 and "Uw antwoord is opgeslagen" in answer.text
    assert wrong.status_code == 422 and "Kies ja, nee of misschien." in wrong.text
    assert borrowed.status_code == 404
    assert await Reactie.select(Reactie.lid, Reactie.antwoord) == [{"lid": lid_id, "antwoord": "ja"}]


async def test_sign_up_page_and_leaving(client, settings, mensen):
    groep_id = await make_groep(mensen)
    await domain.invite_inwoner(mensen["raadslid"], groep_id, settings, "nieuw@example.org")
    (bericht,) = await Bericht.select(Bericht.context).where(Bericht.sjabloon == "focusgroep_aanmelden")
    path = (
        bericht["context"]["pad"]
        if isinstance(bericht["context"], dict)
        else re.search(r"/f/aanmelden/[^\"]+", bericht["context"]).group(0)
    )

    page = await client.get(path)
    refused = await post_form(client, path, {"naam": "Nieuw", "email": "nieuw@example.org"})
    done = await post_form(client, path, {"naam": "Nieuw", "email": "nieuw@example.org", "toestemming": "ja"})
    again = await client.get(path)
    lid = await Lid.select().where(Lid.soort == "inwoner").first()
    leave_path = domain.afmeld_pad(settings.secret_key, lid["id"])
    leave_page = await client.get(leave_path)
    left = await post_form(client, leave_path, {})

    assert page.status_code == 200 and 'value="nieuw@example.org"' in page.text
    assert refused.status_code == 422 and "Zonder toestemming" in refused.text
    assert done.status_code == 200 and "u bent aangemeld" in done.text
    # Thank-you and goodbye lead somewhere: the council's reports (issue 13, no dead ends).
    assert 'href="/rapporten/beverwijk"' in done.text
    assert 'href="/rapporten/beverwijk"' in left.text and "U doet niet meer mee" in left.text
    assert again.status_code == 404
    assert leave_page.status_code == 200 and left.status_code == 200
    assert (await Lid.select(Lid.email).where(Lid.id == lid["id"]).first())["email"] is None
    assert "<script" not in page.text


@pytest.mark.parametrize(
    "path", ["/f/1/afmelden/vervalst", "/f/1/bijeenkomsten/1/vervalst", "/f/aanmelden/vervalst"]
)
async def test_forged_links_get_a_kind_404(client, mensen, path):
    response = await client.get(path)

    assert response.status_code == 404
    assert "Deze link werkt niet" in response.text
    assert 'href="/">Naar de startpagina' in response.text


async def test_beheerder_changes_the_retention_period(client, settings, mensen):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    await login(client, "beheer@ijmond.example")

    bad = await post_form(client, "/beheer/instellingen", {"maanden": "99", "vervolg_maanden": "0"})
    half = await post_form(client, "/beheer/instellingen", {"maanden": "9", "vervolg_maanden": "0"})
    assert half.status_code == 422
    assert await domain.bewaartermijn_maanden() == 3  # one wrong field changes nothing
    good = await post_form(
        client, "/beheer/instellingen", {"maanden": "6", "vervolg_maanden": "18", "adres_maanden": "12"}
    )

    assert bad.status_code == 422 and "1 tot en met 24 maanden" in bad.text
    assert "1 tot en met 36 maanden" in bad.text
    assert good.status_code == 200 and "opgeslagen" in good.text
    assert await domain.bewaartermijn_maanden() == 6
    assert await rapporten.vervolg_bewaartermijn_maanden() == 18


async def test_council_changes_the_group_and_a_finding(client, mensen, settings):
    groep_id = await make_groep(mensen)
    bevinding_id = await domain.add_bevinding(
        mensen["raadslid"], groep_id, tekst="Te veel formulieren", steun="", bijeenkomsten=[]
    )
    await login(client, "kees@beverwijk.example")
    pad = f"/raad/beverwijk/focusgroepen/{groep_id}"
    velden = {
        "thema": "Minimaregelingen en schulden",
        "doel": "Horen waar het vastloopt",
        "eind_op": _later(40).isoformat(),
        "verantwoordelijke": str(mensen["raadslid"].id),
    }

    form = await client.get(f"{pad}/wijzigen")
    bad = await post_form(client, f"{pad}/wijzigen", {**velden, "thema": ""})
    good = await post_form(client, f"{pad}/wijzigen", velden)
    finding_form = await client.get(f"{pad}/bevindingen/{bevinding_id}")
    bad_finding = await post_form(client, f"{pad}/bevindingen/{bevinding_id}", {"tekst": "", "steun": ""})
    good_finding = await post_form(
        client, f"{pad}/bevindingen/{bevinding_id}", {"tekst": "Veel te veel formulieren", "steun": "unaniem"}
    )
    missing = await client.get(f"{pad}/bevindingen/{bevinding_id + 1}")
    page = await client.get(f"{pad}?gelukt=gewijzigd")

    assert form.status_code == 200 and 'value="Minimaregelingen"' in form.text
    assert bad.status_code == 422 and "Vul het thema in." in bad.text
    assert (good.status_code, good.headers["location"]) == (302, f"{pad}?gelukt=gewijzigd")
    assert finding_form.status_code == 200 and 'value="Te veel formulieren"' in finding_form.text
    assert bad_finding.status_code == 422 and 'value=""' in bad_finding.text
    assert good_finding.status_code == 302
    assert missing.status_code == 404
    assert "Minimaregelingen en schulden" in page.text and "Veel te veel formulieren" in page.text
    assert f"{pad}/bevindingen/{bevinding_id}" in page.text and f"{pad}/wijzigen" in page.text


async def test_another_council_cannot_open_the_change_forms(client, mensen):
    groep_id = await make_groep(mensen)
    bevinding_id = await domain.add_bevinding(
        mensen["raadslid"], groep_id, tekst="Te veel formulieren", steun="", bijeenkomsten=[]
    )
    await login(client, "dorine@velsen.example")

    form = await client.get(f"/raad/velsen/focusgroepen/{groep_id}/wijzigen")
    post = await post_form(client, f"/raad/velsen/focusgroepen/{groep_id}/wijzigen", {"thema": "Weg"})
    finding = await post_form(
        client, f"/raad/velsen/focusgroepen/{groep_id}/bevindingen/{bevinding_id}", {"tekst": "Weg"}
    )

    assert (form.status_code, post.status_code, finding.status_code) == (404, 404, 404)
    assert (await Focusgroep.select(Focusgroep.thema).first())["thema"] == "Minimaregelingen"
