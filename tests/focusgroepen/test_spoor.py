"""Every council action on a focus group leaves exactly one trail line, filed under the
group's vraag and council, naming the member who did it and what changed; a refused change
leaves none, and no line names or reaches a resident."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest

from participatie import spoor, tijd
from participatie.accounts import domain as accounts
from participatie.focusgroepen import domain
from participatie.focusgroepen.tables import Bevinding, Bijeenkomst, Focusgroep, Lid
from participatie.spoor import Regel
from participatie.spoor.tables import Spoorregel
from participatie.vragen.tables import Vraag
from tests.conftest import make_gebruiker
from tests.focusgroepen.test_domain import INWONER, _later, _meeting, make_groep
from tests.peilingen.test_domain import _vraag_in_voorleggen


def _json(value: Any) -> Any:
    # SQLite hands JSON columns back as text, PostgreSQL as text too unless asked: parse both.
    return json.loads(value) if isinstance(value, str) else value


async def _groep(groep_id: int) -> dict[str, Any]:
    groep = await Focusgroep.select().where(Focusgroep.id == groep_id).first()
    assert groep is not None
    return groep


async def _new_lines(vraag_id: int, act: Awaitable[Any]) -> list[Regel]:
    """The trail lines `act` wrote on this vraag (the coroutine runs only here)."""
    known = {r.id for r in await spoor.van_vraag(vraag_id)}
    await act
    return [r for r in await spoor.van_vraag(vraag_id) if r.id not in known]


async def _one(mensen, groep_id: int, act: Awaitable[Any]) -> Regel:
    """Exactly one new line, by the raadslid, filed under the group's vraag and council."""
    groep = await _groep(groep_id)
    (regel,) = await _new_lines(groep["vraag"], act)
    assert (regel.door_naam, regel.gemeente_id, regel.vraag_id) == (
        mensen["raadslid"].naam,
        groep["gemeente"],
        groep["vraag"],
    )
    return regel


async def test_creating_a_group_is_traced_with_what_it_is_about(mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    eind_op = _later(60)

    (regel,) = await _new_lines(
        vraag_id,
        domain.create_focusgroep(
            mensen["raadslid"],
            vraag_id,
            thema="Minimaregelingen",
            doel="Horen waar inwoners vastlopen.",
            eind_op=eind_op.isoformat(),
            verantwoordelijke=str(mensen["raadslid"].id),
        ),
    )

    groep_id = (await Focusgroep.select(Focusgroep.id).first())["id"]
    assert (regel.actie, regel.onderwerp, regel.onderwerp_id, regel.door_naam) == (
        "focusgroep_aangemaakt",
        "focusgroep",
        groep_id,
        mensen["raadslid"].naam,
    )
    assert (regel.voor, regel.na) == (
        {},
        {
            "thema": "Minimaregelingen",
            "doel": "Horen waar inwoners vastlopen.",
            "eind_op": eind_op.isoformat(),
            "verantwoordelijke": mensen["raadslid"].id,
        },
    )


async def test_a_refused_group_writes_no_line(mensen):
    vraag_id = await _vraag_in_voorleggen(mensen)
    before = await Spoorregel.count()  # the vraag's own steps are traced too
    await Vraag.update({Vraag.stap: "trechteren"}).where(Vraag.id == vraag_id)
    good = {
        "thema": "Minimaregelingen",
        "doel": "Horen",
        "eind_op": _later(60).isoformat(),
        "verantwoordelijke": str(mensen["raadslid"].id),
    }

    with pytest.raises(domain.FocusgroepError) as wrong_step:
        await domain.create_focusgroep(mensen["raadslid"], vraag_id, **good)
    await Vraag.update({Vraag.stap: "voorleggen"}).where(Vraag.id == vraag_id)
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.create_focusgroep(mensen["raadslid"], vraag_id, **{**good, "thema": ""})
    with pytest.raises(domain.GeenToegang):
        await domain.create_focusgroep(mensen["velsen"], vraag_id, **good)

    assert str(wrong_step.value) == (
        "Een focusgroep start u bij een vraag in de stap concretiseren of voorleggen."
    )
    assert (await Spoorregel.count(), await Focusgroep.count()) == (before, 0)


async def test_changing_a_group_traces_only_what_changed(mensen, settings):
    groep_id = await make_groep(mensen)
    tweede = await make_gebruiker(settings, "raadslid", "beverwijk", email="anna@beverwijk.example")
    eind_op = _later(90)
    groep = await _groep(groep_id)

    regel = await _one(
        mensen,
        groep_id,
        domain.change_focusgroep(
            mensen["raadslid"],
            groep_id,
            thema="Minimaregelingen",
            doel=groep["doel"],
            eind_op=eind_op.isoformat(),
            verantwoordelijke=str(tweede),
        ),
    )
    unchanged = await _new_lines(
        groep["vraag"],
        domain.change_focusgroep(
            mensen["raadslid"],
            groep_id,
            thema="Minimaregelingen",
            doel=groep["doel"],
            eind_op=eind_op.isoformat(),
            verantwoordelijke=str(tweede),
        ),
    )

    assert (regel.actie, regel.onderwerp, regel.onderwerp_id) == (
        "focusgroep_gewijzigd",
        "focusgroep",
        groep_id,
    )
    assert (regel.voor, regel.na) == (
        {"eind_op": groep["eind_op"].isoformat(), "verantwoordelijke": mensen["raadslid"].id},
        {"eind_op": eind_op.isoformat(), "verantwoordelijke": tweede},
    )
    assert unchanged == []
    # The new responsible raadslid is a member, as the first one was from the start.
    assert await Lid.count().where((Lid.focusgroep == groep_id) & (Lid.gebruiker == tweede)) == 1


async def test_a_refused_group_change_writes_no_line(mensen, settings):
    groep_id = await make_groep(mensen)
    groep = await _groep(groep_id)
    good = {
        "thema": "Ander thema",
        "doel": "Horen",
        "eind_op": _later(30).isoformat(),
        "verantwoordelijke": str(mensen["raadslid"].id),
    }
    before = await Spoorregel.count()

    with pytest.raises(domain.OngeldigeInvoer) as error:
        await domain.change_focusgroep(
            mensen["raadslid"], groep_id, **{**good, "verantwoordelijke": str(mensen["velsen"].id)}
        )
    with pytest.raises(domain.GeenToegang):
        await domain.change_focusgroep(mensen["velsen"], groep_id, **good)
    await domain.close_groep(mensen["raadslid"], groep_id, settings)
    with pytest.raises(domain.Gesloten):
        await domain.change_focusgroep(mensen["raadslid"], groep_id, **good)

    assert set(error.value.fouten) == {"verantwoordelijke"}
    assert await Spoorregel.count() == before + 1  # only the closing
    assert (await _groep(groep_id))["thema"] == groep["thema"]


async def test_adding_a_resident_traces_their_number_not_their_name(mensen):
    groep_id = await make_groep(mensen)

    regel = await _one(
        mensen,
        groep_id,
        domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, "telefoon": "0251 123456"}),
    )

    lid_id = (await Lid.select(Lid.id).where(Lid.soort == "inwoner").first())["id"]
    assert (regel.actie, regel.onderwerp, regel.onderwerp_id) == ("lid_toegevoegd", "focusgroep", groep_id)
    assert (regel.voor, regel.na) == ({}, {"lid_id": lid_id, "soort": "inwoner"})


async def test_adding_a_policy_officer_traces_their_account_number(mensen):
    groep_id = await make_groep(mensen)

    regel = await _one(
        mensen, groep_id, domain.add_account_lid(mensen["raadslid"], groep_id, str(mensen["ambtenaar"].id))
    )

    lid_id = (await Lid.select(Lid.id).where(Lid.soort == "beleidsmedewerker").first())["id"]
    assert regel.actie == "lid_toegevoegd"
    assert regel.na == {
        "lid_id": lid_id,
        "soort": "beleidsmedewerker",
        "gebruiker_id": mensen["ambtenaar"].id,
    }


async def test_removing_a_member_is_traced(mensen):
    groep_id = await make_groep(mensen)
    lid_id = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)

    regel = await _one(mensen, groep_id, domain.remove_lid(mensen["raadslid"], groep_id, lid_id))

    assert (regel.actie, regel.voor, regel.na) == (
        "lid_verwijderd",
        {"lid_id": lid_id, "soort": "inwoner"},
        {},
    )


async def test_inviting_a_resident_traces_a_count_not_the_address(mensen, settings):
    groep_id = await make_groep(mensen)

    regel = await _one(
        mensen, groep_id, domain.invite_inwoner(mensen["raadslid"], groep_id, settings, "nieuw@example.org")
    )

    assert (regel.actie, regel.voor, regel.na) == ("inwoner_uitgenodigd", {}, {"uitnodigingen": 1})


async def test_refused_member_changes_write_no_line(mensen, settings):
    groep_id = await make_groep(mensen)
    before = await Spoorregel.count()

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, "toestemming": False})
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.invite_inwoner(mensen["raadslid"], groep_id, settings, "geen adres")
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.add_account_lid(mensen["raadslid"], groep_id, str(mensen["velsen"].id))
    with pytest.raises(domain.GeenToegang):
        await domain.add_inwoner(mensen["velsen"], groep_id, **INWONER)
    with pytest.raises(domain.NietGevonden):
        await domain.remove_lid(mensen["raadslid"], groep_id, 999)

    assert await Spoorregel.count() == before


async def test_planning_a_meeting_is_traced_with_when_and_where(mensen, settings):
    groep_id = await make_groep(mensen)

    regel = await _one(
        mensen, groep_id, domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    )

    bijeenkomst = await Bijeenkomst.select().first()
    assert (regel.actie, regel.onderwerp, regel.onderwerp_id) == (
        "bijeenkomst_gepland",
        "bijeenkomst",
        bijeenkomst["id"],
    )
    assert regel.na == {
        "focusgroep_id": groep_id,
        "begint_at": tijd.as_utc(bijeenkomst["begint_at"]).isoformat(),
        "eindigt_at": tijd.as_utc(bijeenkomst["eindigt_at"]).isoformat(),
        "plaats": "Buurthuis De Schakel, Beverwijk",
        "online_link": "",
        "agenda": "1. Kennismaken\n2. Ervaringen met de minimaregeling",
    }


async def test_changing_a_meeting_traces_only_what_changed(mensen, settings):
    groep_id = await make_groep(mensen)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())

    regel = await _one(
        mensen,
        groep_id,
        domain.change_bijeenkomst(
            mensen["raadslid"], bijeenkomst_id, settings, _meeting(plaats="Stadhuis Beverwijk")
        ),
    )

    assert (regel.actie, regel.onderwerp_id) == ("bijeenkomst_gewijzigd", bijeenkomst_id)
    assert (regel.voor, regel.na) == (
        {"plaats": "Buurthuis De Schakel, Beverwijk"},
        {"plaats": "Stadhuis Beverwijk"},
    )


async def test_cancelling_a_meeting_is_traced_once(mensen, settings):
    groep_id = await make_groep(mensen)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())

    regel = await _one(
        mensen, groep_id, domain.cancel_bijeenkomst(mensen["raadslid"], bijeenkomst_id, settings)
    )
    again = await _new_lines(
        regel.vraag_id or 0, domain.cancel_bijeenkomst(mensen["raadslid"], bijeenkomst_id, settings)
    )

    assert (regel.actie, regel.voor, regel.na) == (
        "bijeenkomst_afgezegd",
        {"geannuleerd": False},
        {"geannuleerd": True},
    )
    assert again == []


async def test_refused_meeting_changes_write_no_line(mensen, settings):
    groep_id = await make_groep(mensen)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    before = await Spoorregel.count()

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting(plaats=""))
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.change_bijeenkomst(
            mensen["raadslid"], bijeenkomst_id, settings, _meeting(begintijd="21:00", eindtijd="20:00")
        )
    with pytest.raises(domain.FocusgroepError):  # the meeting has not started yet
        await domain.record_verslag(mensen["raadslid"], bijeenkomst_id, verslag="Goed", aanwezig=set())
    with pytest.raises(domain.GeenToegang):
        await domain.cancel_bijeenkomst(mensen["velsen"], bijeenkomst_id, settings)

    assert await Spoorregel.count() == before


async def test_the_minutes_are_traced_with_a_count_of_who_came(mensen, settings):
    groep_id = await make_groep(mensen)
    fatima = await domain.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    await Bijeenkomst.update(
        {Bijeenkomst.begint_at: tijd.now() - timedelta(hours=3), Bijeenkomst.eindigt_at: tijd.now()}
    ).where(Bijeenkomst.id == bijeenkomst_id)

    regel = await _one(
        mensen,
        groep_id,
        domain.record_verslag(mensen["raadslid"], bijeenkomst_id, verslag="Goed gesprek.", aanwezig={fatima}),
    )

    assert (regel.actie, regel.onderwerp, regel.onderwerp_id) == (
        "verslag_vastgelegd",
        "bijeenkomst",
        bijeenkomst_id,
    )
    assert (regel.voor, regel.na) == (
        {"verslag": "", "aanwezig": 0},
        {"verslag": "Goed gesprek.", "aanwezig": 1},
    )


async def test_adding_and_removing_a_finding_is_traced_with_its_text(mensen, settings):
    groep_id = await make_groep(mensen)
    bijeenkomst_id = await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())

    added = await _one(
        mensen,
        groep_id,
        domain.add_bevinding(
            mensen["raadslid"],
            groep_id,
            tekst="Het formulier is te lang",
            steun="unaniem",
            bijeenkomsten=[str(bijeenkomst_id)],
        ),
    )
    bevinding_id = (await Bevinding.select(Bevinding.id).first())["id"]
    removed = await _one(
        mensen, groep_id, domain.remove_bevinding(mensen["raadslid"], groep_id, bevinding_id)
    )
    second_click = await _new_lines(
        added.vraag_id or 0, domain.remove_bevinding(mensen["raadslid"], groep_id, bevinding_id)
    )

    assert (added.actie, added.onderwerp, added.onderwerp_id) == (
        "bevinding_toegevoegd",
        "bevinding",
        bevinding_id,
    )
    assert added.na == {
        "focusgroep_id": groep_id,
        "tekst": "Het formulier is te lang",
        "steun": "unaniem",
        "bijeenkomsten": [bijeenkomst_id],
    }
    assert (removed.actie, removed.onderwerp_id, removed.voor, removed.na) == (
        "bevinding_verwijderd",
        bevinding_id,
        {"tekst": "Het formulier is te lang", "steun": "unaniem"},
        {},
    )
    assert second_click == []


async def test_changing_a_finding_traces_the_old_and_new_wording(mensen):
    groep_id = await make_groep(mensen)
    bevinding_id = await domain.add_bevinding(
        mensen["raadslid"], groep_id, tekst="Het formulier is te lang", steun="", bijeenkomsten=[]
    )

    regel = await _one(
        mensen,
        groep_id,
        domain.change_bevinding(
            mensen["raadslid"], groep_id, bevinding_id, tekst="Het formulier is te lang", steun="meerderheid"
        ),
    )
    with pytest.raises(domain.OngeldigeInvoer):
        await domain.change_bevinding(mensen["raadslid"], groep_id, bevinding_id, tekst="", steun="")
    with pytest.raises(domain.NietGevonden):
        await domain.change_bevinding(mensen["raadslid"], groep_id, bevinding_id + 1, tekst="Iets", steun="")

    assert (regel.actie, regel.onderwerp, regel.onderwerp_id) == (
        "bevinding_gewijzigd",
        "bevinding",
        bevinding_id,
    )
    assert (regel.voor, regel.na) == ({"steun": ""}, {"steun": "meerderheid"})
    assert await Spoorregel.count().where(Spoorregel.actie == "bevinding_gewijzigd") == 1


async def test_a_refused_finding_writes_no_line(mensen):
    groep_id = await make_groep(mensen)
    before = await Spoorregel.count()

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.add_bevinding(mensen["raadslid"], groep_id, tekst="", steun="", bijeenkomsten=[])
    with pytest.raises(domain.GeenToegang):
        await domain.add_bevinding(mensen["velsen"], groep_id, tekst="Iets", steun="", bijeenkomsten=[])

    assert await Spoorregel.count() == before


async def test_closing_by_hand_is_traced_with_the_summary(mensen, settings):
    groep_id = await make_groep(mensen)

    regel = await _one(
        mensen, groep_id, domain.close_groep(mensen["raadslid"], groep_id, settings, samenvatting="Klaar.")
    )

    assert (regel.actie, regel.onderwerp, regel.onderwerp_id) == (
        "focusgroep_gesloten",
        "focusgroep",
        groep_id,
    )
    assert (regel.voor, regel.na) == ({"gesloten": False}, {"gesloten": True, "samenvatting": "Klaar."})
    with pytest.raises(domain.Gesloten):
        await domain.close_groep(mensen["raadslid"], groep_id, settings)
    assert await Spoorregel.count().where(Spoorregel.actie == "focusgroep_gesloten") == 1


async def test_the_planner_closing_a_group_is_traced_without_a_person(mensen, settings):
    groep_id = await make_groep(mensen)
    groep = await _groep(groep_id)
    await Focusgroep.update({Focusgroep.eind_op: tijd.today() - timedelta(days=1)}).where(
        Focusgroep.id == groep_id
    )

    (regel,) = await _new_lines(groep["vraag"], domain.close_ended(settings))

    assert (regel.actie, regel.door_naam, regel.gemeente_id) == ("focusgroep_gesloten", "", groep["gemeente"])
    assert regel.na == {"gesloten": True, "samenvatting": "De groep heeft geen bevindingen vastgelegd."}


async def test_the_retention_period_change_is_traced_and_a_refusal_is_not(mensen, settings):
    await make_gebruiker(settings, "beheerder", None, email="beheer@ijmond.example")
    beheerder = await accounts.acting_as("beheer@ijmond.example")

    with pytest.raises(domain.OngeldigeInvoer):
        await domain.set_bewaartermijn(beheerder, "99")
    with pytest.raises(domain.GeenToegang):
        await domain.set_bewaartermijn(mensen["raadslid"], "6")
    await domain.set_bewaartermijn(beheerder, "6")

    # Read by its exact action: spoor.zoek matches with ILIKE, which SQLite warns about.
    (regel,) = await Spoorregel.select().where(Spoorregel.actie == "bewaartermijn_gewijzigd")
    assert (regel["door_naam"], regel["onderwerp"], regel["vraag_id"]) == (beheerder.naam, "instelling", None)
    assert (_json(regel["voor"]), _json(regel["na"])) == (
        {"focusgroep_bewaartermijn_maanden": 3},
        {"focusgroep_bewaartermijn_maanden": 6},
    )


async def test_no_line_names_or_reaches_a_resident(mensen, settings):
    groep_id = await make_groep(mensen)
    before = await Spoorregel.count()
    fatima = await domain.add_inwoner(mensen["raadslid"], groep_id, **{**INWONER, "telefoon": "0251 123456"})
    await domain.invite_inwoner(mensen["raadslid"], groep_id, settings, "nieuw@example.org")
    await domain.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    await domain.remove_lid(mensen["raadslid"], groep_id, fatima)
    await domain.close_groep(mensen["raadslid"], groep_id, settings)

    regels = await Spoorregel.select(Spoorregel.voor, Spoorregel.na)
    trail = json.dumps([[_json(r["voor"]), _json(r["na"])] for r in regels], ensure_ascii=False)

    assert len(regels) == before + 5  # added, invited, planned, removed, closed
    for value in ("Fatima", "fatima@example.org", "0251 123456", "nieuw@example.org"):
        assert value not in trail
