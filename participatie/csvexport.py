"""The one CSV writer of every download: semicolons, CRLF and a BOM (what Dutch spreadsheet
programs expect), and cells that cannot run as a formula.

A cell starting with = + - @, a tab or a carriage return is read by Excel or LibreOffice as a
formula (CSV injection: `=HYPERLINK(...)` in an open answer). Such a cell gets a leading
apostrophe, which the spreadsheet shows as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable

from litestar import Response
from litestar.response import Stream

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cel(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def lines(rows: Iterable[Iterable[object]]) -> str:
    """CSV text of these rows, every cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([cel(v) for v in row] for row in rows)
    return buffer.getvalue()


def _headers(filename: str) -> dict[str, str]:
    # Downloads hold answers or codes: never kept by a browser or a proxy.
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    }


def response(rows: Iterable[Iterable[object]], filename: str) -> Response[str]:
    """A small CSV download built at once."""
    return Response(content=BOM + lines(rows), media_type="text/csv", headers=_headers(filename))


def stream(batches: AsyncIterator[list[list[str]]], filename: str) -> Stream:
    """A large CSV download sent batch by batch: the server never holds or builds the whole
    file at once, and other requests are served between batches."""

    async def chunks() -> AsyncIterator[str]:
        yield BOM
        async for batch in batches:
            yield lines(batch)

    return Stream(chunks(), media_type="text/csv", headers=_headers(filename))
