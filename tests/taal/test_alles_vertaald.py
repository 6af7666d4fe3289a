"""Every text a template shows goes through the catalogue (issue 14: "All UI text through a
gettext catalogue"). The test strips what is not text (Jinja tags and expressions, HTML tags and
attributes, comments, scripts) and expects no word left but names. It fails on the first
template someone writes with a bare Dutch sentence in it."""

from __future__ import annotations

import re

from participatie.config import TEMPLATES_DIR

# Names stay names in every language; "kB" is a unit.
NAMEN = {"Participatieraden", "Participatieraad", "IJmond", "Participatie", "kB"}
# The printed poll poster speaks the poll's language, which is Dutch until a poll has
# translations of its own (issue 15), whatever language the council member's screen is in.
UITGEZONDERD = {"peilingen/poster.svg"}

_WEG = [
    re.compile(r"\{#.*?#\}", re.S),
    # a page's body class names (base.html's block pagina_klasse)
    re.compile(r"\{%-?\s*block pagina_klasse\s*-?%\}.*?\{%-?\s*endblock\s*-?%\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S),
    re.compile(r"<!--.*?-->", re.S),
    # attributes, also where a macro writes them outside a tag
    re.compile(r"""[\w:-]+=("[^"]*"|'[^']*')"""),
    re.compile(r"<[^>]*>", re.S),
    re.compile(r"&#?\w+;"),
]
_WOORD = re.compile(r"[^\W\d_]{2,}")


def _woorden(tekst: str) -> list[str]:
    for patroon in _WEG:
        tekst = patroon.sub(" ", tekst)
    return [w for w in _WOORD.findall(tekst) if w not in NAMEN]


def test_the_stripping_finds_a_bare_sentence():
    assert _woorden('<p class="x">{{ _("Goed") }} Dit is <b>kaal</b> {# stil #}</p>') == ["Dit", "is", "kaal"]


def test_no_template_shows_a_word_outside_the_catalogue():
    kaal = {}
    for pad in sorted(TEMPLATES_DIR.rglob("*")):
        naam = pad.relative_to(TEMPLATES_DIR).as_posix()
        if pad.suffix not in {".html", ".txt", ".svg"} or naam in UITGEZONDERD:
            continue
        woorden = _woorden(pad.read_text(encoding="utf-8"))
        if woorden:
            kaal[naam] = woorden[:10]

    assert kaal == {}
