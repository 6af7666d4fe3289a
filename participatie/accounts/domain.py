"""Account use cases: the only code that writes accounts, sessions, login attempts and reset links."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from participatie import sleutels, spoor, tijd
from participatie.accounts import passwords
from participatie.accounts.tables import Gebruiker, Gemeente, Inlogpoging, Rol, Sessie, Wachtwoordherstel
from participatie.auditlog import log_event
from participatie.config import Settings

# OngeldigeInvoer is the one of participatie.fouten, re-exported ("as"): the CLI still names
# it domain.OngeldigeInvoer.
from participatie.fouten import Geweigerd, TeVaak
from participatie.fouten import OngeldigeInvoer as OngeldigeInvoer
from participatie.mail import outbox
from participatie.taal import N_, ngettext
from participatie.taal import gettext as _
from participatie.tijd import as_utc

# Failed logins within FAILURE_WINDOW, per limit. The tight limit is per account *and* client
# network, so whoever guesses from one place locks out only that place, never the real person
# elsewhere. A guesser spread over many networks is stopped by the cap per account; reaching it
# locks the account for everyone until the window passes (documented: the price of that cap).
# The cap per network stops one place from trying many accounts.
ACCOUNT_ADDRESS_MAX_FAILURES = 5
ADDRESS_MAX_FAILURES = 20
ACCOUNT_MAX_FAILURES = 50
FAILURE_WINDOW = timedelta(minutes=15)
# "Wachtwoord vergeten" requests per client network per window (mails cost and annoy).
HERSTEL_MAX_PER_ADRES = 10
# Reset links mailed to one account per hour at most, whoever asks.
HERSTEL_PER_UUR = 3
HERSTEL_GELDIG = timedelta(hours=1)
# Touching last-seen on every request would make every page view a write.
TOUCH_AFTER = timedelta(seconds=60)
# The first key of PostgreSQL's two-key advisory locks: "login limits", apart from other locks.
_ADVISORY_CLASS = 1091


class AccountError(Geweigerd):
    """A refused account action; `str(error)` is the Dutch message for the person (a msgid:
    pages translate it where they show it)."""


class InloggenMislukt(AccountError):
    def __init__(self) -> None:
        super().__init__(N_("Het e-mailadres of het wachtwoord klopt niet."))


class TeVeelPogingen(AccountError, TeVaak):
    """A login limit was reached: a 429 with Retry-After, through the app's refusal handler.

    The message holds a number, so it is made in the request's language when raised."""

    def __init__(self, retry_after: int, grens: str = "") -> None:
        self.grens = grens
        minuten = max(1, round(retry_after / 60))
        TeVaak.__init__(self, self.tekst(minuten), retry_after)

    @staticmethod
    def tekst(minuten: int) -> str:
        # Dutch says "over 1 minuten" here as it always did; English needs the singular.
        return ngettext(
            "Er is te vaak een verkeerd wachtwoord gebruikt. Probeer het over %(num)s minuten opnieuw.",
            "Er is te vaak een verkeerd wachtwoord gebruikt. Probeer het over %(num)s minuten opnieuw.",
            minuten,
        ) % {"num": minuten}


class TeVeelHerstelVerzoeken(TeVeelPogingen):
    """Too many 'wachtwoord vergeten' requests from one network."""

    @staticmethod
    def tekst(minuten: int) -> str:
        return ngettext(
            "Er zijn vanaf hier te veel nieuwe links gevraagd. Probeer het over %(num)s minuten opnieuw.",
            "Er zijn vanaf hier te veel nieuwe links gevraagd. Probeer het over %(num)s minuten opnieuw.",
            minuten,
        ) % {"num": minuten}


class HerstellinkOngeldig(AccountError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "Deze link werkt niet meer. Een link is één uur geldig en werkt maar één keer. "
                "Vraag een nieuwe link aan via 'Wachtwoord vergeten?'."
            )
        )


@dataclass(frozen=True)
class Ingelogd:
    """The logged-in person as every request sees them."""

    id: int
    naam: str
    rol: Rol
    gemeente_id: int | None
    gemeente_slug: str | None
    gemeente_naam: str | None
    sessie_id: int
    # The region of the person's council: IJmond-wide vragen are shared within it, never with
    # the councils of another region.
    regio_id: int | None = None
    # The language the person last chose with the switch: their mails go out in it.
    taal: str = "nl"

    def may_open_gemeente(self, slug: str) -> bool:
        return self.rol is Rol.BEHEERDER or self.gemeente_slug == slug


# The one clock; kept under this name for the callers that import it from here.
now = tijd.now


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limit_key(settings: Settings, kind: str, value: str) -> str:
    # The current key only: a limit counts over minutes, so a key rotation may simply reset it.
    return sleutels.keyed(settings.secret_key, f"{kind}:{value}")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def client_network(adres: str) -> str:
    """The part of a client address that limits count against.

    An IPv6 user holds a whole /64 and can pick a new address in it for every try, so the /64
    is one place; an IPv4 address (or one mapped into IPv6) is one place on its own.
    """
    try:
        ip = ipaddress.ip_address(adres)
    except ValueError:
        return adres
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class _Grens:
    naam: str  # which limit, for the log: account_adres, adres, account
    sleutel: str
    limiet: int


def _login_grenzen(settings: Settings, email: str, adres: str) -> list[_Grens]:
    netwerk = client_network(adres)
    return [
        _Grens(
            "account_adres",
            _limit_key(settings, "account_adres", f"{email}|{netwerk}"),
            ACCOUNT_ADDRESS_MAX_FAILURES,
        ),
        _Grens("adres", _limit_key(settings, "adres", netwerk), ADDRESS_MAX_FAILURES),
        _Grens("account", _limit_key(settings, "account", email), ACCOUNT_MAX_FAILURES),
    ]


async def _lock_keys(sleutels: list[str]) -> None:
    """On PostgreSQL, hold a transaction lock per key, in one order so two requests never
    deadlock. SQLite needs none: the app's write lock and BEGIN IMMEDIATE serialise writers."""
    if Inlogpoging._meta.db.engine_type != "postgres":
        return
    for sleutel in sorted(set(sleutels)):
        await Inlogpoging.raw("SELECT pg_advisory_xact_lock({}, {})", _ADVISORY_CLASS, int(sleutel[:7], 16))


class _PerLoop:
    """One asyncio.Semaphore per event loop: tests and CLI commands run several loops in turn."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def get(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            self._semaphores = {lp: s for lp, s in self._semaphores.items() if not lp.is_closed()}
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.size)
        return semaphore


_reserveringen = _PerLoop(2)


async def _reserve(grenzen: list[_Grens], moment: datetime) -> list[int]:
    """Count one attempt against every limit before any password is hashed; its row ids.

    Count and insert happen in one transaction under a lock per key, so parallel requests
    cannot all read "4 failures" and all go on to hash. Raises TeVeelPogingen, writing
    nothing, when a limit is reached: refused tries do not stretch the window, and a flood
    leaves at most `limiet` rows per key.
    """
    since = moment - FAILURE_WINDOW
    sleutels = [grens.sleutel for grens in grenzen]
    # Few at a time per process: on PostgreSQL a request waiting for a key's lock holds a
    # pooled connection, and a flood on one account would otherwise hold them all.
    async with _reserveringen.get(), Inlogpoging._meta.db.transaction():
        await _lock_keys(sleutels)
        rows = (
            await Inlogpoging.select(Inlogpoging.sleutel, Inlogpoging.at)
            .where(Inlogpoging.sleutel.is_in(sleutels) & (Inlogpoging.at > since))
            .order_by(Inlogpoging.at)
        )
        for grens in grenzen:
            times = [row["at"] for row in rows if row["sleutel"] == grens.sleutel]
            if len(times) >= grens.limiet:
                # Free again when enough of the oldest tries have left the window.
                freed_at = as_utc(times[len(times) - grens.limiet]) + FAILURE_WINDOW
                retry_after = int((freed_at - moment).total_seconds()) + 1
                raise TeVeelPogingen(retry_after=max(retry_after, 1), grens=grens.naam)
        inserted = await Inlogpoging.insert(
            *(Inlogpoging(sleutel=grens.sleutel, at=moment) for grens in grenzen)
        )
    return [row["id"] for row in inserted]


async def _release(ids: list[int]) -> None:
    """Take back a reservation whose password was never checked (the process was too busy)."""
    if ids:
        await Inlogpoging.delete().where(Inlogpoging.id.is_in(ids))


async def _gebruiker_id(email: str) -> int | None:
    row = await Gebruiker.select(Gebruiker.id).where(Gebruiker.email == email).first()
    return row["id"] if row else None


async def _reserve_or_log(grenzen: list[_Grens], moment: datetime, email: str) -> list[int]:
    try:
        return await _reserve(grenzen, moment)
    except TeVeelPogingen as exc:
        log_event("inloggen_geblokkeerd", door=await _gebruiker_id(email), grens=exc.grens)
        raise


async def login(settings: Settings, email: str, wachtwoord: str, adres: str) -> str:
    """Check the credentials and open a new session; returns the cookie token.

    The attempt is counted before the password is hashed. Raises TeVeelPogingen when a limit
    is reached (nothing is hashed then), passwords.TeDruk when this process already hashes
    all it can (the attempt is not counted), InloggenMislukt for a wrong address, a wrong
    password or a disabled account.
    """
    moment = now()
    email = normalise_email(email)
    grenzen = _login_grenzen(settings, email, adres)
    ids = await _reserve_or_log(grenzen, moment, email)

    row = (
        await Gebruiker.select(Gebruiker.id, Gebruiker.wachtwoord_hash, Gebruiker.is_actief)
        .where(Gebruiker.email == email)
        .first()
    )
    try:
        ok = await passwords.verify_password(
            row["wachtwoord_hash"] if row else None, wachtwoord, settings.password_profile
        )
    except passwords.TeDruk:
        await _release(ids)
        raise
    if not ok or row is None or not row["is_actief"]:
        log_event("inloggen_mislukt", door=row["id"] if row else None)
        raise InloggenMislukt()

    token = secrets.token_urlsafe(32)
    new_hash = None
    if passwords.needs_rehash(row["wachtwoord_hash"], settings.password_profile):
        # When busy, the stronger hash can wait for a quieter login.
        with contextlib.suppress(passwords.TeDruk):
            new_hash = await passwords.hash_password(wachtwoord, settings.password_profile)
    async with Sessie._meta.db.transaction():
        # The failures of this account from this place are forgiven; the attempt itself no
        # longer counts against the network or the account.
        await Inlogpoging.delete().where(
            (Inlogpoging.sleutel == grenzen[0].sleutel) | Inlogpoging.id.is_in(ids)
        )
        await Sessie.insert(
            Sessie(
                token_hash=_token_hash(token),
                gebruiker=row["id"],
                aangemaakt_at=moment,
                laatst_gezien_at=moment,
            )
        )
        if new_hash is not None:
            await Gebruiker.update({Gebruiker.wachtwoord_hash: new_hash}).where(Gebruiker.id == row["id"])
    log_event("ingelogd", door=row["id"])
    return token


async def logout(token: str) -> None:
    deleted = await Sessie.delete().where(Sessie.token_hash == _token_hash(token)).returning(Sessie.gebruiker)
    if deleted:
        log_event("uitgelogd", door=deleted[0]["gebruiker"])


async def load_sessie(settings: Settings, token: str) -> Ingelogd | None:
    """The person behind a session cookie, or None when it is unknown, idle too long or too old."""
    row = (
        await Sessie.select(
            Sessie.id,
            Sessie.aangemaakt_at,
            Sessie.laatst_gezien_at,
            Sessie.gebruiker.id.as_alias("gebruiker_id"),
            Sessie.gebruiker.naam.as_alias("naam"),
            Sessie.gebruiker.rol.as_alias("rol"),
            Sessie.gebruiker.is_actief.as_alias("is_actief"),
            Sessie.gebruiker._.gemeente._.id.as_alias("gemeente_id"),
            Sessie.gebruiker._.gemeente._.slug.as_alias("gemeente_slug"),
            Sessie.gebruiker._.gemeente._.naam.as_alias("gemeente_naam"),
            Sessie.gebruiker._.gemeente._.regio.as_alias("regio_id"),
            Sessie.gebruiker.taal.as_alias("taal"),
        )
        .where(Sessie.token_hash == _token_hash(token))
        .first()
    )
    if row is None:
        return None
    moment = now()
    expired = moment - row["laatst_gezien_at"] > timedelta(
        minutes=settings.session_idle_minutes
    ) or moment - row["aangemaakt_at"] > timedelta(hours=settings.session_max_hours)
    if expired or not row["is_actief"]:
        await Sessie.delete().where(Sessie.id == row["id"])
        return None
    if moment - row["laatst_gezien_at"] > TOUCH_AFTER:
        await Sessie.update({Sessie.laatst_gezien_at: moment}).where(Sessie.id == row["id"])
    return Ingelogd(
        id=row["gebruiker_id"],
        naam=row["naam"],
        rol=Rol(row["rol"]),
        gemeente_id=row["gemeente_id"],
        gemeente_slug=row["gemeente_slug"],
        gemeente_naam=row["gemeente_naam"],
        sessie_id=row["id"],
        regio_id=row["regio_id"],
        taal=row["taal"],
    )


async def acting_as(email: str) -> Ingelogd:
    """A person as the domain functions see them, without a session (demo data, scripts, tests)."""
    row = (
        await Gebruiker.select(
            Gebruiker.id,
            Gebruiker.naam,
            Gebruiker.rol,
            Gebruiker.gemeente.id.as_alias("gemeente_id"),
            Gebruiker.gemeente.slug.as_alias("gemeente_slug"),
            Gebruiker.gemeente.naam.as_alias("gemeente_naam"),
            Gebruiker.gemeente.regio.as_alias("regio_id"),
            Gebruiker.taal,
        )
        .where(Gebruiker.email == email.strip().lower())
        .first()
    )
    if row is None:
        raise LookupError(email)
    return Ingelogd(
        id=row["id"],
        naam=row["naam"],
        rol=Rol(row["rol"]),
        gemeente_id=row["gemeente_id"],
        gemeente_slug=row["gemeente_slug"],
        gemeente_naam=row["gemeente_naam"],
        sessie_id=0,
        regio_id=row["regio_id"],
        taal=row["taal"],
    )


async def remember_taal(gebruiker_id: int, taal: str) -> None:
    """Keep the language the person chose with the switch, for the mails they get later.

    Only a language we speak; writes only when it changed (the session middleware calls this
    when the cookie and the stored choice differ, so once per change)."""
    if taal not in ("nl", "en"):
        return
    await Gebruiker.update({Gebruiker.taal: taal}).where(
        (Gebruiker.id == gebruiker_id) & (Gebruiker.taal != taal)
    )


async def _validate_account(
    rol: str, gemeente_slug: str | None, fouten: dict[str, str]
) -> tuple[Rol | None, int | None]:
    try:
        parsed_rol = Rol(rol)
    except ValueError:
        fouten["rol"] = _("Kies een rol: beheerder, raadslid of ambtenaar.")
        return None, None
    if parsed_rol is Rol.BEHEERDER:
        return parsed_rol, None
    if not gemeente_slug:
        fouten["gemeente"] = _("Kies bij welke gemeente dit raadslid of deze ambtenaar hoort.")
        return parsed_rol, None
    gemeente = await Gemeente.select(Gemeente.id).where(Gemeente.slug == gemeente_slug).first()
    if gemeente is None:
        fouten["gemeente"] = _("Deze gemeente kennen we niet.")
        return parsed_rol, None
    return parsed_rol, gemeente["id"]


async def create_gebruiker(
    settings: Settings,
    *,
    email: str,
    naam: str,
    wachtwoord: str,
    rol: str,
    gemeente_slug: str | None,
    door: Ingelogd | None,
) -> int:
    """Create an account. Raises OngeldigeInvoer with a message per field.

    `door` is the beheerder who does it, or None for the CLI and the demo data (the security
    log has those). A beheerder's creation leaves a trail line (no e-mail address in it).
    """
    fouten: dict[str, str] = {}
    email = normalise_email(email)
    naam = naam.strip()
    if not naam:
        fouten["naam"] = _("Vul een naam in.")
    elif len(naam) > 150:
        fouten["naam"] = _("Een naam mag hoogstens 150 tekens lang zijn.")
    if "@" not in email or len(email) > 254 or " " in email or email.startswith("@"):
        fouten["email"] = _("Vul een geldig e-mailadres in, zoals naam@velsen.nl.")
    if (reason := passwords.check_strength(wachtwoord)) is not None:
        fouten["wachtwoord"] = reason
    parsed_rol, gemeente_id = await _validate_account(rol, gemeente_slug, fouten)
    if "email" not in fouten and await Gebruiker.exists().where(Gebruiker.email == email):
        fouten["email"] = _("Er is al een account met dit e-mailadres.")
    if fouten or parsed_rol is None:
        raise OngeldigeInvoer(fouten)
    wachtwoord_hash = await passwords.hash_password(wachtwoord, settings.password_profile)
    async with Gebruiker._meta.db.transaction():
        rows = await Gebruiker.insert(
            Gebruiker(
                email=email,
                naam=naam,
                wachtwoord_hash=wachtwoord_hash,
                rol=parsed_rol.value,
                gemeente=gemeente_id,
                is_actief=True,
                aangemaakt_at=now(),
            )
        ).on_conflict(target=Gebruiker.email, action="DO NOTHING")
        if not rows:
            # Another request created the same address between our check and this insert.
            raise OngeldigeInvoer({"email": _("Er is al een account met dit e-mailadres.")})
        gebruiker_id: int = rows[0]["id"]
        if door is not None:
            await spoor.record(
                door,
                "gebruiker_aangemaakt",
                onderwerp="gebruiker",
                onderwerp_id=gebruiker_id,
                gemeente_id=gemeente_id,
                na={
                    "rol": parsed_rol.value,
                    "gemeente": gemeente_slug if gemeente_id else None,
                    "is_actief": True,
                },
            )
    log_event(
        "gebruiker_aangemaakt",
        door=door.id if door is not None else None,
        gebruiker=gebruiker_id,
        rol=parsed_rol.value,
        gemeente=gemeente_slug,
    )
    return gebruiker_id


async def _account_state(gebruiker_id: int) -> dict[str, Any] | None:
    """Role, council and on/off of an account: the fields a beheerder changes, as the trail shows them."""
    return (
        await Gebruiker.select(
            Gebruiker.rol,
            Gebruiker.gemeente.id.as_alias("gemeente_id"),
            Gebruiker.gemeente.slug.as_alias("gemeente"),
            Gebruiker.is_actief,
        )
        .where(Gebruiker.id == gebruiker_id)
        .first()
    )


def _update_actie(voor: dict[str, Any], is_actief: bool) -> str:
    if bool(voor["is_actief"]) and not is_actief:
        return "gebruiker_uitgezet"
    if not voor["is_actief"] and is_actief:
        return "gebruiker_aangezet"
    return "gebruiker_gewijzigd"


async def update_gebruiker(
    *, gebruiker_id: int, rol: str, gemeente_slug: str | None, is_actief: bool, door: Ingelogd
) -> None:
    """Change role, council and whether the account may log in. Disabling ends its sessions.

    A real change leaves one trail line (gebruiker_gewijzigd, _uitgezet or _aangezet) with the
    changed fields; saving the form unchanged leaves none.
    """
    fouten: dict[str, str] = {}
    parsed_rol, gemeente_id = await _validate_account(rol, gemeente_slug, fouten)
    if gebruiker_id == door.id and (not is_actief or parsed_rol is not Rol.BEHEERDER):
        fouten["rol"] = _("U kunt uw eigen beheerdersaccount niet uitzetten of een andere rol geven.")
    if fouten or parsed_rol is None:
        raise OngeldigeInvoer(fouten)
    async with Gebruiker._meta.db.transaction():
        oud = await _account_state(gebruiker_id)
        if oud is None:
            raise OngeldigeInvoer({"gebruiker": _("Dit account bestaat niet (meer).")})
        await Gebruiker.update(
            {
                Gebruiker.rol: parsed_rol.value,
                Gebruiker.gemeente: gemeente_id,
                Gebruiker.is_actief: is_actief,
            }
        ).where(Gebruiker.id == gebruiker_id)
        # A changed role must not keep the rights of the old one in an open session.
        await Sessie.delete().where(Sessie.gebruiker == gebruiker_id)
        nieuw = {
            "rol": parsed_rol.value,
            "gemeente": gemeente_slug if gemeente_id is not None else None,
            "is_actief": is_actief,
        }
        voor, na = spoor.changed({k: oud[k] for k in nieuw}, nieuw)
        if na:
            await spoor.record(
                door,
                _update_actie(oud, is_actief),
                onderwerp="gebruiker",
                onderwerp_id=gebruiker_id,
                gemeente_id=gemeente_id if gemeente_id is not None else oud["gemeente_id"],
                voor=voor,
                na=na,
            )
    log_event(
        "gebruiker_gewijzigd",
        door=door.id,
        gebruiker=gebruiker_id,
        rol=parsed_rol.value,
        gemeente=gemeente_slug,
        is_actief=is_actief,
    )


def _new_password_errors(nieuw: str, herhaling: str) -> dict[str, str]:
    fouten: dict[str, str] = {}
    if (reason := passwords.check_strength(nieuw)) is not None:
        fouten["nieuw"] = reason
    elif nieuw != herhaling:
        fouten["herhaling"] = _("De twee nieuwe wachtwoorden zijn niet hetzelfde.")
    return fouten


async def change_password(
    settings: Settings, user: Ingelogd, *, huidig: str, nieuw: str, herhaling: str, adres: str
) -> None:
    """Set a new password for the logged-in person and end their other sessions.

    The current password is required and its check counts against the login limits, so a
    borrowed session cannot be used to guess it. Unused reset links of the account stop
    working. Raises OngeldigeInvoer, TeVeelPogingen or passwords.TeDruk.
    """
    moment = now()
    fouten = _new_password_errors(nieuw, herhaling)
    row = (
        await Gebruiker.select(Gebruiker.email, Gebruiker.naam, Gebruiker.wachtwoord_hash, Gebruiker.taal)
        .where(Gebruiker.id == user.id)
        .first()
    )
    if row is None:
        raise OngeldigeInvoer({"huidig": _("Dit account bestaat niet (meer).")})
    grenzen = _login_grenzen(settings, row["email"], adres)
    ids = await _reserve_or_log(grenzen, moment, row["email"])
    try:
        ok = await passwords.verify_password(row["wachtwoord_hash"], huidig, settings.password_profile)
    except passwords.TeDruk:
        await _release(ids)
        raise
    if not ok:
        log_event("wachtwoord_wijzigen_mislukt", door=user.id)
        raise OngeldigeInvoer({"huidig": _("Uw huidige wachtwoord klopt niet."), **fouten})
    # The current password was right: this try is no failure.
    await Inlogpoging.delete().where((Inlogpoging.sleutel == grenzen[0].sleutel) | Inlogpoging.id.is_in(ids))
    if fouten:
        raise OngeldigeInvoer(fouten)
    new_hash = await passwords.hash_password(nieuw, settings.password_profile)
    async with Gebruiker._meta.db.transaction():
        await Gebruiker.update({Gebruiker.wachtwoord_hash: new_hash}).where(Gebruiker.id == user.id)
        ended = (
            await Sessie.delete()
            .where((Sessie.gebruiker == user.id) & (Sessie.id != user.sessie_id))
            .returning(Sessie.id)
        )
        await Wachtwoordherstel.delete().where(
            (Wachtwoordherstel.gebruiker == user.id) & Wachtwoordherstel.gebruikt_at.is_null()
        )
        await _queue_changed_notice(row["email"], row["naam"], user.id, row["taal"])
        # Only that it happened: no password, no hash.
        await spoor.record(
            user,
            "wachtwoord_gewijzigd",
            onderwerp="gebruiker",
            onderwerp_id=user.id,
            gemeente_id=user.gemeente_id,
        )
    log_event("wachtwoord_gewijzigd", door=user.id, sessies_beeindigd=len(ended))


async def _queue_changed_notice(email: str, naam: str, gebruiker_id: int, taal: str) -> None:
    """Tell the owner their password changed, so a change they did not make gets noticed.
    In the language the owner last chose (`taal`)."""
    await outbox.enqueue(
        email, "wachtwoord_gewijzigd", {"naam": naam}, groep=f"gebruiker:{gebruiker_id}", taal=taal
    )


async def _queue_reset_link(gebruiker: dict[str, Any], moment: datetime, *, door_beheerder: bool) -> None:
    """Store a new link (its hash only) and queue the mail with it, in the language the account
    last chose; inside a transaction."""
    token = secrets.token_urlsafe(32)
    await Wachtwoordherstel.insert(
        Wachtwoordherstel(
            token_hash=_token_hash(token),
            gebruiker=gebruiker["id"],
            aangemaakt_at=moment,
            verloopt_at=moment + HERSTEL_GELDIG,
            gebruikt_at=None,
        )
    )
    await outbox.enqueue(
        gebruiker["email"],
        "wachtwoord_herstel",
        {
            "naam": gebruiker["naam"],
            "pad": f"/wachtwoord-herstellen/{token}",
            "minuten": int(HERSTEL_GELDIG.total_seconds() // 60),
            "door_beheerder": door_beheerder,
        },
        groep=f"gebruiker:{gebruiker['id']}",
        taal=gebruiker["taal"],
    )


async def send_reset_link(settings: Settings, *, gebruiker_id: int, door: Ingelogd) -> None:
    """A beheerder mails someone a link to set a new password (their sessions stay until it is used).

    Leaves a trail line naming the account by its id; the link and the address stay out.
    """
    moment = now()
    async with Gebruiker._meta.db.transaction():
        gebruiker = (
            await Gebruiker.select(
                Gebruiker.id,
                Gebruiker.email,
                Gebruiker.naam,
                Gebruiker.is_actief,
                Gebruiker.gemeente,
                Gebruiker.taal,
            )
            .where(Gebruiker.id == gebruiker_id)
            .first()
        )
        if gebruiker is None:
            raise OngeldigeInvoer({"herstellink": _("Dit account bestaat niet (meer).")})
        if not gebruiker["is_actief"]:
            raise OngeldigeInvoer(
                {"herstellink": _("Dit account staat uit. Zet het eerst aan, dan kunt u een link sturen.")}
            )
        await _queue_reset_link(gebruiker, moment, door_beheerder=True)
        await spoor.record(
            door,
            "herstellink_verstuurd",
            onderwerp="gebruiker",
            onderwerp_id=gebruiker_id,
            gemeente_id=gebruiker["gemeente"],
        )
    log_event("herstellink_verstuurd", door=door.id, gebruiker=gebruiker_id)


async def request_reset(settings: Settings, *, email: str, adres: str) -> None:
    """ "Wachtwoord vergeten": mail a reset link if an active account has this address.

    Returns the same way whether or not it does, so the answer reveals no accounts. An
    account gets at most HERSTEL_PER_UUR links an hour (more requests are ignored quietly);
    a network that asks too often gets TeVeelPogingen.
    """
    moment = now()
    email = normalise_email(email)
    netwerk = _limit_key(settings, "herstel_adres", client_network(adres))
    try:
        await _reserve([_Grens("herstel_adres", netwerk, HERSTEL_MAX_PER_ADRES)], moment)
    except TeVeelPogingen as exc:
        raise TeVeelHerstelVerzoeken(exc.retry_after, exc.grens) from None
    async with Gebruiker._meta.db.transaction():
        # One request at a time per account, so parallel requests cannot pass the hourly cap.
        await _lock_keys([_limit_key(settings, "herstel", email)])
        gebruiker = (
            await Gebruiker.select(Gebruiker.id, Gebruiker.email, Gebruiker.naam, Gebruiker.taal)
            .where((Gebruiker.email == email) & (Gebruiker.is_actief == True))  # noqa: E712 -- piccolo builds SQL from ==
            .first()
        )
        if gebruiker is None:
            log_event("wachtwoord_vergeten", door=None, verstuurd=False)
            return
        recent = await Wachtwoordherstel.count().where(
            (Wachtwoordherstel.gebruiker == gebruiker["id"])
            & (Wachtwoordherstel.aangemaakt_at > moment - timedelta(hours=1))
        )
        if recent >= HERSTEL_PER_UUR:
            log_event("wachtwoord_vergeten", door=gebruiker["id"], verstuurd=False)
            return
        await _queue_reset_link(gebruiker, moment, door_beheerder=False)
    log_event("wachtwoord_vergeten", door=gebruiker["id"], verstuurd=True)


async def reset_password(settings: Settings, *, token: str, nieuw: str, herhaling: str, adres: str) -> None:
    """Set a new password with a mailed link: once, within the hour; ends every session.

    Also lifts this account's login limits from this network and from anywhere: whoever
    holds the mailbox is the owner. Raises HerstellinkOngeldig, OngeldigeInvoer, passwords.TeDruk.
    """
    moment = now()
    token_hash = _token_hash(token)
    if not await reset_link_is_valid(token):
        raise HerstellinkOngeldig()
    fouten = _new_password_errors(nieuw, herhaling)
    if fouten:
        raise OngeldigeInvoer(fouten)
    new_hash = await passwords.hash_password(nieuw, settings.password_profile)
    async with Wachtwoordherstel._meta.db.transaction():
        # The claim is one conditional update: of two parallel uses, one wins.
        claimed = (
            await Wachtwoordherstel.update({Wachtwoordherstel.gebruikt_at: moment})
            .where(
                (Wachtwoordherstel.token_hash == token_hash)
                & Wachtwoordherstel.gebruikt_at.is_null()
                & (Wachtwoordherstel.verloopt_at > moment)
            )
            .returning(Wachtwoordherstel.gebruiker)
        )
        if not claimed:
            raise HerstellinkOngeldig()
        gebruiker_id = claimed[0]["gebruiker"]
        gebruiker = (
            await Gebruiker.select(Gebruiker.email, Gebruiker.naam, Gebruiker.is_actief, Gebruiker.taal)
            .where(Gebruiker.id == gebruiker_id)
            .first()
        )
        if gebruiker is None or not gebruiker["is_actief"]:
            raise HerstellinkOngeldig()
        await Gebruiker.update({Gebruiker.wachtwoord_hash: new_hash}).where(Gebruiker.id == gebruiker_id)
        await Sessie.delete().where(Sessie.gebruiker == gebruiker_id)
        # Other links mailed earlier must not reset the new password.
        await Wachtwoordherstel.delete().where(
            (Wachtwoordherstel.gebruiker == gebruiker_id) & Wachtwoordherstel.gebruikt_at.is_null()
        )
        grenzen = _login_grenzen(settings, gebruiker["email"], adres)
        await Inlogpoging.delete().where(Inlogpoging.sleutel.is_in([grenzen[0].sleutel, grenzen[2].sleutel]))
        await _queue_changed_notice(gebruiker["email"], gebruiker["naam"], gebruiker_id, gebruiker["taal"])
    log_event("wachtwoord_hersteld", door=gebruiker_id)


async def reset_link_is_valid(token: str) -> bool:
    """Whether a mailed link may still be used (for the page that shows the form)."""
    if not token or len(token) > 100:
        return False
    return await Wachtwoordherstel.exists().where(
        (Wachtwoordherstel.token_hash == _token_hash(token))
        & Wachtwoordherstel.gebruikt_at.is_null()
        & (Wachtwoordherstel.verloopt_at > now())
    )


async def purge_expired(settings: Settings) -> int:
    """Delete sessions past their lifetime and failed logins past the limit window.

    Both hold (hashed) personal data that serves no purpose once they expire. Idempotent.
    """
    moment = now()
    idle_cutoff = moment - timedelta(minutes=settings.session_idle_minutes)
    age_cutoff = moment - timedelta(hours=settings.session_max_hours)
    async with Sessie._meta.db.transaction():
        sessies = (
            await Sessie.delete()
            .where((Sessie.laatst_gezien_at < idle_cutoff) | (Sessie.aangemaakt_at < age_cutoff))
            .returning(Sessie.id)
        )
        pogingen = (
            await Inlogpoging.delete()
            .where(Inlogpoging.at < moment - FAILURE_WINDOW)
            .returning(Inlogpoging.id)
        )
        # Kept an hour past their end: the hourly cap on mailed links counts them.
        links = (
            await Wachtwoordherstel.delete()
            .where(Wachtwoordherstel.verloopt_at < moment - timedelta(hours=1))
            .returning(Wachtwoordherstel.id)
        )
    return len(sessies) + len(pogingen) + len(links)


async def ensure_regio(slug: str, naam: str) -> int:
    """The regio with this slug, created when missing (reference data, so idempotent)."""
    from participatie.accounts.tables import Regio

    await Regio.insert(Regio(slug=slug, naam=naam)).on_conflict(target=Regio.slug, action="DO NOTHING")
    row = await Regio.select(Regio.id).where(Regio.slug == slug).first()
    assert row is not None
    return int(row["id"])


async def ensure_gemeente(slug: str, naam: str, raad_naam: str, regio_id: int) -> int:
    await Gemeente.insert(Gemeente(slug=slug, naam=naam, raad_naam=raad_naam, regio=regio_id)).on_conflict(
        target=Gemeente.slug, action="DO NOTHING"
    )
    row = await Gemeente.select(Gemeente.id).where(Gemeente.slug == slug).first()
    assert row is not None
    return int(row["id"])
