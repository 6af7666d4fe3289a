"""Reads for the council's poll pages and the results. A fixed, small number of queries per
page, whatever the number of responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from participatie import taal, tijd
from participatie.peilingen.domain import FormItem, Formulier
from participatie.peilingen.tables import (
    Antwoord,
    Bron,
    Kiosk,
    Peiling,
    Peilingtaal,
    Soort,
    Status,
    Teller,
    Uitnodiging,
    Waarde,
)
from participatie.peilingen.talen import taal_info

MIN_GROEP = 10  # a breakdown never shows a group smaller than this


async def peilingen_van(vraag_id: int) -> list[dict[str, Any]]:
    return (
        await Peiling.select(Peiling.id, Peiling.titel, Peiling.status, Peiling.sluit_at, Peiling.toegang)
        .where(Peiling.vraag == vraag_id)
        .order_by(Peiling.id)
    )


async def code_counts(peiling_id: int) -> dict[str, int]:
    rows = (
        await Uitnodiging.select(Uitnodiging.gebruikt, Count(Uitnodiging.id, alias="n"))
        .where(Uitnodiging.peiling == peiling_id)
        .group_by(Uitnodiging.gebruikt)
    )
    result = {"gemaakt": 0, "gebruikt": 0}
    for row in rows:
        result["gemaakt"] += row["n"]
        if row["gebruikt"]:
            result["gebruikt"] += row["n"]
    return result


@dataclass(frozen=True)
class ActieveKiosk:
    id: int
    gemaakt_door: str
    aangemaakt_at: str
    verloopt_at: str


def _tijd(value: datetime, *, met_datum: bool = True) -> str:
    """A stored (UTC) moment on the Dutch clock, in the short form of the council's tables
    ('27-11-2026 14:05', or '14:05'), formatted by Babel like every other date."""
    klok = tijd.tijd(value)
    return f"{tijd.datum(value, 'dd-MM-y')} {klok}" if met_datum else klok


async def kiosks_van(peiling_id: int) -> list[ActieveKiosk]:
    """Tablets that can still answer this poll (not expired, not revoked), oldest first."""
    geldig = Kiosk.ingetrokken_at.is_null() & (Kiosk.verloopt_at > tijd.now())
    rows = (
        await Kiosk.select(
            Kiosk.id, Kiosk.gemaakt_door.naam.as_alias("naam"), Kiosk.aangemaakt_at, Kiosk.verloopt_at
        )
        .where((Kiosk.peiling == peiling_id) & geldig)
        .order_by(Kiosk.id)
    )
    return [
        ActieveKiosk(
            id=r["id"],
            gemaakt_door=r["naam"] or taal.gettext("(onbekend)"),
            aangemaakt_at=_tijd(r["aangemaakt_at"]),
            verloopt_at=_tijd(r["verloopt_at"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Drukte:
    """A run of minutes in which the poll got more answers than its busy threshold."""

    van: str  # "27-11-2026 14:03", Amsterdam time
    tot: str  # "14:07", or a full date when the run crosses midnight
    antwoorden: int
    geweigerd: int


async def bursts(peiling_id: int, druk_per_minuut: int) -> list[Drukte]:
    """Unusual bursts for the council: minutes over the busy threshold (answers stored plus
    refused), consecutive minutes joined into one period."""
    rows = await Teller.raw(
        "SELECT venster, SUM(aantal) AS aantal, SUM(geweigerd) AS geweigerd FROM teller "
        "WHERE peiling = {} AND soort = 'minuut' GROUP BY venster "
        "HAVING SUM(aantal) + SUM(geweigerd) > {} ORDER BY venster",
        peiling_id,
        druk_per_minuut,
    )
    runs: list[list[int]] = []  # [first minute, last minute, answers, refused]
    for r in rows:
        if runs and runs[-1][1] == r["venster"] - 1:
            runs[-1][1] = r["venster"]
            runs[-1][2] += r["aantal"]
            runs[-1][3] += r["geweigerd"]
        else:
            runs.append([r["venster"], r["venster"], r["aantal"], r["geweigerd"]])
    result = []
    for first, last, aantal, geweigerd in runs:
        start = datetime.fromtimestamp(first * 60, UTC)
        end = start + timedelta(minutes=last - first + 1)
        same_day = tijd.local(start).date() == tijd.local(end).date()
        result.append(
            Drukte(
                van=_tijd(start),
                tot=_tijd(end, met_datum=not same_day),
                antwoorden=int(aantal),
                geweigerd=int(geweigerd),
            )
        )
    return result


@dataclass
class Regel:
    label: str
    # None: hidden, the group is too small to show (a background item's group under MIN_GROEP).
    aantal: int | None
    procent: float | None


@dataclass
class ItemUitslag:
    item: FormItem
    beantwoord: int
    regels: list[Regel] = field(default_factory=list)
    gemiddelde: float | None = None
    open_antwoorden: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Uitsplitsing:
    """One item broken down by a background item: a column per group, or None when hidden."""

    achtergrond: FormItem
    groepen: list[tuple[str, int | None]]  # (label, size or None when hidden)
    rijen: list[tuple[str, list[float | None]]]  # (answer label, percentage per group)


@dataclass
class Uitslag:
    totaal: int
    per_uur: list[tuple[datetime, int]]
    items: list[ItemUitslag]
    uitsplitsingen: dict[int, Uitsplitsing] = field(default_factory=dict)
    # Responses per way in (Bron), every way listed, also at 0: (bron, count) in Bron order.
    per_bron: list[tuple[Bron, int]] = field(default_factory=list)
    # Responses per language the form was in; empty for a poll only ever in Dutch.
    per_taal: list[TaalAantal] = field(default_factory=list)


@dataclass(frozen=True)
class TaalAantal:
    code: str  # "nl", "ar"
    naam: str  # in Dutch: the results are read in Dutch ("Arabisch")
    aantal: int | None  # None: hidden, fewer than MIN_GROEP (the small-group rule)


def _labels(item: FormItem) -> list[tuple[Any, str]]:
    """The answer options of an item as (stored value, label), in display order."""
    if item.soort in (Soort.ENKEL, Soort.MEER):
        return [(("k", k), t) for k, t in item.keuzes]
    if item.soort is Soort.JANEE:
        return [(("g", 1), taal.gettext("Ja")), (("g", 0), taal.gettext("Nee"))]
    if item.soort is Soort.SCHAAL:
        return [
            (
                ("g", n),
                f"{n}" + (f" – {item.label_laag}" if n == 1 else f" – {item.label_hoog}" if n == 5 else ""),
            )
            for n in range(1, 6)
        ]
    return []


def _key(row: dict[str, Any]) -> tuple[str, int]:
    return ("k", row["keuze"]) if row["keuze"] is not None else ("g", row["getal"])


async def per_bron(peiling_id: int) -> list[tuple[Bron, int]]:
    """How many responses came in by each way (link, code, kiosk, paper)."""
    rows = (
        await Antwoord.select(Antwoord.bron, Count(Antwoord.id, alias="n"))
        .where(Antwoord.peiling == peiling_id)
        .group_by(Antwoord.bron)
    )
    counts = {r["bron"]: r["n"] for r in rows}
    return [(bron, counts.get(bron.value, 0)) for bron in Bron]


async def per_taal(peiling_id: int, totaal: int) -> list[TaalAantal]:
    """How many answered in each language: Dutch first, then the poll's languages in the order
    added, then any other language answers were stored in (a language removed later). Empty
    when the poll was only ever in Dutch. A rare language in a small poll is a person, so the
    results page's small-group rule applies (hidden_groups): under MIN_GROEP is hidden, and
    when that is one language only, the next smallest too."""
    talen = [
        r["taal"]
        for r in await Peilingtaal.select(Peilingtaal.taal)
        .where(Peilingtaal.peiling == peiling_id)
        .order_by(Peilingtaal.id)
    ]
    # Counted apart from the responses (see Antwoord): the sum over years and shards.
    rows = (
        await Teller.select(Teller.sleutel, Sum(Teller.aantal, alias="n"))
        .where((Teller.peiling == peiling_id) & (Teller.soort == "taal"))
        .group_by(Teller.sleutel)
    )
    counts = {r["sleutel"]: int(r["n"] or 0) for r in rows}
    # Dutch is every response not given in another language: responses from before languages
    # were counted were all Dutch, and then the languages add up to the total shown beside them.
    counts["nl"] = max(totaal - sum(n for code, n in counts.items() if code != "nl"), 0)
    codes = list(dict.fromkeys(["nl", *talen, *sorted(counts)]))
    if len(codes) < 2:
        return []
    sizes = {code: counts.get(code, 0) for code in codes}
    # A language nobody answered in points at nobody: shown as 0, and left out of the rule,
    # or it would hide a real group next to it for no reason.
    hidden = hidden_groups({code: n for code, n in sizes.items() if n}, totaal)
    result = []
    for code in codes:
        info = taal_info(code)
        result.append(
            TaalAantal(
                code=code, naam=info.naam_nl if info else code, aantal=None if code in hidden else sizes[code]
            )
        )
    return result


async def count_papier(peiling_id: int) -> int:
    return await Antwoord.count().where(
        (Antwoord.peiling == peiling_id) & (Antwoord.bron == Bron.PAPIER.value)
    )


async def results(formulier: Formulier, *, achtergrond_id: int | None = None) -> Uitslag:
    items = list(formulier.items)
    item_ids = [i.id for i in items]
    totaal = await Antwoord.count().where(Antwoord.peiling == formulier.peiling_id)
    per_uur_rows = (
        await Antwoord.select(Antwoord.ingediend_uur, Count(Antwoord.id, alias="n"))
        .where(Antwoord.peiling == formulier.peiling_id)
        .group_by(Antwoord.ingediend_uur)
        .order_by(Antwoord.ingediend_uur)
    )
    per_uur = [(tijd.local(r["ingediend_uur"]), r["n"]) for r in per_uur_rows]
    counts: dict[int, dict[tuple[str, int], int]] = {}
    beantwoord: dict[int, int] = {}
    if item_ids:
        # Filtering on the poll's items needs no join with antwoord.
        rows = (
            await Waarde.select(Waarde.item, Waarde.keuze, Waarde.getal, Count(Waarde.id, alias="n"))
            .where(Waarde.item.is_in(item_ids) & Waarde.tekst.is_null())
            .group_by(Waarde.item, Waarde.keuze, Waarde.getal)
        )
        for row in rows:
            counts.setdefault(row["item"], {})[_key(row)] = row["n"]
        tekst_ids = [i.id for i in items if i.soort is Soort.TEKST]
        open_rows = (
            await Waarde.select(Waarde.id, Waarde.item, Waarde.tekst, Waarde.verborgen)
            .where(Waarde.item.is_in(tekst_ids))
            .order_by(Waarde.id, ascending=False)
            .limit(500)
            if tekst_ids
            else []
        )
        open_counts = (
            await Waarde.select(Waarde.item, Count(Waarde.id, alias="n"))
            .where(Waarde.item.is_in(tekst_ids))
            .group_by(Waarde.item)
            if tekst_ids
            else []
        )
        for row in open_counts:
            beantwoord[row["item"]] = row["n"]
    else:
        open_rows = []

    uitslagen = []
    for item in items:
        item_counts = counts.get(item.id, {})
        result = ItemUitslag(item=item, beantwoord=0)
        if item.soort is Soort.MEER:
            # Respondents, not ticks: a person who ticked two counts once for "beantwoord".
            result.beantwoord = await _respondents(item.id)
        elif item.soort is Soort.TEKST:
            result.beantwoord = beantwoord.get(item.id, 0)
            result.open_antwoorden = [r for r in open_rows if r["item"] == item.id]
        else:
            result.beantwoord = sum(item_counts.values())
        basis = result.beantwoord or 1
        # A background item's own counts are groups of people ("65+: 1"): the same small-group
        # rule as a breakdown applies, or the page would single out the one the export hides.
        verborgen = (
            hidden_groups({value: item_counts.get(value, 0) for value, _ in _labels(item)}, totaal)
            if item.is_achtergrond
            else set()
        )
        for value, label in _labels(item):
            n = item_counts.get(value, 0)
            if value in verborgen:
                result.regels.append(Regel(label, None, None))
            else:
                result.regels.append(Regel(label, n, round(100 * n / basis, 1)))
        if item.soort is Soort.GETAL and item_counts:
            total = sum(v * n for (_, v), n in item_counts.items())
            result.gemiddelde = round(total / sum(item_counts.values()), 1)
        uitslagen.append(result)

    uitslag = Uitslag(
        totaal=totaal,
        per_uur=per_uur,
        items=uitslagen,
        per_bron=await per_bron(formulier.peiling_id),
        per_taal=await per_taal(formulier.peiling_id, totaal),
    )
    achtergrond = next((i for i in items if i.id == achtergrond_id and i.is_achtergrond), None)
    if achtergrond is not None:
        for item in items:
            if item.id != achtergrond.id and item.soort in (
                Soort.ENKEL,
                Soort.MEER,
                Soort.JANEE,
                Soort.SCHAAL,
            ):
                uitslag.uitsplitsingen[item.id] = await _breakdown(item, achtergrond, counts, totaal)
    return uitslag


async def _respondents(item_id: int) -> int:
    rows = await Waarde.raw("SELECT COUNT(DISTINCT antwoord) AS n FROM waarde WHERE item = {}", item_id)
    return int(rows[0]["n"])


def hidden_groups(sizes: dict[Any, int], totaal: int) -> set[Any]:
    """Which groups to hide: every one under MIN_GROEP, and, when exactly one would be hidden
    (counting those who skipped the background item), the next smallest too, so that no hidden
    group can be worked out from the totals that are shown."""
    hidden = {g for g, n in sizes.items() if n < MIN_GROEP}
    skipped = totaal - sum(sizes.values())
    hidden_count = len(hidden) + (1 if 0 < skipped < MIN_GROEP else 0)
    if hidden_count == 1:
        shown = sorted((n, str(g), g) for g, n in sizes.items() if g not in hidden)
        if shown:
            hidden.add(shown[0][2])
    return hidden


async def _breakdown(
    item: FormItem, achtergrond: FormItem, counts: dict[int, dict[tuple[str, int], int]], totaal: int
) -> Uitsplitsing:
    groups = _labels(achtergrond)
    sizes = {value: counts.get(achtergrond.id, {}).get(value, 0) for value, _ in groups}
    hidden = hidden_groups(sizes, totaal)
    rows = await Waarde.raw(
        "SELECT b.keuze AS b_keuze, b.getal AS b_getal, x.keuze AS keuze, x.getal AS getal, COUNT(*) AS n "
        "FROM waarde b JOIN waarde x ON x.antwoord = b.antwoord "
        "WHERE b.item = {} AND x.item = {} GROUP BY b.keuze, b.getal, x.keuze, x.getal",
        achtergrond.id,
        item.id,
    )
    cells: dict[tuple[Any, Any], int] = {}
    for row in rows:
        group = ("k", row["b_keuze"]) if row["b_keuze"] is not None else ("g", row["b_getal"])
        cells[(group, _key(row))] = row["n"]
    rijen = []
    for value, label in _labels(item):
        percentages: list[float | None] = []
        for group, _ in groups:
            if group in hidden:
                percentages.append(None)
            else:
                percentages.append(round(100 * cells.get((group, value), 0) / (sizes[group] or 1), 1))
        rijen.append((label, percentages))
    return Uitsplitsing(
        achtergrond=achtergrond,
        groepen=[(label, None if value in hidden else sizes[value]) for value, label in groups],
        rijen=rijen,
    )


async def open_peilingen(vraag_ids: Any) -> list[dict[str, Any]]:
    """The open polls of the vragen in `vraag_ids` (a subquery from vragen.queries), closing
    soonest first (no closing time last), each with its number of answers. Two queries,
    whatever the number of polls."""
    rows = (
        await Peiling.select(Peiling.id, Peiling.titel, Peiling.sluit_at, Peiling.vraag)
        .where(Peiling.vraag.is_in(vraag_ids) & (Peiling.status == Status.OPEN.value))
        .order_by(Peiling.id)
    )
    aantallen = {
        r["peiling"]: r["n"]
        for r in await Antwoord.select(Antwoord.peiling, Count(Antwoord.id, alias="n"))
        .where(Antwoord.peiling.is_in([r["id"] for r in rows] or [-1]))
        .group_by(Antwoord.peiling)
    }
    result = [
        {
            **r,
            "sluit_at": tijd.as_utc(r["sluit_at"]) if r["sluit_at"] else None,
            "antwoorden": aantallen.get(r["id"], 0),
        }
        for r in rows
    ]
    # Python's sort, not SQL's: the engines put NULLs at different ends; no closing time is last.
    laatst = datetime.max.replace(tzinfo=UTC)
    return sorted(result, key=lambda p: (p["sluit_at"] or laatst, p["id"]))
