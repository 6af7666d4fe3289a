"""What the council changes in a poll that residents already answer is a security event."""

import json

from participatie.peilingen import domain
from participatie.peilingen.tables import Item, Waarde
from tests.peilingen.test_domain import answers, make_peiling


def _events(lines: list[str], prefix: str) -> list[dict]:
    events = [json.loads(line) for line in lines if '"actie"' in line]
    return [e for e in events if e["actie"].startswith(prefix)]


async def test_rewording_a_live_poll_and_hiding_answers_are_logged(mensen, log_lines):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")
    item_id = formulier.items[0].id
    waarde_id = (await Waarde.select(Waarde.id).where(Waarde.tekst.is_not_null()).first())["id"]

    await domain.update_item_tekst(raadslid, item_id, tekst="Kent u de regelingen?", toelichting="")
    await domain.hide_open_answer(raadslid, peiling_id, waarde_id, True)
    await domain.hide_open_answer(raadslid, peiling_id, waarde_id, False)

    herschreven = _events(log_lines, "peilingvraag_herschreven")
    assert [(e["door"], e["item"], e["na_antwoorden"], e["voor"], e["na"]) for e in herschreven] == [
        (raadslid.id, item_id, True, "Kent u de regeling?", "Kent u de regelingen?")
    ]
    verborgen = _events(log_lines, "open_antwoord_")
    assert [(e["actie"], e["door"], e["waarde"]) for e in verborgen] == [
        ("open_antwoord_verborgen", raadslid.id, waarde_id),
        ("open_antwoord_getoond", raadslid.id, waarde_id),
    ]
    # The answer's own text never reaches the log.
    assert not any("Eén formulier voor alles." in line for line in log_lines)
    assert (await Item.select(Item.tekst).where(Item.id == item_id).first())[
        "tekst"
    ] == "Kent u de regelingen?"


async def test_hiding_an_answer_of_another_poll_changes_and_logs_nothing(mensen, log_lines):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1")
    waarde_id = (await Waarde.select(Waarde.id).where(Waarde.tekst.is_not_null()).first())["id"]
    andere = await domain.create_peiling(
        raadslid, formulier.vraag_id, titel="Andere", intro="", toegang="link"
    )

    await domain.hide_open_answer(raadslid, andere, waarde_id, True)

    assert _events(log_lines, "open_antwoord_") == []
    assert (await Waarde.select(Waarde.verborgen).where(Waarde.id == waarde_id).first())["verborgen"] is False
