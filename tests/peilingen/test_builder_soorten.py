"""The poll builder asks per kind of question only what that kind needs (issue 13).

First the kind, then a form with exactly the fields domain.SOORT_VELDEN names for it; the
domain reads exactly those fields, so the table is the one truth for page and validation.
"""

from html.parser import HTMLParser

import pytest

from participatie.peilingen import domain
from participatie.peilingen.domain import SOORT_VELDEN, ItemInvoer
from participatie.peilingen.tables import Item, Keuze, Soort
from tests.conftest import login, make_gebruiker, post_form
from tests.peilingen.test_domain import _vraag_in_voorleggen

# What the council member types for each field a kind asks for: a valid item.
GELDIG = {
    "keuzes": "Bij de bushalte\nIn het park",
    "max_keuzes": "2",
    "label_laag": "Heel moeilijk",
    "label_hoog": "Heel makkelijk",
    "min_getal": "0",
    "max_getal": "20",
    "max_lengte": "300",
    "is_achtergrond": "ja",
}
# Every kind's form has these: the kind itself, the question, its explanation, required or not.
GEDEELD = {"_csrf_token", "soort", "tekst", "toelichting", "verplicht"}


class _Velden(HTMLParser):
    """The names of the fields inside the form that posts to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.binnen = False
        self.gevonden = False
        self.namen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.binnen = a.get("action") == self.action
            self.gevonden |= self.binnen
        elif (
            self.binnen
            and tag in ("input", "textarea", "select")
            and a.get("name")
            and a.get("type") not in ("submit", "button")
        ):
            self.namen.add(a["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.binnen = False


def velden(html: str, action: str) -> set[str] | None:
    parser = _Velden(action)
    parser.feed(html)
    return parser.namen if parser.gevonden else None


@pytest.fixture
async def bouwer(client, settings, mensen):
    """A council member of Beverwijk on the builder page of a new, empty poll."""
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    vraag_id = await _vraag_in_voorleggen(mensen)
    peiling_id = await domain.create_peiling(
        mensen["raadslid"], vraag_id, titel="Bankjes", intro="", toegang="link"
    )
    return client, f"/raad/beverwijk/peilingen/{peiling_id}", peiling_id


async def test_without_a_kind_the_builder_first_asks_which_kind(bouwer):
    client, base, _ = bouwer

    page = await client.get(base)

    assert page.status_code == 200
    assert velden(page.text, f"{base}/items") is None  # no question form yet
    assert velden(page.text, f"{base}#vraag-toevoegen") == {"soort"}
    for soort in Soort:
        assert f'name="soort" value="{soort.value}"' in page.text
    # Without JavaScript a plain GET; with htmx the same request swaps only this section in.
    assert f'hx-get="{base}" hx-select="#vraag-toevoegen" hx-target="#vraag-toevoegen"' in page.text


@pytest.mark.parametrize("soort", list(Soort))
async def test_each_kind_gets_a_form_with_only_its_own_fields_and_that_form_suffices(bouwer, soort):
    client, base, peiling_id = bouwer

    page = await client.get(f"{base}?soort={soort.value}")
    shown = velden(page.text, f"{base}/items")
    data = {"soort": soort.value, "tekst": "Wat vindt u?", "verplicht": "ja"}
    data |= {veld: GELDIG[veld] for veld in SOORT_VELDEN[soort]}
    added = await post_form(client, f"{base}/items", data)

    assert shown == GEDEELD | set(SOORT_VELDEN[soort])
    assert "autofocus" in page.text  # the chosen kind's form takes the focus (htmx does too)
    assert added.status_code == 302, added.text[:500]
    item = await Item.select().where(Item.peiling == peiling_id).first()
    assert item["soort"] == soort.value
    assert item["is_achtergrond"] == ("is_achtergrond" in SOORT_VELDEN[soort])
    assert await Keuze.count() == (2 if "keuzes" in SOORT_VELDEN[soort] else 0)


async def test_after_adding_a_question_the_builder_lands_on_it(bouwer):
    """Without JavaScript too: the redirect's fragment names the new item, and the item is
    focusable, so the browser scrolls there and moves the focus to it (issue 13: focus fell
    back to <body>). tests/e2e/test_schermen.py's peiling-bouwer-toegevoegd checks the focus."""
    client, base, _ = bouwer
    await post_form(client, f"{base}/items", {"soort": "janee", "tekst": "Eerst dit?", "verplicht": "ja"})

    added = await post_form(
        client, f"{base}/items", {"soort": "janee", "tekst": "Zit u buiten?", "verplicht": "ja"}
    )
    item_id = (await Item.select(Item.id).where(Item.tekst == "Zit u buiten?").first())["id"]
    page = await client.get(added.headers["location"])
    plain = await client.get(base)

    assert added.headers["location"] == f"{base}?toegevoegd={item_id}#item-{item_id}"
    assert f'id="item-{item_id}" tabindex="-1"' in page.text
    assert page.text.count('tabindex="-1" aria-describedby="toegevoegd-') == 1  # only the new one
    assert "Deze vraag staat nu in de peiling." in page.text
    assert "Deze vraag staat nu in de peiling." not in plain.text
    assert f'id="item-{item_id}" tabindex' not in plain.text


async def test_an_unknown_kind_in_the_link_shows_the_choice_again(bouwer):
    client, base, _ = bouwer

    page = await client.get(f"{base}?soort=quiz")

    assert page.status_code == 200
    assert velden(page.text, f"{base}/items") is None
    assert velden(page.text, f"{base}#vraag-toevoegen") == {"soort"}


async def test_an_error_keeps_the_kinds_form_with_what_was_typed(bouwer):
    client, base, _ = bouwer

    refused = await post_form(
        client, f"{base}/items", {"soort": "schaal", "tekst": "Hoe makkelijk is het?", "label_hoog": "Heel"}
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert velden(refused.text, f"{base}/items") == GEDEELD | {"label_laag", "label_hoog"}
    assert 'value="Hoe makkelijk is het?"' in refused.text
    assert 'id="fout-label_laag"' in refused.text
    # The box was left unticked: it stays unticked, not back to the default.
    assert 'name="verplicht" value="ja" checked' not in refused.text
    assert await Item.count() == 0


async def test_fields_of_another_kind_are_not_read():
    """What the form of another kind would ask (or a crafted post) cannot refuse or change an
    item: _check_item reads only the fields SOORT_VELDEN names for its kind."""
    values, keuzes = domain._check_item(
        ItemInvoer(
            "janee",
            "Zit u graag buiten?",
            keuzes=["alleen één"],
            max_keuzes="veel",
            min_getal="x",
            max_getal="-5",
            max_lengte="1",
            label_laag="a" * 500,
        )
    )

    assert keuzes == []
    assert (values["max_keuzes"], values["min_getal"], values["max_getal"], values["max_lengte"]) == (
        None,
        None,
        None,
        None,
    )
    assert (values["label_laag"], values["label_hoog"]) == ("", "")


async def test_a_background_question_only_for_kinds_that_have_one_answer():
    with pytest.raises(domain.OngeldigeInvoer) as refused:
        domain._check_item(ItemInvoer("schaal", "Hoe?", label_laag="a", label_hoog="b", is_achtergrond=True))

    assert set(refused.value.fouten) == {"is_achtergrond"}
    assert {s for s, velden in SOORT_VELDEN.items() if "is_achtergrond" in velden} == {
        Soort.ENKEL,
        Soort.JANEE,
    }


async def test_publish_is_offered_only_when_possible_and_says_all_that_is_missing(bouwer, mensen):
    client, base, peiling_id = bouwer

    empty = (await client.get(base)).text
    await domain.add_item(mensen["raadslid"], peiling_id, ItemInvoer("janee", "Zit u graag buiten?"))
    one_question = (await client.get(base)).text

    assert "Publiceren kan nog niet. Dit moet eerst:" in empty
    assert "<li>Voeg eerst een vraag toe.</li>" in empty
    assert '<a class="utrecht-link" href="#veld-sluit_at">Kies wanneer de peiling sluit.</a>' in empty
    assert f'action="{base}/publiceren"' not in empty
    assert "Voeg eerst een vraag toe." not in one_question
    assert "Kies wanneer de peiling sluit." in one_question
    assert f'action="{base}/publiceren"' not in one_question
    # The page names the state in words, as a badge.
    assert (
        '<span class="utrecht-badge-status utrecht-badge-status--warning">'
        "In voorbereiding: nog niet te zien voor inwoners</span>"
    ) in empty
