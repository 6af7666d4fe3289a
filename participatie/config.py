"""One typed settings object, read from PARTICIPATIE_* environment variables."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"

DEFAULT_SECRET_KEY = "onveilig-alleen-voor-ontwikkeling"  # noqa: S105 -- the value we refuse in production
DEFAULT_DATABASE_URL = "sqlite:///data/participatie.sqlite3"


class ConfigError(Exception):
    """Settings that must not be used; the message is shown to whoever starts the app."""


def _bool(name: str, value: str) -> bool:
    if value.strip().lower() in {"1", "true", "ja", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "nee", "no", "off", ""}:
        return False
    raise ConfigError(f"PARTICIPATIE_{name} moet true of false zijn, niet {value!r}.")


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"PARTICIPATIE_{name} moet een geheel getal zijn, niet {value!r}.") from None


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEFAULT_SECRET_KEY
    # Keys used before the current one: links, codes and cookies they made still work, new ones
    # use secret_key only (participatie/sleutels.py, docs/beheer.md "Rotating the secret key").
    old_secret_keys: tuple[str, ...] = field(default=(), repr=False)
    base_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_tls: str = "none"  # none | starttls | tls
    mail_from: str = "Participatieraad IJmond <noreply@participatie.example>"
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    max_body_bytes: int = 1_000_000
    planner_enabled: bool = True
    # Addresses or networks of the reverse proxies in front of the app. Only a request that
    # comes from one of them may say, in X-Forwarded-For / X-Forwarded-Proto, who the resident
    # is and whether they used https; anyone else could forge those headers.
    trusted_proxies: tuple[str, ...] = ()
    db_pool_size: int = 10
    # Poll flood protection, counted in the database so it holds across processes. Many
    # residents share one address (wifi of a library, a care home, mobile networks), so an
    # address is only refused far beyond what sharing explains: per poll per 10 minutes.
    peiling_limiet_per_adres: int = 2000
    # Per poll per minute: above "druk" each answer waits peiling_vertraging_ms and the results
    # page shows the burst; above "max" answers are refused until the minute is over.
    peiling_druk_per_minuut: int = 300
    peiling_max_per_minuut: int = 1500
    peiling_vertraging_ms: int = 1000
    # "test" makes password hashing cheap so a test suite is not dominated by argon2; never in production
    password_profile: str = "standaard"  # noqa: S105 -- a hashing profile name, not a password

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_host(self) -> str:
        parsed = urlparse(self.database_url)
        return f"{parsed.hostname or 'localhost'}:{parsed.port or 5432}"

    @property
    def database_name(self) -> str:
        return urlparse(self.database_url).path.lstrip("/")

    def check_database_url(self) -> None:
        """Refuse a database address we cannot use, with the reason in one Dutch line."""
        parsed = urlparse(self.database_url)
        if parsed.scheme == "sqlite":
            if not self.database_url.startswith("sqlite:///") or self.database_url == "sqlite:///":
                raise ConfigError(
                    "PARTICIPATIE_DATABASE_URL: een SQLite-adres ziet er zo uit: sqlite:///data/participatie.sqlite3"
                )
            return
        if parsed.scheme not in {"postgresql", "postgres"}:
            raise ConfigError(
                f"PARTICIPATIE_DATABASE_URL: {parsed.scheme or self.database_url!r} kennen we niet; "
                "gebruik sqlite:///pad/naar/bestand.sqlite3 of postgresql://gebruiker@host/database."
            )
        if not self.database_name:
            raise ConfigError(
                "PARTICIPATIE_DATABASE_URL: zet de naam van de database achter de host, zoals postgresql://host/participatie."
            )

    @property
    def is_https(self) -> bool:
        return urlparse(self.base_url).scheme == "https"

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY

    @property
    def secret_ring(self) -> tuple[str, ...]:
        """Every key still recognised, the current one first (it alone signs anything new)."""
        return (self.secret_key, *self.old_secret_keys)

    def check(self) -> None:
        """Raise ConfigError for settings the app must not run with."""
        if not self.debug and self.uses_default_secret:
            raise ConfigError(
                "De standaard geheime sleutel mag alleen in debug-modus gebruikt worden. "
                "Zet PARTICIPATIE_SECRET_KEY op een lange willekeurige waarde, bijvoorbeeld uit "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if len(self.secret_key) < 32:
            raise ConfigError("PARTICIPATIE_SECRET_KEY is te kort: gebruik minstens 32 tekens.")
        for number, old in enumerate(self.old_secret_keys, start=1):
            if len(old) < 32:
                raise ConfigError(
                    f"PARTICIPATIE_OLD_SECRET_KEYS: sleutel {number} is te kort: gebruik minstens 32 tekens."
                )
            # A key everyone can read would let anyone make links that we accept.
            if old == DEFAULT_SECRET_KEY and not self.debug:
                raise ConfigError(
                    "PARTICIPATIE_OLD_SECRET_KEYS: de standaardsleutel mag daar alleen in debug-modus staan."
                )
        if self.smtp_tls not in {"none", "starttls", "tls"}:
            raise ConfigError("PARTICIPATIE_SMTP_TLS moet none, starttls of tls zijn.")
        self.check_database_url()
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ConfigError(
                    f"PARTICIPATIE_TRUSTED_PROXIES: {entry!r} is geen IP-adres of netwerk "
                    "(zoals 10.0.0.5 of 10.0.0.0/24)."
                ) from None
        if self.password_profile not in {"standaard", "test"}:
            raise ConfigError("PARTICIPATIE_PASSWORD_PROFILE moet standaard of test zijn.")

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(f"PARTICIPATIE_{name}")

        values: dict[str, object] = {}
        for name in (
            "database_url",
            "secret_key",
            "base_url",
            "smtp_host",
            "smtp_user",
            "smtp_password",
            "smtp_tls",
            "mail_from",
            "password_profile",
        ):
            if (raw := get(name.upper())) is not None:
                values[name] = raw
        for name in (
            "smtp_port",
            "session_idle_minutes",
            "session_max_hours",
            "max_body_bytes",
            "db_pool_size",
            "peiling_limiet_per_adres",
            "peiling_druk_per_minuut",
            "peiling_max_per_minuut",
            "peiling_vertraging_ms",
        ):
            if (raw := get(name.upper())) is not None:
                values[name] = _int(name.upper(), raw)
        if (raw := get("OLD_SECRET_KEYS")) is not None:
            values["old_secret_keys"] = tuple(k.strip() for k in raw.split(",") if k.strip())
        if (raw := get("TRUSTED_PROXIES")) is not None:
            values["trusted_proxies"] = tuple(p.strip() for p in raw.split(",") if p.strip())
        for name in ("debug", "planner_enabled"):
            if (raw := get(name.upper())) is not None:
                values[name] = _bool(name.upper(), raw)
        return cls(**values)  # type: ignore[arg-type]
