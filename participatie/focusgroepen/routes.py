"""Focusgroep pages: the council runs the group, a policy officer in it reads along, and
residents answer invitations and sign up through personal links without an account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie import tijd
from participatie.accounts import queries as account_queries
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import PUBLIEK, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.focusgroepen import domain, queries
from participatie.focusgroepen.domain import BijeenkomstInvoer
from participatie.focusgroepen.tables import Antwoord, Steun
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.taal import N_
from participatie.taal import gettext as _
from participatie.taalhulp import domain as taalhulp
from participatie.vragen import domain as vragen

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
ambtenaar = [alleen(Rol.AMBTENAAR), eigen_gemeente]

# A council action: given the form (first values, and all of them for multi-selects), one
# domain call. `_handle` runs it and turns a refusal into the page with the message.
Actie = Callable[[dict[str, str], FormMultiDict], Awaitable[Any]]

# The labels and messages below are Dutch, made at import; `_vertaald` and `_()` give them in
# the language of the request.
STEUN_LABELS = {
    Steun.GEEN.value: N_("Niet aangegeven"),
    Steun.UNANIEM.value: N_("Unaniem"),
    Steun.MEERDERHEID.value: N_("Meerderheid"),
    Steun.MINDERHEID.value: N_("Minderheid"),
}
ANTWOORD_LABELS = {
    Antwoord.JA.value: N_("Ja, ik kom"),
    Antwoord.NEE.value: N_("Nee"),
    Antwoord.MISSCHIEN.value: N_("Misschien"),
}
LEGE_INVOER = {
    "naam": "",
    "email": "",
    "telefoon": "",
    "uitnodiging_email": "",
    "taal": "nl",
    "uitnodiging_taal": "nl",
    "datum": "",
    "begintijd": "19:30",
    "eindtijd": "21:00",
    "plaats": "",
    "online_link": "",
    "agenda": "",
    "tekst": "",
    "steun": "",
    "samenvatting": "",
}
BIJEENKOMST_VELDEN = ("datum", "begintijd", "eindtijd", "plaats", "online_link", "agenda")
MELDINGEN = {
    "lid": N_("Het lid is toegevoegd."),
    "uitnodiging": N_("De uitnodiging om zich aan te melden is verstuurd."),
    "bijeenkomst": N_("De bijeenkomst is gepland. Alle leden met een e-mailadres krijgen een uitnodiging."),
    "bevinding": N_("De bevinding is toegevoegd."),
    "gesloten": N_("De focusgroep is afgesloten. De leden krijgen een bedankje."),
    "verwijderd": N_("Het lid doet niet meer mee. Contactgegevens van een inwoner zijn gewist."),
    "gewijzigd": N_("De gegevens van de groep zijn opgeslagen."),
    "bevinding_gewijzigd": N_("De bevinding is gewijzigd."),
}
GROEP_VELDEN = ("thema", "doel", "eind_op", "verantwoordelijke")


def _vertaald(labels: dict[str, str]) -> dict[str, str]:
    """A label list in the language of the request."""
    return {key: _(label) for key, label in labels.items()}


async def _rol(user: Ingelogd, groep_id: int, gemeente_info: GemeenteRij) -> str:
    """The same 404 for a missing group, another council's group, or one of another URL."""
    rol = await domain.rol_in_groep(user, groep_id)
    groep = await domain.load_groep(groep_id)
    if rol is None or groep is None:
        raise NotFoundException()
    if groep.gemeente != gemeente_info.id and user.rol is not Rol.BEHEERDER:
        raise NotFoundException()
    return rol


async def _beheer(user: Ingelogd, groep_id: int, gemeente_info: GemeenteRij) -> None:
    """Only who runs the group gets its council pages; a policy officer has their own page."""
    if await _rol(user, groep_id, gemeente_info) != "beheer":
        raise NotFoundException()


async def _groep_page(
    gemeente_info: GemeenteRij,
    groep_id: int,
    *,
    rol: str,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    melding: str = "",
    status: int = 200,
) -> Template:
    groep = await domain.load_groep(groep_id)
    if groep is None:
        raise NotFoundException()
    vraag = await vragen.load_vraag(groep.vraag)
    bewaartermijn = await domain.bewaartermijn_maanden()
    return Template(
        "focusgroepen/groep.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "groep": groep,
            "vraag": vraag,
            "mag_beheren": rol == "beheer",
            "leden": await queries.leden(groep_id),
            "bijeenkomsten": await queries.bijeenkomsten(groep_id),
            "bevindingen": await domain.bevindingen(groep_id),
            "kandidaten": [
                (str(k["id"]), k["label"]) for k in await queries.kandidaten(groep_id, groep.gemeente)
            ]
            if rol == "beheer"
            else [],
            "tellingen": await queries.tellingen(groep_id),
            "STEUN_LABELS": _vertaald(STEUN_LABELS),
            "fouten": fouten or {},
            "invoer": {**LEGE_INVOER, **(invoer or {})},
            # The B1 signal of the agenda in the planning form: empty, or the refused text.
            "signalen": await taalhulp.meet_alle({"agenda": (invoer or {}).get("agenda", "")}),
            "melding": melding,
            "bewaartermijn": bewaartermijn,
            "toestemming_tekst": domain.toestemming_tekst(bewaartermijn),
        },
    )


def _pad(gemeente: str, groep_id: int) -> str:
    return f"/raad/{gemeente}/focusgroepen/{groep_id}"


async def _handle(
    request: Request,
    user: Ingelogd,
    gemeente_info: GemeenteRij,
    groep_id: int,
    action: Actie,
    *,
    anchor: str,
    melding: str = "",
) -> Template | Redirect:
    """Run a council action; on a refusal of this domain show the group page with the
    message by the form. Other refusals (no access, gone) reach the app's error page."""
    await _beheer(user, groep_id, gemeente_info)
    data = await read_form(request)
    form = await request.form()
    try:
        await action(data, form)
    except OngeldigeInvoer as exc:
        return await _groep_page(
            gemeente_info, groep_id, rol="beheer", fouten=exc.fouten, invoer=data, status=exc.status
        )
    except domain.FocusgroepError as exc:
        return await _groep_page(
            gemeente_info,
            groep_id,
            rol="beheer",
            fouten={anchor: exc.melding},
            invoer=data,
            status=exc.status,
        )
    pad = _pad(gemeente_info.slug, groep_id)
    return Redirect(path=f"{pad}?gelukt={melding}#{anchor}" if melding else f"{pad}#{anchor}")


# --- the council: a new group from the vraag page ---------------------------------------------


async def _vraag(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    vraag = await vragen.load_vraag_for(user, vraag_id)
    if vraag is None:
        raise NotFoundException()
    return vraag


async def _nieuw(
    gemeente_info: GemeenteRij,
    vraag: dict[str, Any],
    waarden: dict[str, str],
    fouten: dict[str, str],
    status: int = 200,
    *,
    groep: domain.Groep | None = None,
) -> Template:
    """The form for a new group, or (with `groep`) for changing one."""
    return Template(
        "focusgroepen/nieuw.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "vraag": vraag,
            "groep": groep,
            "raadsleden": [
                (str(r["id"]), r["naam"]) for r in await account_queries.raadsleden(vraag["gemeente"])
            ],
            "waarden": {"thema": "", "doel": "", "eind_op": "", "verantwoordelijke": "", **waarden},
            "fouten": fouten,
        },
    )


@get("/nieuw")
async def new_groep_page(
    user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij], vraag_id: FromPath[int]
) -> Template:
    return await _nieuw(gemeente_info, await _vraag(user, vraag_id), {}, {})


@post("/nieuw")
async def create_groep(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    vraag_id: FromPath[int],
) -> Template | Redirect:
    vraag = await _vraag(user, vraag_id)
    data = await read_form(request)
    try:
        groep_id = await domain.create_focusgroep(
            user,
            vraag_id,
            thema=data.get("thema", ""),
            doel=data.get("doel", ""),
            eind_op=data.get("eind_op", ""),
            verantwoordelijke=data.get("verantwoordelijke", ""),
        )
    except (OngeldigeInvoer, domain.FocusgroepError) as exc:
        waarden = {k: data.get(k, "") for k in ("thema", "doel", "eind_op", "verantwoordelijke")}
        fouten = exc.fouten if isinstance(exc, OngeldigeInvoer) else {"thema": exc.melding}
        return await _nieuw(gemeente_info, vraag, waarden, fouten, exc.status)
    return Redirect(path=_pad(gemeente_info.slug, groep_id))


# --- the council runs the group ----------------------------------------------------------------


@get("/")
async def groep_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template:
    rol = await _rol(user, groep_id, gemeente_info)
    gelukt = request.query_params.get("gelukt", "")
    melding = MELDINGEN.get(gelukt)
    return await _groep_page(gemeente_info, groep_id, rol=rol, melding=_(melding) if melding else "")


@post("/leden")
async def add_inwoner(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.add_inwoner(
            user,
            groep_id,
            naam=data.get("naam", ""),
            email=data.get("email", ""),
            telefoon=data.get("telefoon", ""),
            toestemming=data.get("toestemming") == "ja",
            taal=data.get("taal", ""),
        )

    return await _handle(request, user, gemeente_info, groep_id, action, anchor="leden", melding="lid")


@post("/leden/account")
async def add_account_lid(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.add_account_lid(user, groep_id, data.get("gebruiker", ""))

    return await _handle(request, user, gemeente_info, groep_id, action, anchor="leden", melding="lid")


@post("/uitnodigen")
async def invite(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.invite_inwoner(
            user,
            groep_id,
            settings,
            data.get("uitnodiging_email", ""),
            taal=data.get("uitnodiging_taal", ""),
        )

    return await _handle(
        request, user, gemeente_info, groep_id, action, anchor="leden", melding="uitnodiging"
    )


@post("/leden/{lid_id:int}/verwijderen")
async def remove_lid(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    lid_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.remove_lid(user, groep_id, lid_id)

    return await _handle(request, user, gemeente_info, groep_id, action, anchor="leden", melding="verwijderd")


def _bijeenkomst_invoer(data: dict[str, str]) -> BijeenkomstInvoer:
    return BijeenkomstInvoer(**{k: data.get(k, "") for k in BIJEENKOMST_VELDEN})


@post("/bijeenkomsten")
async def plan_bijeenkomst(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.plan_bijeenkomst(user, groep_id, settings, _bijeenkomst_invoer(data))

    return await _handle(
        request, user, gemeente_info, groep_id, action, anchor="bijeenkomsten", melding="bijeenkomst"
    )


async def _te_wijzigen(user: Ingelogd, groep_id: int, gemeente_info: GemeenteRij) -> domain.Groep:
    await _beheer(user, groep_id, gemeente_info)
    groep = await domain.load_groep(groep_id)
    if groep is None:
        raise NotFoundException()
    return groep


@get("/wijzigen")
async def change_groep_page(
    user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij], groep_id: FromPath[int]
) -> Template:
    groep = await _te_wijzigen(user, groep_id, gemeente_info)
    waarden = {
        "thema": groep.thema,
        "doel": groep.doel,
        "eind_op": groep.eind_op.isoformat(),
        "verantwoordelijke": str(groep.verantwoordelijke or ""),
    }
    return await _nieuw(gemeente_info, await vragen.load_vraag(groep.vraag), waarden, {}, groep=groep)


@post("/wijzigen")
async def change_groep(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    groep = await _te_wijzigen(user, groep_id, gemeente_info)
    data = await read_form(request)
    waarden = {k: data.get(k, "") for k in GROEP_VELDEN}
    try:
        await domain.change_focusgroep(user, groep_id, **waarden)
    except (OngeldigeInvoer, domain.FocusgroepError) as exc:
        fouten = exc.fouten if isinstance(exc, OngeldigeInvoer) else {"thema": exc.melding}
        vraag = await vragen.load_vraag(groep.vraag)
        return await _nieuw(gemeente_info, vraag, waarden, fouten, exc.status, groep=groep)
    return Redirect(path=f"{_pad(gemeente_info.slug, groep_id)}?gelukt=gewijzigd")


@post("/bevindingen")
async def add_bevinding(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.add_bevinding(
            user,
            groep_id,
            tekst=data.get("tekst", ""),
            steun=data.get("steun", ""),
            bijeenkomsten=[v for v in form.getall("bijeenkomsten", []) if isinstance(v, str)]
            if "bijeenkomsten" in form
            else [],
        )

    return await _handle(
        request, user, gemeente_info, groep_id, action, anchor="bevindingen", melding="bevinding"
    )


@post("/bevindingen/{bevinding_id:int}/verwijderen")
async def remove_bevinding(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bevinding_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.remove_bevinding(user, groep_id, bevinding_id)

    return await _handle(request, user, gemeente_info, groep_id, action, anchor="bevindingen")


async def _bevinding_page(
    gemeente_info: GemeenteRij,
    groep: domain.Groep,
    bevinding_id: int,
    *,
    invoer: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    bevinding = next((b for b in await domain.bevindingen(groep.id) if b["id"] == bevinding_id), None)
    if bevinding is None:
        raise NotFoundException()
    return Template(
        "focusgroepen/bevinding.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "groep": groep,
            "bevinding": bevinding,
            "invoer": invoer or {"tekst": bevinding["tekst"], "steun": bevinding["steun"]},
            "fouten": fouten or {},
            "STEUN_LABELS": _vertaald(STEUN_LABELS),
        },
    )


@get("/bevindingen/{bevinding_id:int}")
async def bevinding_page(
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bevinding_id: FromPath[int],
) -> Template:
    groep = await _te_wijzigen(user, groep_id, gemeente_info)
    return await _bevinding_page(gemeente_info, groep, bevinding_id)


@post("/bevindingen/{bevinding_id:int}")
async def change_bevinding(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bevinding_id: FromPath[int],
) -> Template | Redirect:
    groep = await _te_wijzigen(user, groep_id, gemeente_info)
    data = await read_form(request)
    invoer = {"tekst": data.get("tekst", ""), "steun": data.get("steun", "")}
    try:
        await domain.change_bevinding(user, groep_id, bevinding_id, **invoer)
    except (OngeldigeInvoer, domain.FocusgroepError) as exc:
        fouten = exc.fouten if isinstance(exc, OngeldigeInvoer) else {"tekst": exc.melding}
        return await _bevinding_page(
            gemeente_info, groep, bevinding_id, invoer=invoer, fouten=fouten, status=exc.status
        )
    return Redirect(path=f"{_pad(gemeente_info.slug, groep_id)}?gelukt=bevinding_gewijzigd#bevindingen")


@post("/sluiten")
async def close_groep(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.close_groep(user, groep_id, settings, samenvatting=data.get("samenvatting", ""))

    return await _handle(request, user, gemeente_info, groep_id, action, anchor="sluiten", melding="gesloten")


# --- one meeting ----------------------------------------------------------------------------


async def _bijeenkomst(
    user: Ingelogd, gemeente_info: GemeenteRij, groep_id: int, bijeenkomst_id: int
) -> dict[str, Any]:
    await _beheer(user, groep_id, gemeente_info)
    for bijeenkomst in await queries.bijeenkomsten(groep_id):
        if bijeenkomst["id"] == bijeenkomst_id:
            return bijeenkomst
    raise NotFoundException()


async def _bijeenkomst_page(
    user: Ingelogd,
    gemeente_info: GemeenteRij,
    groep_id: int,
    bijeenkomst_id: int,
    *,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    bijeenkomst = await _bijeenkomst(user, gemeente_info, groep_id, bijeenkomst_id)
    groep = await domain.load_groep(groep_id)
    waarden = {**queries.invoer_van(bijeenkomst), **(invoer or {})}
    return Template(
        "focusgroepen/bijeenkomst.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "groep": groep,
            "bijeenkomst": bijeenkomst,
            "leden": await queries.leden(groep_id, bijeenkomst_id=bijeenkomst_id),
            "invoer": waarden,
            # The B1 signal of the agenda the residents got, or of the refused new one.
            "signalen": await taalhulp.meet_alle({"agenda": waarden["agenda"]}),
            "fouten": fouten or {},
            "begonnen": bijeenkomst["begint_at"] <= tijd.now(),
            "ANTWOORD_LABELS": _vertaald(ANTWOORD_LABELS),
        },
    )


@get("/bijeenkomsten/{bijeenkomst_id:int}")
async def bijeenkomst_page(
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bijeenkomst_id: FromPath[int],
) -> Template:
    return await _bijeenkomst_page(user, gemeente_info, groep_id, bijeenkomst_id)


async def _meeting_action(
    request: Request,
    user: Ingelogd,
    gemeente_info: GemeenteRij,
    groep_id: int,
    bijeenkomst_id: int,
    action: Actie,
    anchor: str,
) -> Template | Redirect:
    await _bijeenkomst(user, gemeente_info, groep_id, bijeenkomst_id)
    data = await read_form(request)
    form = await request.form()
    try:
        await action(data, form)
    except OngeldigeInvoer as exc:
        return await _bijeenkomst_page(
            user, gemeente_info, groep_id, bijeenkomst_id, fouten=exc.fouten, invoer=data, status=exc.status
        )
    except domain.FocusgroepError as exc:
        return await _bijeenkomst_page(
            user,
            gemeente_info,
            groep_id,
            bijeenkomst_id,
            fouten={anchor: exc.melding},
            invoer=data,
            status=exc.status,
        )
    pad = _pad(gemeente_info.slug, groep_id)
    return Redirect(path=f"{pad}/bijeenkomsten/{bijeenkomst_id}?gelukt=1#{anchor}")


@post("/bijeenkomsten/{bijeenkomst_id:int}")
async def change_bijeenkomst(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bijeenkomst_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.change_bijeenkomst(user, bijeenkomst_id, settings, _bijeenkomst_invoer(data))

    return await _meeting_action(request, user, gemeente_info, groep_id, bijeenkomst_id, action, "wijzigen")


@post("/bijeenkomsten/{bijeenkomst_id:int}/afzeggen")
async def cancel_bijeenkomst(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bijeenkomst_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        await domain.cancel_bijeenkomst(user, bijeenkomst_id, settings)

    return await _meeting_action(request, user, gemeente_info, groep_id, bijeenkomst_id, action, "afzeggen")


@post("/bijeenkomsten/{bijeenkomst_id:int}/verslag")
async def record_verslag(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: NamedDependency[GemeenteRij],
    groep_id: FromPath[int],
    bijeenkomst_id: FromPath[int],
) -> Template | Redirect:
    async def action(data: dict[str, str], form: FormMultiDict) -> None:
        gekozen = form.getall("aanwezig") if "aanwezig" in form else []
        if not all(isinstance(v, str) and v.isdigit() for v in gekozen):
            raise OngeldigeInvoer({"aanwezig": _("Kies alleen leden van deze groep.")})
        await domain.record_verslag(
            user, bijeenkomst_id, verslag=data.get("verslag", ""), aanwezig={int(v) for v in gekozen}
        )

    return await _meeting_action(request, user, gemeente_info, groep_id, bijeenkomst_id, action, "verslag")


# --- a policy officer in the group ----------------------------------------------------------


@get("/{groep_id:int}")
async def groep_als_lid(
    user: NamedDependency[Ingelogd], gemeente_info: NamedDependency[GemeenteRij], groep_id: FromPath[int]
) -> Template:
    rol = await _rol(user, groep_id, gemeente_info)
    return await _groep_page(gemeente_info, groep_id, rol=rol)


# --- residents, through their personal links -------------------------------------------------


def _link_werkt_niet() -> Template:
    return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})


@get("/aanmelden/{token:str}", opt=PUBLIEK)
async def sign_up_page(settings: NamedDependency[Settings], token: FromPath[str]) -> Template:
    aanmelding = await domain.load_aanmelding(settings.secret_ring, token)
    return await _aanmelden(aanmelding, {"email": aanmelding["email"] if aanmelding else ""}, {})


async def _aanmelden(
    aanmelding: dict[str, Any] | None, waarden: dict[str, str], fouten: dict[str, str], status: int = 200
) -> Template:
    if aanmelding is None:
        return _link_werkt_niet()
    return Template(
        "focusgroepen/aanmelden.html",
        status_code=status,
        context={
            "groep": aanmelding["groep"],
            "thema": "ijmond",
            "waarden": {"naam": "", "email": "", "telefoon": "", **waarden},
            "fouten": fouten,
            "toestemming_tekst": domain.toestemming_tekst(await domain.bewaartermijn_maanden()),
        },
        headers={"Cache-Control": "no-store"},
    )


@post("/aanmelden/{token:str}", opt=PUBLIEK)
async def sign_up(request: Request, settings: NamedDependency[Settings], token: FromPath[str]) -> Template:
    secret = settings.secret_ring
    data = await read_form(request)
    # Read before the invitation is used up: the thank-you page links to the council's reports.
    aanmelding = await domain.load_aanmelding(secret, token)
    try:
        await domain.sign_up(
            secret,
            token,
            naam=data.get("naam", ""),
            email=data.get("email", ""),
            telefoon=data.get("telefoon", ""),
            toestemming=data.get("toestemming") == "ja",
        )
    except OngeldigeInvoer as exc:
        waarden = {k: data.get(k, "") for k in ("naam", "email", "telefoon")}
        return await _aanmelden(await domain.load_aanmelding(secret, token), waarden, exc.fouten, exc.status)
    except domain.OngeldigeLink:
        return _link_werkt_niet()
    pad = await domain.rapporten_pad(aanmelding["groep"]) if aanmelding else ""
    return Template(
        "focusgroepen/aangemeld.html", context={"rapporten_pad": pad}, headers={"Cache-Control": "no-store"}
    )


def _reactie_template(info: dict[str, Any], *, melding: str, fout: str, status: int = 200) -> Template:
    return Template(
        "focusgroepen/reactie.html",
        status_code=status,
        context={**info, "melding": melding, "fout": fout, "ANTWOORD_LABELS": _vertaald(ANTWOORD_LABELS)},
        headers={"Cache-Control": "no-store"},
    )


@get("/{lid_id:int}/bijeenkomsten/{bijeenkomst_id:int}/{token:str}", opt=PUBLIEK)
async def reply_page(
    settings: NamedDependency[Settings],
    lid_id: FromPath[int],
    bijeenkomst_id: FromPath[int],
    token: FromPath[str],
) -> Template:
    try:
        info = await domain.load_reactie_link(settings.secret_ring, lid_id, bijeenkomst_id, token)
    except domain.OngeldigeLink:
        return _link_werkt_niet()
    return _reactie_template(info, melding="", fout="")


@post("/{lid_id:int}/bijeenkomsten/{bijeenkomst_id:int}/{token:str}", opt=PUBLIEK)
async def reply(
    request: Request,
    settings: NamedDependency[Settings],
    lid_id: FromPath[int],
    bijeenkomst_id: FromPath[int],
    token: FromPath[str],
) -> Template:
    data = await read_form(request)
    secret = settings.secret_ring
    try:
        await domain.reply(secret, lid_id, bijeenkomst_id, token, data.get("antwoord", ""))
    except domain.OngeldigeLink:
        return _link_werkt_niet()
    except (OngeldigeInvoer, domain.FocusgroepError) as exc:
        info = await domain.load_reactie_link(secret, lid_id, bijeenkomst_id, token)
        fout = exc.fouten["antwoord"] if isinstance(exc, OngeldigeInvoer) else exc.melding
        return _reactie_template(info, melding="", fout=fout, status=exc.status)
    info = await domain.load_reactie_link(secret, lid_id, bijeenkomst_id, token)
    return _reactie_template(info, melding=_("Dank u wel. Uw antwoord is opgeslagen."), fout="")


@get("/{lid_id:int}/afmelden/{token:str}", opt=PUBLIEK)
async def leave_page(
    settings: NamedDependency[Settings], lid_id: FromPath[int], token: FromPath[str]
) -> Template:
    try:
        domain.check_token(settings.secret_ring, token, "afmelden", lid_id)
    except domain.OngeldigeLink:
        return _link_werkt_niet()
    return Template(
        "focusgroepen/afmelden.html", context={"klaar": False}, headers={"Cache-Control": "no-store"}
    )


# One-click unsubscribe (RFC 8058) from the mail's List-Unsubscribe header: the link's token
# authorises it, the provider sends no CSRF cookie (tests/mail/test_uitschrijven.py).
@post("/{lid_id:int}/afmelden/{token:str}", opt={**PUBLIEK, "exclude_from_csrf": True})
async def leave(settings: NamedDependency[Settings], lid_id: FromPath[int], token: FromPath[str]) -> Template:
    try:
        groep = await domain.leave_by_link(settings.secret_ring, lid_id, token)
    except domain.OngeldigeLink:
        return _link_werkt_niet()
    return Template(
        "focusgroepen/afmelden.html",
        context={"klaar": True, "rapporten_pad": await domain.rapporten_pad(groep)},
        headers={"Cache-Control": "no-store"},
    )


ROUTES = [
    Router(
        path="/raad/{gemeente:str}/vragen/{vraag_id:int}/focusgroepen",
        guards=raad,
        route_handlers=[new_groep_page, create_groep],
    ),
    Router(
        path="/raad/{gemeente:str}/focusgroepen/{groep_id:int}",
        guards=raad,
        route_handlers=[
            groep_page,
            change_groep_page,
            change_groep,
            add_inwoner,
            add_account_lid,
            invite,
            remove_lid,
            plan_bijeenkomst,
            add_bevinding,
            bevinding_page,
            change_bevinding,
            remove_bevinding,
            close_groep,
            bijeenkomst_page,
            change_bijeenkomst,
            cancel_bijeenkomst,
            record_verslag,
        ],
    ),
    Router(path="/gemeente/{gemeente:str}/focusgroepen", guards=ambtenaar, route_handlers=[groep_als_lid]),
    # Residents, without an account: each handler says it is public; the link's token is the key.
    Router(path="/f", route_handlers=[sign_up_page, sign_up, reply_page, reply, leave_page, leave]),
]
