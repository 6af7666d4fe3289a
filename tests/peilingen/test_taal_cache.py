"""The poll's blank questions are cached per poll version and per language: the first visitor's
language is never served to the next one."""

from participatie.peilingen import domain
from tests.peilingen.test_domain import make_peiling


async def test_the_blank_questions_come_in_each_visitors_own_language(client, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    pad = f"/p/{formulier.sleutel}"

    eerst = await client.get(pad)  # Dutch, and now in the cache
    client.cookies.set("taal", "en")
    engels = await client.get(pad)
    client.cookies.set("taal", "nl")
    weer = await client.get(pad)

    assert "Vraag 1 van" in eerst.text and "Question 1 of" not in eerst.text
    assert "Question 1 of" in engels.text and "Vraag 1 van" not in engels.text
    assert "Vraag 1 van" in weer.text
