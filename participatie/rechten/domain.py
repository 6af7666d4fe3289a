"""Rights over your own data: ask for a link, use it once, see, correct, download and erase.

Who may see what is held about an address is whoever can read that address's mail: the page
asks for an address and mails a link to it, never shows anything itself. A link's random token
is stored only as a keyed hash (like a password-reset link), works once and for LINK_GELDIG.
Using it is a POST from the page the link opens, not the GET of the link itself: mail scanners
fetch links, and would otherwise use them up before the resident clicks. The used link becomes
a short server-side session bound to the address (SESSIE_GELDIG), held in a SameSite=Strict
cookie that rides only on our own pages.

Nobody learns from the form whether an address is known: the answer is the same redirect
either way. A mail goes out only when something is held (see `request_link`).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from participatie import limiet, sleutels, tijd
from participatie.auditlog import log_event
from participatie.config import Settings
from participatie.fouten import Geweigerd, NietGevonden, OngeldigeInvoer
from participatie.mail import outbox
from participatie.rechten import bron as bronnen
from participatie.rechten.bron import Onderdeel
from participatie.rechten.tables import Inzagelink, Inzagesessie
from participatie.taal import gettext as _
from participatie.taal import huidige_taal, in_taal

logger = logging.getLogger("participatie.rechten")

LINK_GELDIG = timedelta(minutes=30)
SESSIE_GELDIG = timedelta(minutes=30)
LIMIET = limiet.Limiet(soort="mijn_gegevens")
SESSIE_COOKIE = "participatie_inzage"
# Longer than any address SMTP allows (254) plus room for spaces around it; beyond this we do
# not even look at the text.
MAX_INVOER = 320


class LinkOngeldig(Geweigerd):
    """A used, expired or made-up link: the same words for each, so a guess learns nothing."""

    status = 410

    def __init__(self) -> None:
        super().__init__(
            _(
                "Deze link werkt niet (meer). Een link werkt één keer, en maar 30 minuten. "
                "Vraag hieronder een nieuwe link aan."
            )
        )


class SessieVerlopen(Geweigerd):
    status = 401

    def __init__(self) -> None:
        super().__init__(
            _(
                "U bent niet (meer) ingelogd op deze pagina. Dat duurt 30 minuten na het openen van de "
                "link. Vraag hieronder een nieuwe link aan."
            )
        )


def check_email(text: str) -> str:
    """The address as typed (stripped), or OngeldigeInvoer with a Dutch message."""
    if len(text) > MAX_INVOER:
        raise OngeldigeInvoer(
            {"email": _("Dit e-mailadres is te lang. Een e-mailadres heeft hoogstens 254 tekens.")}
        )
    if not text.strip():
        raise OngeldigeInvoer({"email": _("Vul uw e-mailadres in.")})
    try:
        return outbox.check_address(text)
    except outbox.OngeldigAdres:
        raise OngeldigeInvoer(
            {"email": _("Dit e-mailadres klopt niet. Kijk het nog eens na, bijvoorbeeld naam@voorbeeld.nl.")}
        ) from None


def _link_hash(secret: str, token: str) -> str:
    return sleutels.keyed(secret, f"inzagelink:{token}")


def _sessie_hash(secret: str, value: str) -> str:
    return sleutels.keyed(secret, f"inzagesessie:{value}")


def _plausible(token: str) -> bool:
    # token_urlsafe(32) gives 43 characters; anything far off is not ours and costs no query.
    return 20 <= len(token) <= 100 and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)


# --- reading -----------------------------------------------------------------------------------


async def gegevens(email: str) -> list[Onderdeel]:
    """Everything every registered bron holds about the address, bron by bron."""
    result: list[Onderdeel] = []
    for b in bronnen.bronnen():
        result.extend(await b.gegevens(email))
    return result


async def heeft_gegevens(email: str) -> bool:
    for b in bronnen.bronnen():
        if await b.gegevens(email):
            return True
    return False


def bron_titel(naam: str) -> str:
    for b in bronnen.bronnen():
        if b.naam == naam:
            return b.titel or b.naam
    return naam


# --- the link --------------------------------------------------------------------------------


async def accept_request(settings: Settings, email: str, client: str) -> str:
    """The first half of a request, which may refuse: counts one form use from `client` (429
    over the limit) and checks the text (OngeldigeInvoer). Returns the address. Nothing here
    depends on what is held."""
    await limiet.tel_adres(LIMIET, client, settings.secret_key)
    return check_email(email)


async def request_link(settings: Settings, email: str, client: str) -> None:
    """Someone asks for a link to the data of `email`: `accept_request`, then `send_link`."""
    await send_link(settings, await accept_request(settings, email, client))


async def send_link(settings: Settings, aan: str, taal: str | None = None) -> None:
    """Mail a link to `aan` (an address `accept_request` returned) if anything is held, in
    `taal`: the language of the request that asked for it (the current one when not given).

    A mail goes out only when something is held: an unknown address has nothing to see, and
    mailing every address typed in would let anyone use us to send mail to strangers. Never
    refuses, so the page cannot tell the cases apart; the route runs this after the response
    has gone, so neither can its timing. Before mailing counts one mail to the address (over
    its limit: nothing is sent).
    """
    if not await heeft_gegevens(aan):
        log_event("inzagelink_niet_verstuurd", reden="niets bewaard")
        return
    if not await limiet.mag_mailen(LIMIET, bronnen.adres(aan), settings.secret_key):
        log_event("inzagelink_niet_verstuurd", reden="te vaak")
        return
    taal = taal or huidige_taal()
    token = secrets.token_urlsafe(32)
    moment = tijd.now()
    with in_taal(taal):
        geldig_tot = tijd.tijd(moment + LINK_GELDIG)
    async with Inzagelink._meta.db.transaction():
        await Inzagelink.insert(
            Inzagelink(
                email=bronnen.adres(aan),
                token_hash=_link_hash(settings.secret_ring[0], token),
                verloopt_at=moment + LINK_GELDIG,
                aangemaakt_at=moment,
            )
        )
        await outbox.enqueue(
            aan,
            "rechten_link",
            {
                "pad": f"/mijn-gegevens/link/{token}",
                "raad_naam": "Participatieraden IJmond",
                "minuten": int(LINK_GELDIG.total_seconds() // 60),
                "geldig_tot": geldig_tot,
            },
            groep="rechten",
            taal=taal,
        )
    log_event("inzagelink_verstuurd")


async def link_is_usable(settings: Settings, token: str) -> bool:
    """Whether the link can still be used (for the page it opens; does not use it)."""
    if not _plausible(token):
        return False
    return await Inzagelink.exists().where(
        Inzagelink.token_hash.is_in(sleutels.keyed_all(settings.secret_ring, f"inzagelink:{token}"))
        & Inzagelink.gebruikt_at.is_null()
        & (Inzagelink.verloopt_at > tijd.now())
    )


async def use_link(settings: Settings, token: str) -> str:
    """Use the link up and start a session for its address; returns the cookie value.
    Raises LinkOngeldig when it was used, expired or never existed."""
    if not _plausible(token):
        raise LinkOngeldig()
    moment = tijd.now()
    value = secrets.token_urlsafe(32)
    async with Inzagelink._meta.db.transaction():
        # One conditional update: of two parallel uses, one wins.
        claimed = (
            await Inzagelink.update({Inzagelink.gebruikt_at: moment})
            .where(
                Inzagelink.token_hash.is_in(sleutels.keyed_all(settings.secret_ring, f"inzagelink:{token}"))
                & Inzagelink.gebruikt_at.is_null()
                & (Inzagelink.verloopt_at > moment)
            )
            .returning(Inzagelink.email)
        )
        if not claimed:
            raise LinkOngeldig()
        await Inzagesessie.insert(
            Inzagesessie(
                email=claimed[0]["email"],
                sessie_hash=_sessie_hash(settings.secret_ring[0], value),
                verloopt_at=moment + SESSIE_GELDIG,
                aangemaakt_at=moment,
            )
        )
    log_event("inzagelink_gebruikt")
    return value


async def session_email(settings: Settings, value: str | None) -> str:
    """The address of a live session, or SessieVerlopen."""
    if not value or not _plausible(value):
        raise SessieVerlopen()
    row = (
        await Inzagesessie.select(Inzagesessie.email)
        .where(
            Inzagesessie.sessie_hash.is_in(sleutels.keyed_all(settings.secret_ring, f"inzagesessie:{value}"))
            & (Inzagesessie.verloopt_at > tijd.now())
        )
        .first()
    )
    if row is None:
        raise SessieVerlopen()
    return str(row["email"])


async def end_session(settings: Settings, value: str | None) -> None:
    if value and _plausible(value):
        await Inzagesessie.delete().where(
            Inzagesessie.sessie_hash.is_in(sleutels.keyed_all(settings.secret_ring, f"inzagesessie:{value}"))
        )


# --- correcting --------------------------------------------------------------------------------


class NietVanU(NietGevonden):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Dit gegeven staat niet (meer) bij uw e-mailadres. Er is niets gewijzigd. "
                "Ga terug naar uw gegevens en probeer het opnieuw."
            )
        )


async def correct(email: str, bron_naam: str, record_id: str, waarden: dict[str, str]) -> None:
    """Store the corrected wijzigbare velden of one record of this address.

    The record must be one the bron lists for this address now: an id of someone else's
    record (typed into a copied form) changes nothing and is refused (NietVanU). Only the
    fields the bron marks wijzigbaar are passed on; a value outside a field's choices is a
    field error. Raises OngeldigeInvoer with the bron's Dutch field errors.
    """
    gekozen = next((b for b in bronnen.bronnen() if b.naam == bron_naam), None)
    if gekozen is None or gekozen.corrigeer is None:
        raise NietVanU()
    onderdeel = next((o for o in await gekozen.gegevens(email) if o.id == record_id), None)
    if onderdeel is None:
        raise NietVanU()
    wijzigbaar = {v.sleutel: v for v in onderdeel.velden if v.wijzigbaar}
    if not wijzigbaar:
        raise NietVanU()
    fouten: dict[str, str] = {}
    invoer: dict[str, str] = {}
    for sleutel, veld in wijzigbaar.items():
        value = waarden.get(sleutel, veld.waarde).replace("\x00", "")
        if len(value) > 1000:
            fouten[sleutel] = _("Dit is te lang. Het mag hoogstens 1000 tekens zijn.")
        elif veld.keuzes and value not in {k for k, _label in veld.keuzes}:
            fouten[sleutel] = _("Kies een van de mogelijkheden.")
        invoer[sleutel] = value
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Inzagelink._meta.db.transaction():
        fouten = await gekozen.corrigeer(email, record_id, invoer)
        if fouten:
            raise OngeldigeInvoer(fouten)
    log_event("gegevens_gecorrigeerd", bron=bron_naam)


# --- download ----------------------------------------------------------------------------------


def as_json(email: str, onderdelen: list[Onderdeel]) -> bytes:
    """All held data as UTF-8 JSON, readable by people and by programs."""
    data: dict[str, Any] = {
        "email": email,
        "gemaakt_op": tijd.now().isoformat(),
        "onderdelen": [
            {
                "bron": o.bron,
                "id": o.id,
                "titel": o.titel,
                "waarom": o.waarom,
                "bewaard_tot": o.bewaard_tot,
                "gegevens": {v.sleutel: v.waarde for v in o.velden},
                "velden": [
                    {k: w for k, w in asdict(v).items() if k in ("sleutel", "label", "waarde")}
                    for v in o.velden
                ],
            }
            for o in onderdelen
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# --- erasing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gewist:
    titel: str
    aantal: int


async def erase(email: str) -> list[Gewist]:
    """Erase everything every bron holds about the address in ONE transaction: all of it goes,
    or (when any bron fails) none of it, and the resident can try again. The address's links
    and sessions go with it. Returns per bron how many records were erased."""
    gewist: list[Gewist] = []
    async with Inzagelink._meta.db.transaction():
        for b in bronnen.bronnen():
            gewist.append(Gewist(b.titel or b.naam, await b.wis(email)))
        await Inzagelink.delete().where(bronnen.zelfde_adres(Inzagelink.email, email))
        await Inzagesessie.delete().where(bronnen.zelfde_adres(Inzagesessie.email, email))
    # Counts only: the address itself stays out of the log.
    log_event("gegevens_gewist", aantallen={g.titel: g.aantal for g in gewist})
    return gewist


async def purge_expired(settings: Settings | None = None) -> int:
    """Planner job: links an hour past their end and ended sessions go, with their address."""
    moment = tijd.now()
    async with Inzagelink._meta.db.transaction():
        links = (
            await Inzagelink.delete()
            .where(Inzagelink.verloopt_at < moment - timedelta(hours=1))
            .returning(Inzagelink.id)
        )
        sessies = (
            await Inzagesessie.delete().where(Inzagesessie.verloopt_at < moment).returning(Inzagesessie.id)
        )
    return len(links) + len(sessies)
