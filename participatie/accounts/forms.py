"""Form input to plain values. Missing or repeated fields never raise: they read as empty."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from participatie import tijd
from participatie.invoer import text_field
from participatie.spoor import Zoekopdracht
from participatie.taal import N_
from participatie.taal import gettext as _

__all__ = ["GebruikerForm", "LoginForm", "WachtwoordForm", "ZoekForm", "safe_next"]


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


# The trail page shows this many lines per page.
PER_PAGINA = 100
ZOEKVELDEN = ("wie", "actie", "onderwerp", "vraag", "gemeente", "van", "tot")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_WILDCARDS = re.compile(r"[%_\s]+")


def _search_text(fouten: dict[str, str], veld: str, value: str, label: str, max_length: int) -> str:
    text = text_field(fouten, veld, value, label, max_length=max_length, required=False)
    if text and not _WILDCARDS.sub("", text):
        # The trail's search drops % and _, so on their own they would find every line.
        fouten[veld] = _("Zoek met letters of cijfers. De tekens % en _ werken hier niet als jokerteken.")
    return text


def _day(fouten: dict[str, str], veld: str, value: str) -> date | None:
    """A day typed as 31-12-2026 (or 31/12/2026), or as the date input sends it (2026-12-31)."""
    value = value.strip()
    if match := _DUTCH_DATE.fullmatch(value):
        dag, maand, jaar = match.groups()
        value = f"{jaar}-{int(maand):02d}-{int(dag):02d}"
    parsed = tijd.parse_date(fouten, veld, value, required=False)
    if parsed is not None and not 2000 <= parsed.year <= 2999:
        fouten[veld] = _("Vul een datum na het jaar 2000 in, zoals 31-12-2026.")
        return None
    return parsed


def _start_of(day: date) -> datetime:
    """Midnight at the start of a day on the Dutch clock, as a UTC moment."""
    return tijd.from_local(datetime.combine(day, time()))


@dataclass(frozen=True)
class ZoekForm:
    """A beheerder's search of the trail, from the query string of the GET form.

    `waarden` is what was typed (to show it again and build the page links); `zoekopdracht`
    is None when `fouten` holds a Dutch message for a field. A period runs from the start
    of `van` to the end of `tot`, both days on the Dutch clock.
    """

    waarden: dict[str, str]
    fouten: dict[str, str] = field(default_factory=dict)
    zoekopdracht: Zoekopdracht | None = None
    pagina: int = 1

    @property
    def offset(self) -> int:
        return (self.pagina - 1) * PER_PAGINA

    @classmethod
    def parse(cls, data: Mapping[str, str], gemeenten: Mapping[str, int]) -> ZoekForm:
        """`gemeenten` maps each council's slug to its id."""
        waarden = {k: (data.get(k) or "").replace("\x00", "") for k in ZOEKVELDEN}
        fouten: dict[str, str] = {}
        wie = _search_text(fouten, "wie", waarden["wie"], N_("een naam"), 100)
        actie = _search_text(fouten, "actie", waarden["actie"], N_("een actie"), 60)
        onderwerp = text_field(
            fouten, "onderwerp", waarden["onderwerp"], N_("een onderwerp"), max_length=30, required=False
        )
        vraag_id = None
        vraag = waarden["vraag"].strip()
        if vraag:
            if vraag.isascii() and vraag.isdigit() and len(vraag) <= 9:
                vraag_id = int(vraag)
            else:
                fouten["vraag"] = _("Vul het nummer van een vraag in, met alleen cijfers, zoals 12.")
        gemeente_id = None
        if waarden["gemeente"]:
            gemeente_id = gemeenten.get(waarden["gemeente"])
            if gemeente_id is None:
                fouten["gemeente"] = _("Kies een gemeente uit de lijst.")
        van = _day(fouten, "van", waarden["van"])
        tot = _day(fouten, "tot", waarden["tot"])
        if van is not None and tot is not None and tot < van:
            fouten["tot"] = _("De einddatum ligt voor de begindatum. Kies een latere einddatum.")
        pagina_tekst = (data.get("pagina") or "").strip()
        pagina = (
            int(pagina_tekst)
            if pagina_tekst.isascii() and pagina_tekst.isdigit() and len(pagina_tekst) <= 5
            else 1
        )
        if fouten:
            return cls(waarden=waarden, fouten=fouten)
        zoekopdracht = Zoekopdracht(
            door=wie,
            actie=actie,
            onderwerp=onderwerp,
            vraag_id=vraag_id,
            gemeente_id=gemeente_id,
            van=_start_of(van) if van is not None else None,
            tot=_start_of(tot + timedelta(days=1)) if tot is not None else None,
        )
        return cls(waarden=waarden, zoekopdracht=zoekopdracht, pagina=max(pagina, 1))
