"""Every change a council member, ambtenaar or beheerder makes to a vraag leaves one trail line,
written in the change's own transaction; a refused change leaves none."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participatie import tijd
from participatie.spoor.tables import Spoorregel
from participatie.vragen import domain
from participatie.vragen.tables import Vraag
from tests.vragen.test_domain import _aanvraag, _concretiseer, _versie


async def _regels(vraag_id=None):
    query = Spoorregel.select(
        Spoorregel.actie,
        Spoorregel.door,
        Spoorregel.door_naam,
        Spoorregel.gemeente,
        Spoorregel.onderwerp,
        Spoorregel.onderwerp_id,
        Spoorregel.vraag_id,
        Spoorregel.voor,
        Spoorregel.na,
    ).order_by(Spoorregel.id)
    if vraag_id is not None:
        query = query.where(Spoorregel.vraag_id == vraag_id)
    return await query.output(load_json=True)


async def _trechter(vraag_id, raadslid, **changes):
    values = {"scope": "gemeente", "thema": "minimabeleid", "prioriteit": "hoog", **changes}
    await domain.update_trechter(vraag_id, raadslid, versie=await _versie(vraag_id), **values)


async def _in_stap(vraag_id, stap):
    # Arrange only: start a test in a given step without walking the whole funnel.
    await Vraag.update({Vraag.stap: stap}).where(Vraag.id == vraag_id)


async def test_adviesaanvraag_leaves_one_line_by_the_ambtenaar(mensen):
    ambtenaar = mensen["ambtenaar"]

    vraag_id = await _aanvraag(ambtenaar)

    assert await _regels() == [
        {
            "actie": "adviesaanvraag_ingediend",
            "door": ambtenaar.id,
            "door_naam": ambtenaar.naam,
            "gemeente": ambtenaar.gemeente_id,
            "onderwerp": "vraag",
            "onderwerp_id": vraag_id,
            "vraag_id": vraag_id,
            "voor": {},
            "na": {"titel": "Minimaregelingen", "thema": "minimabeleid"},
        }
    ]


async def test_eigen_agendering_leaves_one_line_by_the_raadslid(mensen):
    raadslid = mensen["raadslid"]

    vraag_id = await domain.create_eigen_agendering(
        raadslid, titel="Eenzaamheid bij ouderen", tekst="Wat kan de raad doen?", thema="ouderen"
    )

    regels = await _regels()
    assert [(r["actie"], r["door"], r["vraag_id"], r["na"]) for r in regels] == [
        ("vraag_geagendeerd", raadslid.id, vraag_id, {"titel": "Eenzaamheid bij ouderen", "thema": "ouderen"})
    ]


async def test_idee_leaves_a_line_without_actor_and_without_the_residents_data(database):
    vraag_id = await domain.create_idee(
        gemeente_slug="beverwijk",
        tekst="Meer bankjes in het park, groet Jan de Vries",
        email="jan@example.org",
    )

    regels = await _regels()
    assert [(r["actie"], r["door"], r["door_naam"], r["vraag_id"], r["voor"], r["na"]) for r in regels] == [
        ("idee_ontvangen", None, "", vraag_id, {}, {"herkomst": "inwoner"})
    ]


async def test_trechteren_records_only_the_changed_fields(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _trechter(vraag_id, raadslid)

    await _trechter(vraag_id, raadslid, prioriteit="laag")

    regels = [r for r in await _regels(vraag_id) if r["actie"] == "vraag_getrechterd"]
    assert [(r["door"], r["voor"], r["na"]) for r in regels] == [
        (
            raadslid.id,
            # The theme came with the aanvraag and did not change, so it is not in the line.
            {"scope": None, "prioriteit": None, "stap": "binnengekomen"},
            {"scope": "gemeente", "prioriteit": "hoog", "stap": "trechteren"},
        ),
        (raadslid.id, {"prioriteit": "hoog"}, {"prioriteit": "laag"}),
    ]


async def test_concretiseren_records_the_answers_before_and_after(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _trechter(vraag_id, raadslid)

    await _concretiseer(vraag_id, raadslid)

    (regel,) = [r for r in await _regels(vraag_id) if r["actie"] == "concretisering_gewijzigd"]
    deadline = (tijd.today() + timedelta(days=30)).isoformat()
    assert (regel["door"], regel["voor"], regel["na"]) == (
        raadslid.id,
        {
            "precieze_vraag": "",
            "aanpak": "",
            "doelgroep": "",
            "planning": "",
            "deadline": None,
            "participatievormen": [],
            "verantwoordelijke": None,
        },
        {
            "precieze_vraag": "Wat houdt mensen tegen?",
            "aanpak": "Persoonlijk gesprek",
            "doelgroep": "Klanten van de voedselbank",
            "planning": "Maart",
            "deadline": deadline,
            "participatievormen": ["bezoek op locatie"],
            "verantwoordelijke": raadslid.id,
        },
    )


async def test_moving_a_step_forward_and_back_records_the_steps(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _trechter(vraag_id, raadslid)

    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="concretiseren")
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="trechteren")
    await domain.advance_stap(
        vraag_id,
        raadslid,
        versie=await _versie(vraag_id),
        naar="afgewezen",
        afwijsreden="Geen taak van de raad.",
    )

    regels = [r for r in await _regels(vraag_id) if r["actie"].startswith("stap_")]
    assert [(r["actie"], r["door"], r["voor"], r["na"]) for r in regels] == [
        ("stap_gewijzigd", raadslid.id, {"stap": "trechteren"}, {"stap": "concretiseren"}),
        ("stap_terug", raadslid.id, {"stap": "concretiseren"}, {"stap": "trechteren"}),
        (
            "stap_gewijzigd",
            raadslid.id,
            {"stap": "trechteren"},
            {"stap": "afgewezen", "afwijsreden": "Geen taak van de raad."},
        ),
    ]


async def test_activiteit_is_recorded_without_its_notes(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _in_stap(vraag_id, "voorleggen")
    vandaag = tijd.today().isoformat()

    activiteit_id = await domain.add_activiteit(
        vraag_id, raadslid, waar="Voedselbank", op=vandaag, bereikt="23", notities="Sprak mevrouw Jansen"
    )

    regels = [r for r in await _regels(vraag_id) if r["actie"] == "activiteit_vastgelegd"]
    assert [(r["door"], r["onderwerp"], r["onderwerp_id"], r["voor"], r["na"]) for r in regels] == [
        (raadslid.id, "activiteit", activiteit_id, {}, {"waar": "Voedselbank", "op": vandaag, "bereikt": 23})
    ]


async def test_advies_records_text_and_addressee(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await _in_stap(vraag_id, "advies")

    await domain.record_advies(
        vraag_id, raadslid, versie=await _versie(vraag_id), tekst="Doe het.", aan="College"
    )

    regels = [r for r in await _regels(vraag_id) if r["actie"] == "advies_gewijzigd"]
    assert [(r["door"], r["voor"], r["na"]) for r in regels] == [
        (
            raadslid.id,
            {"advies_tekst": "", "advies_aan": ""},
            {"advies_tekst": "Doe het.", "advies_aan": "College"},
        )
    ]


async def test_reactie_by_the_ambtenaar_is_recorded_with_them_as_actor(mensen):
    ambtenaar = mensen["ambtenaar"]
    vraag_id = await _aanvraag(ambtenaar)
    await _in_stap(vraag_id, "borging")

    await domain.record_reactie(vraag_id, ambtenaar, oordeel="niet", toelichting="Te duur.", vervolg_op="")

    regels = [r for r in await _regels(vraag_id) if r["actie"] == "reactie_vastgelegd"]
    assert [(r["door"], r["voor"], r["na"]) for r in regels] == [
        (
            ambtenaar.id,
            {"reactie_oordeel": None, "reactie_toelichting": ""},
            {"reactie_oordeel": "niet", "reactie_toelichting": "Te duur."},
        )
    ]


@pytest.mark.parametrize(
    "refused",
    [
        # invalid input
        lambda v, r: _trechter(v, r, scope="heelal"),
        # wrong step
        lambda v, r: domain.record_advies(v, r, versie=1, tekst="Doe het.", aan="College"),
        # a step that may not follow
        lambda v, r: domain.advance_stap(v, r, versie=1, naar="afgerond"),
        # a stale form
        lambda v, r: domain.advance_stap(v, r, versie=0, naar="trechteren"),
    ],
    ids=["ongeldig", "verkeerde_stap", "stap_overslaan", "verouderd"],
)
async def test_a_refused_change_writes_no_line(mensen, refused):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    before = await _regels()

    with pytest.raises(domain.Geweigerd):
        await refused(vraag_id, mensen["raadslid"])

    assert await _regels() == before
    assert (await domain.load_vraag(vraag_id))["versie"] == 1
