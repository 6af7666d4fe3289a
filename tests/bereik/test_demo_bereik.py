"""The demo has something to compare: reference figures for the three municipalities, and the
open poll's standard background items, answered by most and skipped by some."""

from participatie.accounts.tables import Gemeente
from participatie.bereik import referenties
from participatie.demo import REFERENTIE_BRON, load_demo
from participatie.peilingen.tables import Item, Keuze, Waarde


async def test_demo_has_reference_figures_and_answered_background_items(database, settings):
    await load_demo(settings)

    for gemeente in await Gemeente.select(Gemeente.id, Gemeente.slug):
        cijfers = await referenties.load_referenties(gemeente["id"])
        assert set(cijfers) == {"leeftijd", "kern"}, gemeente["slug"]
        assert len(cijfers["leeftijd"]) == 5
        assert (await referenties.load_bron(gemeente["id"])).tekst == REFERENTIE_BRON
    items = await Item.select(Item.id, Item.kenmerk).where(Item.kenmerk.is_not_null())
    assert sorted(i["kenmerk"] for i in items) == ["kern", "leeftijd"]
    for item in items:
        beantwoord = await Waarde.select(Waarde.keuze.categorie).where(Waarde.item == item["id"])
        # 36 responses, one in six skipped the question about themselves.
        assert len(beantwoord) == 30
        assert all(w["keuze.categorie"] for w in beantwoord)
    assert await Keuze.count().where(Keuze.categorie.is_not_null()) == 7  # five bands, two kernen
