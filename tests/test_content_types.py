"""Every response says what it is (issue 13): the Content-Type matches the body, and every error
a browser gets is an HTML page.

The route table is read from the app itself, so a new GET route without an entry in `PADEN`
fails `test_every_get_route_has_an_entry`: nobody adds a page without saying what it returns.
Every route is then visited as the person it is meant for, on a world where its objects exist.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from litestar import Litestar, get
from litestar.handlers import HTTPRouteHandler

from participatie.app import template_config
from participatie.config import Settings
from participatie.errors import internal_error_handler
from participatie.focusgroepen import domain as focusgroepen
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Peiling, Waarde
from participatie.rapporten import domain as rapporten
from participatie.vragen.domain import NieuweBijlage
from participatie.vragen.tables import Bijlage
from tests.conftest import csrf_token, login, make_gebruiker
from tests.focusgroepen.test_domain import INWONER, _meeting
from tests.peilingen.test_domain import _vraag_in_voorleggen, answers, make_peiling
from tests.rapporten.test_domain import _written, make_vraag_met_deelnemers
from tests.vragen.test_domain import _aanvraag

HTML = "text/html"
CSV = "text/csv"
PDF = "application/pdf"
SVG = "image/svg+xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
CSS = "text/css"
ICS = "text/calendar"
TEXT = "text/plain"
ICO = "image/x-icon"

BEHEERDER = "beheer@ijmond.example"
ROLLEN = {
    "raadslid": "kees@beverwijk.example",
    "ambtenaar": "marja@beverwijk.example",
    "beheerder": BEHEERDER,
}


@dataclass
class Wereld:
    """One of everything a route can show, all of Beverwijk."""

    vraag_id: int
    bijlage_id: int
    aanvraag_id: int
    aanvraag_bijlage_id: int
    peiling_id: int
    peiling_sleutel: str
    item_id: int
    waarde_id: int
    groep_id: int
    lid_id: int
    bijeenkomst_id: int
    bevinding_id: int
    rapport_vraag_id: int
    rapport_id: int
    rapport_sleutel: str
    rapport_afmelden: str
    gebruiker_id: int
    reactie_pad: str
    afmeld_pad: str


async def _wereld(mensen, settings) -> Wereld:
    raadslid = mensen["raadslid"]
    gebruiker_id = await make_gebruiker(settings, "beheerder", None, email=BEHEERDER)
    pdf = b"%PDF-1.7\n" + b"x" * 100 + b"\n%%EOF\n"
    aanvraag_id = await _aanvraag(mensen["ambtenaar"], bijlagen=[NieuweBijlage("nota.pdf", pdf)])
    bijlage = await Bijlage.select(Bijlage.id).where(Bijlage.vraag == aanvraag_id).first()

    peiling_id = await make_peiling(mensen)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    gegeven, _ = peilingen.parse_antwoorden(formulier, answers(formulier))
    await peilingen.submit(formulier, gegeven, bron="link", deelname_sleutel="type-1")
    sleutel = await Peiling.select(Peiling.sleutel, Peiling.vraag).where(Peiling.id == peiling_id).first()
    waarde = await Waarde.select(Waarde.id).order_by(Waarde.id, ascending=False).first()

    vraag_id = sleutel["vraag"]
    groep_id = await focusgroepen.create_focusgroep(
        raadslid,
        vraag_id,
        thema="Minimaregelingen",
        doel="Horen waar inwoners vastlopen.",
        eind_op=_meeting().datum,
        verantwoordelijke=str(raadslid.id),
    )
    lid_id = await focusgroepen.add_inwoner(raadslid, groep_id, **INWONER)
    await focusgroepen.add_account_lid(raadslid, groep_id, str(mensen["ambtenaar"].id))
    bijeenkomst_id = await focusgroepen.plan_bijeenkomst(raadslid, groep_id, settings, _meeting(days=5))
    bevinding_id = await focusgroepen.add_bevinding(
        raadslid, groep_id, tekst="Het formulier is te lang", steun="unaniem", bijeenkomsten=[]
    )

    rapport_vraag_id = await make_vraag_met_deelnemers(mensen, adressen=1)
    await _written(mensen, rapport_vraag_id)
    await rapporten.publish(raadslid, rapport_vraag_id, settings)
    rapport = await rapporten.load_rapport(rapport_vraag_id)
    assert rapport is not None and rapport.id is not None
    return Wereld(
        vraag_id=vraag_id,
        bijlage_id=bijlage["id"],
        aanvraag_id=aanvraag_id,
        aanvraag_bijlage_id=bijlage["id"],
        peiling_id=peiling_id,
        peiling_sleutel=sleutel["sleutel"],
        item_id=formulier.items[0].id,
        waarde_id=waarde["id"],
        groep_id=groep_id,
        lid_id=lid_id,
        bijeenkomst_id=bijeenkomst_id,
        bevinding_id=bevinding_id,
        rapport_vraag_id=rapport_vraag_id,
        rapport_id=rapport.id,
        rapport_sleutel=rapport.sleutel,
        rapport_afmelden=rapporten.afmeld_pad(settings.secret_key, rapport.id, "inwoner0@example.org"),
        gebruiker_id=gebruiker_id,
        reactie_pad=focusgroepen.reactie_pad(settings.secret_key, lid_id, bijeenkomst_id),
        afmeld_pad=focusgroepen.afmeld_pad(settings.secret_key, lid_id),
    )


@dataclass(frozen=True)
class Pad:
    """How a route is visited: as whom, at which address, and what it must answer."""

    rol: str | None
    adres: Callable[[Wereld], str]
    soort: str = HTML
    status: int = 200


def _raad(rest: str = "") -> Callable[[Wereld], str]:
    return lambda w: "/raad/beverwijk" + rest.format(w=w)


def _vast(adres: str) -> Callable[[Wereld], str]:
    return lambda w: adres.format(w=w)


R, A, B = "raadslid", "ambtenaar", "beheerder"
P = "/raad/beverwijk/peilingen/{w.peiling_id}"
G = "/raad/beverwijk/focusgroepen/{w.groep_id}"
V = "/raad/beverwijk/vragen/{w.vraag_id}"

# Every GET route of the app (the path template, as Litestar lists it) and how to visit it.
PADEN: dict[str, Pad] = {
    "/": Pad(None, _vast("/")),
    "/inloggen": Pad(None, _vast("/inloggen")),
    "/wachtwoord-vergeten": Pad(None, _vast("/wachtwoord-vergeten")),
    # A made-up token: the page that says the link no longer works (a 400), still a page.
    "/wachtwoord-herstellen/{token:str}": Pad(None, _vast("/wachtwoord-herstellen/verzonnen"), status=400),
    "/beheer/gebruikers": Pad(B, _vast("/beheer/gebruikers")),
    "/beheer/gebruikers/nieuw": Pad(B, _vast("/beheer/gebruikers/nieuw")),
    "/beheer/gebruikers/{gebruiker_id:int}": Pad(B, _vast("/beheer/gebruikers/{w.gebruiker_id}")),
    "/beheer/spoor": Pad(B, _vast("/beheer/spoor")),
    "/beheer/instellingen": Pad(B, _vast("/beheer/instellingen")),
    "/beheer/taal": Pad(B, _vast("/beheer/taal")),
    "/beheer/referenties": Pad(B, _vast("/beheer/referenties")),
    "/beheer/referenties/{slug:str}": Pad(B, _vast("/beheer/referenties/velsen")),
    "/account/wachtwoord": Pad(R, _vast("/account/wachtwoord")),
    "/raad/{gemeente:str}": Pad(R, _raad()),
    "/raad/{gemeente:str}/vragen": Pad(R, _raad("/vragen")),
    "/raad/{gemeente:str}/vragen/export.csv": Pad(R, _raad("/vragen/export.csv"), CSV),
    "/raad/{gemeente:str}/vragen/nieuw": Pad(R, _raad("/vragen/nieuw")),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}": Pad(R, _vast(V)),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}/bijlagen/{bijlage_id:int}": Pad(
        R, _raad("/vragen/{w.aanvraag_id}/bijlagen/{w.bijlage_id}"), PDF
    ),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}/peilingen/nieuw": Pad(R, _vast(V + "/peilingen/nieuw")),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}/bereik": Pad(R, _vast(V + "/bereik")),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}/focusgroepen/nieuw": Pad(R, _vast(V + "/focusgroepen/nieuw")),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport": Pad(
        R, _raad("/vragen/{w.rapport_vraag_id}/rapport")
    ),
    "/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport/voorbeeld": Pad(
        R, _raad("/vragen/{w.rapport_vraag_id}/rapport/voorbeeld")
    ),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}": Pad(R, _vast(P)),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/poster.svg": Pad(R, _vast(P + "/poster.svg"), SVG),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/uitslag": Pad(R, _vast(P + "/uitslag")),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/voorbeeld": Pad(R, _vast(P + "/voorbeeld")),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/talen": Pad(R, _vast(P + "/talen")),
    # A language the poll does not have: the not-found page, still a page.
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/talen/{code:str}": Pad(
        R, _vast(P + "/talen/en"), status=404
    ),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/talen/{code:str}/voorbeeld": Pad(
        R, _vast(P + "/talen/en/voorbeeld"), status=404
    ),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/papier": Pad(R, _vast(P + "/papier")),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/papier/pdf": Pad(R, _vast(P + "/papier/pdf"), PDF),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/papier/groot/pdf": Pad(
        R, _vast(P + "/papier/groot/pdf"), PDF
    ),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/antwoorden.csv": Pad(
        R, _vast(P + "/antwoorden.csv"), CSV
    ),
    "/raad/{gemeente:str}/peilingen/{peiling_id:int}/antwoorden.xlsx": Pad(
        R, _vast(P + "/antwoorden.xlsx"), XLSX
    ),
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}": Pad(R, _vast(G)),
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}/wijzigen": Pad(R, _vast(G + "/wijzigen")),
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bevindingen/{bevinding_id:int}": Pad(
        R, _vast(G + "/bevindingen/{w.bevinding_id}")
    ),
    "/raad/{gemeente:str}/focusgroepen/{groep_id:int}/bijeenkomsten/{bijeenkomst_id:int}": Pad(
        R, _vast(G + "/bijeenkomsten/{w.bijeenkomst_id}")
    ),
    "/gemeente/{gemeente:str}": Pad(A, _vast("/gemeente/beverwijk")),
    "/gemeente/{gemeente:str}/aanvragen/nieuw": Pad(A, _vast("/gemeente/beverwijk/aanvragen/nieuw")),
    "/gemeente/{gemeente:str}/aanvragen/{vraag_id:int}": Pad(
        A, _vast("/gemeente/beverwijk/aanvragen/{w.aanvraag_id}")
    ),
    "/gemeente/{gemeente:str}/aanvragen/{vraag_id:int}/bijlagen/{bijlage_id:int}": Pad(
        A, _vast("/gemeente/beverwijk/aanvragen/{w.aanvraag_id}/bijlagen/{w.aanvraag_bijlage_id}"), PDF
    ),
    "/gemeente/{gemeente:str}/focusgroepen/{groep_id:int}": Pad(
        A, _vast("/gemeente/beverwijk/focusgroepen/{w.groep_id}")
    ),
    "/idee/{gemeente:str}": Pad(None, _vast("/idee/beverwijk")),
    "/idee/{gemeente:str}/bedankt": Pad(None, _vast("/idee/beverwijk/bedankt")),
    "/p/{sleutel:str}": Pad(None, _vast("/p/{w.peiling_sleutel}")),
    "/p/{sleutel:str}/bedankt": Pad(None, _vast("/p/{w.peiling_sleutel}/bedankt")),
    # No kiosk unlocked on this browser: the page that says so, with its 403.
    "/kiosk": Pad(None, _vast("/kiosk"), status=403),
    "/f/aanmelden/{token:str}": Pad(None, _vast("/f/aanmelden/verzonnen"), status=404),
    "/f/{lid_id:int}/bijeenkomsten/{bijeenkomst_id:int}/{token:str}": Pad(None, lambda w: w.reactie_pad),
    "/f/{lid_id:int}/afmelden/{token:str}": Pad(None, lambda w: w.afmeld_pad),
    "/rapporten/{gemeente:str}": Pad(None, _vast("/rapporten/beverwijk")),
    "/rapporten/{gemeente:str}/{sleutel:str}": Pad(None, _vast("/rapporten/beverwijk/{w.rapport_sleutel}")),
    "/rapporten/{gemeente:str}/{sleutel:str}/pdf": Pad(
        None, _vast("/rapporten/beverwijk/{w.rapport_sleutel}/pdf"), PDF
    ),
    "/r/{rapport_id:int}/afmelden/{h:str}/{token:str}": Pad(None, lambda w: w.rapport_afmelden),
    # The public side (issue 14): council sites, the resident panel, the data page, statements.
    "/{gemeente:str}": Pad(None, _vast("/beverwijk")),
    "/{gemeente:str}/inbreng": Pad(None, _vast("/beverwijk/inbreng")),
    "/{gemeente:str}/vergaderingen.ics": Pad(None, _vast("/beverwijk/vergaderingen.ics"), ICS),
    # The year report (issue 15): the council's page, the public page and its PDF.
    "/raad/{gemeente:str}/jaarverslag": Pad(R, _raad("/jaarverslag?jaar=2026")),
    "/{gemeente:str}/jaarverslag/{jaar:int}": Pad(None, _vast("/beverwijk/jaarverslag/2026")),
    "/{gemeente:str}/jaarverslag/{jaar:int}/pdf": Pad(None, _vast("/beverwijk/jaarverslag/2026/pdf"), PDF),
    "/privacy": Pad(None, _vast("/privacy?raad=beverwijk")),
    "/toegankelijkheid": Pad(None, _vast("/toegankelijkheid")),
    "/robots.txt": Pad(None, _vast("/robots.txt"), TEXT),
    "/favicon.ico": Pad(None, _vast("/favicon.ico"), ICO),
    "/raad/{gemeente:str}/site": Pad(R, _raad("/site")),
    "/raad/{gemeente:str}/site/vergaderingen/{vergadering_id:int}": Pad(
        R, _raad("/site/vergaderingen/999999"), status=404
    ),
    "/{slug:str}/panel": Pad(None, _vast("/beverwijk/panel")),
    "/raad/{gemeente:str}/panel": Pad(R, _raad("/panel")),
    # Made-up tokens: the page that says the link does not work, with its status.
    "/panel/bevestigen/{token:str}": Pad(None, _vast("/panel/bevestigen/verzonnen"), status=404),
    # Withdrawing is idempotent: the page with its button, whatever the token (nothing is told).
    "/panel/intrekken/{token:str}": Pad(None, _vast("/panel/intrekken/verzonnen")),
    "/panel/afmelden/{sleutel:str}/{token:str}": Pad(
        None, _vast("/panel/afmelden/verzonnen/verzonnen"), status=404
    ),
    "/mijn-gegevens": Pad(None, _vast("/mijn-gegevens")),
    "/mijn-gegevens/verstuurd": Pad(None, _vast("/mijn-gegevens/verstuurd")),
    "/mijn-gegevens/link/{token:str}": Pad(None, _vast("/mijn-gegevens/link/verzonnen"), status=410),
    "/mijn-gegevens/overzicht": Pad(None, _vast("/mijn-gegevens/overzicht"), status=401),
    "/mijn-gegevens/download": Pad(None, _vast("/mijn-gegevens/download"), status=401),
    "/mijn-gegevens/wissen": Pad(None, _vast("/mijn-gegevens/wissen"), status=401),
    # The one JSON of the app: for the load balancer, not for a person.
    "/health": Pad(None, _vast("/health"), JSON),
    "/static/{file_path:path}": Pad(None, _vast("/static/participatie.css"), CSS),
}


def _routes(app: Litestar, methode: str) -> dict[str, HTTPRouteHandler]:
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and methode in handler.http_methods:
                found[route.path] = handler
    return found


def _soort(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def _body_is(soort: str, body: bytes) -> bool:
    """Whether the body is what the type says, read from its first bytes."""
    begin = body.lstrip()[:200].lower()
    if soort == HTML:
        return begin.startswith((b"<!doctype html", b"<"))
    if soort == PDF:
        return body.startswith(b"%PDF-")
    if soort == SVG:
        return b"<svg" in body[:500]
    if soort == XLSX:
        return body.startswith(b"PK")
    if soort == JSON:
        try:
            json.loads(body)
        except ValueError:
            return False
        return True
    # CSV and CSS: text, and not a page or a JSON document in disguise.
    return not begin.startswith((b"<", b"{", b"["))


@asynccontextmanager
async def _als(app: Litestar, rol: str | None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"accept": "text/html"}
    ) as client:
        if rol is not None:
            response = await login(client, ROLLEN[rol])
            assert response.status_code == 302, response.text[:300]
        yield client


async def test_every_get_route_has_an_entry(app):
    assert sorted(_routes(app, "GET")) == sorted(PADEN)


async def test_every_get_route_answers_with_the_type_of_its_body(app, mensen, settings):
    wereld = await _wereld(mensen, settings)
    problemen = []
    for rol in (None, R, A, B):
        async with _als(app, rol) as client:
            for template, pad in PADEN.items():
                if pad.rol != rol:
                    continue
                adres = pad.adres(wereld)
                response = await client.get(adres)
                soort = _soort(response)
                if (response.status_code, soort) != (pad.status, pad.soort):
                    kreeg = f"{response.status_code} {soort}"
                    problemen.append(f"{template} ({adres}): {kreeg}, verwacht {pad.status} {pad.soort}")
                elif not _body_is(soort, response.content):
                    problemen.append(
                        f"{template} ({adres}): inhoud is geen {soort}: {response.content[:60]!r}"
                    )
    assert problemen == []


def _rol_van(template: str) -> str | None:
    if template.startswith("/beheer"):
        return B
    if template.startswith("/gemeente"):
        return A
    if template.startswith(("/raad", "/account")):
        return R
    return None


def _invullen(template: str, wereld: Wereld) -> str:
    """A POST route's template with the world's ids in it (the same ids as the GET pages)."""
    waarden = {
        "gemeente": "beverwijk",
        "slug": "beverwijk",
        "vergadering_id": 999999,
        "woord_id": 999999,
        "activiteit_id": 999999,
        "vraag_id": wereld.vraag_id,
        "peiling_id": wereld.peiling_id,
        "item_id": wereld.item_id,
        "waarde_id": wereld.waarde_id,
        "kiosk_id": 999,
        "groep_id": wereld.groep_id,
        "lid_id": wereld.lid_id,
        "bevinding_id": wereld.bevinding_id,
        "bijeenkomst_id": wereld.bijeenkomst_id,
        "gebruiker_id": wereld.gebruiker_id,
        "rapport_id": wereld.rapport_id,
        "sleutel": wereld.peiling_sleutel,
        "token": "verzonnen",
        "h": "verzonnen",
        "code": "en",  # a language the poll does not have (talen_routes)
    }
    adres = template
    for naam, waarde in waarden.items():
        for soort in ("str", "int"):
            adres = adres.replace(f"{{{naam}:{soort}}}", str(waarde))
    assert "{" not in adres, adres
    if template.startswith("/raad/{gemeente:str}/vragen/{vraag_id:int}/rapport"):
        adres = adres.replace(f"/vragen/{wereld.vraag_id}/", f"/vragen/{wereld.rapport_vraag_id}/")
    return adres


async def test_every_post_route_answers_an_empty_form_with_a_typed_page(app, mensen, settings):
    """An empty form to every POST route, as its own person: whatever it refuses or does, the
    answer is a redirect or a page whose type matches its body (issue 13: the poll builder sent
    its error page as application/json)."""
    wereld = await _wereld(mensen, settings)
    problemen = []
    # Logging out and starting a kiosk (which logs the device out) last: they end the session
    # the other posts need.
    routes = sorted(_routes(app, "POST"), key=lambda t: (t == "/uitloggen" or t.endswith("/kiosk"), t))
    for rol in (None, R, A, B):
        async with _als(app, rol) as client:
            token = await csrf_token(client)
            for template in routes:
                if _rol_van(template) != rol:
                    continue
                adres = _invullen(template, wereld)
                response = await client.post(adres, data={"_csrf_token": token})
                soort = _soort(response)
                if response.status_code >= 500:
                    problemen.append(f"POST {template}: {response.status_code}")
                elif 300 <= response.status_code < 400:
                    continue
                elif soort != HTML or not _body_is(HTML, response.content):
                    problemen.append(
                        f"POST {template}: {response.status_code} {soort}: {response.content[:60]!r}"
                    )
    assert problemen == []


async def test_the_board_move_fragment_for_htmx_is_html(app, mensen, settings):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    async with _als(app, R) as client:
        token = await csrf_token(client)
        response = await client.post(
            f"/raad/beverwijk/vragen/{vraag_id}/stap",
            data={"naar": "trechteren", "versie": "1", "terug": "bord", "_csrf_token": token},
            headers={"hx-request": "true", "hx-target": "bord"},
        )

    assert (response.status_code, _soort(response)) == (200, HTML)
    assert _body_is(HTML, response.content)


async def test_every_error_a_browser_gets_is_an_html_page(app, mensen, settings):
    wereld_vraag = await _aanvraag(mensen["ambtenaar"])
    leeg = await peilingen.create_peiling(
        mensen["raadslid"], await _vraag_in_voorleggen(mensen), titel="Leeg", intro="", toegang="link"
    )
    fouten: dict[int, httpx.Response] = {}
    async with _als(app, None) as bezoeker:
        fouten[404] = await bezoeker.get("/deze-pagina-bestaat-niet")
        fouten[405] = await bezoeker.get("/uitloggen")
        fouten[403] = await bezoeker.post("/idee/beverwijk", data={"tekst": "zonder token"})
        token = await csrf_token(bezoeker)
        fouten[413] = await bezoeker.post(
            "/idee/beverwijk",
            content=b"tekst=" + b"x" * (settings.max_body_bytes + 10),
            headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token},
        )
        for _ in range(10):
            response = await bezoeker.post(
                "/inloggen",
                # Velsen's raadslid: Beverwijk's logs in below, from the same address.
                data={
                    "email": "dorine@velsen.example",
                    "wachtwoord": "fout wachtwoord",
                    "_csrf_token": token,
                },
            )
            if response.status_code == 429:
                fouten[429] = response
                break
        fouten[400] = await bezoeker.post(
            "/idee/beverwijk",
            content=b"--kapot\r\nContent-Disposition: form-data\r\n\r\nx",
            headers={"content-type": "multipart/form-data; boundary=anders", "x-csrftoken": token},
        )
    async with _als(app, R) as raadslid:
        token = await csrf_token(raadslid)
        fouten[409] = await raadslid.post(
            f"/raad/beverwijk/vragen/{wereld_vraag}/stap",
            data={"naar": "trechteren", "versie": "99", "_csrf_token": token},
        )
        # The poll builder's own error page (issue 13: it came as application/json).
        fouten[422] = await raadslid.post(
            f"/raad/beverwijk/peilingen/{leeg}/items", data={"soort": "enkel", "_csrf_token": token}
        )

    samenvatting = {
        status: (response.status_code, _soort(response), _body_is(HTML, response.content))
        for status, response in fouten.items()
    }
    assert samenvatting == {status: (status, HTML, True) for status in fouten}
    assert sorted(fouten) == [400, 403, 404, 405, 409, 413, 422, 429]


@get("/kapot", sync_to_thread=False)
def kapot() -> str:
    raise RuntimeError("een fout van ons")


async def test_a_500_is_an_html_page():
    app = Litestar(
        [kapot],
        exception_handlers={Exception: internal_error_handler},
        template_config=template_config(Settings()),
        debug=False,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/kapot", headers={"accept": "text/html"})

    assert (response.status_code, _soort(response)) == (500, HTML)
    assert _body_is(HTML, response.content)
