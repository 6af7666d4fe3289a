"""The background characteristics (kenmerken) that make a doelgroep comparable.

One list, used by the resident panel (where a resident may give a kern and an age band), by a
poll's standard background items and by the representation table (bereik): an answer, a panel
member and a municipality's reference figure all speak of the same categories, so they can be
set side by side. Kernen are place names and read the same in every language.
"""

from __future__ import annotations

KERNEN: dict[str, tuple[str, ...]] = {
    "velsen": (
        "IJmuiden",
        "Velsen-Noord",
        "Velsen-Zuid",
        "Driehuis",
        "Santpoort-Noord",
        "Santpoort-Zuid",
        "Velserbroek",
    ),
    "beverwijk": ("Beverwijk", "Wijk aan Zee"),
    "heemskerk": ("Heemskerk",),
}
LEEFTIJDEN = ("16-25", "26-40", "41-65", "66-80", "80+")

# The characteristics a council can compare on, in the order they are shown.
LEEFTIJD = "leeftijd"
KERN = "kern"
KENMERKEN = (LEEFTIJD, KERN)


def categorieen(kenmerk: str, gemeente_slug: str) -> tuple[str, ...]:
    """The categories of one characteristic in one municipality; empty for an unknown one."""
    if kenmerk == LEEFTIJD:
        return LEEFTIJDEN
    if kenmerk == KERN:
        return KERNEN.get(gemeente_slug, ())
    return ()
