"""Small helpers every domain's routes share."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException

from participatie.accounts import queries as account_queries
from participatie.config import Settings


def settings_of(request: Request) -> Settings:
    return request.app.state["settings"]


async def gemeente_or_404(slug: str) -> dict[str, Any]:
    """The council of a URL; an unknown slug is a 404 like any other missing page."""
    info = await account_queries.get_gemeente(slug)
    if info is None:
        raise NotFoundException()
    return info
