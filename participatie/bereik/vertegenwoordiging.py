"""Whom a vraag reached, per background characteristic, set beside the municipality's population.

For each characteristic (participatie.kenmerken) that a poll of the vraag asks as a standard
background item, or that an outreach activity was counted on, one table: per category how many
people were reached (poll responses choosing it plus outreach people counted on it), their share
among the reached in the doelgroep, the category's share of the population within the doelgroep,
and a judgement in words.

Counting is done by the database, grouped per category, whatever the number of responses: four
queries per page. The small-group rule is the results page's own (peilingen.queries.hidden_groups):
a category reached by fewer than MIN_GROEP people shows no count and no share, and when exactly
one group would be hidden the next smallest is hidden too. A hidden category may still be called
under-represented (that is whom we miss), never anything that tells its size more closely.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from participatie.accounts.tables import Gemeente
from participatie.bereik.tables import Doelgroepcategorie, Referentie
from participatie.kenmerken import KENMERKEN, KERN, LEEFTIJD, categorieen
from participatie.peilingen.queries import MIN_GROEP, hidden_groups
from participatie.peilingen.tables import Peiling, Status
from participatie.taal import N_
from participatie.vragen import domain as vragen
from participatie.vragen.tables import Activiteit

KENMERK_LABELS = {LEEFTIJD: N_("Leeftijd"), KERN: N_("Kern of wijk")}

# The judgement of one category. The rule (ONDER_FACTOR, OVER_FACTOR) is stated on the page.
ONDER = "ondervertegenwoordigd"
OVER = "oververtegenwoordigd"
IN_LIJN = "in lijn"
GEEN_CIJFER = "geen cijfer"  # no reference figure for this category
BUITEN = "buiten de doelgroep"  # not part of the doelgroep: nobody expected there
KLEIN = "kleine groep"  # hidden, and not under-represented: we say nothing more about it

OORDEEL_LABELS = {
    ONDER: N_("Ondervertegenwoordigd"),
    OVER: N_("Oververtegenwoordigd"),
    IN_LIJN: N_("In lijn"),
    GEEN_CIJFER: N_("Geen referentiecijfer"),
    BUITEN: N_("Buiten de doelgroep"),
    KLEIN: N_("Te weinig mensen om iets te zeggen"),
}

# A group is under-represented when its share among the reached is less than half its share of
# the population; over-represented when it is more than one and a half times that share.
ONDER_FACTOR = 0.5
OVER_FACTOR = 1.5

# Which column of an outreach activity holds which characteristic.
_ACTIVITEIT_KOLOM = {LEEFTIJD: "leeftijd", KERN: "kern"}


@dataclass(frozen=True)
class Rij:
    """One category of a characteristic."""

    categorie: str
    in_doelgroep: bool
    # None: hidden (fewer than MIN_GROEP people, or hidden with the only other small group).
    aantal: int | None
    # Percent of the reached in the doelgroep with a known category; None when hidden or outside.
    aandeel: float | None
    # Percent of the population within the doelgroep; None without a figure or outside.
    referentie: float | None
    oordeel: str
    # Hidden because fewer than MIN_GROEP were reached (not as the partner of such a group):
    # we reach too little of it, whatever its reference. Never shown as such.
    te_weinig: bool = False

    @property
    def oordeel_label(self) -> str:
        return OORDEEL_LABELS[self.oordeel]


@dataclass(frozen=True)
class Kenmerktabel:
    kenmerk: str
    rijen: tuple[Rij, ...]
    totaal: int  # everyone reached that could have a category here (responses + outreach)
    onbekend: int | None  # no answer to the item / outreach without this category; None: hidden
    doelgroep: tuple[str, ...]  # the chosen categories; empty: everyone
    heeft_referentie: bool

    @property
    def label(self) -> str:
        return KENMERK_LABELS[self.kenmerk]

    @property
    def missen(self) -> tuple[str, ...]:
        """The doelgroep's categories we reach too little of."""
        # A hidden group of the doelgroep (1 to 9 people) is always one we reach too little of:
        # listing every one of them says nothing about its count.
        return tuple(
            r.categorie for r in self.rijen if r.in_doelgroep and (r.oordeel == ONDER or r.te_weinig)
        )


@dataclass(frozen=True)
class Bereik:
    tabellen: tuple[Kenmerktabel, ...]
    bron: tuple[str, ...]  # where the reference figures come from, as the beheerder wrote it
    is_open: bool  # a poll of the vraag is open: the council can still go out to whom it misses

    @property
    def missen(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(characteristic label, categories) for every table that misses someone."""
        return tuple((t.label, t.missen) for t in self.tabellen if t.missen)


def oordeel(aandeel: float, referentie: float) -> str:
    """The judgement of one category from its share among the reached and of the population."""
    if aandeel < ONDER_FACTOR * referentie:
        return ONDER
    if aandeel > OVER_FACTOR * referentie:
        return OVER
    return IN_LIJN


async def gemeenten_van(vraag: dict[str, Any]) -> list[dict[str, Any]]:
    """The municipalities a vraag speaks for: its own, or every one of its region (IJmond-wide)."""
    query = Gemeente.select(Gemeente.id, Gemeente.slug).order_by(Gemeente.id)
    if vraag["scope"] == "regio":
        return await query.where(Gemeente.regio == vraag["regio_id"])
    return await query.where(Gemeente.id == vraag["gemeente"])


def categorieen_van(kenmerk: str, slugs: Iterable[str]) -> tuple[str, ...]:
    """The categories of a characteristic over several municipalities, in list order, once each."""
    return tuple(dict.fromkeys(c for slug in slugs for c in categorieen(kenmerk, slug)))


async def load_doelgroep(vraag_id: int) -> dict[str, tuple[str, ...]]:
    """kenmerk -> the categories chosen as doelgroep (a characteristic without rows is absent)."""
    rows = (
        await Doelgroepcategorie.select(Doelgroepcategorie.kenmerk, Doelgroepcategorie.categorie)
        .where(Doelgroepcategorie.vraag == vraag_id)
        .order_by(Doelgroepcategorie.id)
    )
    result: dict[str, list[str]] = {}
    for row in rows:
        result.setdefault(row["kenmerk"], []).append(row["categorie"])
    return {k: tuple(v) for k, v in result.items()}


async def _antwoorden(vraag_id: int) -> tuple[dict[str, dict[str | None, int]], dict[str, int]]:
    """Per characteristic asked in a poll of the vraag: responses per category (None: a choice
    without category), and all responses of the polls that ask it."""
    per_categorie: dict[str, dict[str | None, int]] = {}
    for row in await Peiling.raw(
        "SELECT i.kenmerk AS kenmerk, k.categorie AS categorie, COUNT(DISTINCT w.antwoord) AS n "
        "FROM waarde w JOIN item i ON i.id = w.item JOIN peiling p ON p.id = i.peiling "
        "JOIN keuze k ON k.id = w.keuze "
        "WHERE p.vraag = {} AND i.kenmerk IS NOT NULL GROUP BY i.kenmerk, k.categorie",
        vraag_id,
    ):
        per_categorie.setdefault(row["kenmerk"], {})[row["categorie"]] = int(row["n"])
    # A LEFT JOIN, so a characteristic asked in a poll without answers yet still gets its table.
    totalen = {
        row["kenmerk"]: int(row["n"])
        for row in await Peiling.raw(
            "SELECT i.kenmerk AS kenmerk, COUNT(DISTINCT a.id) AS n "
            "FROM item i JOIN peiling p ON p.id = i.peiling LEFT JOIN antwoord a ON a.peiling = i.peiling "
            "WHERE p.vraag = {} AND i.kenmerk IS NOT NULL GROUP BY i.kenmerk",
            vraag_id,
        )
    }
    return per_categorie, totalen


async def _activiteiten(vraag_id: int) -> dict[str, dict[str, int]]:
    """Outreach people per characteristic and category ("" = not known), summed by the database."""
    rows = await Activiteit.raw(
        "SELECT kern, leeftijd, SUM(bereikt) AS n FROM activiteit WHERE vraag = {} GROUP BY kern, leeftijd",
        vraag_id,
    )
    result: dict[str, dict[str, int]] = {k: {} for k in KENMERKEN}
    for row in rows:
        for kenmerk, kolom in _ACTIVITEIT_KOLOM.items():
            waarden = result[kenmerk]
            waarden[row[kolom]] = waarden.get(row[kolom], 0) + int(row["n"])
    return result


async def _referenties(gemeente_ids: list[int]) -> tuple[dict[str, dict[str, int]], tuple[str, ...]]:
    """The reference figures summed over the municipalities (an IJmond-wide vraag speaks for the
    region), and their sources. Read here rather than per municipality: one grouped query."""
    cijfers: dict[str, dict[str, int]] = {}
    if not gemeente_ids:
        return cijfers, ()
    rows = (
        await Referentie.select(Referentie.kenmerk, Referentie.categorie, Referentie.aantal, Referentie.bron)
        .where(Referentie.gemeente.is_in(gemeente_ids))
        .order_by(Referentie.id)
    )
    bronnen: dict[str, None] = {}
    for row in rows:
        per = cijfers.setdefault(row["kenmerk"], {})
        per[row["categorie"]] = per.get(row["categorie"], 0) + int(row["aantal"])
        if row["bron"]:
            bronnen[row["bron"]] = None
    return cijfers, tuple(bronnen)


def _procent(deel: int, geheel: int) -> float:
    return round(100 * deel / geheel, 1) if geheel else 0.0


def tabel(
    kenmerk: str,
    categorie_lijst: tuple[str, ...],
    bereikt: dict[str, int],
    onbekend: int,
    referentie: dict[str, int],
    doelgroep: tuple[str, ...],
    uit_antwoorden: dict[str, int] | None = None,
) -> Kenmerktabel:
    """One characteristic's table from its counts (pure: the rules in one place, tested alone).

    `uit_antwoorden` is the part of `bereikt` that came from poll answers (default: all of it).
    The small-group rule looks at that part on its own: outreach added to three answers would
    otherwise show 13, and the activity list beside it says 10."""
    # A category found in the answers but not in the list (another municipality's kern in a
    # regional poll) is shown rather than lost.
    lijst = categorie_lijst + tuple(c for c in bereikt if c not in categorie_lijst)
    binnen = {c for c in lijst if not doelgroep or c in doelgroep}
    sizes = {c: bereikt.get(c, 0) for c in lijst}
    totaal = sum(sizes.values()) + onbekend
    # Nobody reached is shown as 0: it points at nobody. Hidden are the groups of 1 to 9, and
    # those with 1 to 9 poll answers whatever outreach adds to them; then, if only one would be
    # hidden (counting a small unknown group), the next smallest too.
    antwoord = uit_antwoorden if uit_antwoorden is not None else bereikt
    verborgen = hidden_groups({c: n for c, n in sizes.items() if n}, totaal)
    verborgen |= {c for c in lijst if 0 < antwoord.get(c, 0) < MIN_GROEP}
    if len(verborgen) + (1 if 0 < onbekend < MIN_GROEP else 0) == 1:
        rest = [c for c, n in sizes.items() if n and c not in verborgen]
        if rest:
            verborgen.add(min(rest, key=lambda c: sizes[c]))
    bereikt_binnen = sum(n for c, n in sizes.items() if c in binnen)
    referentie_binnen = sum(n for c, n in referentie.items() if c in binnen)
    rijen = []
    for c in lijst:
        n = sizes[c]
        is_verborgen = c in verborgen
        # No figure, or only zeros (nobody lives there by the figures): nothing to compare with.
        heeft_cijfer = c in binnen and c in referentie and referentie_binnen > 0
        ref = _procent(referentie[c], referentie_binnen) if heeft_cijfer else None
        if c not in binnen:
            uitspraak = BUITEN
        elif ref is None:
            uitspraak = GEEN_CIJFER
        else:
            # Judged on the exact fractions, not the rounded percentages shown.
            uitspraak = oordeel(
                n / bereikt_binnen if bereikt_binnen else 0.0, referentie[c] / referentie_binnen
            )
        te_weinig = is_verborgen and (n < MIN_GROEP or 0 < antwoord.get(c, 0) < MIN_GROEP)
        if is_verborgen and uitspraak not in (BUITEN, GEEN_CIJFER):
            # A small hidden group is called under-represented only when every count it could
            # have (1 to 9) would be: then the word tells nothing the hiding does not. Otherwise
            # (and for a partner hidden with it) the word would narrow down its count.
            verwacht = referentie[c] / referentie_binnen * bereikt_binnen
            uitspraak = ONDER if te_weinig and ONDER_FACTOR * verwacht >= MIN_GROEP else KLEIN
        rijen.append(
            Rij(
                categorie=c,
                in_doelgroep=c in binnen,
                aantal=None if is_verborgen else n,
                # With any group hidden, no shares: a shown count over its share gives the sum
                # of the doelgroep, and that sum minus the shown counts the hidden one.
                aandeel=_procent(n, bereikt_binnen) if c in binnen and not verborgen else None,
                referentie=ref,
                oordeel=uitspraak,
                te_weinig=te_weinig,
            )
        )
    return Kenmerktabel(
        kenmerk=kenmerk,
        rijen=tuple(rijen),
        totaal=totaal,
        onbekend=None if 0 < onbekend < MIN_GROEP else onbekend,
        doelgroep=tuple(c for c in lijst if c in doelgroep),
        heeft_referentie=referentie_binnen > 0,
    )


async def bereken(vraag_id: int, vraag: dict[str, Any] | None = None) -> Bereik:
    """The representation tables of one vraag: a table per characteristic asked in one of its
    polls or counted on in its outreach, with the reference figures and the doelgroep."""
    vraag = vraag or await vragen.load_vraag(vraag_id)
    gemeenten = await gemeenten_van(vraag)
    slugs = [g["slug"] for g in gemeenten]
    per_categorie, totalen = await _antwoorden(vraag_id)
    activiteiten = await _activiteiten(vraag_id)
    referenties, bronnen = await _referenties([g["id"] for g in gemeenten])
    doelgroep = await load_doelgroep(vraag_id)
    is_open = await Peiling.exists().where(
        (Peiling.vraag == vraag_id) & (Peiling.status == Status.OPEN.value)
    )
    tabellen = []
    for kenmerk in KENMERKEN:
        uit_activiteit = activiteiten[kenmerk]
        if kenmerk not in totalen and not any(uit_activiteit.get(c) for c in uit_activiteit if c):
            continue
        antwoorden = per_categorie.get(kenmerk, {})
        bereikt: dict[str, int] = {}
        for bron in (antwoorden, uit_activiteit):
            for c, n in bron.items():
                if c:
                    bereikt[c] = bereikt.get(c, 0) + n
        # Responses that skipped the item or chose an option without category, and outreach
        # people whose category was not noted.
        bekend_uit_antwoorden = sum(n for c, n in antwoorden.items() if c)
        onbekend = max(totalen.get(kenmerk, 0) - bekend_uit_antwoorden, 0) + uit_activiteit.get("", 0)
        tabellen.append(
            tabel(
                kenmerk,
                categorieen_van(kenmerk, slugs),
                bereikt,
                onbekend,
                referenties.get(kenmerk, {}),
                doelgroep.get(kenmerk, ()),
                uit_antwoorden={c: n for c, n in antwoorden.items() if c},
            )
        )
    return Bereik(tabellen=tuple(tabellen), bron=bronnen, is_open=is_open)


async def samenvatting(vraag: dict[str, Any]) -> Bereik:
    """The vraag page's short summary (registered as a panel by the app: vragen builds on none
    of bereik). Reads the vraag again: a panel may be handed only its id and step."""
    return await bereken(vraag["id"])
