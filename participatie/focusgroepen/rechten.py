"""What focusgroepen holds about a resident's address: a seat in a group (name, contact,
consent, answers to invitations) and an invitation to sign up that was not used yet.

Only what belongs to this resident is shown: of the group its theme and council, never the
other members. Erasing a seat works like leaving the group: name and contact go at once, the
row stays without them, so the group's counts stay right.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.focusgroepen import domain
from participatie.focusgroepen.tables import Aanmelding, Focusgroep, Lid, Reactie, Soort
from participatie.rechten.bron import Bron, Onderdeel, Veld, zelfde_adres
from participatie.taal import N_
from participatie.taal import gettext as _

NAAM = "focusgroepen"
# Marked here, translated when the data page is made.
_ANTWOORD = {"ja": N_("ja, ik kom"), "nee": N_("nee, ik kom niet"), "misschien": N_("misschien")}


def _waarde(value: Any) -> str:
    return "" if value is None else str(value)


async def _groepen(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Focusgroep.select(
        Focusgroep.id, Focusgroep.thema, Focusgroep.eind_op, Focusgroep.gemeente
    ).where(Focusgroep.id.is_in(sorted(ids)))
    raden = {g["id"]: g["raad_naam"] for g in await Gemeente.select(Gemeente.id, Gemeente.raad_naam)}
    return {r["id"]: {**r, "raad_naam": raden.get(r["gemeente"], "")} for r in rows}


def _leden_query(email: str) -> Any:
    return (Lid.soort == Soort.INWONER.value) & Lid.vertrokken_at.is_null() & zelfde_adres(Lid.email, email)


async def _antwoorden(lid_id: int) -> str:
    rows = (
        await Reactie.select(
            Reactie.antwoord, Reactie.aanwezig, Reactie.bijeenkomst.begint_at.as_alias("begint_at")
        )
        .where(Reactie.lid == lid_id)
        .order_by(Reactie.bijeenkomst.begint_at)
    )
    regels = []
    for r in rows:
        antwoord = _(_ANTWOORD.get(r["antwoord"] or "") or N_("nog geen antwoord"))
        regel = f"{tijd.moment(r['begint_at'])}: {antwoord}"
        if r["aanwezig"] is not None:
            regel += _(", u was er") if r["aanwezig"] else _(", u was er niet")
        regels.append(regel)
    return "; ".join(regels) or _("Nog geen bijeenkomsten.")


async def gegevens(email: str) -> list[Onderdeel]:
    leden = await Lid.select().where(_leden_query(email)).order_by(Lid.id)
    aanmeldingen = (
        await Aanmelding.select(
            Aanmelding.id, Aanmelding.focusgroep, Aanmelding.email, Aanmelding.verloopt_at
        )
        .where(zelfde_adres(Aanmelding.email, email))
        .order_by(Aanmelding.id)
    )
    groepen = await _groepen({r["focusgroep"] for r in leden} | {r["focusgroep"] for r in aanmeldingen})
    maanden = await domain.bewaartermijn_maanden()
    result: list[Onderdeel] = []
    for lid in leden:
        groep = groepen[lid["focusgroep"]]
        uiterlijk = tijd.datum_lang(tijd.plus_months(tijd.from_local(_middag(groep["eind_op"])), maanden))
        result.append(
            Onderdeel(
                bron=NAAM,
                id=f"lid:{lid['id']}",
                titel=_("Focusgroep over %(thema)s (%(raad)s)")
                % {"thema": groep["thema"], "raad": groep["raad_naam"]},
                waarom=_(
                    "Om u uit te nodigen voor de bijeenkomsten van deze focusgroep en u te vertellen "
                    "wat ermee gebeurt. U gaf daar toestemming voor."
                ),
                bewaard_tot=_("Tot u stopt met de focusgroep, en uiterlijk tot %(datum)s.")
                % {"datum": uiterlijk},
                velden=(
                    Veld("naam", _("Uw naam"), _waarde(lid["naam"]), wijzigbaar=True, verplicht=True),
                    Veld(
                        "email",
                        _("Uw e-mailadres"),
                        _waarde(lid["email"]),
                        wijzigbaar=True,
                        uitleg=_("Vul een e-mailadres of een telefoonnummer in, of allebei."),
                    ),
                    Veld("telefoon", _("Uw telefoonnummer"), _waarde(lid["telefoon"]), wijzigbaar=True),
                    Veld(
                        "toestemming_op", _("Toestemming gegeven op"), tijd.datum_lang(lid["toestemming_op"])
                    ),
                    Veld(
                        "toestemming_voor", _("Waarvoor u toestemming gaf"), _waarde(lid["toestemming_voor"])
                    ),
                    Veld("antwoorden", _("Uw antwoorden op uitnodigingen"), await _antwoorden(lid["id"])),
                ),
            )
        )
    for row in aanmeldingen:
        groep = groepen[row["focusgroep"]]
        result.append(
            Onderdeel(
                bron=NAAM,
                id=f"aanmelding:{row['id']}",
                titel=_("Uitnodiging voor de focusgroep over %(thema)s (%(raad)s)")
                % {"thema": groep["thema"], "raad": groep["raad_naam"]},
                waarom=_("Zodat u zich kunt aanmelden met de link uit de uitnodiging."),
                bewaard_tot=_("Tot u zich aanmeldt, of tot de link verloopt op %(moment)s.")
                % {"moment": tijd.moment(row["verloopt_at"])},
                velden=(Veld("email", _("Uw e-mailadres"), row["email"]),),
            )
        )
    return result


def _middag(dag: date) -> datetime:
    return datetime.combine(dag, time(12, 0))


async def corrigeer(email: str, record_id: str, waarden: dict[str, str]) -> dict[str, str]:
    soort, _sep, nummer = record_id.partition(":")
    if soort != "lid" or not nummer.isdigit() or len(nummer) > 9:
        return {"naam": _("Dit gegeven kunt u hier niet wijzigen.")}
    fouten: dict[str, str] = {}
    # The same rules as when the resident signed up (consent was given then).
    naam, adres, telefoon = domain._contact(
        fouten,
        naam=waarden.get("naam", ""),
        email=waarden.get("email", ""),
        telefoon=waarden.get("telefoon", ""),
        toestemming=True,
    )
    if fouten:
        return fouten
    rows = (
        await Lid.update({Lid.naam: naam, Lid.email: adres, Lid.telefoon: telefoon})
        .where((Lid.id == int(nummer)) & _leden_query(email))
        .returning(Lid.id)
    )
    return {} if rows else {"naam": _("Dit gegeven staat niet bij uw e-mailadres.")}


async def wis(email: str) -> int:
    leden = (
        await Lid.update({Lid.naam: "", Lid.email: None, Lid.telefoon: None, Lid.vertrokken_at: tijd.now()})
        .where(_leden_query(email))
        .returning(Lid.id)
    )
    aanmeldingen = (
        await Aanmelding.delete().where(zelfde_adres(Aanmelding.email, email)).returning(Aanmelding.id)
    )
    return len(leden) + len(aanmeldingen)


BRON = Bron(
    naam=NAAM,
    gegevens=gegevens,
    wis=wis,
    corrigeer=corrigeer,
    titel=N_("Focusgroepen"),
    # Translated where the data page shows them (`vertaal`).
    extra={
        "wat": N_("Uw naam, e-mailadres, telefoonnummer, uw toestemming en uw antwoorden op uitnodigingen."),
        "waarom": N_("Om u uit te nodigen voor de bijeenkomsten van de focusgroep waar u aan meedoet."),
        "tot": N_("Tot u stopt, en uiterlijk enkele maanden nadat de focusgroep klaar is."),
    },
)
