"""One family of refusals for every domain, and the one place that turns them into a page.

A domain function refuses with a `Geweigerd` subclass carrying a Dutch sentence; the class says
which HTTP status that is. The sentence is a msgid: a fixed one is marked `N_` and translated
where it is shown (`error_page`, `|vertaal`); one with values is made with `_() % {...}` in the
request's language when raised. Routes that re-show their own form catch `OngeldigeInvoer` (its
`fouten` map field names to messages); every other refusal reaches `refusal_handler`, which
renders the error page with the right status, so no route decides 409 here and 422 there.
"""

from __future__ import annotations

from litestar import Request, Response

from participatie.taal import N_


class Geweigerd(Exception):
    """A rule of the product said no. The message is Dutch and meant for the person."""

    status = 422

    def __init__(self, melding: str = N_("Dit kan nu niet.")) -> None:
        super().__init__(melding)

    @property
    def melding(self) -> str:
        return str(self)


class OngeldigeInvoer(Geweigerd):
    """Input that fails a rule; `fouten` maps field names to Dutch messages."""

    status = 422

    def __init__(self, fouten: dict[str, str], melding: str = N_("Niet alles is goed ingevuld.")) -> None:
        self.fouten = fouten
        super().__init__(melding)


class GeenToegang(Geweigerd):
    """The person may not do this (to this object)."""

    status = 403


class NietGevonden(Geweigerd):
    """The object does not exist, or the person may not know that it does."""

    status = 404

    def __init__(self, melding: str = N_("Deze pagina bestaat niet (meer).")) -> None:
        super().__init__(melding)


class GelijktijdigGewijzigd(Geweigerd):
    """Someone else changed it since the form was opened."""

    status = 409

    def __init__(self, melding: str = "") -> None:
        standaard = N_(
            "Iemand anders heeft dit net gewijzigd. Bekijk de nieuwe versie en probeer het opnieuw."
        )
        super().__init__(melding or standaard)


class TeVaak(Geweigerd):
    """A limit was reached; try again after `retry_after` seconds."""

    status = 429

    def __init__(self, melding: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(melding)


def refusal_handler(request: Request, exc: Geweigerd) -> Response:
    """Every refusal no route caught itself: the error page with its status and sentence."""
    from participatie.errors import error_page

    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TeVaak) else None
    return error_page(request, exc.status, exc.melding, headers=headers)
