"""Reads for the councils' public pages: what a resident may see, and nothing more.

Every row here is a small frozen dataclass of public fields only. A vraag is shown by its title,
theme, the council's advice and the municipality's reaction: never the text a resident typed,
an address, or a name of anyone outside the council. Each list is one query, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from piccolo.columns.combination import WhereRaw

from participatie import taal, tijd
from participatie.accounts.tables import Gebruiker, Rol
from participatie.peilingen.tables import Peiling, Status, Toegang
from participatie.raden.tables import Raadspagina, Vergadering
from participatie.rapporten.tables import Rapport
from participatie.vragen.domain import REACTIE_OORDELEN
from participatie.vragen.queries import of_gemeente
from participatie.vragen.stappen import THEMAS, Stap
from participatie.vragen.tables import Scope, Vraag

THEMA_LABELS = dict(THEMAS)
OORDEEL_LABELS = dict(REACTIE_OORDELEN)
# A vraag whose advice has left the council: waiting for the municipality's answer, or done.
KLAAR = (Stap.BORGING.value, Stap.AFGEROND.value)
PER_PAGINA = 20
# The longest search text that is used; the rest is ignored (nobody types more in a box).
MAX_ZOEK = 100


@dataclass(frozen=True)
class Inbreng:
    """A finished vraag as a resident reads it on "Wat is er met uw inbreng gedaan"."""

    id: int
    titel: str
    thema: str
    is_regio: bool
    gemeente_slug: str
    gemeente_naam: str
    advies_tekst: str
    advies_aan: str
    advies_at: datetime | None
    oordeel: str  # overgenomen | deels | niet | "" (no reaction yet)
    reactie_toelichting: str
    reactie_at: datetime | None
    reactie_verwacht_op: date | None
    rapport_sleutel: str | None

    # Read while a page renders: in the reader's language (the labels are marked where listed).
    @property
    def thema_label(self) -> str:
        label = THEMA_LABELS.get(self.thema, "")
        return taal.gettext(label) if label else ""

    @property
    def oordeel_label(self) -> str:
        label = OORDEEL_LABELS.get(self.oordeel, "")
        return taal.gettext(label) if label else ""


_INBRENG_KOLOMMEN = (
    Vraag.id,
    Vraag.titel,
    Vraag.thema,
    Vraag.scope,
    Vraag.gemeente._.slug.as_alias("gemeente_slug"),
    Vraag.gemeente._.naam.as_alias("gemeente_naam"),
    Vraag.advies_tekst,
    Vraag.advies_aan,
    Vraag.advies_at,
    Vraag.reactie_oordeel,
    Vraag.reactie_toelichting,
    Vraag.reactie_at,
    Vraag.reactie_verwacht_op,
)


def _inbreng(row: dict[str, Any], sleutels: dict[int, str]) -> Inbreng:
    return Inbreng(
        id=row["id"],
        titel=row["titel"],
        thema=row["thema"] or "",
        is_regio=row["scope"] == Scope.REGIO.value,
        gemeente_slug=row["gemeente_slug"],
        gemeente_naam=row["gemeente_naam"],
        advies_tekst=row["advies_tekst"],
        advies_aan=row["advies_aan"],
        advies_at=tijd.as_utc(row["advies_at"]) if row["advies_at"] else None,
        oordeel=row["reactie_oordeel"] or "",
        reactie_toelichting=row["reactie_toelichting"],
        reactie_at=tijd.as_utc(row["reactie_at"]) if row["reactie_at"] else None,
        reactie_verwacht_op=row["reactie_verwacht_op"],
        rapport_sleutel=sleutels.get(row["id"]),
    )


def clean_zoek(q: str) -> str:
    """The search text as used: no NUL bytes (PostgreSQL refuses them), trimmed, capped."""
    return q.replace("\x00", "").strip()[:MAX_ZOEK]


def _contains(column: str, text: str) -> WhereRaw:
    """`column` holds `text`, ignoring case, with no wildcards: `%` and `_` typed in the search
    box are plain characters (LIKE would need an ESCAPE clause Piccolo cannot write). The text is
    a bound parameter; `column` is one of ours, never input."""
    position = "instr" if Vraag._meta.db.engine_type == "sqlite" else "strpos"
    return WhereRaw(f"{position}(lower({column}), lower({{}})) > 0", text)


def _klaar() -> Any:
    return Vraag.stap.is_in(list(KLAAR)) & Vraag.advies_at.is_not_null()


async def _rapport_sleutels(vraag_ids: list[int]) -> dict[int, str]:
    """The public key of each published report of these vragen (one query)."""
    if not vraag_ids:
        return {}
    rows = await Rapport.select(Rapport.vraag, Rapport.sleutel).where(
        Rapport.vraag.is_in(vraag_ids) & Rapport.gepubliceerd_at.is_not_null()
    )
    return {r["vraag"]: r["sleutel"] for r in rows}


async def inbreng(
    gemeente_id: int, *, thema: str = "", zoek: str = "", pagina: int = 1
) -> tuple[list[Inbreng], int]:
    """One page of the finished vragen of a council and the IJmond-wide ones of its region,
    newest advice first, and how many there are in all. `thema` must be a known theme (others
    are ignored by the caller); `zoek` searches title, advice and reaction."""
    where = of_gemeente(gemeente_id) & _klaar()
    if thema:
        where &= Vraag.thema == thema
    if zoek:
        where &= (
            _contains("vraag.titel", zoek)
            | _contains("vraag.advies_tekst", zoek)
            | _contains("vraag.reactie_toelichting", zoek)
        )
    totaal = await Vraag.count().where(where)
    rows = (
        await Vraag.select(*_INBRENG_KOLOMMEN)
        .where(where)
        .order_by(Vraag.advies_at, ascending=False)
        .order_by(Vraag.id, ascending=False)
        .limit(PER_PAGINA)
        .offset((max(1, pagina) - 1) * PER_PAGINA)
    )
    sleutels = await _rapport_sleutels([r["id"] for r in rows])
    return [_inbreng(r, sleutels) for r in rows], totaal


async def recent_inbreng(gemeente_id: int | None, aantal: int) -> list[Inbreng]:
    """The newest finished vragen: of one council (and its region), or of all councils."""
    where = _klaar() if gemeente_id is None else of_gemeente(gemeente_id) & _klaar()
    rows = (
        await Vraag.select(*_INBRENG_KOLOMMEN)
        .where(where)
        .order_by(Vraag.advies_at, ascending=False)
        .order_by(Vraag.id, ascending=False)
        .limit(aantal)
    )
    return [_inbreng(r, {}) for r in rows]


async def aantal_inbreng(gemeente_id: int) -> int:
    return await Vraag.count().where(of_gemeente(gemeente_id) & _klaar())


@dataclass(frozen=True)
class OpenPeiling:
    """A poll anyone can answer by its public link."""

    titel: str
    sleutel: str
    sluit_at: datetime | None
    gemeente_slug: str
    gemeente_naam: str
    is_regio: bool


# Built once: Piccolo's joined columns cost a little CPU each time they are made.
_PEILING_KOLOMMEN = (
    Peiling.titel,
    Peiling.sleutel,
    Peiling.sluit_at,
    Peiling.vraag._.scope.as_alias("scope"),
    Peiling.gemeente._.slug.as_alias("gemeente_slug"),
    Peiling.gemeente._.naam.as_alias("gemeente_naam"),
)


async def open_peilingen(gemeente_id: int | None) -> list[OpenPeiling]:
    """Open polls with a public link (never the invitation-code ones) of one council and its
    region's IJmond-wide vragen, or of all councils; closing soonest first, no closing time last.
    A poll past its closing time that the planner has not closed yet is left out."""
    nu = tijd.now()
    where = (
        (Peiling.status == Status.OPEN.value)
        & (Peiling.toegang == Toegang.LINK.value)
        & (Peiling.sluit_at.is_null() | (Peiling.sluit_at > nu))
    )
    if gemeente_id is not None:
        where &= Peiling.vraag.is_in(Vraag.select(Vraag.id).where(of_gemeente(gemeente_id)))
    rows = await Peiling.select(*_PEILING_KOLOMMEN).where(where)
    laatst = datetime.max.replace(tzinfo=UTC)
    peilingen = [
        OpenPeiling(
            titel=r["titel"],
            sleutel=r["sleutel"],
            sluit_at=tijd.as_utc(r["sluit_at"]) if r["sluit_at"] else None,
            gemeente_slug=r["gemeente_slug"],
            gemeente_naam=r["gemeente_naam"],
            is_regio=r["scope"] == Scope.REGIO.value,
        )
        for r in rows
    ]
    # Python's sort: the engines put NULLs at different ends.
    return sorted(peilingen, key=lambda p: (p.sluit_at or laatst, p.titel))


@dataclass(frozen=True)
class VergaderingRij:
    id: int
    begint_at: datetime
    eindigt_at: datetime
    plaats: str
    onderwerp: str
    agenda: str
    is_geannuleerd: bool
    versie: int
    gewijzigd_at: datetime


def _vergadering(row: dict[str, Any]) -> VergaderingRij:
    return VergaderingRij(
        id=row["id"],
        begint_at=tijd.as_utc(row["begint_at"]),
        eindigt_at=tijd.as_utc(row["eindigt_at"]),
        plaats=row["plaats"],
        onderwerp=row["onderwerp"],
        agenda=row["agenda"],
        is_geannuleerd=bool(row["is_geannuleerd"]),
        versie=row["versie"],
        gewijzigd_at=tijd.as_utc(row["gewijzigd_at"]),
    )


_VERGADERING_KOLOMMEN = (
    Vergadering.id,
    Vergadering.begint_at,
    Vergadering.eindigt_at,
    Vergadering.plaats,
    Vergadering.onderwerp,
    Vergadering.agenda,
    Vergadering.is_geannuleerd,
    Vergadering.versie,
    Vergadering.gewijzigd_at,
)


async def vergaderingen(gemeente_id: int, *, vanaf: datetime) -> list[VergaderingRij]:
    """A council's meetings that end at or after `vanaf`, soonest first (cancelled ones too)."""
    rows = (
        await Vergadering.select(*_VERGADERING_KOLOMMEN)
        .where((Vergadering.gemeente == gemeente_id) & (Vergadering.eindigt_at >= vanaf))
        .order_by(Vergadering.begint_at)
        .order_by(Vergadering.id)
    )
    return [_vergadering(r) for r in rows]


async def vergadering(gemeente_id: int, vergadering_id: int) -> VergaderingRij | None:
    row = (
        await Vergadering.select(*_VERGADERING_KOLOMMEN)
        .where((Vergadering.id == vergadering_id) & (Vergadering.gemeente == gemeente_id))
        .first()
    )
    return _vergadering(row) if row is not None else None


@dataclass(frozen=True)
class Pagina:
    tekst: str
    tekst_html: str
    contact_email: str
    versie: int
    gewijzigd_at: datetime | None


LEGE_PAGINA = Pagina(tekst="", tekst_html="", contact_email="", versie=0, gewijzigd_at=None)


async def pagina(gemeente_id: int) -> Pagina:
    """The council's own text and contact address; versie 0 before it ever saved."""
    row = (
        await Raadspagina.select(
            Raadspagina.tekst,
            Raadspagina.tekst_html,
            Raadspagina.contact_email,
            Raadspagina.versie,
            Raadspagina.gewijzigd_at,
        )
        .where(Raadspagina.gemeente == gemeente_id)
        .first()
    )
    if row is None:
        return LEGE_PAGINA
    return Pagina(
        tekst=row["tekst"],
        tekst_html=row["tekst_html"],
        contact_email=row["contact_email"],
        versie=row["versie"],
        gewijzigd_at=tijd.as_utc(row["gewijzigd_at"]) if row["gewijzigd_at"] else None,
    )


async def contacten() -> dict[str, str]:
    """Each council's contact address by slug ("" where the council set none)."""
    rows = await Raadspagina.select(Raadspagina.gemeente._.slug.as_alias("slug"), Raadspagina.contact_email)
    return {r["slug"]: r["contact_email"] for r in rows}


async def zichtbare_leden(gemeente_id: int) -> list[str]:
    """The names of the active council members who chose to be shown, by name. Names only."""
    rows = (
        await Gebruiker.select(Gebruiker.naam)
        .where(
            (Gebruiker.gemeente == gemeente_id)
            & (Gebruiker.rol == Rol.RAADSLID.value)
            & (Gebruiker.is_actief == True)  # noqa: E712 -- piccolo builds SQL from ==
            & (Gebruiker.is_zichtbaar_op_site == True)  # noqa: E712 -- piccolo builds SQL from ==
        )
        .order_by(Gebruiker.naam)
    )
    return [r["naam"] for r in rows]


async def is_zichtbaar(gebruiker_id: int) -> bool:
    row = await Gebruiker.select(Gebruiker.is_zichtbaar_op_site).where(Gebruiker.id == gebruiker_id).first()
    return bool(row and row["is_zichtbaar_op_site"])


async def rapporten(gemeente_id: int) -> list[dict[str, Any]]:
    """Title, key and date of a council's published reports, newest first."""
    return await (
        Rapport.select(Rapport.titel, Rapport.sleutel, Rapport.gepubliceerd_at)
        .where((Rapport.gemeente == gemeente_id) & Rapport.gepubliceerd_at.is_not_null())
        .order_by(Rapport.gepubliceerd_at, ascending=False)
    )
