"""Focusgroep pages: the council runs the group, a policy officer in it reads along, and
residents answer invitations and sign up through personal links without an account."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from participatie.accounts import queries as account_queries
from participatie.accounts.forms import read_form
from participatie.accounts.guards import PUBLIEK, alleen, current, eigen_gemeente
from participatie.accounts.tables import Rol
from participatie.focusgroepen import domain, queries
from participatie.focusgroepen.domain import BijeenkomstInvoer
from participatie.focusgroepen.tables import Antwoord, Steun
from participatie.vragen import domain as vragen
from participatie.web import gemeente_or_404, settings_of

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
ambtenaar = [alleen(Rol.AMBTENAAR), eigen_gemeente]

STEUN_LABELS = {
    Steun.GEEN.value: "Niet aangegeven",
    Steun.UNANIEM.value: "Unaniem",
    Steun.MEERDERHEID.value: "Meerderheid",
    Steun.MINDERHEID.value: "Minderheid",
}
ANTWOORD_LABELS = {
    Antwoord.JA.value: "Ja, ik kom",
    Antwoord.NEE.value: "Nee",
    Antwoord.MISSCHIEN.value: "Misschien",
}
LEGE_INVOER = {
    "naam": "",
    "email": "",
    "telefoon": "",
    "uitnodiging_email": "",
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


async def _user_and_role(request: Request, groep_id: int, gemeente: str) -> tuple[Any, str]:
    """The same 404 for a missing group, another council's group, or one of another URL."""
    user = current(request)
    if user is None:
        raise NotFoundException()
    rol = await domain.rol_in_groep(user, groep_id)
    groep = await domain.load_groep(groep_id)
    if rol is None or groep is None:
        raise NotFoundException()
    info = await gemeente_or_404(gemeente)
    if groep["gemeente"] != info["id"] and user.rol is not Rol.BEHEERDER:
        raise NotFoundException()
    return user, rol


async def _groep_page(
    request: Request,
    gemeente: str,
    groep_id: int,
    *,
    rol: str,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    melding: str = "",
    status: int = 200,
) -> Template:
    groep = await domain.load_groep(groep_id)
    assert groep is not None
    vraag = await vragen.load_vraag(groep["vraag"])
    return Template(
        "focusgroepen/groep.html",
        status_code=status,
        context={
            "gemeente": await gemeente_or_404(gemeente),
            "groep": groep,
            "vraag": vraag,
            "mag_beheren": rol == "beheer",
            "leden": await queries.leden(groep_id),
            "bijeenkomsten": await queries.bijeenkomsten(groep_id),
            "bevindingen": await domain.bevindingen(groep_id),
            "kandidaten": [
                (str(k["id"]), k["label"]) for k in await queries.kandidaten(groep_id, groep["gemeente"])
            ]
            if rol == "beheer"
            else [],
            "tellingen": await queries.tellingen(groep_id),
            "STEUN_LABELS": STEUN_LABELS,
            "fouten": fouten or {},
            "invoer": {**LEGE_INVOER, **(invoer or {})},
            "melding": melding,
            "bewaartermijn": await domain.bewaartermijn_maanden(),
            "toestemming_tekst": domain.TOESTEMMING_TEKST.format(
                maanden=await domain.bewaartermijn_maanden()
            ),
        },
    )


def _pad(gemeente: str, groep_id: int) -> str:
    return f"/raad/{gemeente}/focusgroepen/{groep_id}"


async def _handle(
    request: Request, gemeente: str, groep_id: int, action: Any, *, anchor: str, melding: str = ""
) -> Template | Redirect:
    """Run a council action; on a refusal show the group page with the message by the form."""
    user, rol = await _user_and_role(request, groep_id, gemeente)
    if rol != "beheer":
        raise NotFoundException()
    data = await read_form(request)
    form = await request.form()
    try:
        await action(user, data, form)
    except domain.GeenToegang:
        raise NotFoundException() from None
    except domain.FocusgroepError as exc:
        return await _groep_page(
            request,
            gemeente,
            groep_id,
            rol=rol,
            fouten=getattr(exc, "fouten", {anchor: str(exc)}),
            invoer=data,
            status=422,
        )
    return Redirect(
        path=f"{_pad(gemeente, groep_id)}?gelukt={melding}#{anchor}"
        if melding
        else f"{_pad(gemeente, groep_id)}#{anchor}"
    )


# --- the council ----------------------------------------------------------------------------


@get("/raad/{gemeente:str}/vragen/{vraag_id:int}/focusgroepen/nieuw", guards=raad)
async def new_groep_page(request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]) -> Template:
    vraag = await _vraag(request, vraag_id)
    return await _nieuw(gemeente, vraag, {}, {})


async def _nieuw(
    gemeente: str, vraag: dict[str, Any], waarden: dict[str, str], fouten: dict[str, str], status: int = 200
) -> Template:
    info = await gemeente_or_404(gemeente)
    return Template(
        "focusgroepen/nieuw.html",
        status_code=status,
        context={
            "gemeente": info,
            "vraag": vraag,
            "raadsleden": [
                (str(r["id"]), r["naam"]) for r in await account_queries.raadsleden(vraag["gemeente"])
            ],
            "waarden": {"thema": "", "doel": "", "eind_op": "", "verantwoordelijke": "", **waarden},
            "fouten": fouten,
        },
    )


async def _vraag(request: Request, vraag_id: int) -> dict[str, Any]:
    vraag = await vragen.load_vraag_for(current(request), vraag_id)
    if vraag is None:
        raise NotFoundException()
    return vraag


@post("/raad/{gemeente:str}/vragen/{vraag_id:int}/focusgroepen/nieuw", guards=raad)
async def create_groep(
    request: Request, gemeente: FromPath[str], vraag_id: FromPath[int]
) -> Template | Redirect:
    vraag = await _vraag(request, vraag_id)
    data = await read_form(request)
    user = current(request)
    assert user is not None
    try:
        groep_id = await domain.create_focusgroep(
            user,
            vraag_id,
            thema=data.get("thema", ""),
            doel=data.get("doel", ""),
            eind_op=data.get("eind_op", ""),
            verantwoordelijke=data.get("verantwoordelijke", ""),
        )
    except domain.FocusgroepError as exc:
        waarden = {k: data.get(k, "") for k in ("thema", "doel", "eind_op", "verantwoordelijke")}
        return await _nieuw(gemeente, vraag, waarden, getattr(exc, "fouten", {"thema": str(exc)}), 422)
    return Redirect(path=_pad(gemeente, groep_id))


@get("/raad/{gemeente:str}/focusgroepen/{groep_id:int}", guards=raad)
async def groep_page(request: Request, gemeente: FromPath[str], groep_id: FromPath[int]) -> Template:
    _, rol = await _user_and_role(request, groep_id, gemeente)
    gelukt = request.query_params.get("gelukt", "")
    return await _groep_page(request, gemeente, groep_id, rol=rol, melding=MELDINGEN.get(gelukt, ""))


MELDINGEN = {
    "lid": "Het lid is toegevoegd.",
    "uitnodiging": "De uitnodiging om zich aan te melden is verstuurd.",
    "bijeenkomst": "De bijeenkomst is gepland. Alle leden met een e-mailadres krijgen een uitnodiging.",
    "bevinding": "De bevinding is toegevoegd.",
    "gesloten": "De focusgroep is afgesloten. De leden krijgen een bedankje.",
    "verwijderd": "Het lid doet niet meer mee. Contactgegevens van een inwoner zijn gewist.",
}


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/leden", guards=raad)
async def add_inwoner(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.add_inwoner(
            user,
            groep_id,
            naam=data.get("naam", ""),
            email=data.get("email", ""),
            telefoon=data.get("telefoon", ""),
            toestemming=data.get("toestemming") == "ja",
        )

    return await _handle(request, gemeente, groep_id, action, anchor="leden", melding="lid")


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/leden/account", guards=raad)
async def add_account_lid(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.add_account_lid(user, groep_id, data.get("gebruiker", ""))

    return await _handle(request, gemeente, groep_id, action, anchor="leden", melding="lid")


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/uitnodigen", guards=raad)
async def invite(request: Request, gemeente: FromPath[str], groep_id: FromPath[int]) -> Template | Redirect:
    async def action(user, data, form):
        await domain.invite_inwoner(user, groep_id, settings_of(request), data.get("uitnodiging_email", ""))

    return await _handle(request, gemeente, groep_id, action, anchor="leden", melding="uitnodiging")


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/leden/{lid_id:int}/verwijderen", guards=raad)
async def remove_lid(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int], lid_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.remove_lid(user, groep_id, lid_id)

    return await _handle(request, gemeente, groep_id, action, anchor="leden", melding="verwijderd")


def _bijeenkomst_invoer(data: dict[str, str]) -> BijeenkomstInvoer:
    return BijeenkomstInvoer(**{k: data.get(k, "") for k in BIJEENKOMST_VELDEN})


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bijeenkomsten", guards=raad)
async def plan_bijeenkomst(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.plan_bijeenkomst(user, groep_id, settings_of(request), _bijeenkomst_invoer(data))

    return await _handle(request, gemeente, groep_id, action, anchor="bijeenkomsten", melding="bijeenkomst")


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bevindingen", guards=raad)
async def add_bevinding(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.add_bevinding(
            user,
            groep_id,
            tekst=data.get("tekst", ""),
            steun=data.get("steun", ""),
            bijeenkomsten=[v for v in form.getall("bijeenkomsten", []) if isinstance(v, str)]
            if "bijeenkomsten" in form
            else [],
        )

    return await _handle(request, gemeente, groep_id, action, anchor="bevindingen", melding="bevinding")


@post(
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bevindingen/{bevinding_id:int}/verwijderen", guards=raad
)
async def remove_bevinding(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int], bevinding_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.remove_bevinding(user, groep_id, bevinding_id)

    return await _handle(request, gemeente, groep_id, action, anchor="bevindingen")


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/sluiten", guards=raad)
async def close_groep(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.close_groep(
            user, groep_id, settings_of(request), samenvatting=data.get("samenvatting", "")
        )

    return await _handle(request, gemeente, groep_id, action, anchor="sluiten", melding="gesloten")


# --- one meeting ----------------------------------------------------------------------------


async def _bijeenkomst(request: Request, gemeente: str, groep_id: int, bijeenkomst_id: int) -> dict[str, Any]:
    _, rol = await _user_and_role(request, groep_id, gemeente)
    if rol != "beheer":
        raise NotFoundException()
    for bijeenkomst in await queries.bijeenkomsten(groep_id):
        if bijeenkomst["id"] == bijeenkomst_id:
            return bijeenkomst
    raise NotFoundException()


async def _bijeenkomst_page(
    request: Request,
    gemeente: str,
    groep_id: int,
    bijeenkomst_id: int,
    *,
    fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    bijeenkomst = await _bijeenkomst(request, gemeente, groep_id, bijeenkomst_id)
    groep = await domain.load_groep(groep_id)
    return Template(
        "focusgroepen/bijeenkomst.html",
        status_code=status,
        context={
            "gemeente": await gemeente_or_404(gemeente),
            "groep": groep,
            "bijeenkomst": bijeenkomst,
            "leden": await queries.leden(groep_id, bijeenkomst_id=bijeenkomst_id),
            "invoer": {**queries.invoer_van(bijeenkomst), **(invoer or {})},
            "fouten": fouten or {},
            "begonnen": bijeenkomst["begint_at"] <= domain.now(),
            "ANTWOORD_LABELS": ANTWOORD_LABELS,
        },
    )


@get("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bijeenkomsten/{bijeenkomst_id:int}", guards=raad)
async def bijeenkomst_page(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int], bijeenkomst_id: FromPath[int]
) -> Template:
    return await _bijeenkomst_page(request, gemeente, groep_id, bijeenkomst_id)


async def _meeting_action(
    request: Request, gemeente: str, groep_id: int, bijeenkomst_id: int, action: Any, anchor: str
) -> Template | Redirect:
    await _bijeenkomst(request, gemeente, groep_id, bijeenkomst_id)
    user = current(request)
    data = await read_form(request)
    form = await request.form()
    try:
        await action(user, data, form)
    except domain.GeenToegang:
        raise NotFoundException() from None
    except domain.FocusgroepError as exc:
        return await _bijeenkomst_page(
            request,
            gemeente,
            groep_id,
            bijeenkomst_id,
            fouten=getattr(exc, "fouten", {anchor: str(exc)}),
            invoer=data,
            status=422,
        )
    return Redirect(path=f"{_pad(gemeente, groep_id)}/bijeenkomsten/{bijeenkomst_id}?gelukt=1#{anchor}")


@post("/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bijeenkomsten/{bijeenkomst_id:int}", guards=raad)
async def change_bijeenkomst(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int], bijeenkomst_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.change_bijeenkomst(user, bijeenkomst_id, settings_of(request), _bijeenkomst_invoer(data))

    return await _meeting_action(request, gemeente, groep_id, bijeenkomst_id, action, "wijzigen")


@post(
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bijeenkomsten/{bijeenkomst_id:int}/afzeggen",
    guards=raad,
)
async def cancel_bijeenkomst(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int], bijeenkomst_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        await domain.cancel_bijeenkomst(user, bijeenkomst_id, settings_of(request))

    return await _meeting_action(request, gemeente, groep_id, bijeenkomst_id, action, "afzeggen")


@post(
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bijeenkomsten/{bijeenkomst_id:int}/verslag", guards=raad
)
async def record_verslag(
    request: Request, gemeente: FromPath[str], groep_id: FromPath[int], bijeenkomst_id: FromPath[int]
) -> Template | Redirect:
    async def action(user, data, form):
        gekozen = form.getall("aanwezig") if "aanwezig" in form else []
        if not all(isinstance(v, str) and v.isdigit() for v in gekozen):
            raise domain.OngeldigeInvoer({"aanwezig": "Kies alleen leden van deze groep."})
        await domain.record_verslag(
            user, bijeenkomst_id, verslag=data.get("verslag", ""), aanwezig={int(v) for v in gekozen}
        )

    return await _meeting_action(request, gemeente, groep_id, bijeenkomst_id, action, "verslag")


# --- a policy officer in the group ----------------------------------------------------------


@get("/gemeente/{gemeente:str}/focusgroepen/{groep_id:int}", guards=ambtenaar)
async def groep_als_lid(request: Request, gemeente: FromPath[str], groep_id: FromPath[int]) -> Template:
    _, rol = await _user_and_role(request, groep_id, gemeente)
    return await _groep_page(request, gemeente, groep_id, rol=rol)


# --- residents, through their personal links -------------------------------------------------


@get("/f/aanmelden/{token:str}", opt=PUBLIEK)
async def sign_up_page(request: Request, token: FromPath[str]) -> Template:
    aanmelding = await domain.load_aanmelding(settings_of(request).secret_ring, token)
    return await _aanmelden(aanmelding, {"email": aanmelding["email"] if aanmelding else ""}, {})


async def _aanmelden(
    aanmelding: dict[str, Any] | None, waarden: dict[str, str], fouten: dict[str, str], status: int = 200
) -> Template:
    if aanmelding is None:
        return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})
    return Template(
        "focusgroepen/aanmelden.html",
        status_code=status,
        context={
            "groep": aanmelding["groep"],
            "thema": "ijmond",
            "waarden": {"naam": "", "email": "", "telefoon": "", **waarden},
            "fouten": fouten,
            "toestemming_tekst": domain.TOESTEMMING_TEKST.format(
                maanden=await domain.bewaartermijn_maanden()
            ),
        },
        headers={"Cache-Control": "no-store"},
    )


@post("/f/aanmelden/{token:str}", opt=PUBLIEK)
async def sign_up(request: Request, token: FromPath[str]) -> Template:
    secret = settings_of(request).secret_ring
    data = await read_form(request)
    try:
        await domain.sign_up(
            secret,
            token,
            naam=data.get("naam", ""),
            email=data.get("email", ""),
            telefoon=data.get("telefoon", ""),
            toestemming=data.get("toestemming") == "ja",
        )
    except domain.OngeldigeInvoer as exc:
        waarden = {k: data.get(k, "") for k in ("naam", "email", "telefoon")}
        return await _aanmelden(await domain.load_aanmelding(secret, token), waarden, exc.fouten, 422)
    except domain.OngeldigeLink:
        return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})
    return Template("focusgroepen/aangemeld.html", context={}, headers={"Cache-Control": "no-store"})


async def _reactie_info(
    request: Request, lid_id: int, bijeenkomst_id: int, token: str
) -> dict[str, Any] | None:
    try:
        return await domain.load_reactie_link(settings_of(request).secret_ring, lid_id, bijeenkomst_id, token)
    except domain.OngeldigeLink:
        return None


@get("/f/{lid_id:int}/bijeenkomsten/{bijeenkomst_id:int}/{token:str}", opt=PUBLIEK)
async def reply_page(
    request: Request, lid_id: FromPath[int], bijeenkomst_id: FromPath[int], token: FromPath[str]
) -> Template:
    info = await _reactie_info(request, lid_id, bijeenkomst_id, token)
    if info is None:
        return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})
    return _reactie_template(info, melding="", fout="")


def _reactie_template(info: dict[str, Any], *, melding: str, fout: str, status: int = 200) -> Template:
    return Template(
        "focusgroepen/reactie.html",
        status_code=status,
        context={**info, "melding": melding, "fout": fout, "ANTWOORD_LABELS": ANTWOORD_LABELS},
        headers={"Cache-Control": "no-store"},
    )


@post("/f/{lid_id:int}/bijeenkomsten/{bijeenkomst_id:int}/{token:str}", opt=PUBLIEK)
async def reply(
    request: Request, lid_id: FromPath[int], bijeenkomst_id: FromPath[int], token: FromPath[str]
) -> Template:
    data = await read_form(request)
    secret = settings_of(request).secret_ring
    try:
        await domain.reply(secret, lid_id, bijeenkomst_id, token, data.get("antwoord", ""))
    except domain.OngeldigeLink:
        return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})
    except domain.FocusgroepError as exc:
        info = await domain.load_reactie_link(secret, lid_id, bijeenkomst_id, token)
        return _reactie_template(
            info,
            melding="",
            fout=str(exc) if not hasattr(exc, "fouten") else exc.fouten["antwoord"],
            status=422,
        )
    info = await domain.load_reactie_link(secret, lid_id, bijeenkomst_id, token)
    return _reactie_template(info, melding="Dank u wel. Uw antwoord is opgeslagen.", fout="")


@get("/f/{lid_id:int}/afmelden/{token:str}", opt=PUBLIEK)
async def leave_page(request: Request, lid_id: FromPath[int], token: FromPath[str]) -> Template:
    try:
        domain.check_token(settings_of(request).secret_ring, token, "afmelden", lid_id)
    except domain.OngeldigeLink:
        return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})
    return Template(
        "focusgroepen/afmelden.html", context={"klaar": False}, headers={"Cache-Control": "no-store"}
    )


# One-click unsubscribe (RFC 8058) from the mail's List-Unsubscribe header: the link's token
# authorises it, the provider sends no CSRF cookie (tests/mail/test_uitschrijven.py).
@post("/f/{lid_id:int}/afmelden/{token:str}", opt={**PUBLIEK, "exclude_from_csrf": True})
async def leave(request: Request, lid_id: FromPath[int], token: FromPath[str]) -> Template:
    try:
        await domain.leave_by_link(settings_of(request).secret_ring, lid_id, token)
    except domain.OngeldigeLink:
        return Template("focusgroepen/link_werkt_niet.html", status_code=404, context={})
    return Template(
        "focusgroepen/afmelden.html", context={"klaar": True}, headers={"Cache-Control": "no-store"}
    )


ROUTES = [
    new_groep_page,
    create_groep,
    groep_page,
    add_inwoner,
    add_account_lid,
    invite,
    remove_lid,
    plan_bijeenkomst,
    add_bevinding,
    remove_bevinding,
    close_groep,
    bijeenkomst_page,
    change_bijeenkomst,
    cancel_bijeenkomst,
    record_verslag,
    groep_als_lid,
    sign_up_page,
    sign_up,
    reply_page,
    reply,
    leave_page,
    leave,
]
