"""Poll pages: the council builds and follows a peiling; a resident answers it on a phone.

Thin: parse, guard, one domain call, render. The resident's form works as a plain form post;
errors come back next to the item they concern. The council's pages are two routers (a new
poll under its vraag, and everything of one poll) that name the guards once; the signed-in
person, the settings and the council of the URL come in as dependencies (participatie/web.py).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from litestar import Request, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from markupsafe import Markup

from participatie import csvexport, sjablonen, sleutels, taal, tijd
from participatie.accounts import domain as accounts
from participatie.accounts.domain import Ingelogd
from participatie.accounts.guards import PUBLIEK, SESSION_COOKIE, alleen, eigen_gemeente
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Rol
from participatie.config import Settings
from participatie.fouten import OngeldigeInvoer, TeVaak
from participatie.invoer import read_form
from participatie.peilingen import adressen, domain, export, papier, queries, talen
from participatie.peilingen.beheer import NO_STORE, beheerbaar
from participatie.peilingen.domain import Formulier, ItemInvoer
from participatie.peilingen.tables import Soort, Status, Toegang
from participatie.rapporten import domain as rapporten
from participatie.taalhulp import domain as taalhulp
from participatie.vragen import domain as vragen

raad = [alleen(Rol.RAADSLID, Rol.BEHEERDER), eigen_gemeente]
BROWSER_COOKIE = "participatie_deelname"
KIOSK_COOKIE = "participatie_kiosk"
# The poster's QR code, in mm on the A4 page: 110 mm scans from a few metres, centred.
POSTER_QR_MM = 110
POSTER_QR_X = (210 - POSTER_QR_MM) / 2
POSTER_QR_Y = 70
# A kiosk form left alone this long goes back to empty for the next person (static/kiosk.js;
# without JavaScript only the thank-you state refreshes, since that holds nobody's answers).
KIOSK_WACHT_S = 120

Gemeente = NamedDependency[GemeenteRij]


# The one check every council page of a poll starts with (shared with papier.py, talen_routes.py).
_beheer = beheerbaar


def _link(settings: Settings, formulier: Formulier) -> str:
    return f"{settings.base_url.rstrip('/')}/p/{formulier.sleutel}"


def _pad(gemeente_info: GemeenteRij, peiling_id: int, rest: str = "") -> str:
    return f"/raad/{gemeente_info.slug}/peilingen/{peiling_id}{rest}"


# --- the council: a new poll under its vraag --------------------------------------------------


async def _vraag(user: Ingelogd, vraag_id: int) -> dict[str, Any]:
    vraag = await vragen.load_vraag_for(user, vraag_id)
    if vraag is None:
        raise NotFoundException()
    return vraag


def _nieuw(
    gemeente_info: GemeenteRij,
    vraag: dict[str, Any],
    waarden: dict[str, str],
    *,
    fouten: dict[str, str] | None = None,
    melding: str = "",
    status: int = 200,
) -> Template:
    return Template(
        "peilingen/nieuw.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "vraag": vraag,
            "waarden": waarden,
            "fouten": fouten or {},
            "melding": melding,
        },
    )


@get("/nieuw")
async def new_peiling_page(
    user: NamedDependency[Ingelogd], gemeente_info: Gemeente, vraag_id: FromPath[int]
) -> Template:
    vraag = await _vraag(user, vraag_id)
    return _nieuw(gemeente_info, vraag, {"titel": "", "intro": "", "toegang": "link"})


@post("/nieuw")
async def create_peiling(
    request: Request, user: NamedDependency[Ingelogd], gemeente_info: Gemeente, vraag_id: FromPath[int]
) -> Template | Redirect:
    vraag = await _vraag(user, vraag_id)
    data = await read_form(request)
    waarden = {k: data.get(k, "") for k in ("titel", "intro", "toegang")}
    try:
        peiling_id = await domain.create_peiling(
            user, vraag_id, titel=waarden["titel"], intro=waarden["intro"], toegang=waarden["toegang"]
        )
    except OngeldigeInvoer as exc:
        return _nieuw(gemeente_info, vraag, waarden, fouten=exc.fouten, status=exc.status)
    except domain.PeilingError as exc:
        return _nieuw(gemeente_info, vraag, waarden, melding=exc.melding, status=exc.status)
    return Redirect(path=_pad(gemeente_info, peiling_id))


# --- the council: one poll ---------------------------------------------------------------------


def _first_lower(text: str) -> str:
    """A kind's explanation after its label and a colon reads mid-sentence: lower case first."""
    return text[:1].lower() + text[1:]


async def _beheer_page(
    settings: Settings,
    gemeente_info: GemeenteRij,
    formulier: Formulier,
    *,
    fouten: dict[str, str] | None = None,
    melding: str = "",
    invoer: dict[str, str] | None = None,
    soort: str = "",
    toegevoegd: str = "",
    status: int = 200,
) -> Template:
    vraag = await vragen.load_vraag(formulier.vraag_id)
    # The same rule publish() enforces: the button shows only when pressing it would work,
    # and otherwise the page lists everything that is still missing.
    bezwaren = (
        domain.publish_bezwaren(
            status=formulier.status,
            stap=vraag["stap"],
            gewone_vragen=sum(1 for item in formulier.items if not item.is_achtergrond),
            sluit_at=tijd.as_utc(formulier.sluit_at) if formulier.sluit_at else None,
            moment=tijd.now(),
        )
        if formulier.status is Status.CONCEPT
        else []
    )
    invoer = invoer or {}
    # The builder asks per kind of question only what that kind needs: first the kind (from
    # the link ?soort=, or the item form that came back with an error), then its own form.
    gekozen = _soort(soort or invoer.get("soort", ""))
    return Template(
        "peilingen/beheer.html",
        status_code=status,
        context={
            "gemeente": gemeente_info,
            "peiling": formulier,
            "vraag": vraag,
            "bezwaren": bezwaren,
            "heeft_antwoorden": await domain.has_antwoorden(formulier.peiling_id),
            "codes": await queries.code_counts(formulier.peiling_id),
            "kiosks": await queries.kiosks_van(formulier.peiling_id),
            "link": _link(settings, formulier),
            "soorten": list(domain.SOORT_LABELS.items()),
            "soort_opties": [
                (s.value, f"{taal.gettext(label)}: {_first_lower(taal.gettext(domain.SOORT_UITLEG[s]))}")
                for s, label in domain.SOORT_LABELS.items()
            ],
            "gekozen": gekozen,
            "velden": domain.SOORT_VELDEN[gekozen] if gekozen else (),
            "soort_uitleg": domain.SOORT_UITLEG,
            # Focus the chosen kind's form when the page (or htmx's swap) just opened it.
            "focus_op_vraag": bool(soort) and gekozen is not None and not fouten,
            # The question just added (add_item's redirect): marked and focused in the list.
            "toegevoegd": int(toegevoegd) if toegevoegd.isdigit() else None,
            "fouten": fouten or {},
            "melding": melding,
            "invoer": invoer,
            "Status": Status,
            "Soort": Soort,
            "Toegang": Toegang,
            # The B1 signal (issue 15) of the introduction and the questions as they are now, and
            # of a question that came back refused; htmx refreshes them while typing.
            "signalen": await taalhulp.meet_alle(
                {
                    "intro": invoer.get("intro", formulier.intro or ""),
                    "vragen": "\n".join(item.tekst for item in formulier.items if not item.is_achtergrond),
                    "nieuw": invoer.get("tekst", ""),
                }
            ),
        },
        headers=NO_STORE,
    )


def _soort(value: str) -> Soort | None:
    try:
        return Soort(value)
    except ValueError:
        return None


@get("/")
async def beheer_page(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template:
    return await _beheer_page(
        settings,
        gemeente_info,
        await _beheer(user, peiling_id),
        soort=request.query_params.get("soort", "")[:20],
        toegevoegd=request.query_params.get("toegevoegd", "")[:12],
    )


async def _change(
    user: Ingelogd,
    settings: Settings,
    gemeente_info: GemeenteRij,
    peiling_id: int,
    change: Callable[[], Awaitable[object]],
    data: dict[str, str] | None = None,
    naar: Callable[[object], str] | None = None,
) -> Template | Redirect:
    """Run one council action on the poll; a refusal of this domain shows the builder page
    with the message (by its field for invalid input) and the refusal's own status. `naar`
    turns the action's result into the address to go to after it (default: the builder)."""
    await _beheer(user, peiling_id)
    try:
        uitkomst = await change()
    except (OngeldigeInvoer, domain.PeilingError) as exc:
        formulier = await _beheer(user, peiling_id)
        fouten = exc.fouten if isinstance(exc, OngeldigeInvoer) else None
        melding = "" if isinstance(exc, OngeldigeInvoer) else exc.melding
        return await _beheer_page(
            settings, gemeente_info, formulier, fouten=fouten, melding=melding, invoer=data, status=exc.status
        )
    return Redirect(path=naar(uitkomst) if naar else _pad(gemeente_info, peiling_id))


@post("/")
async def update_peiling(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template | Redirect:
    data = await read_form(request)
    return await _change(
        user,
        settings,
        gemeente_info,
        peiling_id,
        lambda: domain.update_peiling(
            user,
            peiling_id,
            titel=data.get("titel", ""),
            intro=data.get("intro", ""),
            toegang=data.get("toegang", ""),
            opent_at=data.get("opent_at", ""),
            sluit_at=data.get("sluit_at", ""),
        ),
        data,
    )


@post("/items")
async def add_item(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template | Redirect:
    data = await read_form(request)
    invoer = ItemInvoer(
        soort=data.get("soort", ""),
        tekst=data.get("tekst", ""),
        toelichting=data.get("toelichting", ""),
        verplicht=data.get("verplicht") == "ja",
        is_achtergrond=data.get("is_achtergrond") == "ja",
        keuzes=data.get("keuzes", "").splitlines(),
        max_keuzes=data.get("max_keuzes", ""),
        min_getal=data.get("min_getal", ""),
        max_getal=data.get("max_getal", ""),
        max_lengte=data.get("max_lengte", ""),
        label_laag=data.get("label_laag", ""),
        label_hoog=data.get("label_hoog", ""),
    )
    # Back on the builder at the new question: the fragment scrolls to it and, as the item is
    # focusable (tabindex=-1), Chromium also moves focus there, with and without JavaScript.
    # (autofocus would not do: a browser skips autofocus when the address has a fragment.)
    return await _change(
        user,
        settings,
        gemeente_info,
        peiling_id,
        lambda: domain.add_item(user, peiling_id, invoer),
        data,
        naar=lambda item_id: _pad(gemeente_info, peiling_id, f"?toegevoegd={item_id}#item-{item_id}"),
    )


@post("/items/{item_id:int}")
async def change_item(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
    item_id: FromPath[int],
) -> Template | Redirect:
    formulier = await _beheer(user, peiling_id)
    if item_id not in {i.id for i in formulier.items}:
        raise NotFoundException()
    data = await read_form(request)
    actie = data.get("actie", "")
    change: Callable[[], Awaitable[object]]
    if actie == "omhoog":
        change = lambda: domain.move_item(user, item_id, -1)  # noqa: E731
    elif actie == "omlaag":
        change = lambda: domain.move_item(user, item_id, +1)  # noqa: E731
    elif actie == "weg":
        change = lambda: domain.remove_item(user, item_id)  # noqa: E731
    else:
        change = lambda: domain.update_item_tekst(  # noqa: E731
            user, item_id, tekst=data.get("tekst", ""), toelichting=data.get("toelichting", "")
        )
    return await _change(user, settings, gemeente_info, peiling_id, change, data)


@post("/publiceren")
async def publish(
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template | Redirect:
    return await _change(user, settings, gemeente_info, peiling_id, lambda: domain.publish(user, peiling_id))


@post("/sluiten")
async def close(
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template | Redirect:
    return await _change(
        user, settings, gemeente_info, peiling_id, lambda: domain.close_early(user, peiling_id)
    )


@post("/codes")
async def create_codes(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template | Response[str]:
    """The codes are shown once, as a download for the mail merge; only their hashes stay."""
    formulier = await _beheer(user, peiling_id)
    data = await read_form(request)
    try:
        aantal = int(data.get("aantal", ""))
    except ValueError:
        aantal = 0
    try:
        codes = await domain.create_codes(user, peiling_id, aantal, settings.secret_key)
    except OngeldigeInvoer as exc:
        return await _beheer_page(settings, gemeente_info, formulier, fouten=exc.fouten, status=exc.status)
    link = _link(settings, formulier)
    rows = [["code", "link"], *[[code, f"{link}?code={code}"] for code in codes]]
    return csvexport.response(rows, f"codes-peiling-{peiling_id}.csv")


@get("/poster.svg")
async def poster(
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template:
    """An A4 poster (SVG, prints at its size) with the title, the short link and a QR code."""
    formulier = await _beheer(user, peiling_id)
    link = _link(settings, formulier)
    qr = segno.make(link, error="m")
    # The QR is its own <svg> with an explicit place and size on the 210 x 297 page: without
    # width/height a nested <svg> fills the whole page. The four-module white margin (quiet
    # zone) is part of the symbol; phone cameras need it to find the code.
    paths = qr.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True)
    qr_svg = paths.replace(
        "<svg ",
        f'<svg x="{POSTER_QR_X}" y="{POSTER_QR_Y}" width="{POSTER_QR_MM}" height="{POSTER_QR_MM}" ',
        1,
    )
    return Template(
        "peilingen/poster.svg",
        media_type="image/svg+xml",
        context={
            "titel": formulier.titel,
            "link": link,
            "raad_naam": gemeente_info.raad_naam,
            "qr": Markup(qr_svg),  # noqa: S704 - segno's own SVG, nothing of ours in it but the link it encodes
        },
    )


@get("/uitslag")
async def uitslag(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template:
    formulier = await _beheer(user, peiling_id)
    try:
        achtergrond_id: int | None = int(request.query_params.get("uitsplitsen", ""))
    except ValueError:
        achtergrond_id = None
    return Template(
        "peilingen/uitslag.html",
        context={
            "gemeente": gemeente_info,
            "peiling": formulier,
            "uitslag": await queries.results(formulier, achtergrond_id=achtergrond_id),
            "drukte": await queries.bursts(formulier.peiling_id, settings.peiling_druk_per_minuut),
            "achtergronden": [i for i in formulier.items if i.is_achtergrond],
            "achtergrond_id": achtergrond_id,
            "min_groep": queries.MIN_GROEP,
            "Soort": Soort,
            "Status": Status,
        },
        headers=NO_STORE,
    )


@post("/antwoorden/{waarde_id:int}")
async def hide_answer(
    request: Request,
    user: NamedDependency[Ingelogd],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
    waarde_id: FromPath[int],
) -> Redirect:
    await _beheer(user, peiling_id)
    data = await read_form(request)
    await domain.hide_open_answer(user, peiling_id, waarde_id, data.get("verborgen") == "ja")
    return Redirect(path=_pad(gemeente_info, peiling_id, "/uitslag#open-antwoorden"))


@get("/voorbeeld")
async def preview(user: NamedDependency[Ingelogd], peiling_id: FromPath[int]) -> Template:
    formulier = await _beheer(user, peiling_id)
    return Template(
        "peilingen/formulier.html",
        context=_form_context(formulier, actie="", voorbeeld=True),
        headers=NO_STORE,
    )


@post("/kiosk")
async def unlock_kiosk(
    request: Request,
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
) -> Template | Redirect:
    """Turn this device into a kiosk for one poll. The council member's session ends here and
    now: the tablet keeps only a kiosk token that opens this poll's kiosk form, so nobody at
    the tablet can reach the council's pages, not even with Back."""
    formulier = await _beheer(user, peiling_id)
    try:
        ontgrendeld = await domain.unlock_kiosk(user, peiling_id)
    except domain.PeilingError as exc:
        return await _beheer_page(settings, gemeente_info, formulier, melding=exc.melding, status=exc.status)
    if token := request.cookies.get(SESSION_COOKIE):
        await accounts.logout(token)
    seconds = max(1, int((ontgrendeld.verloopt_at - tijd.now()).total_seconds()))
    return Redirect(
        path="/kiosk",
        status_code=303,
        cookies=[
            Cookie(
                key=KIOSK_COOKIE,
                value=ontgrendeld.token,
                max_age=seconds,
                path="/kiosk",
                httponly=True,
                samesite="strict",
                secure=settings.is_https,
            ),
            Cookie(
                key=SESSION_COOKIE,
                value="",
                max_age=0,
                path="/",
                httponly=True,
                samesite="lax",
                secure=settings.is_https,
            ),
        ],
        # Drop the council pages this browser kept (HTTP cache, back/forward cache).
        headers={"Clear-Site-Data": '"cache"', **NO_STORE},
    )


@post("/kiosk/{kiosk_id:int}/intrekken")
async def revoke_kiosk(
    user: NamedDependency[Ingelogd],
    settings: NamedDependency[Settings],
    gemeente_info: Gemeente,
    peiling_id: FromPath[int],
    kiosk_id: FromPath[int],
) -> Template | Redirect:
    return await _change(
        user, settings, gemeente_info, peiling_id, lambda: domain.revoke_kiosk(user, peiling_id, kiosk_id)
    )


# --- answering: the resident, and the kiosk -------------------------------------------------


def _browser_id(request: Request, settings: Settings) -> tuple[str, str] | None:
    """The browser's random id from its signed cookie and the key of the ring that signed it,
    or None (no cookie, forged, or signed by a key no longer in the ring)."""
    raw = request.cookies.get(BROWSER_COOKIE, "")
    value, _, signature = raw.partition(".")
    if not value:
        return None
    secret = sleutels.key_of(settings.secret_ring, value, signature, 32)
    return None if secret is None else (value, secret)


def _browser_cookie(request: Request, settings: Settings) -> list[Cookie]:
    # A cookie signed by an older key of the ring is kept: its participation keys were made
    # with that key (submit), so re-signing it would let the browser answer once more.
    if _browser_id(request, settings) is not None:
        return []
    value = secrets.token_urlsafe(16)
    signed = f"{value}.{sleutels.keyed(settings.secret_key, value)[:32]}"
    return [
        Cookie(
            key=BROWSER_COOKIE,
            value=signed,
            max_age=400 * 24 * 3600,
            path="/p/",
            httponly=True,
            samesite="lax",
            secure=settings.is_https,
        )
    ]


@dataclass(frozen=True)
class PeilingInTaal:
    """The language a resident reads a poll in: the form in it, and the platform's own texts.

    `gekozen` is None for Dutch (the poll's own text). The platform's texts (buttons, errors,
    headings) follow the site language for Dutch; for any other poll language they are English:
    the poll's own language when it is English, otherwise the most widely read of the two we
    have, marked as such while the poll's texts carry their own lang (WCAG 3.1.2)."""

    formulier: Formulier
    gekozen: talen.Taal | None
    aangeboden: tuple[talen.Taal, ...]
    platform: str

    @property
    def code(self) -> str:
        return self.gekozen.code if self.gekozen else talen.NL

    @property
    def rtl(self) -> bool:
        return self.gekozen is not None and self.gekozen.richting == "rtl"

    @property
    def attr(self) -> Markup:
        """The lang (and dir) of the poll's own texts where they differ from the page's."""
        if self.code == self.platform:
            return Markup("")
        richting = f' dir="{self.gekozen.richting}"' if self.gekozen else ""
        return Markup(f' lang="{self.code}"{richting}')  # noqa: S704 - a code from our own list

    def query(self, taal_code: str, **extra: str) -> str:
        """ "?taal=ar&code=..." for a link in `taal_code` ("nl": without taal)."""
        params = {"taal": taal_code} if taal_code != talen.NL else {}
        params.update({k: v for k, v in extra.items() if v})
        return f"?{urlencode(params)}" if params else ""


async def _peilingtaal(formulier: Formulier, gevraagd: str | None) -> PeilingInTaal:
    """The poll in the language asked for, when it is offered; anything else (unknown, not
    offered, not complete, hostile) gets the Dutch form, never an error."""
    aangeboden = tuple(await talen.aangeboden(formulier))
    code = talen.normalise((gevraagd or "")[:40]) if gevraagd else ""
    gekozen = next((t for t in aangeboden if t.code == code), None)
    if gekozen is None:
        return PeilingInTaal(formulier, None, aangeboden, taal.huidige_taal())
    teksten = (await talen.vertalingen(formulier)).get(gekozen.code, {})
    return PeilingInTaal(talen.vertaal(formulier, teksten), gekozen, aangeboden, taal.EN)


class _TaalTemplate(Template):
    """A page rendered with the platform's texts in one language (PeilingInTaal.platform)."""

    def __init__(self, *args: Any, platform: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        with taal.in_taal(self.platform):
            return super().to_asgi_response(*args, **kwargs)


def _taal_context(pt: PeilingInTaal, pad: str, **extra: str) -> dict[str, Any]:
    """What the resident's pages need to show the language picker and mark the languages."""
    nl = talen.taal_info(talen.NL)
    keuzes = [(nl, pt.query(talen.NL, **extra))] if pt.aangeboden else []
    keuzes += [(t, pt.query(t.code, **extra)) for t in pt.aangeboden]
    return {
        "peiling_taal": pt,
        "taal_attr": pt.attr,
        "rtl": pt.rtl,
        "taal_keuzes": [(t, f"{pad}{q}") for t, q in keuzes],
    }


def _form_context(
    formulier: Formulier,
    *,
    actie: str,
    fouten: dict[str, str] | None = None,
    gekozen: dict[str, list[str]] | None = None,
    melding: str = "",
    kiosk: bool = False,
    voorbeeld: bool = False,
    code: str = "",
    pt: PeilingInTaal | None = None,
) -> dict[str, Any]:
    vragen_zichtbaar = formulier.items
    pt = pt or PeilingInTaal(formulier, None, (), taal.huidige_taal())
    return {
        **_taal_context(pt, "/kiosk" if kiosk else f"/p/{formulier.sleutel}", code=code),
        "items_html": "",
        "peiling": formulier,
        "items": vragen_zichtbaar,
        "aantal": len(vragen_zichtbaar),
        "actie": actie,
        "fouten": fouten or {},
        "gekozen": gekozen or {},
        "melding": melding,
        "kiosk": kiosk,
        "voorbeeld": voorbeeld,
        "code": code,
        "formulier_token": secrets.token_urlsafe(16),
        "Soort": Soort,
        "Toegang": Toegang,
        "thema": formulier.thema,
        "kiosk_wacht": KIOSK_WACHT_S,
        "kiosk_klaar": False,
        "aantal_talen": len(pt.aangeboden),
    }


async def _public(sleutel: str) -> Formulier:
    formulier = await domain.load_formulier(sleutel=sleutel)
    if formulier is None or formulier.status is Status.CONCEPT:
        raise NotFoundException()
    return formulier


async def _verder(formulier: Formulier) -> dict[str, Any]:
    """Where a resident can go after a poll, so that its last page is no dead end: the
    council's public page with reports, and the report itself once it is published."""
    raad = await vragen.raad_of({"gemeente": formulier.gemeente_id})
    rapport = await rapporten.load_rapport(formulier.vraag_id)
    gepubliceerd = rapport is not None and rapport["gepubliceerd_at"] is not None
    return {
        "raad": raad,
        "rapport_pad": f"/rapporten/{raad['slug']}/{rapport['sleutel']}" if rapport and gepubliceerd else "",
    }


async def _not_open_page(
    formulier: Formulier, status: int = 200, *, kiosk: bool = False, pt: PeilingInTaal | None = None
) -> Template:
    pt = pt or PeilingInTaal(formulier, None, (), taal.huidige_taal())
    formulier = pt.formulier
    return _TaalTemplate(
        "peilingen/niet_open.html",
        platform=pt.platform,
        status_code=status,
        context={
            **(await _verder(formulier)),
            **_taal_context(pt, "/kiosk" if kiosk else f"/p/{formulier.sleutel}"),
            "kiosk": kiosk,
            "peiling": formulier,
            "thema": formulier.thema,
            "Status": Status,
            "is_gesloten": formulier.status is Status.GESLOTEN
            or (formulier.sluit_at is not None and formulier.sluit_at <= tijd.now()),
        },
        headers={"Cache-Control": "no-store"},
    )


@get("/{sleutel:str}", opt=PUBLIEK)
async def answer_page(
    request: Request, settings: NamedDependency[Settings], sleutel: FromPath[str]
) -> Template:
    formulier = await _public(sleutel)
    pt = await _peilingtaal(formulier, request.query_params.get("taal"))
    with taal.in_taal(pt.platform):
        if not domain.is_open(formulier):
            return await _not_open_page(formulier, pt=pt)
        context = _form_context(
            pt.formulier, actie=f"/p/{sleutel}", code=request.query_params.get("code", "")[:20], pt=pt
        )
        context["items_html"] = _blank_items(pt)
    return _TaalTemplate(
        "peilingen/formulier.html",
        platform=pt.platform,
        context=context,
        cookies=_browser_cookie(request, settings),
        headers={"Cache-Control": "no-store"},
    )


_blank_cache: dict[tuple[int, str, int, str, str], Markup] = {}


def _blank_items(pt: PeilingInTaal) -> Markup:
    """The poll's questions with nothing filled in, rendered once per poll version: every
    first visit shows the same, and it was a third of the page's cost."""
    # The random sleutel keeps two databases (tests, benchmarks) from sharing an entry.
    # And the language: the first visitor's language must not be served to everyone.
    # And the poll's language, which the same visitor may switch.
    formulier = pt.formulier
    key = (formulier.peiling_id, formulier.sleutel, formulier.versie, taal.huidige_taal(), pt.code)
    html = _blank_cache.get(key)
    if html is None:
        if len(_blank_cache) > 200:
            _blank_cache.clear()
        # The one environment of sjablonen.py: the same filters and escaping as the pages.
        html = Markup(  # noqa: S704 - the output of our own autoescaping template
            sjablonen.environment()
            .get_template("peilingen/_items.html")
            .render(
                items=formulier.items,
                aantal=len(formulier.items),
                gekozen={},
                fouten={},
                Soort=Soort,
                taal_attr=pt.attr,
                rtl=pt.rtl,
            )
        )
        _blank_cache[key] = html
    return html


async def _form_values(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {key: [v for v in form.getall(key) if isinstance(v, str)] for key in form}


def _drempels(settings: Settings) -> domain.Drempels:
    return domain.Drempels(
        druk_per_minuut=settings.peiling_druk_per_minuut,
        max_per_minuut=settings.peiling_max_per_minuut,
        per_adres=settings.peiling_limiet_per_adres,
        vertraging_s=settings.peiling_vertraging_ms / 1000,
    )


async def _slow_down_if_busy(ontvangen: domain.Ontvangen, drempels: domain.Drempels) -> None:
    """Above the busy threshold every answer waits a little: a script flooding the poll one
    request at a time slows down, a resident hardly notices."""
    if ontvangen.is_druk:
        await asyncio.sleep(drempels.vertraging_s)


@post("/{sleutel:str}", opt=PUBLIEK)
async def submit(
    request: Request, settings: NamedDependency[Settings], sleutel: FromPath[str]
) -> Template | Redirect:
    formulier = await _public(sleutel)
    data = await _form_values(request)
    # The form carries its language: errors come back in it, and the answer counts under it.
    pt = await _peilingtaal(formulier, (data.get("taal") or [""])[0])
    with taal.in_taal(pt.platform):
        return await _submit(request, settings, sleutel, pt, data)


async def _submit(
    request: Request, settings: Settings, sleutel: str, pt: PeilingInTaal, data: dict[str, list[str]]
) -> Template | Redirect:
    formulier = pt.formulier
    if not domain.is_open(formulier):
        return await _not_open_page(formulier, status=409, pt=pt)
    secret = settings.secret_key
    gegeven, fouten = domain.parse_antwoorden(formulier, data)
    code = (data.get("code") or [""])[0].strip().upper().replace(" ", "")
    code_hashes = None
    adres_sleutel = sleutels.keyed(secret, f"adres:{request.client.host if request.client else ''}")
    if formulier.toegang is Toegang.CODES:
        if not code:
            fouten["code"] = taal.gettext("Vul de code in die u kreeg.")
        # A code handed out before a key rotation is stored under an older key of the ring.
        code_hashes = sleutels.keyed_all(settings.secret_ring, f"code:{code}")
        deelname = code_hashes[0]
        bron = "code"
    else:
        browser = _browser_id(request, settings)
        token = (data.get("formulier") or [""])[0][:64]
        # Keyed with the key that signed the cookie: a browser that answered before a key
        # rotation is still recognised. Without cookies the form's own token stops a double click.
        deelname = (
            sleutels.keyed(browser[1], f"browser:{formulier.peiling_id}:{browser[0]}")
            if browser
            else sleutels.keyed(secret, f"formulier:{token}")
        )
        bron = "link"
    if fouten:
        return _answer_again(pt, f"/p/{sleutel}", fouten, data, code)
    drempels = _drempels(settings)
    bedankt = f"/p/{sleutel}/bedankt"
    try:
        ontvangen = await domain.submit(
            formulier,
            gegeven,
            bron=bron,
            deelname_sleutel=deelname,
            code_hashes=code_hashes,
            adres_sleutel=adres_sleutel,
            drempels=drempels,
            taal=pt.code,
        )
    except domain.AlBeantwoord:
        return Redirect(path=bedankt + pt.query(pt.code, al="1"))
    except domain.NietOpen as exc:
        return await _not_open_page(formulier, status=exc.status, pt=pt)
    except (domain.OngeldigeCode, domain.TeVeelCodes) as exc:
        # About the code: the message goes by the code field.
        return _answer_again(pt, f"/p/{sleutel}", {"code": exc.melding}, data, code, refusal=exc)
    except domain.TeVeelInzendingen as exc:
        return _answer_again(pt, f"/p/{sleutel}", {}, data, code, melding=exc.melding, refusal=exc)
    await _slow_down_if_busy(ontvangen, drempels)
    # The proof that this browser just answered: it may leave one address (adressen.py).
    return Redirect(path=bedankt + pt.query(pt.code), cookies=[_adres_bewijs_cookie(settings, formulier)])


def _answer_again(
    pt: PeilingInTaal,
    actie: str,
    fouten: dict[str, str],
    data: dict[str, list[str]],
    code: str,
    *,
    melding: str = "",
    kiosk: bool = False,
    refusal: domain.PeilingError | None = None,
) -> Template:
    """The form again with what was filled in; with `refusal`, its status (and Retry-After)."""
    headers = {"Cache-Control": "no-store"}
    if isinstance(refusal, TeVaak):
        headers["Retry-After"] = str(refusal.retry_after)
    return _TaalTemplate(
        "peilingen/formulier.html",
        platform=pt.platform,
        status_code=refusal.status if refusal is not None else 422,
        context=_form_context(
            pt.formulier,
            actie=actie,
            fouten=fouten,
            gekozen=data,
            melding=melding,
            code=code,
            kiosk=kiosk,
            pt=pt,
        ),
        headers=headers,
    )


@get("/{sleutel:str}/bedankt", opt=PUBLIEK)
async def thanks(request: Request, settings: NamedDependency[Settings], sleutel: FromPath[str]) -> Template:
    formulier = await _public(sleutel)
    # The thank-you page stays in the language the form was answered in.
    pt = await _peilingtaal(formulier, request.query_params.get("taal"))
    with taal.in_taal(pt.platform):
        return await _thanks(request, settings, pt)


async def _thanks(request: Request, settings: Settings, pt: PeilingInTaal) -> Template:
    formulier = pt.formulier
    adres = request.query_params.get("adres")
    # After a mistyped or a refused address (leave_address redirected here): its message, and
    # what was typed. A refusal whose cookie has expired still reads right: the page works out
    # a closed poll or a sent report for itself (adres_status).
    fout = (
        adressen.open_invulfout(
            settings.secret_ring, formulier.peiling_id, request.cookies.get(adressen.FOUT_COOKIE, "")
        )
        if adres in ("fout", "geweigerd")
        else None
    )
    if adres == "geweigerd":
        reden = (fout.fouten if fout else {}).get(_GEWEIGERD, "")
        geweigerd = (
            adressen.AdresGeweigerd(reden, fout.fouten.get(_RAPPORT) or None) if fout and reden else None
        )
        return await _thanks_page(request, settings, formulier, geweigerd=geweigerd, pt=pt)
    return await _thanks_page(
        request,
        settings,
        formulier,
        pt=pt,
        al=request.query_params.get("al") == "1",
        opgeslagen=adres == "1",
        fouten=fout.fouten if fout else None,
        email=fout.email if fout else "",
        wil_vervolg=fout.wil_vervolg if fout else False,
    )


# --- the address for the final report (adressen.py) -----------------------------------------


def _adres_bewijs_cookie(settings: Settings, formulier: Formulier) -> Cookie:
    return Cookie(
        key=adressen.BEWIJS_COOKIE,
        value=adressen.new_bewijs(settings.secret_key, formulier.peiling_id),
        max_age=adressen.BEWIJS_GELDIG_S,
        path=f"/p/{formulier.sleutel}",
        httponly=True,
        samesite="lax",
        secure=settings.is_https,
    )


def _adres_bewijs(request: Request, settings: Settings, formulier: Formulier) -> str | None:
    cookie = request.cookies.get(adressen.BEWIJS_COOKIE, "")
    return adressen.read_bewijs(settings.secret_ring, formulier.peiling_id, cookie)


async def _thanks_page(
    request: Request,
    settings: Settings,
    formulier: Formulier,
    *,
    al: bool = False,
    opgeslagen: bool = False,
    status_code: int = 200,
    fouten: dict[str, str] | None = None,
    email: str = "",
    wil_vervolg: bool = False,
    geweigerd: adressen.AdresGeweigerd | None = None,
    pt: PeilingInTaal | None = None,
) -> Template:
    """The thank-you page; the address form only where an address would be kept."""
    pt = pt or PeilingInTaal(formulier, None, (), taal.huidige_taal())
    status = await adressen.adres_status(formulier.peiling_id)
    if geweigerd is not None:
        melding, rapport_pad = geweigerd.melding, geweigerd.rapport_pad
    elif not status.kan and not opgeslagen:
        melding, rapport_pad = status.melding, status.rapport_pad
    else:
        melding, rapport_pad = "", None
    heeft_bewijs = _adres_bewijs(request, settings, formulier) is not None
    base_url = settings.base_url.rstrip("/")
    return _TaalTemplate(
        "peilingen/bedankt.html",
        platform=pt.platform,
        status_code=status_code,
        context={
            **(await _verder(formulier)),
            **_taal_context(pt, f"/p/{formulier.sleutel}/bedankt"),
            "peiling": formulier,
            "al": al,
            "opgeslagen": opgeslagen,
            "fouten": fouten or {},
            "email": email,
            "wil_vervolg": wil_vervolg,
            "thema": formulier.thema,
            "adres_formulier": status.kan and geweigerd is None and heeft_bewijs,
            "adres_melding": melding,
            "rapport_link": f"{base_url}{rapport_pad}" if rapport_pad else "",
            "adres_maanden": await adressen.bewaartermijn_maanden(),
            "vervolg_maanden": await rapporten.vervolg_bewaartermijn_maanden(),
        },
        headers={"Cache-Control": "no-store"},
    )


# The refusal's sentence and its report link travel in the sealed Invulfout under these keys
# (no form field is named so).
_GEWEIGERD = "_geweigerd"
_RAPPORT = "_rapport"


def _back_to_thanks(
    settings: Settings, formulier: Formulier, adres: str, inhoud: adressen.Invulfout, taal_code: str = "nl"
) -> Redirect:
    """Post/Redirect/Get to the thank-you page, with `inhoud` in the short-lived sealed cookie."""
    return Redirect(
        path=f"/p/{formulier.sleutel}/bedankt?{_bedankt_query(adres, taal_code)}",
        status_code=303,
        cookies=[
            Cookie(
                key=adressen.FOUT_COOKIE,
                value=adressen.seal_invulfout(settings.secret_key, formulier.peiling_id, inhoud),
                max_age=adressen.FOUT_GELDIG_S,
                path=f"/p/{formulier.sleutel}",
                httponly=True,
                samesite="lax",
                secure=settings.is_https,
            )
        ],
        headers={"Cache-Control": "no-store"},
    )


def _bedankt_query(adres: str, taal_code: str) -> str:
    return urlencode({"adres": adres, **({"taal": taal_code} if taal_code != talen.NL else {})})


@post("/{sleutel:str}/adres", opt=PUBLIEK)
async def leave_address(
    request: Request, settings: NamedDependency[Settings], sleutel: FromPath[str]
) -> Template | Redirect:
    formulier = await _public(sleutel)
    data = await read_form(request)
    # Back to the thank-you page in the language it was shown in (checked again there).
    taal_code = (await _peilingtaal(formulier, data.get("taal", ""))).code
    try:
        await adressen.leave_address(
            formulier.peiling_id,
            data.get("email", ""),
            wil_vervolg=data.get("vervolg") == "ja",
            bewijs=_adres_bewijs(request, settings, formulier),
            secret=settings.secret_ring,
            # Mails are in Dutch or English: a resident who answered in another language read
            # the page around the poll in English, so the report comes in English too.
            taal_code=None if taal_code == "nl" else "en",
        )
    except OngeldigeInvoer as exc:
        # Post/Redirect/Get: the message and what was typed go along in a short-lived sealed
        # cookie, so that Back or reload after a typo never asks to send the form again.
        fout = adressen.Invulfout(
            email=data.get("email", "")[:320], wil_vervolg=data.get("vervolg") == "ja", fouten=exc.fouten
        )
        return _back_to_thanks(settings, formulier, "fout", fout, taal_code)
    except adressen.AdresGeweigerd as exc:
        # A refusal (closed, report sent, no proof, proof used) the same way: Back after it
        # shows the thank-you page, not the browser's "send the form again?". The address that
        # was typed is not carried: it will not be kept, so it need not be shown again.
        fouten = {_GEWEIGERD: exc.melding, _RAPPORT: exc.rapport_pad or ""}
        weigering = adressen.Invulfout(email="", wil_vervolg=False, fouten=fouten)
        return _back_to_thanks(settings, formulier, "geweigerd", weigering, taal_code)
    # The proof is used up: the browser may forget it, and the typo of a first try too.
    spent = [
        Cookie(key=name, value="", max_age=0, path=f"/p/{formulier.sleutel}")
        for name in (adressen.BEWIJS_COOKIE, adressen.FOUT_COOKIE)
    ]
    return Redirect(path=f"/p/{sleutel}/bedankt?{_bedankt_query('1', taal_code)}", cookies=spent)


def _kiosk_closed(status: int = 403) -> Template:
    return Template(
        "peilingen/kiosk_dicht.html",
        status_code=status,
        context={"kiosk": True},
        headers=NO_STORE,
        cookies=[Cookie(key=KIOSK_COOKIE, value="", max_age=0, path="/kiosk")],
    )


async def _kiosk(request: Request) -> Formulier | None:
    try:
        return await domain.load_kiosk(request.cookies.get(KIOSK_COOKIE, ""))
    except domain.KioskGeweigerd:
        return None


@get("/kiosk", opt=PUBLIEK)
async def kiosk_page(request: Request) -> Template:
    """The kiosk form, opened only by the tablet's kiosk token; a fresh, empty form each time."""
    formulier = await _kiosk(request)
    if formulier is None:
        return _kiosk_closed()
    # `?taal=en` is also the kiosk's own switch of the site language (participatie/taal.py):
    # for a poll with an English translation both mean the same.
    pt = await _peilingtaal(formulier, request.query_params.get("taal"))
    with taal.in_taal(pt.platform):
        if not domain.is_open(formulier):
            return await _not_open_page(formulier, kiosk=True, pt=pt)
        klaar = bool(request.query_params.get("klaar"))
        melding = (
            taal.gettext("Dank u wel! Uw antwoorden zijn opgeslagen. Nu is de volgende aan de beurt.")
            if klaar
            else ""
        )
        context = _form_context(pt.formulier, actie="/kiosk", kiosk=True, melding=melding, pt=pt)
    context["kiosk_klaar"] = klaar
    return _TaalTemplate("peilingen/formulier.html", platform=pt.platform, context=context, headers=NO_STORE)


@post("/kiosk", opt=PUBLIEK)
async def kiosk_submit(request: Request, settings: NamedDependency[Settings]) -> Template | Redirect:
    """One tablet, many people: each form carries its own token, so a double tap stores one
    response while the next person can answer again."""
    formulier = await _kiosk(request)
    if formulier is None:
        return _kiosk_closed()
    data = await _form_values(request)
    pt = await _peilingtaal(formulier, (data.get("taal") or [""])[0])
    with taal.in_taal(pt.platform):
        return await _kiosk_submit(settings, pt, data)


async def _kiosk_submit(
    settings: Settings, pt: PeilingInTaal, data: dict[str, list[str]]
) -> Template | Redirect:
    formulier = pt.formulier
    if not domain.is_open(formulier):
        return await _not_open_page(formulier, status=409, kiosk=True, pt=pt)
    gegeven, fouten = domain.parse_antwoorden(formulier, data)
    if fouten:
        return _answer_again(pt, "/kiosk", fouten, data, "", kiosk=True)
    token = (data.get("formulier") or [""])[0][:64]
    drempels = _drempels(settings)
    try:
        ontvangen = await domain.submit(
            formulier,
            gegeven,
            bron="kiosk",
            deelname_sleutel=sleutels.keyed(settings.secret_key, f"kiosk:{token}"),
            drempels=drempels,
            taal=pt.code,
        )
    except domain.AlBeantwoord:
        # The same form twice (a double tap): the first one counted.
        return Redirect(path="/kiosk?klaar=1", status_code=303)
    except domain.TeVeelInzendingen as exc:
        return _answer_again(pt, "/kiosk", {}, data, "", melding=exc.melding, kiosk=True, refusal=exc)
    except domain.NietOpen as exc:
        return await _not_open_page(formulier, status=exc.status, kiosk=True, pt=pt)
    await _slow_down_if_busy(ontvangen, drempels)
    # In Dutch, also after a form in another language: the thank-you page is the next
    # resident's start, with the languages to pick from.
    return Redirect(path="/kiosk?klaar=1", status_code=303)


ROUTES: list[Router | HTTPRouteHandler] = [
    Router(
        path="/raad/{gemeente:str}/vragen/{vraag_id:int}/peilingen",
        guards=raad,
        route_handlers=[new_peiling_page, create_peiling],
    ),
    Router(
        path="/raad/{gemeente:str}/peilingen/{peiling_id:int}",
        guards=raad,
        route_handlers=[
            beheer_page,
            update_peiling,
            add_item,
            change_item,
            publish,
            close,
            create_codes,
            poster,
            uitslag,
            hide_answer,
            preview,
            unlock_kiosk,
            revoke_kiosk,
            *export.HANDLERS,
            *papier.HANDLERS,
        ],
    ),
    # Residents, without an account: each handler says it is public; the link's key opens it.
    Router(path="/p", route_handlers=[answer_page, submit, thanks, leave_address]),
    kiosk_page,
    kiosk_submit,
]
