"""The language count does not single out a response. Each submission writes the count row of
every language of the poll in its shard (+1 for its own, +0 for the others): on PostgreSQL all of
them carry that submission's transaction id, so joining `teller.xmin` to `antwoord.xmin` names no
language; on both engines the rows are made together, so their ids and order say nothing either."""

from collections import defaultdict

from participatie import tijd
from participatie.peilingen import domain, queries
from participatie.peilingen.tables import Antwoord, Peiling, Peilingtaal, Teller
from tests.peilingen.geteld import per_taal
from tests.peilingen.test_domain import answers, make_peiling


async def _met_talen(mensen, *talen: str):
    peiling_id = await make_peiling(mensen)
    for code in talen:
        await Peilingtaal.insert(Peilingtaal(peiling=peiling_id, taal=code, aangemaakt_at=tijd.now()))
    await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == peiling_id)
    domain._changed()
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    return formulier


async def test_every_submission_writes_every_languages_row_of_its_shard(mensen, backend):
    formulier = await _met_talen(mensen, "ar", "en")
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))

    for n, taal in enumerate(["nl", "ar", "nl", "ar", "ar"]):
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"browser-{n}", taal=taal)

    assert await per_taal() == {"nl": 2, "ar": 3}
    per_shard = defaultdict(set)
    for r in await Teller.select(Teller.shard, Teller.sleutel).where(Teller.soort == "taal"):
        per_shard[r["shard"]].add(r["sleutel"])
    # English was never answered, yet has its row (at 0) wherever another language has one.
    assert per_shard and all(talen == {"nl", "ar", "en"} for talen in per_shard.values())
    if backend.name == "postgres":
        rows = await Teller.raw(
            "SELECT shard, count(DISTINCT xmin::text) AS n FROM teller WHERE soort = 'taal' GROUP BY shard"
        )
        assert all(r["n"] == 1 for r in rows), rows


async def test_responses_from_before_the_counts_are_dutch(mensen):
    """A poll answered before languages were counted, then translated: its old responses were
    all Dutch, and the languages add up to the total."""
    formulier = await _met_talen(mensen, "en")
    for _ in range(12):
        await Antwoord.insert(Antwoord(peiling=formulier.peiling_id, ingediend_uur=tijd.now(), bron="link"))
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    for n in range(10):
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"browser-{n}", taal="en")

    regels = await queries.per_taal(formulier.peiling_id, await Antwoord.count())

    assert [(r.code, r.aantal) for r in regels] == [("nl", 12), ("en", 10)]
