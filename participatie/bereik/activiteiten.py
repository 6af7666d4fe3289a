"""Outreach that is not a form (a visit on location, the opinion bus, a mirror conversation, key
figures), counted in the representation table: how many people, and where known their kern and
age band. It is the vraag's own list of activities (vragen.tables.Activiteit): the vraag page's
short form adds a visit on location without categories, this page the full one; both count once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from participatie import spoor, tijd
from participatie.accounts.domain import Ingelogd
from participatie.bereik.vertegenwoordiging import categorieen_van, gemeenten_van
from participatie.fouten import NietGevonden, OngeldigeInvoer
from participatie.invoer import parse_id, text_field
from participatie.kenmerken import KERN, LEEFTIJD
from participatie.taal import N_
from participatie.taal import gettext as _
from participatie.vragen import domain as vragen
from participatie.vragen.stappen import Actie
from participatie.vragen.tables import Activiteit as Activiteitrij
from participatie.vragen.tables import Gebeurtenis

# The labels of the first three are the vraag's participatievormen (vragen.stappen), so they
# read and translate the same on both pages.
VORMEN = (
    ("bezoek_op_locatie", N_("bezoek op locatie")),
    ("opiniebus", N_("opiniebus")),
    ("spiegelgesprek", N_("spiegelgesprek")),
    ("sleutelfiguren", N_("sleutelfiguren")),
)
VORM_LABELS = dict(VORMEN)
MAX_AANTAL = 10_000


@dataclass(frozen=True)
class Activiteit:
    id: int
    vorm: str
    omschrijving: str
    datum: date
    aantal: int
    kern: str
    leeftijd: str

    @property
    def vorm_label(self) -> str:
        return VORM_LABELS.get(self.vorm, self.vorm)


async def activiteiten_van(vraag_id: int) -> list[Activiteit]:
    rows = (
        await Activiteitrij.select(
            Activiteitrij.id,
            Activiteitrij.vorm,
            Activiteitrij.waar.as_alias("omschrijving"),
            Activiteitrij.op.as_alias("datum"),
            Activiteitrij.bereikt.as_alias("aantal"),
            Activiteitrij.kern,
            Activiteitrij.leeftijd,
        )
        .where(Activiteitrij.vraag == vraag_id)
        .order_by(Activiteitrij.op)
        .order_by(Activiteitrij.id)
    )
    return [Activiteit(**r) for r in rows]


def _aantal(fouten: dict[str, str], value: str) -> int:
    aantal = parse_id(value)
    if aantal is None or not 1 <= aantal <= MAX_AANTAL:
        fouten["aantal"] = _("Vul het aantal mensen in als een heel getal van 1 tot en met 10.000.")
        return 0
    return aantal


async def _vraag(vraag_id: int, user: Ingelogd) -> dict[str, Any]:
    vraag = await vragen.load_vraag(vraag_id)
    if not vragen.may_work_on(user, vraag):
        raise vragen.GeenToegang()
    vragen.check_stap(vraag, Actie.ACTIVITEIT_VASTLEGGEN)
    return vraag


async def add_activiteit(
    vraag_id: int,
    user: Ingelogd,
    *,
    vorm: str,
    omschrijving: str,
    datum: str,
    aantal: str,
    kern: str = "",
    leeftijd: str = "",
) -> int:
    """Record one outreach activity (in the step voorleggen, like the vraag's other activities).
    The trail gets the form, the date, the number and the categories: never who was met."""
    vraag = await _vraag(vraag_id, user)
    slugs = [g["slug"] for g in await gemeenten_van(vraag)]
    fouten: dict[str, str] = {}
    if vorm not in VORM_LABELS:
        fouten["vorm"] = _("Kies een vorm uit de lijst.")
    omschrijving = text_field(fouten, "omschrijving", omschrijving, N_("waar het was"), max_length=200)
    # The date is a day on the Dutch calendar; "today" is Amsterdam's today (tijd.today).
    dag = tijd.parse_date(fouten, "datum", datum, required=True)
    if dag is not None and dag > tijd.today():
        fouten["datum"] = _("Een activiteit legt u vast als die geweest is: kies vandaag of eerder.")
    getal = _aantal(fouten, aantal)
    kern, leeftijd = kern.strip(), leeftijd.strip()
    if kern and kern not in categorieen_van(KERN, slugs):
        fouten["kern"] = _("Kies een kern uit de lijst, of laat het leeg.")
    if leeftijd and leeftijd not in categorieen_van(LEEFTIJD, slugs):
        fouten["leeftijd"] = _("Kies een leeftijdsgroep uit de lijst, of laat het leeg.")
    if fouten:
        raise OngeldigeInvoer(fouten)
    assert dag is not None
    async with Activiteitrij._meta.db.transaction():
        rows = await Activiteitrij.insert(
            Activiteitrij(
                vraag=vraag_id,
                waar=omschrijving,
                op=dag,
                bereikt=getal,
                vorm=vorm,
                kern=kern,
                leeftijd=leeftijd,
                door=user.id,
            )
        )
        # On the vraag's timeline like an activity from the vraag page.
        await Gebeurtenis.insert(vragen.activiteit_gebeurtenis(vraag, user, omschrijving, getal))
        activiteit_id = int(rows[0]["id"])
        await spoor.record(
            user,
            "bereikactiviteit_toegevoegd",
            onderwerp="activiteit",
            onderwerp_id=activiteit_id,
            vraag_id=vraag_id,
            gemeente_id=vraag["gemeente"],
            na={"vorm": vorm, "datum": dag, "aantal": getal, "kern": kern, "leeftijd": leeftijd},
        )
    return activiteit_id


async def delete_activiteit(vraag_id: int, user: Ingelogd, activiteit_id: int) -> None:
    """Remove an activity recorded by mistake; only one of this vraag."""
    vraag = await _vraag(vraag_id, user)
    async with Activiteitrij._meta.db.transaction():
        rows = (
            await Activiteitrij.delete()
            .where((Activiteitrij.id == activiteit_id) & (Activiteitrij.vraag == vraag_id))
            .returning(
                Activiteitrij.vorm,
                Activiteitrij.op.as_alias("datum"),
                Activiteitrij.bereikt.as_alias("aantal"),
            )
        )
        if not rows:
            raise NietGevonden()
        await spoor.record(
            user,
            "bereikactiviteit_verwijderd",
            onderwerp="activiteit",
            onderwerp_id=activiteit_id,
            vraag_id=vraag_id,
            gemeente_id=vraag["gemeente"],
            voor={"vorm": rows[0]["vorm"], "datum": rows[0]["datum"], "aantal": rows[0]["aantal"]},
        )
