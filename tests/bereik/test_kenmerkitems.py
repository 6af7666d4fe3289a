"""The builder's standard background items, on both engines: one button per characteristic adds
a single-choice background question whose choices carry their category, residents may skip it,
and the poll's own rules hold (one per characteristic, nothing new once answers are in, another
council's poll does not exist)."""

from __future__ import annotations

import asyncio

import pytest
from markupsafe import Markup

from participatie import sjablonen
from participatie.accounts.tables import Gemeente
from participatie.bereik import kenmerkitems
from participatie.kenmerken import LEEFTIJDEN
from participatie.peilingen import domain
from participatie.peilingen.tables import Item, Keuze, Peiling, Status, Toegang
from tests.conftest import login, post_form
from tests.peilingen.test_domain import answers, make_peiling


@pytest.fixture
async def raadslid(client, mensen):
    await login(client, "kees@beverwijk.example")
    return client


def _pad(peiling_id: int, gemeente: str = "beverwijk") -> str:
    return f"/raad/{gemeente}/peilingen/{peiling_id}/kenmerk"


async def _items_met_kenmerk(peiling_id: int) -> list[dict]:
    return await Item.select().where((Item.peiling == peiling_id) & Item.kenmerk.is_not_null())


def _knoppen(formulier, *, heeft_antwoorden: bool = False, gemeente: str = "beverwijk") -> str:
    """The fragment as beheer.html includes it, with that page's context."""
    template = sjablonen.environment().get_template("bereik/_kenmerk_items.html")
    return template.render(
        peiling=formulier,
        gemeente={"slug": gemeente},
        heeft_antwoorden=heeft_antwoorden,
        Status=Status,
        Toegang=Toegang,
        csrf_input=Markup('<input type="hidden" name="_csrf_token" value="t">'),
    )


async def test_the_age_button_adds_a_skippable_background_item_with_a_category_per_choice(raadslid, mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    antwoord = await post_form(raadslid, _pad(peiling_id), {"kenmerk": "leeftijd"})

    assert antwoord.status_code == 303
    [item] = await _items_met_kenmerk(peiling_id)
    assert antwoord.headers["location"] == (
        f"/raad/beverwijk/peilingen/{peiling_id}?toegevoegd={item['id']}#item-{item['id']}"
    )
    assert (item["kenmerk"], item["soort"], item["is_achtergrond"], item["verplicht"]) == (
        "leeftijd",
        "enkel",
        True,
        False,
    )
    assert item["tekst"] == "Hoe oud bent u?" and item["positie"] == 6
    keuzes = (
        await Keuze.select(Keuze.tekst, Keuze.categorie)
        .where(Keuze.item == item["id"])
        .order_by(Keuze.positie)
    )
    assert [(k["tekst"], k["categorie"]) for k in keuzes] == [(f"{c} jaar", c) for c in LEEFTIJDEN]
    # A resident who skips it is not stopped: the background question is not mandatory.
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    _, fouten = domain.parse_antwoorden(formulier, answers(formulier))
    assert fouten == {}
    # The builder's fragment now offers only the other characteristic.
    html = _knoppen(formulier)
    assert 'value="kern"' in html and 'value="leeftijd"' not in html


async def test_the_kern_button_offers_the_places_of_the_polls_municipality(raadslid, mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    await post_form(raadslid, _pad(peiling_id), {"kenmerk": "kern"})

    [item] = await _items_met_kenmerk(peiling_id)
    keuzes = (
        await Keuze.select(Keuze.tekst, Keuze.categorie)
        .where(Keuze.item == item["id"])
        .order_by(Keuze.positie)
    )
    assert [(k["tekst"], k["categorie"]) for k in keuzes] == [
        ("Beverwijk", "Beverwijk"),
        ("Wijk aan Zee", "Wijk aan Zee"),
    ]
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    await post_form(raadslid, _pad(peiling_id), {"kenmerk": "leeftijd"})
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert "Wie bereikt u?" not in _knoppen(formulier)  # both present: no buttons left


async def test_a_reworded_standard_question_still_hides_its_button(raadslid, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    await post_form(raadslid, _pad(peiling_id), {"kenmerk": "leeftijd"})
    [item] = await _items_met_kenmerk(peiling_id)

    raadslid_ = mensen["raadslid"]
    await domain.update_item_tekst(raadslid_, item["id"], tekst="Wat is uw leeftijd?", toelichting="")
    formulier = await domain.load_formulier(peiling_id=peiling_id)

    html = _knoppen(formulier)
    assert 'value="kern"' in html and 'value="leeftijd"' not in html
    assert [i.kenmerk for i in formulier.items if i.kenmerk] == ["leeftijd"]


async def test_one_kern_gets_no_kern_button(mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen, publish=False))

    html = _knoppen(formulier, gemeente="heemskerk")

    assert 'value="leeftijd"' in html and 'value="kern"' not in html


async def test_a_second_item_on_the_same_characteristic_is_refused(raadslid, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    pad = _pad(peiling_id)
    await post_form(raadslid, pad, {"kenmerk": "leeftijd"})

    tweede = await post_form(raadslid, pad, {"kenmerk": "leeftijd"})

    assert tweede.status_code == 409
    assert "Deze vraag staat al in de peiling." in tweede.text
    assert len(await _items_met_kenmerk(peiling_id)) == 1


async def test_two_clicks_at_once_add_one_item(mensen):
    peiling_id = await make_peiling(mensen, publish=False)

    uitkomsten = await asyncio.gather(
        *(kenmerkitems.add_kenmerk_item(mensen["raadslid"], peiling_id, "leeftijd") for _ in range(4)),
        return_exceptions=True,
    )

    assert sum(isinstance(u, int) for u in uitkomsten) == 1
    assert all(isinstance(u, int | kenmerkitems.KenmerkAlGevraagd) for u in uitkomsten)
    assert len(await _items_met_kenmerk(peiling_id)) == 1
    assert await Item.count().where(Item.peiling == peiling_id) == 6


async def test_no_item_is_added_once_answers_are_in(raadslid, mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")

    antwoord = await post_form(raadslid, _pad(peiling_id), {"kenmerk": "kern"})

    assert antwoord.status_code == 409
    assert "Er zijn al antwoorden binnen." in antwoord.text
    assert await _items_met_kenmerk(peiling_id) == []
    assert "Wie bereikt u?" not in _knoppen(formulier, heeft_antwoorden=True)


@pytest.mark.parametrize("kenmerk", ["", "inkomen", "<script>alert(1)</script>", "leeftijd" * 100])
async def test_an_unknown_characteristic_is_refused_with_a_message(raadslid, mensen, kenmerk):
    peiling_id = await make_peiling(mensen, publish=False)

    antwoord = await post_form(raadslid, _pad(peiling_id), {"kenmerk": kenmerk})

    assert antwoord.status_code == 422
    assert "Kies leeftijd of kern." in antwoord.text and "<script>alert" not in antwoord.text
    assert await Item.count().where(Item.peiling == peiling_id) == 5


async def test_a_municipality_with_one_kern_gets_no_kern_question(mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    heemskerk = await Gemeente.select(Gemeente.id).where(Gemeente.slug == "heemskerk").first()
    await Peiling.update({Peiling.gemeente: heemskerk["id"]}).where(Peiling.id == peiling_id)

    with pytest.raises(kenmerkitems.KenmerkOnbekend, match="Heemskerk heeft één kern"):
        await kenmerkitems.add_kenmerk_item(mensen["raadslid"], peiling_id, "kern")

    assert await _items_met_kenmerk(peiling_id) == []


async def test_another_councils_poll_does_not_exist(client, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    await login(client, "dorine@velsen.example")

    eigen_adres = await post_form(client, _pad(peiling_id, "velsen"), {"kenmerk": "leeftijd"})
    ander_adres = await post_form(client, _pad(peiling_id), {"kenmerk": "leeftijd"})

    assert eigen_adres.status_code == 404
    assert ander_adres.status_code == 403
    assert await _items_met_kenmerk(peiling_id) == []
