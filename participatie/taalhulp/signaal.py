"""The B1 signal: how easy a Dutch text the council writes is to read.

It advises and never blocks. Four measures, each one a writer can act on:
- sentence length: B1 texts keep sentences short; one over `LANGE_ZIN` words is named;
- long words: a word of `LANG_WOORD_LETTERGREPEN` syllables or more (Dutch compounds) is named;
- the Flesch-Douma reading ease (Douma 1960, Flesch's formula fitted to Dutch): 206.835 - 0.93 x
  words per sentence - 77 x syllables per word. Higher is easier; 60 and up reads as plain Dutch;
- jargon: words with a plainer alternative ("participatie" -> "meedoen"), from `JARGON` and the
  beheerder's own list.

Syllables come from pyphen's Dutch hyphenation dictionary (LibreOffice's patterns): no library
ships a maintained Dutch readability measure without pulling in far more than this (textstat 0.7.4
imports the deprecated pkg_resources, later versions NLTK), and the formula is three constants.
Hyphenation undercounts a syllable now and then ("ei-eren"); for a signal that is good enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyphen

from participatie.taal import N_

LANGE_ZIN = 15  # words; the common B1 advice ("hooguit 15 woorden")
LANG_WOORD_LETTERGREPEN = 5
MAKKELIJK = 60.0  # Flesch-Douma at or above: plain Dutch
MOEILIJK = 40.0  # below: hard for many readers

# Words councils and civil servants use that many residents do not, with a plainer word. The
# beheerder adds to this list (participatie/taalhulp/domain.py); these stay as the base.
JARGON: dict[str, str] = {
    "participatie": "meedoen",
    "borging": "zorgen dat het blijft gebeuren",
    "borgen": "vastleggen, zorgen dat het blijft",
    "implementeren": "invoeren",
    "implementatie": "invoering",
    "faciliteren": "mogelijk maken, helpen",
    "evalueren": "nagaan hoe het ging",
    "evaluatie": "terugblik",
    "prioriteren": "kiezen wat eerst komt",
    "adequaat": "goed, passend",
    "conform": "volgens",
    "derhalve": "daarom",
    "teneinde": "om",
    "inzake": "over",
    "middels": "met, door",
    "alsmede": "en",
    "tevens": "ook",
    "reeds": "al",
    "indien": "als",
    "dienen te": "moeten",
    "dient te": "moet",
    "woonachtig": "wonen",
    "verstrekken": "geven",
    "integraal": "samen, als geheel",
    "integrale": "samenhangende",
    "structureel": "blijvend",
    "structurele": "blijvende",
    "incidenteel": "een keer",
    "doelgroep": "de mensen voor wie het is",
    "stakeholders": "betrokkenen",
    "monitoren": "volgen",
    "concretiseren": "precies maken",
    "trechteren": "kiezen wat we oppakken",
    "initieren": "beginnen",
    "respondenten": "mensen die meededen",
    "minima": "mensen met een laag inkomen",
    "sociaal domein": "zorg, werk en inkomen",
    "voorliggende voorziening": "hulp die er al is",
}

# Markdown that is not text: links keep their words, addresses and markers go.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_MARKERS = re.compile(r"^\s*(?:#{1,6}|[-*+]|\d+[.)]|>)\s+", re.M)
_EMPHASIS = re.compile(r"[*_`]+")
# A sentence ends at . ! ? or a line break (a heading or list item is a sentence of its own).
_ZIN_EINDE = re.compile(r"(?<=[.!?])\s+|\n+")
_WOORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@dataclass(frozen=True)
class Signaal:
    woorden: int
    zinnen: int
    lettergrepen: int
    lange_zinnen: tuple[str, ...]
    lange_woorden: tuple[str, ...]
    jargon: tuple[tuple[str, str], ...]

    @property
    def woorden_per_zin(self) -> float:
        return self.woorden / self.zinnen if self.zinnen else 0.0

    @property
    def leesgemak(self) -> float | None:
        """Flesch-Douma, or None for a text without words."""
        if not self.woorden:
            return None
        return 206.835 - 0.93 * self.woorden_per_zin - 77 * (self.lettergrepen / self.woorden)

    @property
    def niveau(self) -> str:
        """ "makkelijk", "redelijk" or "moeilijk": the reading ease with the sentence rule."""
        gemak = self.leesgemak
        if gemak is None:
            return "makkelijk"
        if gemak < MOEILIJK:
            return "moeilijk"
        if gemak >= MAKKELIJK and self.woorden_per_zin <= LANGE_ZIN:
            return "makkelijk"
        return "redelijk"

    @property
    def niveau_tekst(self) -> str:
        """The level in words (Dutch msgid; templates show it with |vertaal)."""
        return NIVEAU_TEKSTEN[self.niveau]

    @property
    def is_leeg(self) -> bool:
        return self.woorden == 0


NIVEAU_TEKSTEN = {
    "makkelijk": N_("Makkelijk te lezen"),
    "redelijk": N_("Redelijk te lezen"),
    "moeilijk": N_("Moeilijk te lezen"),
}


@cache
def _woordenboek() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


def lettergrepen(woord: str) -> int:
    """Syllables of one word, by Dutch hyphenation: parts plus one."""
    return len(_woordenboek().positions(woord.lower())) + 1


def _platte_tekst(tekst: str) -> str:
    tekst = _LINK.sub(r"\1", tekst)
    tekst = _URL.sub(" ", tekst)
    tekst = _MARKERS.sub("", tekst)
    return _EMPHASIS.sub("", tekst)


def _jargon_in(tekst: str, jargon: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Each jargon entry found as a whole word or phrase, once, in the order of the list."""
    laag = tekst.lower()
    gevonden = []
    for woord, alternatief in jargon.items():
        if re.search(r"(?<!\w)" + re.escape(woord.lower()) + r"(?!\w)", laag):
            gevonden.append((woord, alternatief))
    return tuple(gevonden)


def meet(tekst: str, jargon: dict[str, str] | None = None) -> Signaal:
    """The signal for `tekst` (plain text or Markdown)."""
    plat = _platte_tekst(tekst)
    zinnen = [z.strip() for z in _ZIN_EINDE.split(plat) if _WOORD.search(z)]
    woorden_per_zin = [_WOORD.findall(z) for z in zinnen]
    woorden = [w for ws in woorden_per_zin for w in ws]
    grepen = {w.lower(): lettergrepen(w) for w in woorden}
    lange = _uniek(w for w in woorden if grepen[w.lower()] >= LANG_WOORD_LETTERGREPEN)
    return Signaal(
        woorden=len(woorden),
        zinnen=len(zinnen),
        lettergrepen=sum(grepen[w.lower()] for w in woorden),
        lange_zinnen=tuple(z for z, ws in zip(zinnen, woorden_per_zin, strict=True) if len(ws) > LANGE_ZIN),
        lange_woorden=lange,
        jargon=_jargon_in(plat, JARGON if jargon is None else jargon),
    )


def _uniek(woorden: Iterable[str]) -> tuple[str, ...]:
    gezien: dict[str, str] = {}
    for woord in woorden:
        gezien.setdefault(woord.lower(), woord)
    return tuple(gezien.values())
