"""Every council action on a poll leaves exactly one trail line, filed under the poll's vraag and
council, naming the member who did it and what changed; a refused change leaves none, and no
line holds a resident's answer, an invitation code or a kiosk token."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any

import pytest

from participatie import spoor, tijd
from participatie.accounts import domain as accounts
from participatie.fouten import GeenToegang, OngeldigeInvoer
from participatie.peilingen import adressen, domain
from participatie.peilingen.domain import ItemInvoer
from participatie.peilingen.tables import Item, Kiosk, Peiling, Waarde
from participatie.spoor import Regel
from participatie.spoor.tables import Spoorregel
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie, Stap
from tests.conftest import login, make_gebruiker, post_form
from tests.peilingen.test_domain import _vraag_in_voorleggen, answers, make_peiling
from tests.vragen.test_domain import _aanvraag

SECRET = "test-geheim"


async def _peiling(peiling_id: int) -> dict[str, Any]:
    peiling = await Peiling.select().where(Peiling.id == peiling_id).first()
    assert peiling is not None
    return peiling


async def _new_lines(vraag_id: int, act: Awaitable[Any]) -> list[Regel]:
    """The trail lines `act` wrote on this vraag (the coroutine runs only here)."""
    known = {r.id for r in await spoor.van_vraag(vraag_id)}
    await act
    return [r for r in await spoor.van_vraag(vraag_id) if r.id not in known]


async def _one(mensen, peiling_id: int, act: Awaitable[Any]) -> Regel:
    """Exactly one new line about this poll, by the raadslid, under its vraag and council."""
    peiling = await _peiling(peiling_id)
    (regel,) = await _new_lines(peiling["vraag"], act)
    assert (regel.door_naam, regel.gemeente_id, regel.vraag_id, regel.onderwerp, regel.onderwerp_id) == (
        mensen["raadslid"].naam,
        peiling["gemeente"],
        peiling["vraag"],
        "peiling",
        peiling_id,
    )
    return regel


async def _all_lines() -> int:
    return await Spoorregel.count()


async def _trail_text() -> str:
    """Everything the trail holds before and after, as one text to search."""
    rows = await Spoorregel.select(Spoorregel.voor, Spoorregel.na)
    return json.dumps([[_json(r["voor"]), _json(r["na"])] for r in rows], ensure_ascii=False)


async def _answered(mensen) -> tuple[int, int]:
    """An open poll with one response; returns the poll and its open answer's value id."""
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")
    waarde = await Waarde.select(Waarde.id).where(Waarde.tekst.is_not_null()).first()
    assert waarde is not None
    return peiling_id, waarde["id"]


async def _item_ids(peiling_id: int) -> list[int]:
    rows = await Item.select(Item.id).where(Item.peiling == peiling_id).order_by(Item.positie)
    return [r["id"] for r in rows]


# --- one line per action ------------------------------------------------------------------


async def test_creating_a_poll_is_traced_with_its_settings(mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _vraag_in_voorleggen(mensen)

    (regel,) = await _new_lines(
        vraag_id,
        domain.create_peiling(raadslid, vraag_id, titel="Bankjes", intro="Drie vragen.", toegang="codes"),
    )

    peiling = await Peiling.select(Peiling.id, Peiling.gemeente).first()
    assert peiling is not None
    assert (regel.actie, regel.door_naam, regel.onderwerp_id, regel.gemeente_id, regel.vraag_id) == (
        "peiling_aangemaakt",
        raadslid.naam,
        peiling["id"],
        peiling["gemeente"],
        vraag_id,
    )
    assert (regel.voor, regel.na) == ({}, {"titel": "Bankjes", "intro": "Drie vragen.", "toegang": "codes"})


async def test_changing_the_settings_is_traced_with_only_the_changed_fields(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    peiling = await _peiling(peiling_id)
    sluit = "2099-07-01T12:00"

    regel = await _one(
        mensen,
        peiling_id,
        domain.update_peiling(
            mensen["raadslid"],
            peiling_id,
            titel="Minimaregelingen in Beverwijk",
            intro=peiling["intro"],
            toegang=peiling["toegang"],
            opent_at="",
            sluit_at=sluit,
        ),
    )

    assert regel.actie == "peiling_gewijzigd"
    assert regel.voor == {
        "titel": "Minimaregelingen",
        "sluit_at": tijd.as_utc(peiling["sluit_at"]).isoformat(),
    }
    assert regel.na == {
        "titel": "Minimaregelingen in Beverwijk",
        "sluit_at": tijd.from_local(datetime.fromisoformat(sluit)).isoformat(),
    }


async def test_saving_unchanged_settings_writes_no_line(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    peiling = await _peiling(peiling_id)
    before = await _all_lines()

    await domain.update_peiling(
        mensen["raadslid"],
        peiling_id,
        titel=peiling["titel"],
        intro=peiling["intro"],
        toegang=peiling["toegang"],
        opent_at="",
        sluit_at=tijd.invoer_moment(peiling["sluit_at"]),
    )

    assert await _all_lines() == before


async def test_adding_an_item_is_traced_with_its_kind_text_and_choices(mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    regel = await _one(
        mensen,
        peiling_id,
        domain.add_item(
            mensen["raadslid"], peiling_id, ItemInvoer("enkel", "Welke wijk?", keuzes=["Noord", "Zuid"])
        ),
    )

    new_id = (await _item_ids(peiling_id))[-1]
    assert (regel.actie, regel.voor, regel.na) == (
        "peilingvraag_toegevoegd",
        {},
        {"item": new_id, "soort": "enkel", "tekst": "Welke wijk?", "keuzes": ["Noord", "Zuid"]},
    )


async def test_rewording_an_item_is_traced_with_its_text_before_and_after(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    item_id = (await _item_ids(peiling_id))[0]

    regel = await _one(
        mensen,
        peiling_id,
        domain.update_item_tekst(mensen["raadslid"], item_id, tekst="Kent u de regelingen?", toelichting=""),
    )

    assert (regel.actie, regel.voor, regel.na) == (
        "peilingvraag_herschreven",
        {"item": item_id, "tekst": "Kent u de regeling?"},
        {"item": item_id, "tekst": "Kent u de regelingen?"},
    )


async def test_removing_an_item_is_traced_with_its_text(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    item_id = (await _item_ids(peiling_id))[1]

    regel = await _one(mensen, peiling_id, domain.remove_item(mensen["raadslid"], item_id))

    assert (regel.actie, regel.voor, regel.na) == (
        "peilingvraag_verwijderd",
        {"item": item_id, "tekst": "Waar hoort u erover?"},
        {},
    )


async def test_moving_an_item_is_traced_with_its_place_before_and_after(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    item_id = (await _item_ids(peiling_id))[1]

    regel = await _one(mensen, peiling_id, domain.move_item(mensen["raadslid"], item_id, -1))

    assert (regel.actie, regel.voor, regel.na) == (
        "peilingvraag_verplaatst",
        {"item": item_id, "plaats": 2},
        {"item": item_id, "plaats": 1},
    )
    assert (await _item_ids(peiling_id))[0] == item_id


async def test_publishing_is_traced_with_the_status_it_got(mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    regel = await _one(mensen, peiling_id, domain.publish(mensen["raadslid"], peiling_id))

    assert (regel.actie, regel.voor, regel.na) == (
        "peiling_gepubliceerd",
        {"status": "concept"},
        {"status": "open"},
    )


async def test_closing_early_is_traced_with_the_status_before_and_after(mensen):
    peiling_id = await make_peiling(mensen)

    regel = await _one(mensen, peiling_id, domain.close_early(mensen["raadslid"], peiling_id))

    assert (regel.actie, regel.voor, regel.na) == (
        "peiling_vroeg_gesloten",
        {"status": "open"},
        {"status": "gesloten"},
    )


async def test_making_codes_is_traced_by_their_number_never_the_codes(mensen):
    peiling_id = await make_peiling(mensen, toegang="codes", publish=False)
    codes: list[str] = []

    async def make() -> None:
        codes.extend(await domain.create_codes(mensen["raadslid"], peiling_id, 3, SECRET))

    regel = await _one(mensen, peiling_id, make())

    assert (regel.actie, regel.voor, regel.na) == ("codes_gemaakt", {}, {"aantal": 3})
    trail = await _trail_text()
    assert len(codes) == 3 and not any(code in trail for code in codes)


async def test_hiding_and_showing_an_answer_name_it_by_number_never_its_text(mensen):
    peiling_id, waarde_id = await _answered(mensen)
    raadslid = mensen["raadslid"]

    hidden = await _one(mensen, peiling_id, domain.hide_open_answer(raadslid, peiling_id, waarde_id, True))
    shown = await _one(mensen, peiling_id, domain.hide_open_answer(raadslid, peiling_id, waarde_id, False))

    assert (hidden.actie, hidden.voor, hidden.na) == (
        "antwoord_verborgen",
        {"antwoord": waarde_id, "verborgen": False},
        {"antwoord": waarde_id, "verborgen": True},
    )
    assert (shown.actie, shown.voor, shown.na) == (
        "antwoord_getoond",
        {"antwoord": waarde_id, "verborgen": True},
        {"antwoord": waarde_id, "verborgen": False},
    )
    assert "Eén formulier voor alles." not in await _trail_text()


async def test_unlocking_and_revoking_a_kiosk_are_traced_without_its_token(mensen):
    peiling_id = await make_peiling(mensen)
    raadslid = mensen["raadslid"]
    ontgrendeld: list[domain.Ontgrendeld] = []

    async def unlock() -> None:
        ontgrendeld.append(await domain.unlock_kiosk(raadslid, peiling_id))

    unlocked = await _one(mensen, peiling_id, unlock())
    kiosk = await Kiosk.select(Kiosk.id).first()
    assert kiosk is not None
    revoked = await _one(mensen, peiling_id, domain.revoke_kiosk(raadslid, peiling_id, kiosk["id"]))

    assert (unlocked.actie, unlocked.voor, unlocked.na) == (
        "kiosk_ontgrendeld",
        {},
        {"kiosk": kiosk["id"], "verloopt_at": ontgrendeld[0].verloopt_at.isoformat()},
    )
    assert (revoked.actie, revoked.voor, revoked.na) == (
        "kiosk_ingetrokken",
        {"kiosk": kiosk["id"]},
        {"ingetrokken": True},
    )
    assert ontgrendeld[0].token not in await _trail_text()


async def test_changing_the_address_retention_is_traced_as_a_setting(database, settings):
    await make_gebruiker(settings, "beheerder", email="beheer@ijmond.example")
    beheerder = await accounts.acting_as("beheer@ijmond.example")

    await adressen.set_bewaartermijn(beheerder, "6")

    rows = await Spoorregel.select(Spoorregel.actie, Spoorregel.onderwerp, Spoorregel.voor, Spoorregel.na)
    assert [(r["actie"], r["onderwerp"], _json(r["voor"]), _json(r["na"])) for r in rows] == [
        (
            "bewaartermijn_gewijzigd",
            "instelling",
            {"adres_bewaartermijn_maanden": adressen.BEWAAR_STANDAARD},
            {"adres_bewaartermijn_maanden": 6},
        )
    ]


def _json(value: Any) -> Any:
    # A JSON column may come back as text: parse it the same way on both engines.
    return json.loads(value) if isinstance(value, str) else value


# --- a refused change leaves no line ------------------------------------------------------


async def test_a_poll_on_a_vraag_in_the_wrong_step_is_refused_with_the_steps_reason(mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])  # binnengekomen: too early for a poll
    before = await _all_lines()

    with pytest.raises(domain.PeilingError) as refused:
        await domain.create_peiling(mensen["raadslid"], vraag_id, titel="Bankjes", intro="", toegang="link")

    assert str(refused.value) == stappen.weigering(Stap.BINNENGEKOMEN, Actie.PEILING_MAKEN)
    assert (await _all_lines(), await Peiling.count()) == (before, 0)


async def test_publishing_in_the_wrong_step_gives_the_steps_reason(mensen):
    bezwaar = domain.publish_bezwaar(
        status="concept", stap=Stap.CONCRETISEREN, gewone_vragen=1, sluit_at=None, moment=tijd.now()
    )

    assert bezwaar == (None, stappen.weigering(Stap.CONCRETISEREN, Actie.PEILING_PUBLICEREN))


@pytest.mark.parametrize(
    "refusal",
    [
        "invalid_create",
        "invalid_settings",
        "invalid_item",
        "empty_rewording",
        "publish_without_close",
        "close_a_concept",
        "no_codes",
        "other_council",
    ],
)
async def test_a_refused_change_writes_no_line(mensen, refusal):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen, publish=False)
    vraag_id = (await _peiling(peiling_id))["vraag"]
    item_id = (await _item_ids(peiling_id))[0]
    await Peiling.update({Peiling.sluit_at: None}).where(Peiling.id == peiling_id)
    acts = {
        "invalid_create": lambda: domain.create_peiling(
            raadslid, vraag_id, titel="", intro="", toegang="link"
        ),
        "invalid_settings": lambda: domain.update_peiling(
            raadslid,
            peiling_id,
            titel="Nieuw",
            intro="",
            toegang="link",
            opent_at="",
            sluit_at=tijd.invoer_moment(tijd.now() - timedelta(days=1)),
        ),
        "invalid_item": lambda: domain.add_item(
            raadslid, peiling_id, ItemInvoer("enkel", "Waar?", keuzes=["Eén"])
        ),
        "empty_rewording": lambda: domain.update_item_tekst(raadslid, item_id, tekst=" ", toelichting=""),
        "publish_without_close": lambda: domain.publish(raadslid, peiling_id),
        "close_a_concept": lambda: domain.close_early(raadslid, peiling_id),
        "no_codes": lambda: domain.create_codes(raadslid, peiling_id, 0, SECRET),
        "other_council": lambda: domain.update_peiling(
            mensen["velsen"], peiling_id, titel="Nieuw", intro="", toegang="link", opent_at="", sluit_at=""
        ),
    }
    before = await _all_lines()
    titel = (await _peiling(peiling_id))["titel"]

    with pytest.raises((OngeldigeInvoer, domain.PeilingError)) as refused:
        await acts[refusal]()

    assert await _all_lines() == before
    assert (await _peiling(peiling_id))["titel"] == titel
    if refusal == "other_council":
        assert isinstance(refused.value, GeenToegang) and refused.value.status == 403


async def test_the_builder_page_writes_one_line_per_saved_change_and_none_for_a_refused_one(
    client, settings, mensen
):
    # The member who signs in is the "raadslid" of `mensen`: the line names them.
    await login(client, "kees@beverwijk.example")
    peiling_id = await make_peiling(mensen, publish=False)
    peiling = await _peiling(peiling_id)
    base = f"/raad/beverwijk/peilingen/{peiling_id}"
    form = {
        "titel": "Bankjes",
        "intro": peiling["intro"],
        "toegang": "link",
        "opent_at": "",
        "sluit_at": tijd.invoer_moment(peiling["sluit_at"]),
    }

    refused = await _new_lines(peiling["vraag"], post_form(client, base, {**form, "sluit_at": "morgen"}))
    saved = await _new_lines(peiling["vraag"], post_form(client, base, form))

    assert refused == []
    assert [(r.actie, r.door_naam, r.voor, r.na) for r in saved] == [
        ("peiling_gewijzigd", mensen["raadslid"].naam, {"titel": "Minimaregelingen"}, {"titel": "Bankjes"})
    ]
