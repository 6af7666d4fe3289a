"""What every council page of one poll starts with: the poll, if this council member may manage
it, else the same 404 as a missing poll (a poll of another council is not shown to exist).

Its own module so that routes.py and papier.py (which routes.py imports) share one check.
"""

from __future__ import annotations

from litestar.exceptions import NotFoundException

from participatie.accounts.domain import Ingelogd
from participatie.peilingen import domain
from participatie.peilingen.domain import Formulier

# Council pages hold names and numbers, and counts that change by the minute: never kept by
# the browser, so that Back on a shared device (a kiosk tablet, a library computer) cannot show
# them after the session ended.
NO_STORE = {"Cache-Control": "no-store"}


async def beheerbaar(user: Ingelogd, peiling_id: int) -> Formulier:
    """The poll, if `user` may manage it; otherwise NotFoundException, as for a missing one."""
    if not await domain.may_manage(user, peiling_id):
        raise NotFoundException()
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    if formulier is None:
        raise NotFoundException()
    return formulier
