"""The council's own changes to its public page: its text and contact, a member's choice to be
shown, and its public meetings. Each is one function that checks, writes and leaves a trail
line in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from participatie import spoor, tijd
from participatie.accounts.domain import Ingelogd
from participatie.accounts.queries import GemeenteRij
from participatie.accounts.tables import Gebruiker, Rol
from participatie.fouten import GeenToegang, GelijktijdigGewijzigd, NietGevonden, OngeldigeInvoer
from participatie.invoer import text_field
from participatie.mail import outbox
from participatie.markdown import MAX_MARKDOWN, MarkdownTeZwaar, render_isolated
from participatie.raden.tables import Raadspagina, Vergadering
from participatie.taal import N_
from participatie.taal import gettext as _

MAX_AGENDA = 5_000
# A meeting longer than this is a typing mistake (an end time on the wrong day).
MAX_DUUR = timedelta(hours=12)
_TIJD = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


async def save_pagina(
    user: Ingelogd, info: GemeenteRij, *, tekst: str, contact_email: str, versie: int
) -> None:
    """Store the council's text (Markdown, rendered and cleaned now, in a child process with a
    time limit) and its contact address. `versie` is the one the form showed: if someone saved
    in between, nothing is stored (GelijktijdigGewijzigd)."""
    fouten: dict[str, str] = {}
    tekst = text_field(fouten, "tekst", tekst, N_("de tekst"), max_length=MAX_MARKDOWN, required=False)
    contact_email = contact_email.strip()
    if contact_email:
        try:
            contact_email = outbox.check_address(contact_email)
        except outbox.OngeldigAdres:
            fouten["contact_email"] = _(
                "Dit e-mailadres klopt niet. Vul een adres in zoals raad@gemeente.nl."
            )
    tekst_html = ""
    if tekst and "tekst" not in fouten:
        try:
            (tekst_html,) = await render_isolated([tekst])
        except MarkdownTeZwaar:
            fouten["tekst"] = _("Deze tekst is te ingewikkeld om te tonen. Maak hem korter of eenvoudiger.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    moment = tijd.now()
    async with Raadspagina._meta.db.transaction():
        oud = await Raadspagina.select().where(Raadspagina.gemeente == info.id).first()
        huidig = oud["versie"] if oud is not None else 0
        if huidig != versie:
            raise GelijktijdigGewijzigd()
        if oud is None:
            await Raadspagina.insert(
                Raadspagina(
                    gemeente=info.id,
                    tekst=tekst,
                    tekst_html=tekst_html,
                    contact_email=contact_email,
                    gewijzigd_at=moment,
                    gewijzigd_door=user.id,
                    versie=1,
                )
            )
        else:
            await Raadspagina.update(
                {
                    Raadspagina.tekst: tekst,
                    Raadspagina.tekst_html: tekst_html,
                    Raadspagina.contact_email: contact_email,
                    Raadspagina.gewijzigd_at: moment,
                    Raadspagina.gewijzigd_door: user.id,
                    Raadspagina.versie: huidig + 1,
                }
            ).where(Raadspagina.id == oud["id"])
        voor = {"tekst": oud["tekst"], "contact_email": oud["contact_email"]} if oud else {}
        voor, na = spoor.changed(voor, {"tekst": tekst, "contact_email": contact_email})
        await spoor.record(
            user, "raadspagina_gewijzigd", onderwerp="raadspagina", gemeente_id=info.id, voor=voor, na=na
        )


async def set_zichtbaar(user: Ingelogd, info: GemeenteRij, *, zichtbaar: bool) -> None:
    """A council member's own choice to be named on the council's public page. Only for
    themselves, and only as a member of this council (a beheerder is no member)."""
    if user.rol is not Rol.RAADSLID or user.gemeente_id != info.id:
        raise GeenToegang(_("Alleen raadsleden van deze raad kunnen op de pagina van de raad staan."))
    async with Gebruiker._meta.db.transaction():
        oud = await Gebruiker.select(Gebruiker.is_zichtbaar_op_site).where(Gebruiker.id == user.id).first()
        await Gebruiker.update({Gebruiker.is_zichtbaar_op_site: zichtbaar}).where(Gebruiker.id == user.id)
        await spoor.record(
            user,
            "zichtbaarheid_gewijzigd",
            onderwerp="gebruiker",
            onderwerp_id=user.id,
            gemeente_id=info.id,
            voor={"is_zichtbaar_op_site": bool(oud and oud["is_zichtbaar_op_site"])},
            na={"is_zichtbaar_op_site": zichtbaar},
        )


@dataclass(frozen=True)
class VergaderingInvoer:
    begint_at: datetime
    eindigt_at: datetime
    plaats: str
    onderwerp: str
    agenda: str


def _tijd(fouten: dict[str, str], veld: str, value: str, leeg: str, ongeldig: str) -> time | None:
    """A time typed as 19:30 or 19.30 (a browser without a time field shows plain text).
    `leeg` and `ongeldig` are the messages for an empty and an unreadable time."""
    value = value.strip()
    if not value:
        fouten[veld] = leeg
        return None
    match = _TIJD.match(value)
    if match is None:
        fouten[veld] = ongeldig
        return None
    return time(int(match.group(1)), int(match.group(2)))


def parse_vergadering(data: dict[str, str], *, nieuw: bool) -> VergaderingInvoer:
    """The meeting form, read on the Dutch clock; Dutch messages per field (OngeldigeInvoer).
    A new meeting may not lie in the past; an existing one may be corrected afterwards."""
    fouten: dict[str, str] = {}
    # In the order of the form, so the error summary reads top to bottom like the form.
    onderwerp = text_field(
        fouten, "onderwerp", data.get("onderwerp", ""), N_("het onderwerp"), max_length=200
    )
    dag: date | None = tijd.parse_date(fouten, "datum", data.get("datum", ""), required=True, future=nieuw)
    begin = _tijd(
        fouten,
        "begin",
        data.get("begin", ""),
        _("Vul de begintijd in, zoals 19:30."),
        _("Vul een geldige begintijd in, zoals 19:30."),
    )
    eind = _tijd(
        fouten,
        "eind",
        data.get("eind", ""),
        _("Vul de eindtijd in, zoals 21:30."),
        _("Vul een geldige eindtijd in, zoals 21:30."),
    )
    plaats = text_field(fouten, "plaats", data.get("plaats", ""), N_("de plaats"), max_length=200)
    agenda = text_field(
        fouten, "agenda", data.get("agenda", ""), N_("de agenda"), max_length=MAX_AGENDA, required=False
    )
    begint_at = eindigt_at = tijd.now()
    if dag is not None and begin is not None and eind is not None:
        begint_at = tijd.from_local(datetime.combine(dag, begin))
        eindigt_at = tijd.from_local(datetime.combine(dag, eind))
        if eindigt_at <= begint_at:
            fouten["eind"] = _("De eindtijd moet na de begintijd liggen.")
        elif eindigt_at - begint_at > MAX_DUUR:
            fouten["eind"] = _("Een vergadering duurt hoogstens 12 uur. Kijk de tijden na.")
        elif nieuw and begint_at < tijd.now():
            fouten["begin"] = _("Deze tijd is al voorbij. Kies een moment in de toekomst.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    return VergaderingInvoer(begint_at, eindigt_at, plaats, onderwerp, agenda)


def _waarden(v: VergaderingInvoer) -> dict[str, Any]:
    return {
        "begint_at": v.begint_at,
        "eindigt_at": v.eindigt_at,
        "plaats": v.plaats,
        "onderwerp": v.onderwerp,
        "agenda": v.agenda,
    }


async def create_vergadering(user: Ingelogd, info: GemeenteRij, data: dict[str, str]) -> int:
    invoer = parse_vergadering(data, nieuw=True)
    moment = tijd.now()
    async with Vergadering._meta.db.transaction():
        rows = await Vergadering.insert(
            Vergadering(
                gemeente=info.id, aangemaakt_at=moment, gewijzigd_at=moment, versie=1, **_waarden(invoer)
            )
        )
        vergadering_id = int(rows[0]["id"])
        await spoor.record(
            user,
            "vergadering_gepland",
            onderwerp="vergadering",
            onderwerp_id=vergadering_id,
            gemeente_id=info.id,
            na=spoor.changed({}, _waarden(invoer))[1],
        )
    return vergadering_id


async def _load(info: GemeenteRij, vergadering_id: int, versie: int) -> dict[str, Any]:
    row = (
        await Vergadering.select()
        .where((Vergadering.id == vergadering_id) & (Vergadering.gemeente == info.id))
        .first()
    )
    if row is None:
        raise NietGevonden()
    if row["versie"] != versie:
        raise GelijktijdigGewijzigd()
    return row


async def update_vergadering(
    user: Ingelogd, info: GemeenteRij, vergadering_id: int, versie: int, data: dict[str, str]
) -> None:
    invoer = parse_vergadering(data, nieuw=False)
    async with Vergadering._meta.db.transaction():
        oud = await _load(info, vergadering_id, versie)
        await Vergadering.update(
            {
                Vergadering.begint_at: invoer.begint_at,
                Vergadering.eindigt_at: invoer.eindigt_at,
                Vergadering.plaats: invoer.plaats,
                Vergadering.onderwerp: invoer.onderwerp,
                Vergadering.agenda: invoer.agenda,
                Vergadering.versie: versie + 1,
                Vergadering.gewijzigd_at: tijd.now(),
            }
        ).where(Vergadering.id == vergadering_id)
        voor, na = spoor.changed({k: oud[k] for k in _waarden(invoer)}, _waarden(invoer))
        await spoor.record(
            user,
            "vergadering_gewijzigd",
            onderwerp="vergadering",
            onderwerp_id=vergadering_id,
            gemeente_id=info.id,
            voor=voor,
            na=na,
        )


async def cancel_vergadering(user: Ingelogd, info: GemeenteRij, vergadering_id: int, versie: int) -> None:
    """Cancel, not delete: the feed keeps it as CANCELLED, so subscribed calendars drop it."""
    async with Vergadering._meta.db.transaction():
        oud = await _load(info, vergadering_id, versie)
        if oud["is_geannuleerd"]:
            return
        await Vergadering.update(
            {
                Vergadering.is_geannuleerd: True,
                Vergadering.versie: versie + 1,
                Vergadering.gewijzigd_at: tijd.now(),
            }
        ).where(Vergadering.id == vergadering_id)
        await spoor.record(
            user,
            "vergadering_geannuleerd",
            onderwerp="vergadering",
            onderwerp_id=vergadering_id,
            gemeente_id=info.id,
            voor={"is_geannuleerd": False},
            na={"is_geannuleerd": True},
        )
