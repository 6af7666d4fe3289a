"""The council's vraag page and the ambtenaar's pages in plain Dutch with the NL Design System's
components (issue 13): words instead of codes, singular for one, every button a utrecht-button."""

import re

from participatie.peilingen import domain as peilingen
from participatie.vragen import domain
from tests.conftest import login
from tests.vragen.test_domain import _aanvraag, _concretiseer, _versie


def _buttons_without_nlds_class(page: str) -> list[str]:
    return [b for b in re.findall(r"<button[^>]*>", page) if "utrecht-button" not in b]


async def test_concretiseren_asks_for_the_uiterste_datum_and_says_when_it_is_needed(client, mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await login(client, "kees@beverwijk.example")

    page = (await client.get(f"/raad/beverwijk/vragen/{vraag_id}")).text

    assert "Deadline" not in page
    label = re.search(r'<label[^>]*for="veld-deadline">(.*?)</label>', page, re.S)
    assert label is not None and label.group(1) == "Uiterste datum"  # no "(niet verplicht)"
    assert "Nodig voor de stap voorleggen." in page
    assert "<li>de uiterste datum</li>" in page  # in the list of what voorleggen still needs
    assert "· adviesaanvraag van de gemeente" in page
    assert "herkomst gemeente" not in page
    assert _buttons_without_nlds_class(page) == []


async def test_voorleggen_shows_poll_state_as_a_word_and_one_resident_in_the_singular(client, mensen):
    raadslid = mensen["raadslid"]
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    await domain.update_trechter(
        vraag_id, raadslid, versie=1, scope="gemeente", thema="minimabeleid", prioriteit="hoog"
    )
    await domain.advance_stap(vraag_id, raadslid, versie=2, naar="concretiseren")
    await _concretiseer(vraag_id, raadslid)
    await domain.advance_stap(vraag_id, raadslid, versie=await _versie(vraag_id), naar="voorleggen")
    await peilingen.create_peiling(raadslid, vraag_id, titel="Bankjes", intro="Kort.", toegang="link")
    await domain.add_activiteit(
        vraag_id, raadslid, waar="De bibliotheek", op=domain.today().isoformat(), bereikt="1", notities=""
    )
    await login(client, "kees@beverwijk.example")

    page = (await client.get(f"/raad/beverwijk/vragen/{vraag_id}")).text

    assert '<span class="utrecht-badge-status utrecht-badge-status--warning">In voorbereiding</span>' in page
    assert "(concept)" not in page
    assert "De bibliotheek – 1 inwoner bereikt" in page
    assert "In totaal 1 inwoner bereikt." in page
    assert "utrecht-button-link--secondary-action" in page  # "Een peiling maken" looks like a button
    assert _buttons_without_nlds_class(page) == []


async def test_ambtenaar_portal_uses_the_nlds_table_and_button_link(client, mensen):
    await _aanvraag(mensen["ambtenaar"])
    await login(client, "marja@beverwijk.example")

    page = (await client.get("/gemeente/beverwijk")).text

    assert '<table class="utrecht-table tabel-stapel">' in page
    assert page.count('<td class="utrecht-table__cell"') == 4
    assert (
        '<a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" '
        'href="/gemeente/beverwijk/aanvragen/nieuw">Advies aanvragen</a>'
    ) in page
