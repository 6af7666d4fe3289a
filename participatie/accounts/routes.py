"""Login, logout, account management and each role's start page."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from participatie.accounts import domain, passwords, queries
from participatie.accounts.forms import GebruikerForm, LoginForm, WachtwoordForm, read_form, safe_next
from participatie.accounts.guards import PUBLIEK, SESSION_COOKIE, alleen, current, eigen_gemeente
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.web import settings_of

ROLLEN = [
    (Rol.RAADSLID.value, "Raadslid"),
    (Rol.AMBTENAAR.value, "Ambtenaar"),
    (Rol.BEHEERDER.value, "Beheerder"),
]


def start_page(user: domain.Ingelogd) -> str:
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


def _adres(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


def _too_many(exc: domain.TeVeelPogingen | passwords.TeDruk) -> HTTPException:
    """A 429 with the Dutch reason and when to try again."""
    return HTTPException(status_code=429, detail=str(exc), headers={"Retry-After": str(exc.retry_after)})


@get("/", opt=PUBLIEK)
async def home(request: Request) -> Template:
    return Template("home.html", context={"gemeenten": await queries.list_gemeenten()})


@get("/inloggen", opt=PUBLIEK)
async def login_page(request: Request, volgende: FromQuery[str | None] = None) -> Template | Redirect:
    user = current(request)
    if user is not None:
        return Redirect(path=safe_next(volgende) or start_page(user))
    return Template(
        "accounts/inloggen.html", context={"email": "", "fout": None, "volgende": safe_next(volgende)}
    )


@post("/inloggen", opt=PUBLIEK)
async def login(request: Request) -> Template | Redirect:
    settings = settings_of(request)
    form = LoginForm.parse(await read_form(request))
    try:
        token = await domain.login(settings, form.email, form.wachtwoord, _adres(request))
    except (domain.TeVeelPogingen, passwords.TeDruk) as exc:
        raise _too_many(exc) from None
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
async def logout(request: Request) -> Redirect:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await domain.logout(token)
    return Redirect(
        path="/inloggen?uitgelogd=1", cookies=[_session_cookie(settings_of(request), "", max_age=0)]
    )


beheerder = [alleen(Rol.BEHEERDER)]


@get("/beheer/gebruikers", guards=beheerder)
async def gebruikers(request: Request) -> Template:
    return Template("accounts/gebruikers.html", context={"gebruikers": await queries.list_gebruikers()})


async def _gebruiker_form(
    request: Request,
    *,
    gebruiker: dict | None,
    waarden: dict,
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
            "rollen": ROLLEN,
            "gemeente_opties": [(g["slug"], g["naam"]) for g in await queries.list_gemeenten()],
        },
    )


@get("/beheer/gebruikers/nieuw", guards=beheerder)
async def new_gebruiker_page(request: Request) -> Template:
    return await _gebruiker_form(
        request,
        gebruiker=None,
        fouten={},
        waarden={"email": "", "naam": "", "rol": Rol.RAADSLID.value, "gemeente": None, "is_actief": True},
    )


@post("/beheer/gebruikers/nieuw", guards=beheerder)
async def create_gebruiker(request: Request) -> Template | Redirect:
    form = GebruikerForm.parse(await read_form(request))
    user = current(request)
    try:
        await domain.create_gebruiker(
            settings_of(request),
            email=form.email,
            naam=form.naam,
            wachtwoord=form.wachtwoord,
            rol=form.rol,
            gemeente_slug=form.gemeente,
            door=user.id if user else None,
        )
    except passwords.TeDruk as exc:
        raise _too_many(exc) from None
    except domain.OngeldigeInvoer as exc:
        waarden = {
            "email": form.email,
            "naam": form.naam,
            "rol": form.rol,
            "gemeente": form.gemeente,
            "is_actief": True,
        }
        return await _gebruiker_form(request, gebruiker=None, waarden=waarden, fouten=exc.fouten, status=422)
    return Redirect(path="/beheer/gebruikers?opgeslagen=1")


@get("/beheer/gebruikers/{gebruiker_id:int}", guards=beheerder)
async def gebruiker_page(request: Request, gebruiker_id: FromPath[int]) -> Template:
    gebruiker = await queries.get_gebruiker(gebruiker_id)
    if gebruiker is None:
        raise NotFoundException()
    return await _gebruiker_form(
        request,
        gebruiker=gebruiker,
        waarden=_waarden(gebruiker),
        fouten={},
        melding=HERSTELLINK_VERSTUURD if request.query_params.get("herstellink") else None,
    )


HERSTELLINK_VERSTUURD = (
    "De e-mail met een link om een nieuw wachtwoord te kiezen is onderweg. De link is één uur geldig."
)


def _waarden(gebruiker: dict) -> dict:
    return {
        "rol": gebruiker["rol"],
        "gemeente": gebruiker["gemeente_slug"],
        "is_actief": gebruiker["is_actief"],
    }


@post("/beheer/gebruikers/{gebruiker_id:int}", guards=beheerder)
async def update_gebruiker(request: Request, gebruiker_id: FromPath[int]) -> Template | Redirect:
    gebruiker = await queries.get_gebruiker(gebruiker_id)
    if gebruiker is None:
        raise NotFoundException()
    form = GebruikerForm.parse(await read_form(request))
    user = current(request)
    assert user is not None  # guarded
    try:
        await domain.update_gebruiker(
            gebruiker_id=gebruiker_id,
            rol=form.rol,
            gemeente_slug=form.gemeente,
            is_actief=form.is_actief,
            door=user.id,
        )
    except domain.OngeldigeInvoer as exc:
        waarden = {"rol": form.rol, "gemeente": form.gemeente, "is_actief": form.is_actief}
        return await _gebruiker_form(
            request, gebruiker=gebruiker, waarden=waarden, fouten=exc.fouten, status=422
        )
    return Redirect(path="/beheer/gebruikers?opgeslagen=1")


@post("/beheer/gebruikers/{gebruiker_id:int}/herstellink", guards=beheerder)
async def send_reset_link(request: Request, gebruiker_id: FromPath[int]) -> Template | Redirect:
    gebruiker = await queries.get_gebruiker(gebruiker_id)
    if gebruiker is None:
        raise NotFoundException()
    user = current(request)
    assert user is not None  # guarded
    try:
        await domain.send_reset_link(settings_of(request), gebruiker_id=gebruiker_id, door=user.id)
    except domain.OngeldigeInvoer as exc:
        return await _gebruiker_form(
            request, gebruiker=gebruiker, waarden=_waarden(gebruiker), fouten=exc.fouten, status=422
        )
    return Redirect(path=f"/beheer/gebruikers/{gebruiker_id}?herstellink=1")


iedereen_ingelogd = [alleen(Rol.BEHEERDER, Rol.RAADSLID, Rol.AMBTENAAR)]


def _wachtwoord_page(fouten: dict[str, str], status: int = 200, gewijzigd: bool = False) -> Template:
    return Template(
        "accounts/wachtwoord_wijzigen.html",
        status_code=status,
        context={"fouten": fouten, "gewijzigd": gewijzigd},
    )


@get("/account/wachtwoord", guards=iedereen_ingelogd)
async def password_page(request: Request) -> Template:
    return _wachtwoord_page({}, gewijzigd=bool(request.query_params.get("gewijzigd")))


@post("/account/wachtwoord", guards=iedereen_ingelogd)
async def change_password(request: Request) -> Template | Redirect:
    form = WachtwoordForm.parse(await read_form(request))
    user = current(request)
    assert user is not None  # guarded
    try:
        await domain.change_password(
            settings_of(request),
            user,
            huidig=form.huidig,
            nieuw=form.nieuw,
            herhaling=form.herhaling,
            adres=_adres(request),
        )
    except (domain.TeVeelPogingen, passwords.TeDruk) as exc:
        raise _too_many(exc) from None
    except domain.OngeldigeInvoer as exc:
        return _wachtwoord_page(exc.fouten, status=422)
    return Redirect(path="/account/wachtwoord?gewijzigd=1")


@get("/wachtwoord-vergeten", opt=PUBLIEK)
async def forgotten_page(request: Request) -> Template:
    return Template("accounts/wachtwoord_vergeten.html", context={"verstuurd": False, "fout": None})


@post("/wachtwoord-vergeten", opt=PUBLIEK)
async def forgotten(request: Request) -> Template:
    email = (await read_form(request)).get("email", "").strip()[:254]
    if "@" not in email:
        return Template(
            "accounts/wachtwoord_vergeten.html",
            status_code=422,
            context={"verstuurd": False, "fout": "Vul uw e-mailadres in, zoals naam@velsen.nl."},
        )
    try:
        await domain.request_reset(settings_of(request), email=email, adres=_adres(request))
    except domain.TeVeelPogingen as exc:
        minutes = max(1, round(exc.retry_after / 60))
        raise HTTPException(
            status_code=429,
            detail=(
                "Er zijn vanaf hier te veel nieuwe links gevraagd. "
                f"Probeer het over {minutes} minuten opnieuw."
            ),
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
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
async def reset_page(request: Request, token: FromPath[str]) -> Template:
    if not await domain.reset_link_is_valid(token):
        return _herstel_ongeldig(domain.HerstellinkOngeldig())
    return _herstel_page(token, {})


@post("/wachtwoord-herstellen/{token:str}", opt=PUBLIEK)
async def reset_password(request: Request, token: FromPath[str]) -> Template | Redirect:
    form = WachtwoordForm.parse(await read_form(request))
    try:
        await domain.reset_password(
            settings_of(request),
            token=token,
            nieuw=form.nieuw,
            herhaling=form.herhaling,
            adres=_adres(request),
        )
    except passwords.TeDruk as exc:
        raise _too_many(exc) from None
    except domain.HerstellinkOngeldig as exc:
        return _herstel_ongeldig(exc)
    except domain.OngeldigeInvoer as exc:
        return _herstel_page(token, exc.fouten, status=422)
    response = Redirect(path="/inloggen?hersteld=1")
    if request.cookies.get(SESSION_COOKIE):
        # Every session of the account ended; a stale cookie in this browser is cleared too.
        response.set_cookie(_session_cookie(settings_of(request), "", max_age=0))
    return response


@get("/raad/{gemeente:str}", guards=[alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente])
async def werkbank(request: Request, gemeente: FromPath[str]) -> Template:
    info = await queries.get_gemeente(gemeente)
    if info is None:
        raise NotFoundException()
    return Template(
        "accounts/werkbank.html",
        context={"gemeente": info, "raadsleden": await queries.raadsleden(info["id"])},
    )


ROUTES = [
    home,
    login_page,
    login,
    logout,
    gebruikers,
    new_gebruiker_page,
    create_gebruiker,
    gebruiker_page,
    update_gebruiker,
    send_reset_link,
    password_page,
    change_password,
    forgotten_page,
    forgotten,
    reset_page,
    reset_password,
    werkbank,
]
