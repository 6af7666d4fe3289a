"""GET /health for orchestrators and monitors: is this process able to serve?"""

from __future__ import annotations

import asyncio
import logging

from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from participatie import db, version
from participatie.accounts.guards import PUBLIEK

logger = logging.getLogger("participatie.gezondheid")
# An orchestrator waits this long at most; a database slower than this is as good as down.
DATABASE_TIMEOUT_S = 3.0


@get("/health", opt=PUBLIEK, cache=False)
async def health() -> Response[dict[str, str]]:
    """200 when the database answers, 503 when it does not; never a stack trace."""
    try:
        await asyncio.wait_for(db.ping(), timeout=DATABASE_TIMEOUT_S)
        database = "ok"
    except Exception as exc:  # any failure means: do not send traffic here
        logger.warning("health: database antwoordt niet (%s)", exc.__class__.__name__)
        database = "onbereikbaar"
    status = HTTP_200_OK if database == "ok" else HTTP_503_SERVICE_UNAVAILABLE
    return Response(
        {"status": "ok" if database == "ok" else "fout", "database": database, "versie": version()},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


ROUTES = [health]
