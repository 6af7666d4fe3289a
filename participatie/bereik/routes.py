"""The council's page "Wie hebben we bereikt?" of one vraag: the representation tables, the
doelgroep form and the outreach activities. Thin: parse, guard, one domain call, render."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from participatie import tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.bereik import activiteiten, doelgroep, vertegenwoordiging
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.kenmerken import KENMERKEN, KERN, LEEFTIJD
from participatie.peilingen.queries import MIN_GROEP
from participatie.taal import N_
from participatie.vragen import domain as vragen
from participatie.vragen import stappen
from participatie.vragen.stappen import Actie

# The same people as the vraag page: a raadslid of this council (or a beheerder).
raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]

# What a successful post says after its redirect: chosen from this list, never echoed.
GELUKT = {
    "doelgroep": N_("De doelgroep is opgeslagen."),
    "activiteit": N_("De activiteit is vastgelegd."),
    "verwijderd": N_("De activiteit is verwijderd."),
}


async def _vraag_for(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    """The vraag, if this person may work on it; otherwise the same 404 as a missing one."""
    vraag = await vragen.load_vraag_for(user, vraag_id)
    if vraag is None:
        raise NotFoundException()
    return vraag


def _pad(info: GemeenteRij, vraag_id: int) -> str:
    return f"/raad/{info.slug}/vragen/{vraag_id}/bereik"


async def _page(
    info: GemeenteRij,
    vraag: dict[str, Any],
    *,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    gekozen: dict[str, list[str]] | None = None,
    melding: str = "",
    gelukt: str = "",
    status: int = 200,
) -> Template:
    slugs = [g["slug"] for g in await vertegenwoordiging.gemeenten_van(vraag)]
    bereik = await vertegenwoordiging.bereken(vraag["id"], vraag)
    opgeslagen = await vertegenwoordiging.load_doelgroep(vraag["id"])
    return Template(
        "bereik/vraag.html",
        status_code=status,
        context={
            "gemeente": info,
            "vraag": vraag,
            "bereik": bereik,
            "min_groep": MIN_GROEP,
            "onder_factor": vertegenwoordiging.ONDER_FACTOR,
            "over_factor": vertegenwoordiging.OVER_FACTOR,
            "kenmerken": [
                (k, vertegenwoordiging.KENMERK_LABELS[k], vertegenwoordiging.categorieen_van(k, slugs))
                for k in KENMERKEN
            ],
            # A refused form shows what was ticked; otherwise what is stored.
            "gekozen": gekozen if gekozen is not None else {k: list(v) for k, v in opgeslagen.items()},
            "doelgroep_veld": doelgroep.veld,
            "activiteiten": await activiteiten.activiteiten_van(vraag["id"]),
            "vormen_opties": stappen.opties(list(activiteiten.VORMEN)),
            "kern_opties": [(k, k) for k in vertegenwoordiging.categorieen_van(KERN, slugs)],
            "leeftijd_opties": [(k, k) for k in vertegenwoordiging.categorieen_van(LEEFTIJD, slugs)],
            "mag_doelgroep": stappen.mag(vraag["stap"], Actie.CONCRETISEREN),
            "mag_activiteit": stappen.mag(vraag["stap"], Actie.ACTIVITEIT_VASTLEGGEN),
            "fouten": fouten or {},
            "invoer": invoer or {},
            "melding": melding,
            "gelukt": GELUKT.get(gelukt, ""),
            "vandaag": tijd.today(),
        },
    )


@get("/")
async def bereik_page(
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
    gelukt: FromQuery[str] = "",
) -> Template:
    return await _page(gemeente_info, await _vraag_for(user, vraag_id), gelukt=gelukt)


async def _refused(info: GemeenteRij, vraag_id: int, exc: Exception, **kwargs: Any) -> Template:
    """The page again with the Dutch message: 400 for input, the refusal's own status otherwise."""
    vraag = await vragen.load_vraag(vraag_id)
    if isinstance(exc, OngeldigeInvoer):
        return await _page(info, vraag, fouten=exc.fouten, status=400, **kwargs)
    assert isinstance(exc, vragen.VraagError)
    return await _page(info, vraag, melding=exc.melding, status=exc.status, **kwargs)


@post("/doelgroep")
async def save_doelgroep(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    await _vraag_for(user, vraag_id)
    form = await request.form()
    gekozen = {
        k: [v.replace("\x00", "") for v in form.getall(doelgroep.veld(k), []) if isinstance(v, str)]
        for k in KENMERKEN
    }
    try:
        await doelgroep.save_doelgroep(vraag_id, user, gekozen)
    except (OngeldigeInvoer, vragen.VraagError) as exc:
        return await _refused(gemeente_info, vraag_id, exc, gekozen=gekozen)
    return Redirect(path=f"{_pad(gemeente_info, vraag_id)}?gelukt=doelgroep#doelgroep")


@post("/activiteiten")
async def add_activiteit(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    await _vraag_for(user, vraag_id)
    data = await read_form(request)
    try:
        await activiteiten.add_activiteit(
            vraag_id,
            user,
            vorm=data.get("vorm", ""),
            omschrijving=data.get("omschrijving", ""),
            datum=data.get("datum", ""),
            aantal=data.get("aantal", ""),
            kern=data.get("kern", ""),
            leeftijd=data.get("leeftijd", ""),
        )
    except (OngeldigeInvoer, vragen.VraagError) as exc:
        return await _refused(gemeente_info, vraag_id, exc, invoer=data)
    return Redirect(path=f"{_pad(gemeente_info, vraag_id)}?gelukt=activiteit#activiteiten")


@post("/activiteiten/{activiteit_id:int}/verwijderen")
async def delete_activiteit(
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
    activiteit_id: FromPath[int],
) -> Template | Redirect:
    await _vraag_for(user, vraag_id)
    try:
        await activiteiten.delete_activiteit(vraag_id, user, activiteit_id)
    except vragen.VraagError as exc:
        return await _refused(gemeente_info, vraag_id, exc)
    return Redirect(path=f"{_pad(gemeente_info, vraag_id)}?gelukt=verwijderd#activiteiten")


ROUTES = [
    Router(
        path="/raad/{gemeente:str}/vragen/{vraag_id:int}/bereik",
        guards=raad,
        route_handlers=[bereik_page, save_doelgroep, add_activiteit, delete_activiteit],
    )
]
