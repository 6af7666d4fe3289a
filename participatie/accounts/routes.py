"""Login, logout, account management, the beheerder's trail page and each role's start page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Router, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from participatie import spoor, tijd
from participatie import werkbank as startpagina
from participatie.accounts import domain, queries
from participatie.accounts.domain import Ingelogd
from participatie.accounts.forms import (
    PER_PAGINA,
    GebruikerForm,
    LoginForm,
    WachtwoordForm,
    ZoekForm,
    safe_next,
)
from participatie.accounts.guards import PUBLIEK, SESSION_COOKIE, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.fouten import OngeldigeInvoer
from participatie.invoer import read_form
from participatie.taal import N_, gettext

# The request as the session middleware leaves it: `request.user` is the signed-in person
# or None, `request.auth` the session cookie's token.
SessieRequest = Request[Ingelogd | None, str | None, State]

# The roles as the account form offers them; labels translated when the form is shown.
ROLLEN = [
    (Rol.RAADSLID.value, N_("Raadslid")),
    (Rol.AMBTENAAR.value, N_("Ambtenaar")),
    (Rol.BEHEERDER.value, N_("Beheerder")),
]
# A role as the list of accounts names it, in a sentence's lower case.
ROL_WOORDEN = {
    Rol.RAADSLID: N_("raadslid"),
    Rol.AMBTENAAR: N_("ambtenaar"),
    Rol.BEHEERDER: N_("beheerder"),
}


def start_page(user: Ingelogd) -> str:
    """Where a person lands after logging in."""
    if user.rol is Rol.RAADSLID:
        return f"/raad/{user.gemeente_slug}"
    if user.rol is Rol.AMBTENAAR:
        return f"/gemeente/{user.gemeente_slug}"
    return "/beheer/gebruikers"


def _session_cookie(settings: Settings, value: str, max_age: int | None = None) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        httponly=True,
        samesite="lax",
        secure=settings.is_https,
        path="/",
        max_age=max_age,
    )


def _adres(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "onbekend"


# --- public: login, logout, forgotten password (the home page is in raden) ----------------
# Login limits (TeVeelPogingen) and a busy password hasher (TeDruk) are refusals with a status
# of their own (429 with Retry-After): the app's refusal handler renders them.


@get("/inloggen", opt=PUBLIEK)
async def login_page(request: SessieRequest, volgende: FromQuery[str | None] = None) -> Template | Redirect:
    if request.user is not None:
        return Redirect(path=safe_next(volgende) or start_page(request.user))
    return Template(
        "accounts/inloggen.html", context={"email": "", "fout": None, "volgende": safe_next(volgende)}
    )


@post("/inloggen", opt=PUBLIEK)
async def login(request: SessieRequest, settings: NamedDependency[Settings]) -> Template | Redirect:
    form = LoginForm.parse(await read_form(request))
    try:
        token = await domain.login(settings, form.email, form.wachtwoord, _adres(request))
    except domain.InloggenMislukt as exc:
        return Template(
            "accounts/inloggen.html",
            status_code=400,
            context={"email": form.email, "fout": str(exc), "volgende": form.volgende},
        )
    user = await domain.load_sessie(settings, token)
    assert user is not None  # just created
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        # A fresh session id at every login: whatever id existed before is ended.
        await domain.logout(old)
    return Redirect(path=form.volgende or start_page(user), cookies=[_session_cookie(settings, token)])


@post("/uitloggen", opt=PUBLIEK)
async def logout(request: SessieRequest, settings: NamedDependency[Settings]) -> Redirect:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await domain.logout(token)
    return Redirect(path="/inloggen?uitgelogd=1", cookies=[_session_cookie(settings, "", max_age=0)])


@get("/wachtwoord-vergeten", opt=PUBLIEK)
async def forgotten_page() -> Template:
    return Template("accounts/wachtwoord_vergeten.html", context={"verstuurd": False, "fout": None})


@post("/wachtwoord-vergeten", opt=PUBLIEK)
async def forgotten(request: SessieRequest, settings: NamedDependency[Settings]) -> Template:
    email = (await read_form(request)).get("email", "").strip()[:254]
    if "@" not in email:
        return Template(
            "accounts/wachtwoord_vergeten.html",
            status_code=422,
            context={"verstuurd": False, "fout": gettext("Vul uw e-mailadres in, zoals naam@velsen.nl.")},
        )
    await domain.request_reset(settings, email=email, adres=_adres(request))
    # The same page whether or not the address belongs to an account.
    return Template("accounts/wachtwoord_vergeten.html", context={"verstuurd": True, "fout": None})


def _herstel_page(token: str, fouten: dict[str, str], status: int = 200) -> Template:
    return Template(
        "accounts/wachtwoord_herstellen.html",
        status_code=status,
        context={"token": token, "fouten": fouten, "ongeldig": None},
    )


def _herstel_ongeldig(exc: domain.HerstellinkOngeldig) -> Template:
    return Template(
        "accounts/wachtwoord_herstellen.html",
        status_code=400,
        context={"token": "", "fouten": {}, "ongeldig": str(exc)},
    )


@get("/wachtwoord-herstellen/{token:str}", opt=PUBLIEK)
async def reset_page(token: FromPath[str]) -> Template:
    if not await domain.reset_link_is_valid(token):
        return _herstel_ongeldig(domain.HerstellinkOngeldig())
    return _herstel_page(token, {})


@post("/wachtwoord-herstellen/{token:str}", opt=PUBLIEK)
async def reset_password(
    request: SessieRequest, settings: NamedDependency[Settings], token: FromPath[str]
) -> Template | Redirect:
    form = WachtwoordForm.parse(await read_form(request))
    try:
        await domain.reset_password(
            settings, token=token, nieuw=form.nieuw, herhaling=form.herhaling, adres=_adres(request)
        )
    except domain.HerstellinkOngeldig as exc:
        return _herstel_ongeldig(exc)
    except OngeldigeInvoer as exc:
        return _herstel_page(token, exc.fouten, status=422)
    response = Redirect(path="/inloggen?hersteld=1")
    if request.cookies.get(SESSION_COOKIE):
        # Every session of the account ended; a stale cookie in this browser is cleared too.
        response.set_cookie(_session_cookie(settings, "", max_age=0))
    return response


# --- the beheerder: accounts and the trail ---------------------------------------------------

beheerder = [alleen(Rol.BEHEERDER)]


@get("/gebruikers")
async def gebruikers() -> Template:
    return Template(
        "accounts/gebruikers.html",
        context={
            "gebruikers": await queries.list_gebruikers(),
            "rol_tekst": lambda rol: gettext(ROL_WOORDEN[rol]),
        },
    )


async def _gebruiker_form(
    *,
    gebruiker: queries.Account | None,
    waarden: dict[str, Any],
    fouten: dict[str, str],
    status: int = 200,
    melding: str | None = None,
) -> Template:
    return Template(
        "accounts/gebruiker.html",
        status_code=status,
        context={
            "melding": melding,
            "gebruiker": gebruiker,
            "waarden": waarden,
            "fouten": fouten,
            "rollen": [(waarde, gettext(label)) for waarde, label in ROLLEN],
            "gemeente_opties": [(g.slug, g.naam) for g in await queries.list_gemeenten()],
        },
    )


async def _gebruiker_or_404(gebruiker_id: int) -> queries.Account:
    gebruiker = await queries.get_gebruiker(gebruiker_id)
    if gebruiker is None:
        raise NotFoundException()
    return gebruiker


@get("/gebruikers/nieuw")
async def new_gebruiker_page() -> Template:
    return await _gebruiker_form(
        gebruiker=None,
        fouten={},
        waarden={"email": "", "naam": "", "rol": Rol.RAADSLID.value, "gemeente": None, "is_actief": True},
    )


@post("/gebruikers/nieuw")
async def create_gebruiker(
    request: SessieRequest, user: NamedDependency[Ingelogd], settings: NamedDependency[Settings]
) -> Template | Redirect:
    form = GebruikerForm.parse(await read_form(request))
    try:
        await domain.create_gebruiker(
            settings,
            email=form.email,
            naam=form.naam,
            wachtwoord=form.wachtwoord,
            rol=form.rol,
            gemeente_slug=form.gemeente,
            door=user,
        )
    except OngeldigeInvoer as exc:
        waarden = {
            "email": form.email,
            "naam": form.naam,
            "rol": form.rol,
            "gemeente": form.gemeente,
            "is_actief": True,
        }
        return await _gebruiker_form(gebruiker=None, waarden=waarden, fouten=exc.fouten, status=422)
    return Redirect(path="/beheer/gebruikers?opgeslagen=1")


HERSTELLINK_VERSTUURD = N_(
    "De e-mail met een link om een nieuw wachtwoord te kiezen is onderweg. De link is één uur geldig."
)


def _waarden(gebruiker: queries.Account) -> dict[str, Any]:
    return {
        "rol": gebruiker.rol.value,
        "gemeente": gebruiker.gemeente_slug,
        "is_actief": gebruiker.is_actief,
    }


@get("/gebruikers/{gebruiker_id:int}")
async def gebruiker_page(gebruiker_id: FromPath[int], herstellink: FromQuery[str | None] = None) -> Template:
    gebruiker = await _gebruiker_or_404(gebruiker_id)
    return await _gebruiker_form(
        gebruiker=gebruiker,
        waarden=_waarden(gebruiker),
        fouten={},
        melding=HERSTELLINK_VERSTUURD if herstellink else None,
    )


@post("/gebruikers/{gebruiker_id:int}")
async def update_gebruiker(
    request: SessieRequest, user: NamedDependency[Ingelogd], gebruiker_id: FromPath[int]
) -> Template | Redirect:
    gebruiker = await _gebruiker_or_404(gebruiker_id)
    form = GebruikerForm.parse(await read_form(request))
    try:
        await domain.update_gebruiker(
            gebruiker_id=gebruiker_id,
            rol=form.rol,
            gemeente_slug=form.gemeente,
            is_actief=form.is_actief,
            door=user,
        )
    except OngeldigeInvoer as exc:
        waarden = {"rol": form.rol, "gemeente": form.gemeente, "is_actief": form.is_actief}
        return await _gebruiker_form(gebruiker=gebruiker, waarden=waarden, fouten=exc.fouten, status=422)
    return Redirect(path="/beheer/gebruikers?opgeslagen=1")


@post("/gebruikers/{gebruiker_id:int}/herstellink")
async def send_reset_link(
    user: NamedDependency[Ingelogd], settings: NamedDependency[Settings], gebruiker_id: FromPath[int]
) -> Template | Redirect:
    gebruiker = await _gebruiker_or_404(gebruiker_id)
    try:
        await domain.send_reset_link(settings, gebruiker_id=gebruiker_id, door=user)
    except OngeldigeInvoer as exc:
        return await _gebruiker_form(
            gebruiker=gebruiker, waarden=_waarden(gebruiker), fouten=exc.fouten, status=422
        )
    return Redirect(path=f"/beheer/gebruikers/{gebruiker_id}?herstellink=1")


@get("/spoor")
async def spoor_page(request: SessieRequest) -> Template:
    """The trail of every council action, searchable; a GET form, so it works without JS.

    Invalid input re-shows the form with Dutch messages (422) and searches nothing.
    """
    gemeenten = await queries.list_gemeenten()
    # The query string's first value of each field, like read_form for a posted form.
    form = ZoekForm.parse(request.query_params, {g.slug: g.id for g in gemeenten})
    regels: list[spoor.Regel] = []
    if form.zoekopdracht is not None:
        regels = await spoor.zoek(form.zoekopdracht, limit=PER_PAGINA + 1, offset=form.offset)

    def pagina_link(pagina: int) -> str:
        gevuld = {k: v for k, v in form.waarden.items() if v}
        return "/beheer/spoor?" + urlencode({**gevuld, "pagina": pagina})

    return Template(
        "accounts/spoor.html",
        status_code=422 if form.fouten else 200,
        context={
            "form": form,
            "regels": regels[:PER_PAGINA],
            "gemeente_opties": [(g.slug, g.naam) for g in gemeenten],
            "slug_van": {g.id: g.slug for g in gemeenten},
            "onderwerp_opties": [(o, spoor.onderwerp_tekst(o)) for o in await queries.spoor_onderwerpen()],
            "volgende": pagina_link(form.pagina + 1) if len(regels) > PER_PAGINA else None,
            "vorige": pagina_link(form.pagina - 1) if form.pagina > 1 and not form.fouten else None,
            # As on the vraag page: names instead of row numbers, Dutch dates, readable field names.
            "namen": await spoor.namen(regels),
            "actie_tekst": spoor.actie_tekst,
            "onderwerp_tekst": spoor.onderwerp_tekst,
            "veld_tekst": spoor.veld_tekst,
            "waarde_tekst": spoor.waarde_tekst,
        },
    )


# --- everyone signed in: their own password --------------------------------------------------


def _wachtwoord_page(fouten: dict[str, str], status: int = 200, gewijzigd: bool = False) -> Template:
    return Template(
        "accounts/wachtwoord_wijzigen.html",
        status_code=status,
        context={"fouten": fouten, "gewijzigd": gewijzigd},
    )


@get("/wachtwoord")
async def password_page(gewijzigd: FromQuery[str | None] = None) -> Template:
    return _wachtwoord_page({}, gewijzigd=bool(gewijzigd))


@post("/wachtwoord")
async def change_password(
    request: SessieRequest, user: NamedDependency[Ingelogd], settings: NamedDependency[Settings]
) -> Template | Redirect:
    form = WachtwoordForm.parse(await read_form(request))
    try:
        await domain.change_password(
            settings,
            user,
            huidig=form.huidig,
            nieuw=form.nieuw,
            herhaling=form.herhaling,
            adres=_adres(request),
        )
    except OngeldigeInvoer as exc:
        return _wachtwoord_page(exc.fouten, status=422)
    return Redirect(path="/account/wachtwoord?gewijzigd=1")


# --- a council member's start page -----------------------------------------------------------


@get("/")
async def werkbank(gemeente_info: NamedDependency[GemeenteRij]) -> Template:
    """What needs the council of the URL: each section filled by its own domain (werkbank.py)."""
    secties = await startpagina.voor_gemeente(gemeente_info.id)
    nu = tijd.now()
    return Template(
        "accounts/werkbank.html",
        context={
            "gemeente": gemeente_info,
            "raadsleden": await queries.raadsleden(gemeente_info.id),
            **secties,
            "niets_te_doen": not any(secties.values()),
            "sluit_tekst": lambda sluit_at: startpagina.sluit_tekst(sluit_at, nu),
            "sluit_binnenkort": lambda sluit_at: startpagina.sluit_binnenkort(sluit_at, nu),
        },
    )


ROUTES: list[ControllerRouterHandler] = [
    login_page,
    login,
    logout,
    forgotten_page,
    forgotten,
    reset_page,
    reset_password,
    Router(
        path="/beheer",
        guards=beheerder,
        route_handlers=[
            gebruikers,
            new_gebruiker_page,
            create_gebruiker,
            gebruiker_page,
            update_gebruiker,
            send_reset_link,
            spoor_page,
        ],
    ),
    Router(
        path="/account",
        guards=[alleen(Rol.BEHEERDER, Rol.RAADSLID, Rol.AMBTENAAR)],
        route_handlers=[password_page, change_password],
    ),
    Router(
        path="/raad/{gemeente:str}",
        guards=[alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente],
        route_handlers=[werkbank],
    ),
]
