"""Benchmark: what one SQLite statement outside a transaction costs, on the engine the app uses.

Migrates a fresh SQLite database, then runs the same small SELECT (a council by slug, as every
council page does) and a small INSERT, each many times in a row and 20 at once, and prints the
medians of 5 rounds in microseconds per statement. Piccolo's own SQLiteEngine (a new connection
and thread per statement) is measured beside ours for comparison. Last line: one JSON object.

    PYTHONPATH=. python bench/sqlite_statements.py   # from the repository root
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from piccolo.engine.sqlite import SQLiteEngine

from participatie import db
from participatie.accounts.tables import Regio

N = 400
_teller = iter(range(10**9))
ROUNDS = 5


async def _per_statement(run_one, concurrent: int) -> float:
    started = time.perf_counter()
    for _ in range(N // concurrent):
        await asyncio.gather(*(run_one() for _ in range(concurrent)))
    return (time.perf_counter() - started) / N * 1e6


async def _measure(engine) -> dict[str, float]:
    db.use_engine(engine)

    async def select() -> None:
        await Regio.select(Regio.naam).where(Regio.slug == "ijmond").first()

    async def insert() -> None:
        await Regio.insert(Regio(slug=f"b{next(_teller)}", naam="bench"))

    result: dict[str, list[float]] = {"select_us": [], "select_20_at_once_us": [], "insert_us": []}
    for _ in range(ROUNDS):
        result["select_us"].append(await _per_statement(select, 1))
        result["select_20_at_once_us"].append(await _per_statement(select, 20))
        result["insert_us"].append(await _per_statement(insert, 1))
    return {k: round(statistics.median(v), 1) for k, v in result.items()}


async def main() -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.sqlite3")
        ours = db.create_engine(f"sqlite:///{path}")
        await db.migrate(ours)
        if not await Regio.exists().where(Regio.slug == "ijmond"):
            await Regio.insert(Regio(slug="ijmond", naam="IJmond"))
        result = {
            "ours": await _measure(ours),
            "piccolo": await _measure(SQLiteEngine(path=path, timeout=30)),
        }
        await db.close_pool(ours)
        return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
