"""Every change to a report leaves exactly one trail line, with who and what changed; a refused
change leaves none; the mail-out is traced by its number of recipients, never an address."""

from __future__ import annotations

import json
from typing import Any

import pytest

from participatie import fouten
from participatie.accounts import domain as accounts
from participatie.mail import outbox
from participatie.rapporten import domain
from participatie.rapporten.tables import Rapport
from participatie.spoor.tables import Spoorregel
from participatie.vragen import domain as vragen
from tests.conftest import make_gebruiker
from tests.peilingen.test_domain import _vraag_in_voorleggen
from tests.rapporten.test_domain import CONCLUSIES, _to, make_vraag_met_deelnemers
from tests.vragen.test_domain import _versie


async def regels(*onderwerpen: str) -> list[dict[str, Any]]:
    """The trail lines about reports (or the given subjects), oldest first, JSON parsed."""
    rows = (
        await Spoorregel.select()
        .where(Spoorregel.onderwerp.is_in(list(onderwerpen or ("rapport",))))
        .order_by(Spoorregel.id)
    )

    def parsed(value: Any) -> dict[str, Any]:
        return json.loads(value) if isinstance(value, str) else value

    return [
        {
            "actie": r["actie"],
            "door": r["door"],
            "onderwerp_id": r["onderwerp_id"],
            "vraag_id": r["vraag_id"],
            "gemeente": r["gemeente"],
            "voor": parsed(r["voor"]),
            "na": parsed(r["na"]),
        }
        for r in rows
    ]


async def _save(user, vraag_id: int, **velden: Any) -> None:
    rapport = await domain.load_rapport(vraag_id)
    waarden = {"titel": "Titel", "inleiding": "", "conclusies": "", "automatisch": False}
    if rapport is not None:
        waarden = {k: rapport[k] for k in waarden}
    await domain.update_rapport(
        user, vraag_id, versie=rapport["versie"] if rapport else 0, **{**waarden, **velden}
    )


async def test_create_rapport_writes_one_line(mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    raadslid = mensen["raadslid"]

    rapport = await domain.create_rapport(raadslid, vraag_id)
    again = await domain.create_rapport(raadslid, vraag_id)

    assert again["id"] == rapport["id"]
    assert await regels() == [
        {
            "actie": "rapport_aangemaakt",
            "door": raadslid.id,
            "onderwerp_id": rapport["id"],
            "vraag_id": vraag_id,
            "gemeente": raadslid.gemeente_id,
            "voor": {},
            "na": {"titel": rapport["titel"]},
        }
    ]


async def test_first_save_of_the_draft_writes_one_creation_line(mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)

    await _save(mensen["raadslid"], vraag_id, titel="Wat u zei", conclusies="Klaar.")

    (regel,) = await regels()
    assert (regel["actie"], regel["door"], regel["voor"]) == ("rapport_aangemaakt", mensen["raadslid"].id, {})
    assert regel["na"] == {
        "titel": "Wat u zei",
        "inleiding": "",
        "conclusies": "Klaar.",
        "automatisch": False,
    }
    assert (await domain.load_rapport(vraag_id))["versie"] == 1


async def test_an_edit_writes_only_the_changed_fields(mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _save(mensen["raadslid"], vraag_id, titel="Eerst", conclusies="Oud.")

    await _save(mensen["raadslid"], vraag_id, conclusies="Nieuw.", automatisch=True)

    laatste = (await regels())[-1]
    assert (laatste["actie"], laatste["door"]) == ("rapport_gewijzigd", mensen["raadslid"].id)
    assert (laatste["voor"], laatste["na"]) == (
        {"conclusies": "Oud.", "automatisch": False},
        {"conclusies": "Nieuw.", "automatisch": True},
    )


async def test_an_edit_after_approval_shows_the_approval_withdrawn(mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _save(mensen["raadslid"], vraag_id, conclusies="Klaar.")
    await domain.approve(mensen["raadslid"], vraag_id)

    await _save(mensen["raadslid"], vraag_id, titel="Anders")

    acties = [r["actie"] for r in await regels()]
    laatste = (await regels())[-1]
    assert acties == ["rapport_aangemaakt", "rapport_goedgekeurd", "rapport_gewijzigd"]
    assert (laatste["voor"], laatste["na"]) == (
        {"titel": "Titel", "goedgekeurd": True},
        {"titel": "Anders", "goedgekeurd": False},
    )


async def test_approve_writes_one_line(mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _save(mensen["raadslid"], vraag_id, conclusies="Klaar.")

    await domain.approve(mensen["raadslid"], vraag_id)

    laatste = (await regels())[-1]
    goedgekeurd = (await domain.load_rapport(vraag_id))["goedgekeurd_at"]
    assert (laatste["actie"], laatste["door"], laatste["voor"]) == (
        "rapport_goedgekeurd",
        mensen["raadslid"].id,
        {"goedgekeurd_at": None},
    )
    assert laatste["na"]["goedgekeurd_at"][:19] == goedgekeurd.isoformat()[:19]


async def test_publish_writes_one_line_with_the_number_of_recipients_only(mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=3)
    await _save(mensen["raadslid"], vraag_id, conclusies=CONCLUSIES)

    queued = await domain.publish(mensen["raadslid"], vraag_id, settings)
    again = await domain.publish(mensen["raadslid"], vraag_id, settings)

    lines = [r for r in await regels() if r["actie"] == "rapport_gepubliceerd"]
    assert (queued, again) == (4, 0)
    assert len(lines) == 1
    assert lines[0]["door"] == mensen["raadslid"].id
    assert lines[0]["voor"] == {"gepubliceerd_at": None}
    assert sorted(lines[0]["na"]) == ["gepubliceerd_at", "ontvangers"] and lines[0]["na"]["ontvangers"] == 4
    assert "@" not in repr(await Spoorregel.select())


async def test_automatic_publication_is_traced_without_a_person(mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _save(mensen["raadslid"], vraag_id, conclusies="Klaar.", automatisch=True)
    await domain.approve(mensen["raadslid"], vraag_id)

    assert await domain.publish_automatic(settings) == 1

    laatste = (await regels())[-1]
    assert (laatste["actie"], laatste["door"], laatste["na"]["ontvangers"]) == (
        "rapport_gepubliceerd",
        None,
        2,
    )


async def test_an_edit_after_publication_writes_its_own_line(mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _save(mensen["raadslid"], vraag_id, conclusies="Eerste versie.")
    await domain.publish(mensen["raadslid"], vraag_id, settings)

    await _save(mensen["raadslid"], vraag_id, conclusies="Tweede versie.")

    laatste = (await regels())[-1]
    assert (laatste["actie"], laatste["door"]) == ("rapport_gewijzigd_na_publicatie", mensen["raadslid"].id)
    assert (laatste["voor"], laatste["na"]) == (
        {"conclusies": "Eerste versie."},
        {"conclusies": "Tweede versie."},
    )


async def test_retrying_failed_mails_writes_one_line_with_the_number(mensen, mail_settings, smtp):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await outbox.drain(mail_settings)  # the step mails of the vraag go first
    await _save(mensen["raadslid"], vraag_id, conclusies="Klaar.")
    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    smtp.replies = ["550 5.1.1 Onbekend adres"]
    await outbox.drain(mail_settings)
    voor = len(await regels())

    opnieuw = await domain.retry_failed(mensen["raadslid"], vraag_id)
    niets = await domain.retry_failed(mensen["raadslid"], vraag_id)

    assert (opnieuw, niets) == (1, 0)
    nieuw = (await regels())[voor:]
    assert [(r["actie"], r["door"], r["na"]) for r in nieuw] == [
        ("rapport_mails_opnieuw", mensen["raadslid"].id, {"opnieuw": 1})
    ]


async def test_the_follow_up_is_traced_by_its_number(mensen, settings):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=3, vervolg=2)
    await _save(mensen["raadslid"], vraag_id, conclusies="Klaar.")
    await domain.publish(mensen["raadslid"], vraag_id, settings)
    await _to(vraag_id, mensen["raadslid"], "advies")
    await vragen.record_advies(
        vraag_id, mensen["raadslid"], versie=await _versie(vraag_id), tekst="Doe het.", aan="College"
    )
    await _to(vraag_id, mensen["raadslid"], "borging")
    await vragen.record_reactie(
        vraag_id, mensen["ambtenaar"], oordeel="deels", toelichting="Deels.", vervolg_op=""
    )

    assert await domain.send_followups(settings) == 2

    laatste = (await regels())[-1]
    assert (laatste["actie"], laatste["door"], laatste["na"]) == (
        "rapport_vervolg_verstuurd",
        None,
        {"vervolg_ontvangers": 2},
    )


async def test_the_follow_up_period_setting_writes_one_line(mensen, settings):
    await make_gebruiker(settings, "beheerder", email="beheer@ijmond.example")
    beheerder = await accounts.acting_as("beheer@ijmond.example")

    await domain.set_vervolg_bewaartermijn(beheerder, "18")
    await domain.set_vervolg_bewaartermijn(beheerder, "18")  # unchanged: nothing to trace

    assert [(r["actie"], r["door"], r["voor"], r["na"]) for r in await regels("instelling")] == [
        (
            "vervolg_bewaartermijn_gewijzigd",
            beheerder.id,
            {"vervolg_bewaartermijn_maanden": 12},
            {"vervolg_bewaartermijn_maanden": 18},
        )
    ]


async def test_refused_changes_write_no_line(mensen, settings):
    raadslid = mensen["raadslid"]
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    vroeg = await _vraag_in_voorleggen(mensen)
    await _to(vroeg, raadslid, "concretiseren")
    regels_voor = len(await Spoorregel.select(Spoorregel.id))

    with pytest.raises(fouten.OngeldigeInvoer):
        await _save(raadslid, vraag_id, titel="")  # no title
    with pytest.raises(fouten.OngeldigeInvoer):
        await domain.approve(raadslid, vraag_id)  # nothing written yet
    with pytest.raises(fouten.OngeldigeInvoer):
        await domain.publish(raadslid, vraag_id, settings)  # no conclusions
    with pytest.raises(domain.RapportError, match="vanaf de stap voorleggen"):
        await domain.create_rapport(raadslid, vroeg)
    with pytest.raises(domain.RapportError, match="vanaf de stap voorleggen"):
        await _save(raadslid, vroeg, conclusies="Te vroeg.")
    with pytest.raises(fouten.NietGevonden):
        await _save(mensen["velsen"], vraag_id, conclusies="Niet van mij.")
    await _save(raadslid, vraag_id, conclusies="Klaar.")
    stored = len(await Spoorregel.select(Spoorregel.id))
    with pytest.raises(fouten.GelijktijdigGewijzigd):
        await domain.update_rapport(
            raadslid, vraag_id, versie=0, titel="Oud", inleiding="", conclusies="", automatisch=False
        )
    with pytest.raises(fouten.GeenToegang):
        await domain.set_vervolg_bewaartermijn(raadslid, "18")

    assert stored == regels_voor + 1  # only the one save that went through
    assert len(await Spoorregel.select(Spoorregel.id)) == stored
    assert await Rapport.count() == 1


async def test_refusals_carry_their_status(mensen):
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _save(mensen["raadslid"], vraag_id, conclusies="Klaar.")
    versie = (await domain.load_rapport(vraag_id))["versie"]

    with pytest.raises(fouten.Geweigerd) as stale:
        await domain.update_rapport(
            mensen["raadslid"],
            vraag_id,
            versie=versie - 1,
            titel="T",
            inleiding="",
            conclusies="",
            automatisch=False,
        )
    with pytest.raises(fouten.Geweigerd) as elders:
        await domain.approve(mensen["velsen"], vraag_id)

    assert (stale.value.status, elders.value.status) == (409, 404)
    assert isinstance(stale.value, domain.RapportError) and isinstance(elders.value, domain.RapportError)
