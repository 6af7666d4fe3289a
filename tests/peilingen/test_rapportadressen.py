"""What peilingen offers rapporten about report addresses: read, forget, and both inside the
caller's transaction (a rolled-back publication forgets nobody)."""

from __future__ import annotations

import uuid

import pytest

from participatie.peilingen import domain as peilingen
from participatie.peilingen import rapportadressen
from participatie.peilingen.tables import Peiling, Rapportadres
from tests.peilingen.test_domain import make_peiling


async def _left(peiling_id: int, email: str, *, wil_vervolg: bool = False) -> uuid.UUID:
    adres_id = uuid.uuid4()
    await Rapportadres.insert(
        Rapportadres(id=adres_id, peiling=peiling_id, email=email, wil_vervolg=wil_vervolg)
    )
    return adres_id


async def _poll(mensen) -> tuple[int, int]:
    peiling_id = await make_peiling(mensen)
    vraag_id = (await Peiling.select(Peiling.vraag).where(Peiling.id == peiling_id).first())["vraag"]
    return vraag_id, peiling_id


async def test_adressen_voor_reads_the_polls_addresses(mensen):
    vraag_id, peiling_id = await _poll(mensen)
    a = await _left(peiling_id, "A@example.org")
    b = await _left(peiling_id, "b@example.org", wil_vervolg=True)

    ids = await rapportadressen.peiling_ids(vraag_id)
    alle = await rapportadressen.adressen_voor(ids)
    vervolg = await rapportadressen.adressen_voor(ids, alleen_vervolg=True)

    assert ids == [peiling_id]
    assert sorted(alle, key=lambda x: x.email) == [
        rapportadressen.Adres(id=a, email="A@example.org", wil_vervolg=False),
        rapportadressen.Adres(id=b, email="b@example.org", wil_vervolg=True),
    ]
    assert vervolg == [rapportadressen.Adres(id=b, email="b@example.org", wil_vervolg=True)]
    assert await rapportadressen.adressen_voor([]) == []


async def test_vergeet_deletes_exactly_the_given_addresses(mensen):
    _, peiling_id = await _poll(mensen)
    ids = [await _left(peiling_id, f"x{n}@example.org") for n in range(3)]

    deleted = await rapportadressen.vergeet(ids[:2])
    none = await rapportadressen.vergeet([])

    assert (deleted, none) == (2, 0)
    assert [r["id"] for r in await Rapportadres.select(Rapportadres.id)] == [ids[2]]


async def test_vergeet_alle_deletes_the_polls_addresses_only(mensen):
    _, peiling_id = await _poll(mensen)
    await _left(peiling_id, "a@example.org")
    await _left(peiling_id, "b@example.org", wil_vervolg=True)

    deleted = await rapportadressen.vergeet_alle([peiling_id])
    elsewhere = await rapportadressen.vergeet_alle([peiling_id + 1000])

    assert (deleted, elsewhere) == (2, 0)
    assert await Rapportadres.count() == 0


async def test_forgetting_joins_the_callers_transaction(mensen):
    _, peiling_id = await _poll(mensen)
    await _left(peiling_id, "a@example.org")

    class Teruggedraaid(Exception):
        pass

    with pytest.raises(Teruggedraaid):
        async with Peiling._meta.db.transaction():
            assert await rapportadressen.vergeet_alle([peiling_id]) == 1
            raise Teruggedraaid()

    assert await Rapportadres.count() == 1


async def test_alle_gesloten_only_when_every_poll_closed(mensen):
    vraag_id, peiling_id = await _poll(mensen)

    open_ = await rapportadressen.alle_gesloten(vraag_id)
    await peilingen.close_early(mensen["raadslid"], peiling_id)
    closed = await rapportadressen.alle_gesloten(vraag_id)
    no_polls = await rapportadressen.alle_gesloten(vraag_id + 1000)

    assert (open_, closed, no_polls) == (False, True, False)
