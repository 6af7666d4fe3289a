"""The council translates a poll (issue 15): the poll's languages, one page per language with
every Dutch text next to its translation, and a preview of the form in that language.

Thin, like routes.py: parse, guard, one domain call (talen.py), render. Mounted under the poll
builder's own path with the same guards; a poll of another council is a 404, as on every
builder page. Every form is a plain post (Post/Redirect/Get); a refused one comes back with
its message next to the field and the refusal's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie.accounts.domain import Ingelogd
from participatie.accounts.queries import GemeenteRij
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.peilingen import domain, talen
from participatie.peilingen.beheer import NO_STORE
from participatie.peilingen.beheer import beheerbaar as _beheer
from participatie.peilingen.domain import Formulier
from participatie.peilingen.routes import _form_context, _pad, raad
from participatie.peilingen.tables import Status
from participatie.taal import N_

Gemeente = NamedDependency[GemeenteRij]

# What each text is, for the council (Dutch msgids, shown through |vertaal).
LABELS = {
    "titel": N_("Titel"),
    "intro": N_("Korte uitleg voor inwoners"),
    "tekst": N_("De vraag"),
    "toelichting": N_("Toelichting bij de vraag"),
    "label_laag": N_("Wat betekent 1?"),
    "label_hoog": N_("Wat betekent 5?"),
    talen.KEUZE_VELD: N_("Antwoord om uit te kiezen"),
}
# Longer texts get a text area: a translation of a few sentences must be readable while typed.
LANG = {"intro", "toelichting"}


@dataclass(frozen=True)
class Rij:
    """One text: its Dutch original and the field for its translation."""

    naam: str  # the form field, talen.veldnaam
    label: str  # a Dutch msgid
    nl: str
    waarde: str
    max_lengte: int
    is_lang: bool
    # The Dutch was reworded after this was translated: the old translation is filled in to
    # start from, and does not count until saved again.
    is_verouderd: bool = False


@dataclass(frozen=True)
class Blok:
    """The texts of the poll itself (nummer 0) or of one question."""

    nummer: int
    rijen: list[Rij]


def _blokken(
    formulier: Formulier,
    teksten: dict[talen.Sleutel, str],
    invoer: dict[str, str],
    verouderd: dict[talen.Sleutel, str],
) -> list[Blok]:
    """Every text that needs a translation, in the order of the form, grouped per question."""
    nl = talen.nederlands(formulier)
    nummers: dict[int | None, int] = {None: 0}
    for nummer, item in enumerate(formulier.items, 1):
        nummers[item.id] = nummer
    blokken: dict[int, list[Rij]] = {}
    for sleutel in talen.nodig(formulier):
        naam = talen.veldnaam(sleutel)
        blokken.setdefault(nummers[sleutel[1]], []).append(
            Rij(
                naam=naam,
                label=LABELS[sleutel[0]],
                nl=nl[sleutel],
                waarde=invoer[naam] if naam in invoer else teksten.get(sleutel, verouderd.get(sleutel, "")),
                max_lengte=talen.MAX_LENGTE[sleutel[0]],
                is_lang=sleutel[0] in LANG,
                is_verouderd=sleutel not in teksten and sleutel in verouderd,
            )
        )
    return [Blok(nummer=n, rijen=rijen) for n, rijen in blokken.items()]


async def _taal_van(formulier: Formulier, code: str) -> tuple[talen.Taal, dict[talen.Sleutel, str]]:
    """The added language of this address and its translations; a 404 for any other."""
    per_taal = await talen.vertalingen(formulier)
    tag = talen.normalise(code[:40])
    if tag not in per_taal:
        raise NotFoundException()
    return talen._info(tag), per_taal[tag]


async def _talen_page(
    gemeente_info: GemeenteRij,
    formulier: Formulier,
    *,
    weghalen: str = "",
    weg: str = "",
    fouten: dict[str, str] | None = None,
    melding: str = "",
    invoer: str = "",
    status: int = 200,
) -> Template:
    standen = await talen.standen(formulier)
    toegevoegd = {s.taal.code for s in standen}
    bevestig = next((s for s in standen if s.taal.code == talen.normalise(weghalen[:40])), None)
    return Template(
        "peilingen/talen.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "peiling": formulier,
            "pad": _pad(gemeente_info, formulier.peiling_id),
            "standen": standen,
            "gangbaar": [t for t in talen.gangbare_talen() if t.code not in toegevoegd],
            "max_talen": talen.MAX_TALEN,
            "bevestig": bevestig,
            # The language just removed (the redirect after removing), named in a message.
            "weggehaald": talen.taal_info(weg[:40]) if weg else None,
            "leesnaam": talen.leesnaam,
            "fouten": fouten or {},
            "melding": melding,
            "invoer": invoer,
            "is_gesloten": formulier.status is Status.GESLOTEN,
            "heeft_antwoorden": await domain.has_antwoorden(formulier.peiling_id),
        },
        headers=NO_STORE,
    )


@get("/talen")
async def talen_page(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: Gemeente, peiling_id: FromPath[int]
) -> Template:
    formulier = await _beheer(user, peiling_id)
    return await _talen_page(
        gemeente_info,
        formulier,
        weghalen=request.query_params.get("weghalen", ""),
        weg=request.query_params.get("weg", ""),
    )


@post("/talen")
async def add_taal(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: Gemeente, peiling_id: FromPath[int]
) -> Template | Redirect:
    await _beheer(user, peiling_id)
    data = await read_form(request)
    invoer = data.get("taal", "")
    try:
        info = await talen.add_taal(user, peiling_id, invoer)
    except (OngeldigeInvoer, domain.PeilingError) as exc:
        formulier = await _beheer(user, peiling_id)
        fouten = exc.fouten if isinstance(exc, OngeldigeInvoer) else None
        melding = "" if isinstance(exc, OngeldigeInvoer) else exc.melding
        return await _talen_page(
            gemeente_info, formulier, fouten=fouten, melding=melding, invoer=invoer[:60], status=exc.status
        )
    # Straight on to translating it.
    return Redirect(path=_pad(gemeente_info, peiling_id, f"/talen/{info.code}"))


@post("/talen/{code:str}/weghalen")
async def remove_taal(
    user: NamedDependency[Ingelogd], gemeente_info: Gemeente, peiling_id: FromPath[int], code: FromPath[str]
) -> Template | Redirect:
    formulier = await _beheer(user, peiling_id)
    info, _teksten = await _taal_van(formulier, code)
    try:
        await talen.remove_taal(user, peiling_id, info.code)
    except domain.PeilingError as exc:
        return await _talen_page(gemeente_info, formulier, melding=exc.melding, status=exc.status)
    return Redirect(path=_pad(gemeente_info, peiling_id, f"/talen?weg={info.code}"))


def _vertaling_page(
    gemeente_info: GemeenteRij,
    formulier: Formulier,
    info: talen.Taal,
    teksten: dict[talen.Sleutel, str],
    *,
    invoer: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str = "",
    opgeslagen: bool = False,
    status: int = 200,
    verouderd: dict[talen.Sleutel, str] | None = None,
) -> Template:
    return Template(
        "peilingen/talen_vertaling.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "peiling": formulier,
            "pad": _pad(gemeente_info, formulier.peiling_id),
            "doeltaal": info,
            "leesnaam": talen.leesnaam,
            "blokken": _blokken(formulier, teksten, invoer or {}, verouderd or {}),
            "nog": len(talen.ontbrekend(formulier, teksten)),
            "fouten": fouten or {},
            "melding": melding,
            "opgeslagen": opgeslagen,
            "is_gesloten": formulier.status is Status.GESLOTEN,
        },
        headers=NO_STORE,
    )


@get("/talen/{code:str}")
async def vertaling_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
    code: FromPath[str],
) -> Template:
    formulier = await _beheer(user, peiling_id)
    info, teksten = await _taal_van(formulier, code)
    return _vertaling_page(
        gemeente_info,
        formulier,
        info,
        teksten,
        opgeslagen=request.query_params.get("opgeslagen") == "1",
        verouderd=(await talen.verouderde(formulier)).get(info.code, {}),
    )


@post("/talen/{code:str}")
async def save_vertalingen(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
    code: FromPath[str],
) -> Template | Redirect:
    formulier = await _beheer(user, peiling_id)
    info, teksten = await _taal_van(formulier, code)
    data = await read_form(request)
    values = {
        sleutel: value for naam, value in data.items() if (sleutel := talen.sleutel_van(naam)) is not None
    }
    try:
        await talen.save_vertalingen(user, peiling_id, info.code, values)
    except (OngeldigeInvoer, domain.PeilingError) as exc:
        fouten = exc.fouten if isinstance(exc, OngeldigeInvoer) else None
        melding = "" if isinstance(exc, OngeldigeInvoer) else exc.melding
        # What was typed comes back, so nothing is lost to one too-long text.
        invoer = {talen.veldnaam(s): v for s, v in values.items()}
        return _vertaling_page(
            gemeente_info,
            formulier,
            info,
            teksten,
            invoer=invoer,
            fouten=fouten,
            melding=melding,
            status=exc.status,
        )
    return Redirect(path=_pad(gemeente_info, peiling_id, f"/talen/{info.code}?opgeslagen=1"))


@get("/talen/{code:str}/voorbeeld")
async def preview(
    user: NamedDependency[Ingelogd], peiling_id: FromPath[int], code: FromPath[str]
) -> Template:
    """The form as a resident would see it in this language; an untranslated text stays Dutch."""
    formulier = await _beheer(user, peiling_id)
    info, teksten = await _taal_van(formulier, code)
    context: dict[str, Any] = _form_context(talen.vertaal(formulier, teksten), actie="", voorbeeld=True)
    # The resident's form lays the poll's texts out right to left when this says so.
    context["rtl"] = info.richting == "rtl"
    return Template("peilingen/formulier.html", context=context, headers=NO_STORE)


ROUTES: list[Router] = [
    Router(
        path="/raad/{gemeente:str}/peilingen/{peiling_id:int}",
        guards=raad,
        route_handlers=[talen_page, add_taal, remove_taal, vertaling_page, save_vertalingen, preview],
    )
]
