"""Form input to plain values. Missing or repeated fields never raise: they read as empty."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request


async def read_form(request: Request) -> dict[str, str]:
    """The first value of each field, stripped of NUL bytes that no database wants."""
    form = await request.form()
    values: dict[str, str] = {}
    for key in form:
        value = form.get(key)
        values[key] = value.replace("\x00", "") if isinstance(value, str) else ""
    return values


def safe_next(path: str | None) -> str | None:
    """Only a local path may be a redirect target after login (no //evil.example)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None


@dataclass(frozen=True)
class LoginForm:
    email: str
    wachtwoord: str
    volgende: str | None

    @classmethod
    def parse(cls, data: dict[str, str]) -> LoginForm:
        return cls(
            email=data.get("email", "").strip()[:254],
            wachtwoord=data.get("wachtwoord", ""),
            volgende=safe_next(data.get("volgende")),
        )


@dataclass(frozen=True)
class GebruikerForm:
    email: str
    naam: str
    wachtwoord: str
    rol: str
    gemeente: str | None
    is_actief: bool

    @classmethod
    def parse(cls, data: dict[str, str]) -> GebruikerForm:
        return cls(
            email=data.get("email", "").strip(),
            naam=data.get("naam", "").strip(),
            wachtwoord=data.get("wachtwoord", ""),
            rol=data.get("rol", ""),
            gemeente=data.get("gemeente") or None,
            is_actief=data.get("is_actief") == "ja",
        )


@dataclass(frozen=True)
class WachtwoordForm:
    """A new password, typed twice; `huidig` only when changing one's own."""

    huidig: str
    nieuw: str
    herhaling: str

    @classmethod
    def parse(cls, data: dict[str, str]) -> WachtwoordForm:
        return cls(
            huidig=data.get("huidig", ""),
            nieuw=data.get("nieuw", ""),
            herhaling=data.get("herhaling", ""),
        )
