"""The stappenplan as data: the steps, which step may follow which, and what each requires.

Plain data so a test (and the vraag page) can read it; the domain enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from participatie import taal
from participatie.taal import N_


class Stap(StrEnum):
    BINNENGEKOMEN = "binnengekomen"
    TRECHTEREN = "trechteren"
    CONCRETISEREN = "concretiseren"
    VOORLEGGEN = "voorleggen"
    TERUGKOPPELEN = "terugkoppelen"
    ADVIES = "advies"
    BORGING = "borging"
    AFGEROND = "afgerond"
    AFGEWEZEN = "afgewezen"

    @property
    def label(self) -> str:
        """The step's name in the language being rendered now (Dutch: LABELS itself). A mail
        stores LABELS[stap], the Dutch msgid, and translates it when it is rendered."""
        return taal.gettext(LABELS[self])


LABELS = {
    Stap.BINNENGEKOMEN: N_("Binnengekomen"),
    Stap.TRECHTEREN: N_("Trechteren"),
    Stap.CONCRETISEREN: N_("Concretiseren"),
    Stap.VOORLEGGEN: N_("Voorleggen"),
    Stap.TERUGKOPPELEN: N_("Terugkoppelen"),
    Stap.ADVIES: N_("Advies"),
    Stap.BORGING: N_("Borging"),
    Stap.AFGEROND: N_("Afgerond"),
    Stap.AFGEWEZEN: N_("Afgewezen"),
}

# What each step means, in plain words for whoever brought the vraag in (mails, the portal).
UITLEG = {
    Stap.BINNENGEKOMEN: N_("De raad heeft uw vraag ontvangen."),
    Stap.TRECHTEREN: N_("De raad bekijkt of en hoe de vraag wordt opgepakt."),
    Stap.CONCRETISEREN: N_("De raad maakt de vraag precies: wat willen we weten, en van wie?"),
    Stap.VOORLEGGEN: N_(
        "De raad legt de vraag voor aan inwoners, bijvoorbeeld met een peiling of een gesprek."
    ),
    Stap.TERUGKOPPELEN: N_("De raad zet op een rij wat inwoners hebben gezegd."),
    Stap.ADVIES: N_("De raad schrijft het advies."),
    Stap.BORGING: N_("Het advies is verstuurd. De raad volgt wat de gemeente ermee doet."),
    Stap.AFGEROND: N_("De vraag is afgerond."),
    Stap.AFGEWEZEN: N_("De raad gaat niet verder met deze vraag."),
}

# The board's columns, in the order of the funnel.
VOLGORDE = [
    Stap.BINNENGEKOMEN,
    Stap.TRECHTEREN,
    Stap.CONCRETISEREN,
    Stap.VOORLEGGEN,
    Stap.TERUGKOPPELEN,
    Stap.ADVIES,
    Stap.BORGING,
    Stap.AFGEROND,
    Stap.AFGEWEZEN,
]

VOORUIT: dict[Stap, frozenset[Stap]] = {
    Stap.BINNENGEKOMEN: frozenset({Stap.TRECHTEREN}),
    Stap.TRECHTEREN: frozenset({Stap.CONCRETISEREN, Stap.AFGEWEZEN}),
    Stap.CONCRETISEREN: frozenset({Stap.VOORLEGGEN}),
    Stap.VOORLEGGEN: frozenset({Stap.TERUGKOPPELEN}),
    Stap.TERUGKOPPELEN: frozenset({Stap.ADVIES}),
    Stap.ADVIES: frozenset({Stap.BORGING}),
    Stap.BORGING: frozenset({Stap.AFGEROND}),
    Stap.AFGEROND: frozenset(),
    Stap.AFGEWEZEN: frozenset(),
}

# Going back is for when the work shows an earlier step was not done well: a question that
# turns out vague goes back to concretiseren, a poll that reached too few goes back to
# voorleggen. Nothing goes back from advies onwards: the advice has left the council.
TERUG: dict[Stap, frozenset[Stap]] = {
    Stap.CONCRETISEREN: frozenset({Stap.TRECHTEREN}),
    Stap.VOORLEGGEN: frozenset({Stap.CONCRETISEREN}),
    Stap.TERUGKOPPELEN: frozenset({Stap.VOORLEGGEN}),
    # A declined vraag can be looked at again, e.g. when the municipality explains it better.
    Stap.AFGEWEZEN: frozenset({Stap.TRECHTEREN}),
}


@dataclass(frozen=True)
class Vereiste:
    """A field of the vraag that must be filled in before it may enter a step."""

    veld: str
    label: str


VEREISTEN: dict[Stap, tuple[Vereiste, ...]] = {
    Stap.CONCRETISEREN: (
        Vereiste("scope", N_("of de vraag lokaal of voor heel de IJmond is")),
        Vereiste("thema", N_("het thema")),
        Vereiste("prioriteit", N_("de prioriteit")),
    ),
    Stap.VOORLEGGEN: (
        Vereiste("precieze_vraag", N_("de precieze vraag (de vraag achter de vraag)")),
        Vereiste("aanpak", N_("hoe we de vraag stellen")),
        Vereiste("doelgroep", N_("de doelgroep")),
        Vereiste("participatievormen", N_("minstens één participatievorm")),
        Vereiste("planning", N_("de planning")),
        Vereiste("deadline", N_("de uiterste datum")),
        Vereiste("verantwoordelijke", N_("wie in de raad verantwoordelijk is")),
    ),
    Stap.BORGING: (
        Vereiste("advies_tekst", N_("de tekst van het advies")),
        Vereiste("advies_aan", N_("aan wie het advies is gestuurd")),
    ),
    Stap.AFGEROND: (
        Vereiste("reactie_oordeel", N_("de reactie van de gemeente")),
        Vereiste("reactie_toelichting", N_("de uitleg van de gemeente bij de reactie")),
    ),
    Stap.AFGEWEZEN: (Vereiste("afwijsreden", N_("de reden van afwijzen")),),
}


class Actie(StrEnum):
    """What a council member can do to (or for) a vraag; which step allows it is in MAG."""

    TRECHTEREN = "trechteren"  # scope, theme, priority, duplicate of
    CONCRETISEREN = "concretiseren"  # the precise question, approach, target group, planning
    PEILING_MAKEN = "peiling_maken"
    PEILING_PUBLICEREN = "peiling_publiceren"
    FOCUSGROEP_STARTEN = "focusgroep_starten"
    ACTIVITEIT_VASTLEGGEN = "activiteit_vastleggen"  # an outreach visit (food bank, choir ...)
    RAPPORT_SCHRIJVEN = "rapport_schrijven"
    RAPPORT_PUBLICEREN = "rapport_publiceren"
    ADVIES_GEVEN = "advies_geven"
    REACTIE_VASTLEGGEN = "reactie_vastleggen"  # the municipality's answer to the advice


# Per step, which actions are allowed: the one table the domain functions check and the vraag
# page reads to decide which forms to offer. A form is shown exactly when using it would work.
MAG: dict[Stap, frozenset[Actie]] = {
    Stap.BINNENGEKOMEN: frozenset({Actie.TRECHTEREN}),
    Stap.TRECHTEREN: frozenset({Actie.TRECHTEREN, Actie.CONCRETISEREN}),
    Stap.CONCRETISEREN: frozenset({Actie.CONCRETISEREN, Actie.PEILING_MAKEN, Actie.FOCUSGROEP_STARTEN}),
    Stap.VOORLEGGEN: frozenset(
        {
            Actie.CONCRETISEREN,
            Actie.PEILING_MAKEN,
            Actie.PEILING_PUBLICEREN,
            Actie.FOCUSGROEP_STARTEN,
            Actie.ACTIVITEIT_VASTLEGGEN,
            Actie.RAPPORT_SCHRIJVEN,
        }
    ),
    Stap.TERUGKOPPELEN: frozenset({Actie.RAPPORT_SCHRIJVEN, Actie.RAPPORT_PUBLICEREN}),
    Stap.ADVIES: frozenset({Actie.RAPPORT_SCHRIJVEN, Actie.RAPPORT_PUBLICEREN, Actie.ADVIES_GEVEN}),
    Stap.BORGING: frozenset({Actie.RAPPORT_SCHRIJVEN, Actie.RAPPORT_PUBLICEREN, Actie.REACTIE_VASTLEGGEN}),
    Stap.AFGEROND: frozenset({Actie.RAPPORT_SCHRIJVEN, Actie.RAPPORT_PUBLICEREN}),
    Stap.AFGEWEZEN: frozenset(),
}

# Why an action is refused, in the words the council member reads on the page.
WAAROM_NIET: dict[Actie, str] = {
    Actie.TRECHTEREN: N_("Dit hoort bij het trechteren; die stap is al voorbij."),
    Actie.CONCRETISEREN: N_("De vraag is niet (meer) in de stap concretiseren."),
    Actie.PEILING_MAKEN: N_("Een peiling maakt u bij een vraag in de stap concretiseren of voorleggen."),
    Actie.PEILING_PUBLICEREN: N_("Een peiling gaat open als de vraag in de stap voorleggen is."),
    Actie.FOCUSGROEP_STARTEN: N_(
        "Een focusgroep start u bij een vraag in de stap concretiseren of voorleggen."
    ),
    Actie.ACTIVITEIT_VASTLEGGEN: N_("Activiteiten horen bij de stap voorleggen."),
    Actie.RAPPORT_SCHRIJVEN: N_("Een rapport maakt u vanaf de stap voorleggen."),
    Actie.RAPPORT_PUBLICEREN: N_("Publiceren kan vanaf de stap terugkoppelen."),
    Actie.ADVIES_GEVEN: N_("Het advies schrijft u in de stap advies."),
    Actie.REACTIE_VASTLEGGEN: N_("Een reactie op het advies legt u vast in de stap borging."),
}


def mag(stap: Stap | str, actie: Actie) -> bool:
    """Whether a vraag in `stap` allows `actie` (templates call this too)."""
    return actie in MAG[Stap(stap)]


def weigering(stap: Stap | str, actie: Actie) -> str | None:
    """The reason `actie` is not allowed in `stap`, in the language of the request (the other
    domains raise it as their refusal), or None when it is."""
    return None if mag(stap, actie) else taal.gettext(WAAROM_NIET[actie])


def stappen_voor(actie: Actie) -> tuple[Stap, ...]:
    """The steps that allow `actie`, in funnel order (for queries that select by step)."""
    return tuple(s for s in VOLGORDE if actie in MAG[s])


THEMAS = [
    ("toegankelijkheid", N_("Toegankelijkheid")),
    ("minimabeleid", N_("Minimabeleid")),
    ("armoede", N_("Armoede en schulden")),
    ("mantelzorg", N_("Mantelzorg")),
    ("huishoudelijke_hulp", N_("Huishoudelijke hulp")),
    ("jeugd", N_("Jeugd")),
    ("wonen", N_("Wonen")),
    ("werk_en_inkomen", N_("Werk en inkomen")),
    ("eenzaamheid", N_("Eenzaamheid")),
    ("ouderen", N_("Ouderen")),
    ("zorg_en_welzijn", N_("Zorg en welzijn")),
]

PARTICIPATIEVORMEN = [
    N_("flitspeiling"),
    N_("focusgroep"),
    N_("spiegelgesprek"),
    N_("opiniebus"),
    N_("wijkwinkel"),
    N_("bezoek op locatie"),
]

PRIORITEITEN = [("hoog", N_("Hoog")), ("normaal", N_("Normaal")), ("laag", N_("Laag"))]


def opties(paren: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(value, label) pairs with each label in the language of the request, for a form's choices."""
    return [(waarde, taal.gettext(label)) for waarde, label in paren]


def allowed_next(stap: Stap) -> list[Stap]:
    """The steps a vraag in `stap` may move to, forward first, in funnel order."""
    targets = VOORUIT[stap] | TERUG.get(stap, frozenset())
    return sorted(targets, key=VOLGORDE.index)


def is_back(van: Stap, naar: Stap) -> bool:
    return naar in TERUG.get(van, frozenset())


def missing_for(naar: Stap, values: dict[str, object]) -> list[Vereiste]:
    """What must still be filled in before a vraag with these values may enter `naar`."""
    return [v for v in VEREISTEN.get(naar, ()) if _is_empty(values.get(v.veld))]


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple | set):
        return len(value) == 0
    return False
