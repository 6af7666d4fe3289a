"""The beheerder's settings page: retention periods that belong to more than one domain."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Template

from participatie.accounts.forms import read_form
from participatie.accounts.guards import alleen, current
from participatie.accounts.tables import Instelling, Rol
from participatie.focusgroepen import domain as focusgroepen
from participatie.peilingen import adressen
from participatie.rapporten import domain as rapporten

beheerder = [alleen(Rol.BEHEERDER)]


async def _waarden() -> dict[str, str]:
    return {
        "maanden": str(await focusgroepen.bewaartermijn_maanden()),
        "vervolg_maanden": str(await rapporten.vervolg_bewaartermijn_maanden()),
        "adres_maanden": str(await adressen.bewaartermijn_maanden()),
    }


@get("/beheer/instellingen", guards=beheerder)
async def settings_page(request: Request) -> Template:
    return Template("instellingen.html", context={"waarden": await _waarden(), "fouten": {}, "melding": ""})


@post("/beheer/instellingen", guards=beheerder)
async def change_settings(request: Request) -> Template:
    data = await read_form(request)
    user = current(request)
    assert user is not None
    fouten: dict[str, str] = {}
    try:
        # One transaction: a form with one wrong field changes nothing at all.
        async with Instelling._meta.db.transaction():
            for change in (
                lambda: focusgroepen.set_bewaartermijn(user, data.get("maanden", "")),
                lambda: rapporten.set_vervolg_bewaartermijn(user, data.get("vervolg_maanden", "")),
                lambda: adressen.set_bewaartermijn(user, data.get("adres_maanden", "")),
            ):
                try:
                    await change()
                except (
                    focusgroepen.OngeldigeInvoer,
                    rapporten.OngeldigeInvoer,
                    adressen.OngeldigeInvoer,
                ) as exc:
                    fouten.update(exc.fouten)
            if fouten:
                raise _Teruggedraaid()
    except _Teruggedraaid:
        pass
    if fouten:
        waarden = {k: data.get(k, "") for k in ("maanden", "vervolg_maanden", "adres_maanden")}
        return Template(
            "instellingen.html",
            status_code=422,
            context={"waarden": waarden, "fouten": fouten, "melding": ""},
        )
    return Template(
        "instellingen.html",
        context={"waarden": await _waarden(), "fouten": {}, "melding": "De bewaartermijnen zijn opgeslagen."},
    )


class _Teruggedraaid(Exception):
    """Rolls the settings transaction back."""


ROUTES = [settings_page, change_settings]
