"""Account use cases: the only code that writes accounts, sessions and login attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from participatie.accounts import passwords
from participatie.accounts.tables import Gebruiker, Gemeente, Inlogpoging, Rol, Sessie
from participatie.auditlog import log_event
from participatie.config import Settings

ACCOUNT_MAX_FAILURES = 5
ADDRESS_MAX_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)
# Touching last-seen on every request would make every page view a write.
TOUCH_AFTER = timedelta(seconds=60)


class AccountError(Exception):
    """A refused account action; `str(error)` is the Dutch message for the person."""


class InloggenMislukt(AccountError):
    def __init__(self) -> None:
        super().__init__("Het e-mailadres of het wachtwoord klopt niet.")


class TeVeelPogingen(AccountError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Er is te vaak een verkeerd wachtwoord gebruikt. Probeer het over {minutes} minuten opnieuw."
        )


class OngeldigeInvoer(AccountError):
    """Input that fails a rule; `fouten` maps field names to Dutch messages."""

    def __init__(self, fouten: dict[str, str]) -> None:
        self.fouten = fouten
        super().__init__("Niet alle velden zijn goed ingevuld.")


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

    def may_open_gemeente(self, slug: str) -> bool:
        return self.rol is Rol.BEHEERDER or self.gemeente_slug == slug


def now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limit_key(settings: Settings, kind: str, value: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def _recent_failures(key: str, since: datetime) -> tuple[int, datetime | None]:
    rows = (
        await Inlogpoging.select(Inlogpoging.at)
        .where((Inlogpoging.sleutel == key) & (Inlogpoging.at > since))
        .order_by(Inlogpoging.at)
    )
    return len(rows), (rows[0]["at"] if rows else None)


async def login(settings: Settings, email: str, wachtwoord: str, adres: str) -> str:
    """Check the credentials and open a new session; returns the cookie token.

    Raises TeVeelPogingen when the account or the address failed too often recently,
    InloggenMislukt for a wrong address, a wrong password or a disabled account.
    """
    moment = now()
    email = normalise_email(email)
    account_key = _limit_key(settings, "account", email)
    address_key = _limit_key(settings, "adres", adres)
    since = moment - FAILURE_WINDOW
    for key, limit in ((account_key, ACCOUNT_MAX_FAILURES), (address_key, ADDRESS_MAX_FAILURES)):
        count, oldest = await _recent_failures(key, since)
        if count >= limit and oldest is not None:
            retry_after = int((oldest + FAILURE_WINDOW - moment).total_seconds()) + 1
            raise TeVeelPogingen(retry_after=max(retry_after, 1))

    row = (
        await Gebruiker.select(Gebruiker.id, Gebruiker.wachtwoord_hash, Gebruiker.is_actief)
        .where(Gebruiker.email == email)
        .first()
    )
    ok = await passwords.verify_password(
        row["wachtwoord_hash"] if row else None, wachtwoord, settings.password_profile
    )
    if not ok or row is None or not row["is_actief"]:
        await Inlogpoging.insert(
            Inlogpoging(sleutel=account_key, at=moment), Inlogpoging(sleutel=address_key, at=moment)
        )
        log_event("inloggen_mislukt", door=row["id"] if row else None)
        raise InloggenMislukt()

    token = secrets.token_urlsafe(32)
    new_hash = None
    if passwords.needs_rehash(row["wachtwoord_hash"], settings.password_profile):
        new_hash = await passwords.hash_password(wachtwoord, settings.password_profile)
    async with Sessie._meta.db.transaction():
        await Inlogpoging.delete().where(Inlogpoging.sleutel == account_key)
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
            Sessie.gebruiker.gemeente.id.as_alias("gemeente_id"),
            Sessie.gebruiker.gemeente.slug.as_alias("gemeente_slug"),
            Sessie.gebruiker.gemeente.naam.as_alias("gemeente_naam"),
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
    )


async def _validate_account(
    rol: str, gemeente_slug: str | None, fouten: dict[str, str]
) -> tuple[Rol | None, int | None]:
    try:
        parsed_rol = Rol(rol)
    except ValueError:
        fouten["rol"] = "Kies een rol: beheerder, raadslid of ambtenaar."
        return None, None
    if parsed_rol is Rol.BEHEERDER:
        return parsed_rol, None
    if not gemeente_slug:
        fouten["gemeente"] = "Kies de gemeente van deze raadslid of ambtenaar."
        return parsed_rol, None
    gemeente = await Gemeente.select(Gemeente.id).where(Gemeente.slug == gemeente_slug).first()
    if gemeente is None:
        fouten["gemeente"] = "Deze gemeente kennen we niet."
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
    door: int | None,
) -> int:
    """Create an account. Raises OngeldigeInvoer with a message per field."""
    fouten: dict[str, str] = {}
    email = normalise_email(email)
    naam = naam.strip()
    if not naam:
        fouten["naam"] = "Vul een naam in."
    elif len(naam) > 150:
        fouten["naam"] = "Een naam mag hoogstens 150 tekens lang zijn."
    if "@" not in email or len(email) > 254 or " " in email or email.startswith("@"):
        fouten["email"] = "Vul een geldig e-mailadres in, zoals naam@velsen.nl."
    if (reason := passwords.check_strength(wachtwoord)) is not None:
        fouten["wachtwoord"] = reason
    parsed_rol, gemeente_id = await _validate_account(rol, gemeente_slug, fouten)
    if "email" not in fouten and await Gebruiker.exists().where(Gebruiker.email == email):
        fouten["email"] = "Er is al een account met dit e-mailadres."
    if fouten or parsed_rol is None:
        raise OngeldigeInvoer(fouten)
    wachtwoord_hash = await passwords.hash_password(wachtwoord, settings.password_profile)
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
        raise OngeldigeInvoer({"email": "Er is al een account met dit e-mailadres."})
    gebruiker_id: int = rows[0]["id"]
    log_event(
        "gebruiker_aangemaakt",
        door=door,
        gebruiker=gebruiker_id,
        rol=parsed_rol.value,
        gemeente=gemeente_slug,
    )
    return gebruiker_id


async def update_gebruiker(
    *, gebruiker_id: int, rol: str, gemeente_slug: str | None, is_actief: bool, door: int
) -> None:
    """Change role, council and whether the account may log in. Disabling ends its sessions."""
    fouten: dict[str, str] = {}
    parsed_rol, gemeente_id = await _validate_account(rol, gemeente_slug, fouten)
    if gebruiker_id == door and (not is_actief or parsed_rol is not Rol.BEHEERDER):
        fouten["rol"] = "U kunt uw eigen beheerdersaccount niet uitzetten of een andere rol geven."
    if fouten or parsed_rol is None:
        raise OngeldigeInvoer(fouten)
    async with Gebruiker._meta.db.transaction():
        updated = (
            await Gebruiker.update(
                {
                    Gebruiker.rol: parsed_rol.value,
                    Gebruiker.gemeente: gemeente_id,
                    Gebruiker.is_actief: is_actief,
                }
            )
            .where(Gebruiker.id == gebruiker_id)
            .returning(Gebruiker.id)
        )
        if not updated:
            raise OngeldigeInvoer({"gebruiker": "Dit account bestaat niet (meer)."})
        # A changed role must not keep the rights of the old one in an open session.
        await Sessie.delete().where(Sessie.gebruiker == gebruiker_id)
    log_event(
        "gebruiker_gewijzigd",
        door=door,
        gebruiker=gebruiker_id,
        rol=parsed_rol.value,
        gemeente=gemeente_slug,
        is_actief=is_actief,
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
    return len(sessies) + len(pogingen)


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
