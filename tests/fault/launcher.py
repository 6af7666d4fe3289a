"""The app as `participatie run` starts it, with the planner's jobs at most N seconds apart.

    python -m tests.fault.launcher --port P --interval N

A fault scenario that kills the process holding a job's lock must see the other process take
the job over; at the production intervals (30 s to an hour) that takes minutes. Only the
schedule is shortened: the jobs, their locks, the catch-up at start and the app are the real
ones, read from the same PARTICIPATIE_* settings.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses

import uvicorn

from participatie import db, planner
from participatie.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interval", type=int, required=True)
    args = parser.parse_args()
    production = planner.collect_taken

    def shortened() -> list[planner.Taak]:
        return [dataclasses.replace(t, interval_s=min(t.interval_s, args.interval)) for t in production()]

    planner.collect_taken = shortened
    # As `participatie run` does before it serves: the schema of the code that runs.
    settings = Settings.from_env()
    asyncio.run(db.migrate(db.create_engine(settings.database_url)))
    uvicorn.run(
        "participatie.app:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        proxy_headers=False,
        server_header=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
