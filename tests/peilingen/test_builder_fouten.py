"""The council's poll builder: every form, posted with bad input, answers with a readable page.

Issue 13: handlers typed `-> Any` made Litestar send the builder page as `application/json`,
so the browser showed the page's HTML source (escaped, as `&lt;`) on every error.
"""

import re

from markupsafe import escape

from participatie.peilingen import domain
from participatie.peilingen.tables import Item, Peiling
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie, Stap
from tests.conftest import login, make_gebruiker, post_form
from tests.peilingen.test_domain import _vraag_in_voorleggen
from tests.vragen.test_domain import _aanvraag


def _is_page(response, status: int) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    assert "&lt;" not in response.text  # no page source shown as text
    assert "<form" in response.text


async def test_every_builder_form_answers_bad_input_with_an_html_page(client, settings, mensen):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    vraag_id = await _vraag_in_voorleggen(mensen)

    nieuw = await post_form(
        client, f"/raad/beverwijk/vragen/{vraag_id}/peilingen/nieuw", {"titel": "", "toegang": "link"}
    )
    _is_page(nieuw, 422)
    created = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/peilingen/nieuw",
        {"titel": "Bankjes", "intro": "", "toegang": "codes"},
    )
    assert created.status_code == 302
    peiling_id = (await Peiling.select(Peiling.id).first())["id"]
    base = f"/raad/beverwijk/peilingen/{peiling_id}"

    publish_empty = await post_form(client, f"{base}/publiceren", {})
    _is_page(publish_empty, 409)
    assert "Voeg eerst een vraag toe." in publish_empty.text

    close_concept = await post_form(client, f"{base}/sluiten", {})
    _is_page(close_concept, 409)

    bad_item = await post_form(
        client, f"{base}/items", {"soort": "enkel", "tekst": "Waar?", "keuzes": "Alleen één"}
    )
    _is_page(bad_item, 422)
    assert "Geef minstens twee antwoorden om uit te kiezen" in bad_item.text

    good_item = await post_form(
        client, f"{base}/items", {"soort": "enkel", "tekst": "Waar?", "keuzes": "Park\nStation"}
    )
    assert good_item.status_code == 302
    item_id = (await Item.select(Item.id).first())["id"]
    empty_text = await post_form(client, f"{base}/items/{item_id}", {"tekst": "", "toelichting": ""})
    _is_page(empty_text, 422)

    bad_settings = await post_form(
        client,
        base,
        {"titel": "Bankjes", "intro": "", "toegang": "codes", "opent_at": "", "sluit_at": "morgen"},
    )
    _is_page(bad_settings, 422)

    bad_codes = await post_form(client, f"{base}/codes", {"aantal": "nul"})
    _is_page(bad_codes, 422)
    assert "Maak tussen 1 en 5000 codes tegelijk." in bad_codes.text

    publish_no_close = await post_form(client, f"{base}/publiceren", {})
    _is_page(publish_no_close, 422)
    assert "Kies wanneer de peiling sluit." in publish_no_close.text

    page = await client.get(base)
    assert page.headers["content-type"].startswith("text/html")


async def test_publish_button_only_when_the_poll_can_be_published(client, settings, mensen):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    raadslid = mensen["raadslid"]
    vraag_id = await _vraag_in_voorleggen(mensen)
    peiling_id = await domain.create_peiling(raadslid, vraag_id, titel="Bankjes", intro="", toegang="link")
    base = f"/raad/beverwijk/peilingen/{peiling_id}"

    def publish_button(text: str) -> bool:
        return re.search(r"<button[^>]*>\s*Publiceren\s*</button>", text) is not None

    empty = (await client.get(base)).text
    await domain.add_item(
        raadslid, peiling_id, domain.ItemInvoer("enkel", "Waar?", keuzes=["Park", "Station"])
    )
    no_close = (await client.get(base)).text
    await domain.update_peiling(
        raadslid,
        peiling_id,
        titel="Bankjes",
        intro="",
        toegang="link",
        opent_at="",
        sluit_at="2099-01-01T12:00",
    )
    ready = (await client.get(base)).text

    assert not publish_button(empty) and "Voeg eerst een vraag toe." in empty
    assert not publish_button(no_close) and "Kies wanneer de peiling sluit." in no_close
    assert publish_button(ready)
    assert "Voeg eerst" not in ready and "Kies wanneer" not in ready


async def test_a_new_poll_in_the_wrong_step_shows_the_steps_reason_on_the_form(client, settings, mensen):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    vraag_id = await _aanvraag(mensen["ambtenaar"])  # binnengekomen: too early for a poll

    refused = await post_form(
        client,
        f"/raad/beverwijk/vragen/{vraag_id}/peilingen/nieuw",
        {"titel": "Bankjes", "intro": "", "toegang": "link"},
    )

    _is_page(refused, 409)
    assert escape(stappen.weigering(Stap.BINNENGEKOMEN, Actie.PEILING_MAKEN)) in refused.text
    assert 'value="Bankjes"' in refused.text  # what was typed stays
    assert await Peiling.count() == 0
