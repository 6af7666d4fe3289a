"""A translation follows the Dutch it translates. The council may reword a question also while the
poll is open; an Arabic resident must then not be shown the old question next to answers that
pool with the new one. A reworded text's translation stops counting (the language goes off the
picker) until the council has looked at it and saved it again."""

from participatie.peilingen import domain, talen
from tests.conftest import login
from tests.peilingen.test_domain import make_peiling


async def _formulier(peiling_id: int):
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    assert formulier is not None
    return formulier


async def _herformuleer(raadslid, item, tekst: str) -> None:
    await domain.update_item_tekst(raadslid, item.id, tekst=tekst, toelichting=item.toelichting)


async def _arabisch_compleet(raadslid, peiling_id: int) -> dict[talen.Sleutel, str]:
    await talen.add_taal(raadslid, peiling_id, "ar")
    teksten = {s: f"ع {talen.veldnaam(s)}" for s in talen.nodig(await _formulier(peiling_id))}
    await talen.save_vertalingen(raadslid, peiling_id, "ar", teksten)
    assert [t.code for t in await talen.aangeboden(await _formulier(peiling_id))] == ["ar"]
    return teksten


async def test_rewording_a_question_takes_its_language_off_until_the_council_saves_it_again(mensen):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    teksten = await _arabisch_compleet(raadslid, peiling_id)
    item = (await _formulier(peiling_id)).items[0]
    sleutel = ("tekst", item.id, None)

    await domain.update_item_tekst(
        raadslid, item.id, tekst="Een heel andere vraag?", toelichting=item.toelichting
    )
    na_wijziging = await _formulier(peiling_id)

    assert await talen.aangeboden(na_wijziging) == []
    assert sleutel not in (await talen.vertalingen(na_wijziging))["ar"]
    assert (await talen.verouderde(na_wijziging))["ar"] == {sleutel: teksten[sleutel]}
    assert [s.ontbrekend for s in await talen.standen(na_wijziging)] == [1]
    # The other texts still count: only the reworded one is to be looked at.
    assert len((await talen.vertalingen(na_wijziging))["ar"]) == len(teksten) - 1

    # Saved unchanged: the council says the translation still fits.
    await talen.save_vertalingen(raadslid, peiling_id, "ar", {sleutel: teksten[sleutel]})
    bevestigd = await _formulier(peiling_id)

    assert [t.code for t in await talen.aangeboden(bevestigd)] == ["ar"]
    assert (await talen.verouderde(bevestigd))["ar"] == {}


async def test_an_unchanged_rewording_and_an_untouched_text_keep_counting(mensen):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    await _arabisch_compleet(raadslid, peiling_id)
    item = (await _formulier(peiling_id)).items[0]

    # The same words with a trailing space: nothing a translator would change.
    await _herformuleer(raadslid, item, item.tekst + " ")

    assert [t.code for t in await talen.aangeboden(await _formulier(peiling_id))] == ["ar"]


async def test_the_translation_page_fills_in_the_old_translation_and_says_why(client, mensen):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    teksten = await _arabisch_compleet(raadslid, peiling_id)
    item = (await _formulier(peiling_id)).items[0]
    await domain.update_item_tekst(
        raadslid, item.id, tekst="Een heel andere vraag?", toelichting=item.toelichting
    )
    await login(client, "kees@beverwijk.example")

    pagina = await client.get(f"/raad/beverwijk/peilingen/{peiling_id}/talen/ar")
    public = await client.get(f"/p/{(await _formulier(peiling_id)).sleutel}?taal=ar")

    assert pagina.status_code == 200
    assert "De Nederlandse tekst is veranderd." in pagina.text
    assert pagina.text.count("De Nederlandse tekst is veranderd.") == 1
    assert teksten[("tekst", item.id, None)] in pagina.text  # the old translation, to start from
    assert "Nog 1 tekst te vertalen." in pagina.text
    # The resident meets the new Dutch question, never the old Arabic one.
    assert "Een heel andere vraag?" in public.text
    assert teksten[("tekst", item.id, None)] not in public.text
