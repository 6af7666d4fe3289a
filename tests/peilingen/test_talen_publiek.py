"""A poll in more than one language, seen by the resident: the picker, the form in the chosen
language (right to left for Arabic), the answers pooled with the Dutch ones, the kiosk, and the
count per language on the results page."""

from participatie.peilingen import domain
from participatie.peilingen.tables import Antwoord
from tests.peilingen.test_domain import answers, make_peiling


async def test_submit_stores_the_language_of_the_form(mensen):
    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier))

    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-1", taal="ar")
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="browser-2")

    rows = await Antwoord.select(Antwoord.taal).order_by(Antwoord.id)
    assert [r["taal"] for r in rows] == ["ar", "nl"]
