"""The B1 signal on texts whose answers are known by hand: a hard text of civil-service Dutch,
an easy one, and the edges (Markdown, whole words, empty text, any text at all)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from participatie.taalhulp import signaal
from participatie.taalhulp.signaal import meet

MOEILIJK = (
    "Teneinde de borging van de integrale dienstverlening binnen het sociaal domein adequaat te "
    "faciliteren, dient de implementatie van het voorgenomen beleid conform de vastgestelde "
    "uitgangspunten middels een structurele evaluatiecyclus te worden gemonitord, alsmede periodiek "
    "te worden geëvalueerd door alle betrokken stakeholders."
)
MAKKELIJK = (
    "Wij willen weten wat u vindt. Vul de vragen in. Het duurt vijf minuten. Uw antwoorden zijn geheim."
)


def test_a_hard_text_is_hard_and_says_why():
    s = meet(MOEILIJK)

    assert s.niveau == "moeilijk"
    assert s.zinnen == 1 and s.woorden == 41
    assert s.lange_zinnen == (MOEILIJK,)
    assert {"implementatie", "evaluatiecyclus", "geëvalueerd"} <= set(s.lange_woorden)
    gevonden = dict(s.jargon)
    assert gevonden["borging"] == "zorgen dat het blijft gebeuren"
    assert gevonden["sociaal domein"] == "zorg, werk en inkomen"
    assert {"teneinde", "adequaat", "conform", "middels", "alsmede", "stakeholders", "dient te"} - set(
        gevonden
    ) == {"dient te"}  # "dient ... te" with words between is not the phrase
    assert s.leesgemak is not None and s.leesgemak < 0


def test_an_easy_text_is_easy_and_flags_nothing():
    s = meet(MAKKELIJK)

    assert s.niveau == "makkelijk"
    assert (s.zinnen, s.woorden) == (4, 18)
    assert s.lange_zinnen == () and s.lange_woorden == () and s.jargon == ()
    assert s.leesgemak is not None and s.leesgemak > 80


def test_the_reading_ease_is_flesch_douma():
    # 4 words of one syllable in one sentence: 206.835 - 0.93 * 4 - 77 * 1.
    assert meet("Ik ga naar huis.").leesgemak == pytest.approx(126.115)
    # 2 sentences, 6 words, 12 syllables (de ge-meen-te luis-tert / in-wo-ners pra-ten mee):
    # 206.835 - 0.93 * 3 - 77 * 2.
    s = meet("De gemeente luistert. Inwoners praten mee.")
    assert (s.zinnen, s.woorden, s.lettergrepen) == (2, 6, 12)
    assert s.leesgemak == pytest.approx(50.045)


def test_syllables_come_from_dutch_hyphenation():
    assert signaal.lettergrepen("gemeente") == 3
    assert signaal.lettergrepen("ondersteuningsbehoefte") == 7
    assert signaal.lettergrepen("Participatieraad") == 6


def test_markdown_is_read_as_its_words():
    s = meet(
        "# Uitslag\n\n"
        "- Lees [het rapport](https://example.org/een/heel/lang/adres) nu.\n"
        "- Mail ons: raad@example.org"
    )

    assert s.zinnen == 3  # the heading and each list item are sentences of their own
    assert s.woorden == 7  # Uitslag / Lees het rapport nu / Mail ons
    assert s.lange_woorden == ()


def test_jargon_is_matched_as_whole_words_in_any_case():
    assert dict(meet("Participatie is belangrijk.").jargon) == {"participatie": "meedoen"}
    assert meet("De Participatieraad vergadert.").jargon == ()
    assert meet("Het participatieplan.").jargon == ()


def test_a_sentence_over_fifteen_words_is_named_and_one_of_fifteen_is_not():
    vijftien = " ".join(["woord"] * 15) + "."
    zestien = " ".join(["woord"] * 16) + "."

    assert meet(vijftien).lange_zinnen == ()
    assert meet(zestien).lange_zinnen == (zestien,)


def test_the_beheerders_list_replaces_the_base_list_when_given():
    s = meet("Wij doen aan casusregie en participatie.", {"casusregie": "één persoon regelt uw hulp"})

    assert s.jargon == (("casusregie", "één persoon regelt uw hulp"),)


@pytest.mark.parametrize("tekst", ["", "   ", "\n\n", "123 456.", "!!! ???", "https://example.org"])
def test_a_text_without_words_is_empty_not_an_error(tekst):
    s = meet(tekst)

    assert s.is_leeg and s.leesgemak is None and s.niveau == "makkelijk"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_signal(tekst):
    s = meet(tekst)

    assert 0 <= len(s.lange_zinnen) <= s.zinnen
    assert s.woorden == 0 or s.lettergrepen >= s.woorden
    assert s.niveau in signaal.NIVEAU_TEKSTEN
