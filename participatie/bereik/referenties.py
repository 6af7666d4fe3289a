"""A municipality's reference figures: how many inhabitants fall in each category.

A beheerder copies them from the national statistics office's open data (CBS StatLine) into one
table per characteristic (participatie.kenmerken). The representation table of a vraag sets its
answers beside them, so only this module writes Referentie. Saving upserts every cell in one
transaction with one trail line: the table is one decision, changed all together or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from participatie import spoor, tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.tables import Gemeente, Rol
from participatie.bereik.tables import Referentie
from participatie.db import as_utc
from participatie.fouten import GeenToegang, NietGevonden, OngeldigeInvoer
from participatie.invoer import text_field
from participatie.kenmerken import KENMERKEN, categorieen
from participatie.taal import N_
from participatie.taal import gettext as _

# More people than live in the Netherlands' largest city several times over: a typo, not a figure.
MAX_AANTAL = 10_000_000
MAX_BRON = 200
# Longer input is refused before it is parsed: a number of a million digits costs seconds.
MAX_INVOER = 20
# Whole numbers as a Dutch reader types them: "12345", or grouped "12.345" / "12 345".
# A comma is refused: in Dutch it starts decimals, and people are counted whole.
# ASCII digits only: "٣" and "３" are digits to Python's int() but not to the reader.
_GETAL = re.compile(r"[0-9]+|[0-9]{1,3}(?:[. \u00a0\u202f][0-9]{3})+")
_GROEPERING = re.compile(r"[. \u00a0\u202f]")

FOUT_GEEN_GETAL = N_("Vul een heel getal in, zoals 1250.")
FOUT_NEGATIEF = N_("Een aantal kan niet kleiner zijn dan 0.")
FOUT_TE_GROOT = N_("Dit getal is te groot: het hoogste is 10.000.000.")
FOUT_BRON = N_("Vul de bron en de peildatum in.")
ALLEEN_BEHEERDER = N_("Alleen een beheerder kan referentiecijfers invullen.")


@dataclass(frozen=True)
class Bron:
    """Where a municipality's figures come from, and when a beheerder last saved them."""

    tekst: str
    gewijzigd_at: datetime | None


def veldnaam(kenmerk: str, nummer: int) -> str:
    """The form field (and error key) of a characteristic's `nummer`-th category: usable as an
    HTML id, which a place name with spaces or "80+" is not."""
    return f"{kenmerk}-{nummer}"


async def load_referenties(gemeente_id: int) -> dict[str, dict[str, int]]:
    """The stored figures of one municipality: kenmerk -> categorie -> number of inhabitants.

    Only cells a beheerder filled in are present; a kenmerk without any figure is absent, so a
    caller can tell "not known" from 0.
    """
    rows = await Referentie.select(Referentie.kenmerk, Referentie.categorie, Referentie.aantal).where(
        Referentie.gemeente == gemeente_id
    )
    cijfers: dict[str, dict[str, int]] = {}
    for row in rows:
        cijfers.setdefault(row["kenmerk"], {})[row["categorie"]] = int(row["aantal"])
    return cijfers


async def load_bron(gemeente_id: int) -> Bron:
    """The source text shown with the figures: that of the last save (one save writes one text)."""
    row = (
        await Referentie.select(Referentie.bron, Referentie.gewijzigd_at)
        .where(Referentie.gemeente == gemeente_id)
        .order_by(Referentie.gewijzigd_at, ascending=False)
        .order_by(Referentie.id, ascending=False)
        .first()
    )
    if row is None:
        return Bron("", None)
    return Bron(row["bron"], as_utc(row["gewijzigd_at"]))


def parse_aantal(text: str) -> tuple[int | None, str]:
    """A typed figure: (number, "") or (None, "") for an empty cell, or (None, Dutch message)."""
    text = text.replace("\x00", "").strip()
    if not text:
        return None, ""
    if len(text) > MAX_INVOER:
        return None, FOUT_TE_GROOT if _GETAL.fullmatch(text) else FOUT_GEEN_GETAL
    if text.startswith("-") and _GETAL.fullmatch(text[1:].strip()):
        return None, FOUT_NEGATIEF
    if not _GETAL.fullmatch(text):
        return None, FOUT_GEEN_GETAL
    aantal = int(_GROEPERING.sub("", text))
    if aantal > MAX_AANTAL:
        return None, FOUT_TE_GROOT
    return aantal, ""


async def _gemeente(slug: str) -> dict[str, Any]:
    row = await Gemeente.select(Gemeente.id, Gemeente.naam).where(Gemeente.slug == slug).first()
    if row is None:
        raise NietGevonden()
    return row


async def save_referenties(
    user: Ingelogd, gemeente_slug: str, values: Mapping[str, Mapping[str, str]], bron: str
) -> int:
    """Store a municipality's whole table: `values` is kenmerk -> categorie -> typed text.

    Every cell is checked first, so the form can show all its messages at once (OngeldigeInvoer,
    keyed by `veldnaam`); nothing is stored then. An empty cell removes that figure. Categories
    not in participatie.kenmerken for this municipality are ignored. Returns how many figures
    the municipality has afterwards.
    """
    if user.rol is not Rol.BEHEERDER:
        raise GeenToegang(ALLEEN_BEHEERDER)
    gemeente = await _gemeente(gemeente_slug)
    gemeente_id = int(gemeente["id"])
    fouten: dict[str, str] = {}
    nieuw: dict[tuple[str, str], int | None] = {}
    for kenmerk in KENMERKEN:
        typed = values.get(kenmerk, {})
        for nummer, categorie in enumerate(categorieen(kenmerk, gemeente_slug)):
            aantal, fout = parse_aantal(typed.get(categorie, ""))
            if fout:
                fouten[veldnaam(kenmerk, nummer)] = _(fout)
            nieuw[(kenmerk, categorie)] = aantal
    bron = text_field(fouten, "bron", bron, "", max_length=MAX_BRON, required=False)
    if not bron and any(a is not None for a in nieuw.values()):
        fouten["bron"] = _(FOUT_BRON)
    if fouten:
        raise OngeldigeInvoer(fouten)

    moment = tijd.now()
    async with Referentie._meta.db.transaction():
        voor = await load_referenties(gemeente_id)
        oude_bron = (await load_bron(gemeente_id)).tekst
        for (kenmerk, categorie), aantal in nieuw.items():
            if aantal is None:
                await Referentie.delete().where(
                    (Referentie.gemeente == gemeente_id)
                    & (Referentie.kenmerk == kenmerk)
                    & (Referentie.categorie == categorie)
                )
                continue
            # One statement per cell, keyed on the unique index: two beheerders saving at once
            # both end in one row per category (the last save wins), on either engine.
            await Referentie.insert(
                Referentie(
                    gemeente=gemeente_id,
                    kenmerk=kenmerk,
                    categorie=categorie,
                    aantal=aantal,
                    bron=bron,
                    gewijzigd_at=moment,
                )
            ).on_conflict(
                target=(Referentie.gemeente, Referentie.kenmerk, Referentie.categorie),
                action="DO UPDATE",
                values=[Referentie.aantal, Referentie.bron, Referentie.gewijzigd_at],
            )
        na = await load_referenties(gemeente_id)
        oud: dict[str, Any] = {f"{k}: {c}": n for k, cs in voor.items() for c, n in cs.items()}
        nu: dict[str, Any] = {f"{k}: {c}": n for k, cs in na.items() for c, n in cs.items()}
        oud["bron"], nu["bron"] = oude_bron, bron if nu else ""
        gewijzigd_voor, gewijzigd_na = spoor.changed(oud, nu | {k: None for k in oud if k not in nu})
        if not gewijzigd_na:
            return sum(len(cs) for cs in na.values())  # saved unchanged: nothing to trace
        await spoor.record(
            user,
            "referentiecijfers_gewijzigd",
            onderwerp="referentiecijfers",
            gemeente_id=gemeente_id,
            voor=gewijzigd_voor,
            na=gewijzigd_na,
        )
    return sum(len(cs) for cs in na.values())
