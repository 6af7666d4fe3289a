"""The council's choice of a vraag's doelgroep in comparable terms: per characteristic, which
categories the vraag is meant for (none ticked: everyone). The only writer of Doelgroepcategorie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from participatie import spoor
from participatie.accounts.domain import Ingelogd
from participatie.bereik.tables import Doelgroepcategorie
from participatie.bereik.vertegenwoordiging import categorieen_van, gemeenten_van, load_doelgroep
from participatie.fouten import OngeldigeInvoer
from participatie.kenmerken import KENMERKEN
from participatie.taal import gettext as _
from participatie.vragen import domain as vragen
from participatie.vragen.stappen import Actie
from participatie.vragen.tables import Vraag


def veld(kenmerk: str) -> str:
    """The form field of one characteristic's checkboxes."""
    return f"doelgroep_{kenmerk}"


async def save_doelgroep(vraag_id: int, user: Ingelogd, gekozen: Mapping[str, Sequence[str]]) -> None:
    """Store the doelgroep: for every characteristic exactly the categories in `gekozen` (a
    characteristic missing or empty: everyone). Whoever may change the concretisation may do
    this, in the steps that allow it. One transaction with one trail line; two saves at the same
    moment are run one after the other (the vraag's row is locked), so the last one wins whole
    and the unique index never sees a duplicate."""
    vraag = await vragen.load_vraag(vraag_id)
    if not vragen.may_work_on(user, vraag):
        raise vragen.GeenToegang()
    vragen.check_stap(vraag, Actie.CONCRETISEREN)
    slugs = [g["slug"] for g in await gemeenten_van(vraag)]
    nieuw: dict[str, list[str]] = {}
    fouten: dict[str, str] = {}
    for kenmerk in KENMERKEN:
        mogelijk = categorieen_van(kenmerk, slugs)
        waarden = list(dict.fromkeys(gekozen.get(kenmerk, ())))
        if any(w not in mogelijk for w in waarden):
            fouten[veld(kenmerk)] = _("Kies alleen groepen uit de lijst.")
        # Stored in the list's order, so the page and the trail read the same way every time.
        nieuw[kenmerk] = [c for c in mogelijk if c in waarden]
    if fouten:
        raise OngeldigeInvoer(fouten)
    async with Vraag._meta.db.transaction():
        if Vraag._meta.db.engine_type != "sqlite":
            # SQLite's write transaction already runs alone (IMMEDIATE); PostgreSQL needs the lock.
            await Vraag.raw("SELECT id FROM vraag WHERE id = {} FOR UPDATE", vraag_id)
        oud = await load_doelgroep(vraag_id)
        for kenmerk, categorieen in nieuw.items():
            weg = Doelgroepcategorie.delete().where(
                (Doelgroepcategorie.vraag == vraag_id) & (Doelgroepcategorie.kenmerk == kenmerk)
            )
            if categorieen:
                weg = weg.where(Doelgroepcategorie.categorie.not_in(categorieen))
            await weg
            if categorieen:
                await Doelgroepcategorie.insert(
                    *[Doelgroepcategorie(vraag=vraag_id, kenmerk=kenmerk, categorie=c) for c in categorieen]
                ).on_conflict(
                    target=(
                        Doelgroepcategorie.vraag,
                        Doelgroepcategorie.kenmerk,
                        Doelgroepcategorie.categorie,
                    ),
                    action="DO NOTHING",
                )
        voor, na = spoor.changed(
            {f"doelgroep_{k}": list(oud.get(k, ())) for k in KENMERKEN},
            {f"doelgroep_{k}": v for k, v in nieuw.items()},
        )
        await spoor.record(
            user,
            "doelgroep_vastgelegd",
            onderwerp="vraag",
            onderwerp_id=vraag_id,
            vraag_id=vraag_id,
            gemeente_id=vraag["gemeente"],
            voor=voor,
            na=na,
        )
