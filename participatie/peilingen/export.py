"""The council's download of a poll's raw answers (CSV, XLSX): one row per response.

Two rules shape it:
- It is read in pages and, for CSV, sent page by page: 30,000 responses held the event loop
  for 9 s when built in one go, and every other request waited.
- It never singles out a resident. The background answers (age group, district, ...) of a row
  are what make it recognisable, so rows whose combination of background answers is shared by
  fewer than MIN_GROEP responses get those columns replaced by "(kleine groep)". Their other
  answers stay, so totals still match the results page. When the replaced rows together are
  fewer than MIN_GROEP, the next smallest combinations are replaced too: a lone replaced row
  next to a results page saying "80+: 1" would otherwise still point at that one person.
  Leaving such rows out instead would lose answers and make the export disagree with the
  results page, for no extra protection.
"""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Stream

from participatie import csvexport, tijd
from participatie.accounts.domain import Ingelogd
from participatie.auditlog import log_event
from participatie.peilingen.beheer import beheerbaar
from participatie.peilingen.domain import FormItem, Formulier
from participatie.peilingen.queries import MIN_GROEP
from participatie.peilingen.tables import Antwoord, Waarde

PAGINA = 1_000  # responses per page: a few milliseconds of work between two awaits
KLEINE_GROEP = "(kleine groep)"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Combinatie = tuple[tuple[Any, ...], ...]


def _value(v: dict[str, Any]) -> Any:
    return ("k", v["keuze"]) if v["keuze"] is not None else ("g", v["getal"])


async def _combinaties(formulier: Formulier, laatste: int) -> dict[int, Combinatie]:
    """Per response (up to id `laatste`) its background answers, read in pages."""
    achtergrond = [i.id for i in formulier.items if i.is_achtergrond]
    if not achtergrond:
        return {}
    per: dict[int, dict[int, list[Any]]] = {}
    vanaf = 0
    while True:
        rows = (
            await Waarde.select(Waarde.id, Waarde.antwoord, Waarde.item, Waarde.keuze, Waarde.getal)
            .where(Waarde.item.is_in(achtergrond) & (Waarde.id > vanaf) & (Waarde.antwoord <= laatste))
            .order_by(Waarde.id)
            .limit(PAGINA * 5)
        )
        if not rows:
            break
        for v in rows:
            per.setdefault(v["antwoord"], {}).setdefault(v["item"], []).append(_value(v))
        vanaf = rows[-1]["id"]
    return {
        antwoord: tuple(tuple(sorted(items.get(i, []))) for i in achtergrond)
        for antwoord, items in per.items()
    }


def hidden_combinations(sizes: Counter[Combinatie]) -> set[Combinatie]:
    """Combinations of background answers to replace: each one under MIN_GROEP, then the next
    smallest until the replaced rows are none or at least MIN_GROEP together."""
    hidden = {c for c, n in sizes.items() if n < MIN_GROEP}
    pool = sum(sizes[c] for c in hidden)
    for n, _, c in sorted((n, repr(c), c) for c, n in sizes.items() if c not in hidden):
        if pool == 0 or pool >= MIN_GROEP:
            break
        hidden.add(c)
        pool += n
    return hidden


async def rows(formulier: Formulier) -> AsyncIterator[list[list[str]]]:
    """The header, then the responses page by page, in the order they came in (by id, which
    says no more than the hour column does); hidden open answers are left out."""
    items = formulier.items
    yield [["antwoord", "uur", "bron", *[f"{n}. {i.tekst}" for n, i in enumerate(items, 1)]]]
    last = (
        await Antwoord.select(Antwoord.id)
        .where(Antwoord.peiling == formulier.peiling_id)
        .order_by(Antwoord.id, ascending=False)
        .first()
    )
    if last is None:
        return
    # Responses that come in while the file is read are not in it: every page reads up to here.
    laatste = last["id"]
    # An answer with no background answers (the poll has none, or they skipped them) is
    # in the "nothing given" combination, which shows nothing and needs no hiding.
    combinaties = await _combinaties(formulier, laatste)
    leeg: Combinatie = tuple(() for i in items if i.is_achtergrond)
    sizes = Counter(combinaties.values())
    hidden = hidden_combinations(sizes)
    labels = {k: t for i in items for k, t in i.keuzes}
    number = 0
    vanaf = 0
    while True:
        antwoorden = (
            await Antwoord.select(Antwoord.id, Antwoord.ingediend_uur, Antwoord.bron)
            .where(
                (Antwoord.peiling == formulier.peiling_id) & (Antwoord.id > vanaf) & (Antwoord.id <= laatste)
            )
            .order_by(Antwoord.id)
            .limit(PAGINA)
        )
        if not antwoorden:
            return
        vanaf = antwoorden[-1]["id"]
        values = await Waarde.select(
            Waarde.antwoord, Waarde.item, Waarde.keuze, Waarde.getal, Waarde.tekst, Waarde.verborgen
        ).where(Waarde.antwoord.is_in([a["id"] for a in antwoorden]))
        per: dict[int, dict[int, list[str]]] = {}
        for v in values:
            if v["verborgen"]:
                text = "(verborgen)"
            elif v["keuze"] is not None:
                text = labels.get(v["keuze"], "")
            elif v["getal"] is not None:
                text = str(v["getal"])
            else:
                text = v["tekst"] or ""
            per.setdefault(v["antwoord"], {}).setdefault(v["item"], []).append(text)
        batch = []
        for a in antwoorden:
            number += 1
            answers = per.get(a["id"], {})
            is_hidden = combinaties.get(a["id"], leeg) in hidden
            batch.append(
                [
                    str(number),
                    # The Dutch hour, as the results page shows it (whole-hour offsets keep it whole).
                    tijd.local(a["ingediend_uur"]).strftime("%Y-%m-%d %H:00"),
                    a["bron"],
                    *[_cell(i, answers, is_hidden) for i in items],
                ]
            )
        yield batch


def _cell(item: FormItem, answers: dict[int, list[str]], is_hidden: bool) -> str:
    if is_hidden and item.is_achtergrond:
        return KLEINE_GROEP
    return "; ".join(answers.get(item.id, []))


async def _formulier(user: Ingelogd, peiling_id: int, formaat: str) -> Formulier:
    formulier = await beheerbaar(user, peiling_id)
    # Raw answers leave the system: a security event, who and which poll (no content).
    log_event("antwoorden_geexporteerd", door=user.id, peiling=peiling_id, formaat=formaat)
    return formulier


@get("/antwoorden.csv")
async def export_csv(user: NamedDependency[Ingelogd], peiling_id: FromPath[int]) -> Stream:
    formulier = await _formulier(user, peiling_id, "csv")
    return csvexport.stream(rows(formulier), f"peiling-{peiling_id}-antwoorden.csv")


def _xlsx(all_rows: list[list[str]], titel: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(titel[:31] or "Antwoorden")
    for row in all_rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            # openpyxl would store a text starting with "=" as a formula: keep answers as text.
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@get("/antwoorden.xlsx")
async def export_xlsx(user: NamedDependency[Ingelogd], peiling_id: FromPath[int]) -> Response[bytes]:
    formulier = await _formulier(user, peiling_id, "xlsx")
    all_rows = [row async for batch in rows(formulier) for row in batch]
    # An XLSX file is a zip written at the end: built in a thread, the rows read page by page.
    content = await asyncio.to_thread(_xlsx, all_rows, "Antwoorden")
    return Response(
        content=content,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="peiling-{peiling_id}-antwoorden.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )


# Mounted in routes.py's router of one poll (/raad/{gemeente}/peilingen/{peiling_id}), which
# holds the council's guards for all of that poll's pages.
HANDLERS: list[HTTPRouteHandler] = [export_csv, export_xlsx]
