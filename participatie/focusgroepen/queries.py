"""What the focusgroep pages show. Reads only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from participatie import tijd
from participatie.accounts.tables import Gebruiker, Rol
from participatie.focusgroepen.domain import wanneer
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid, Reactie, Soort
from participatie.taal import N_
from participatie.taal import gettext as _
from participatie.tijd import as_utc

# Dutch, translated where shown (`vertaal` in the templates).
SOORT_LABELS = {
    Soort.INWONER.value: N_("Inwoner"),
    Soort.RAADSLID.value: N_("Raadslid"),
    Soort.BELEIDSMEDEWERKER.value: N_("Beleidsmedewerker"),
}


async def leden(groep_id: int, *, bijeenkomst_id: int | None = None) -> list[dict[str, Any]]:
    """Members still in the group, with their contact details, and (for one meeting) their
    answer and attendance."""
    rows = (
        await Lid.select(
            Lid.id,
            Lid.soort,
            Lid.naam,
            Lid.email,
            Lid.telefoon,
            Lid.toestemming_op,
            Lid.gebruiker.naam.as_alias("account_naam"),
            Lid.gebruiker.email.as_alias("account_email"),
        )
        .where((Lid.focusgroep == groep_id) & Lid.vertrokken_at.is_null())
        .order_by(Lid.soort)
        .order_by(Lid.id)
    )
    reacties: dict[int, dict[str, Any]] = {}
    if bijeenkomst_id is not None:
        reacties = {
            r["lid"]: r
            for r in await Reactie.select(Reactie.lid, Reactie.antwoord, Reactie.aanwezig).where(
                Reactie.bijeenkomst == bijeenkomst_id
            )
        }
    return [
        {
            "id": r["id"],
            "soort": r["soort"],
            "soort_label": SOORT_LABELS[r["soort"]],
            "naam": r["naam"] or r["account_naam"] or "",
            "email": r["email"] or r["account_email"] or "",
            "telefoon": r["telefoon"] or "",
            "toestemming_op": r["toestemming_op"],
            "antwoord": reacties.get(r["id"], {}).get("antwoord"),
            "aanwezig": reacties.get(r["id"], {}).get("aanwezig"),
        }
        for r in rows
    ]


async def bijeenkomsten(groep_id: int) -> list[dict[str, Any]]:
    rows = (
        await Bijeenkomst.select().where(Bijeenkomst.focusgroep == groep_id).order_by(Bijeenkomst.begint_at)
    )
    counts: dict[int, dict[str, int]] = {}
    for r in await Reactie.select(Reactie.bijeenkomst, Reactie.antwoord, Reactie.aanwezig).where(
        Reactie.bijeenkomst.is_in([b["id"] for b in rows] or [-1])
    ):
        c = counts.setdefault(r["bijeenkomst"], {"ja": 0, "nee": 0, "misschien": 0, "aanwezig": 0})
        if r["antwoord"]:
            c[r["antwoord"]] += 1
        if r["aanwezig"]:
            c["aanwezig"] += 1
    return [
        {
            **b,
            "begint_at": as_utc(b["begint_at"]),
            "eindigt_at": as_utc(b["eindigt_at"]),
            "wanneer": wanneer(b),
            "telling": counts.get(b["id"], {"ja": 0, "nee": 0, "misschien": 0, "aanwezig": 0}),
        }
        for b in rows
    ]


def invoer_van(bijeenkomst: dict[str, Any]) -> dict[str, str]:
    """The meeting as the change form shows it, in Dutch time."""
    start = tijd.local(bijeenkomst["begint_at"])
    stop = tijd.local(bijeenkomst["eindigt_at"])
    return {
        "datum": start.date().isoformat(),
        "begintijd": start.strftime("%H:%M"),
        "eindtijd": stop.strftime("%H:%M"),
        "plaats": bijeenkomst["plaats"],
        "online_link": bijeenkomst["online_link"],
        "agenda": bijeenkomst["agenda"],
        "verslag": bijeenkomst["verslag"],
    }


async def kandidaten(groep_id: int, gemeente_id: int) -> list[dict[str, Any]]:
    """Accounts of the municipality that could join: raadsleden and beleidsmedewerkers."""
    in_groep = {
        r["gebruiker"]
        for r in await Lid.select(Lid.gebruiker).where(
            (Lid.focusgroep == groep_id) & Lid.gebruiker.is_not_null() & Lid.vertrokken_at.is_null()
        )
    }
    rows = (
        await Gebruiker.select(Gebruiker.id, Gebruiker.naam, Gebruiker.rol)
        .where(
            (Gebruiker.gemeente == gemeente_id)
            & Gebruiker.rol.is_in([Rol.RAADSLID.value, Rol.AMBTENAAR.value])
            & (Gebruiker.is_actief == True)  # noqa: E712
        )
        .order_by(Gebruiker.naam)
    )
    label = {
        Rol.RAADSLID.value: _("%(naam)s (raadslid)"),
        Rol.AMBTENAAR.value: _("%(naam)s (beleidsmedewerker)"),
    }
    return [
        {"id": r["id"], "label": label[r["rol"]] % {"naam": r["naam"]}}
        for r in rows
        if r["id"] not in in_groep
    ]


async def tellingen(groep_id: int) -> dict[str, int]:
    """How many residents took part and how many meetings were held: what the report uses,
    and what remains after the residents' data are removed."""
    groep = await Focusgroep.select(Focusgroep.aantal_inwoners).where(Focusgroep.id == groep_id).first()
    if groep and groep["aantal_inwoners"] is not None:
        inwoners = groep["aantal_inwoners"]
    else:
        inwoners = await Lid.count().where((Lid.focusgroep == groep_id) & (Lid.soort == Soort.INWONER.value))
    gehouden = await Bijeenkomst.count().where(
        (Bijeenkomst.focusgroep == groep_id) & (Bijeenkomst.geannuleerd == False)  # noqa: E712
    )
    return {"inwoners": inwoners, "bijeenkomsten": gehouden}


async def groepen_van(vraag_id: int) -> list[dict[str, Any]]:
    return (
        await Focusgroep.select(Focusgroep.id, Focusgroep.thema, Focusgroep.gesloten_at)
        .where(Focusgroep.vraag == vraag_id)
        .order_by(Focusgroep.id)
    )


async def groepen_van_lid(gebruiker_id: int) -> list[dict[str, Any]]:
    """The groups a policy officer is in, for their portal."""
    return (
        await Lid.select(Lid.focusgroep.id.as_alias("id"), Lid.focusgroep.thema.as_alias("thema"))
        .where((Lid.gebruiker == gebruiker_id) & Lid.vertrokken_at.is_null())
        .order_by(Lid.focusgroep.id)
    )


async def inwoner_adressen(vraag_id: int) -> list[str]:
    """The e-mail addresses of the residents still in this vraag's focus groups.

    Offered to rapporten, which mails them the report: focusgroepen owns its members' table.
    """
    groepen = [g["id"] for g in await Focusgroep.select(Focusgroep.id).where(Focusgroep.vraag == vraag_id)]
    if not groepen:
        return []
    rows = await Lid.select(Lid.email).where(
        Lid.focusgroep.is_in(groepen)
        & (Lid.soort == Soort.INWONER.value)
        & Lid.email.is_not_null()
        & Lid.vertrokken_at.is_null()
    )
    return [row["email"] for row in rows]


async def inwoner_ontvangers(vraag_id: int) -> list[dict[str, str]]:
    """Like `inwoner_adressen`, each address with the language its resident reads ("nl"/"en"):
    the report can reach them in it."""
    groepen = [g["id"] for g in await Focusgroep.select(Focusgroep.id).where(Focusgroep.vraag == vraag_id)]
    if not groepen:
        return []
    return await Lid.select(Lid.email, Lid.taal).where(
        Lid.focusgroep.is_in(groepen)
        & (Lid.soort == Soort.INWONER.value)
        & Lid.email.is_not_null()
        & Lid.vertrokken_at.is_null()
    )


async def bijeenkomsten_tussen(vraag_ids: Any, van: datetime, tot: datetime) -> list[dict[str, Any]]:
    """The meetings not called off that start in [van, tot) (aware UTC), of the focus groups of
    the vragen in `vraag_ids` (a subquery from vragen.queries), earliest first. One query."""
    rows = (
        await Bijeenkomst.select(
            Bijeenkomst.id,
            Bijeenkomst.begint_at,
            Bijeenkomst.eindigt_at,
            Bijeenkomst.plaats,
            Bijeenkomst.online_link,
            Bijeenkomst.focusgroep.as_alias("groep_id"),
            Bijeenkomst.focusgroep.thema.as_alias("thema"),
        )
        .where(
            Bijeenkomst.focusgroep.vraag.is_in(vraag_ids)
            & (Bijeenkomst.geannuleerd == False)  # noqa: E712 -- piccolo builds SQL from ==
            & (Bijeenkomst.begint_at >= van)
            & (Bijeenkomst.begint_at < tot)
        )
        .order_by(Bijeenkomst.begint_at)
        .order_by(Bijeenkomst.id)
    )
    return [{**r, "begint_at": as_utc(r["begint_at"]), "eindigt_at": as_utc(r["eindigt_at"])} for r in rows]
