"""Searching text typed by a person, the same way everywhere (the trail, the board, the public
"wat is er met uw inbreng gedaan" page)."""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw

MAX_ZOEK = 100  # characters of a search term that count; more is cut, never refused


def contains(column: Column, text: str) -> WhereRaw:
    """`column` holds `text`, ignoring case, with no wildcards: a `%` or `_` typed in a search
    box is a plain character. LIKE would need an ESCAPE clause, which Piccolo's like() cannot
    write, and stripping the wildcards made a search for "%" match every row."""
    meta = column._meta
    # Qualified by its table: a query that joins another table with the same column name
    # stays unambiguous. The name is one of ours, never input; the text is a parameter.
    name = f"{meta.table._meta.tablename}.{meta.db_column_name}"
    position = "instr" if meta.table._meta.db.engine_type == "sqlite" else "strpos"
    return WhereRaw(f"{position}(lower({name}), lower({{}})) > 0", text[:MAX_ZOEK])
