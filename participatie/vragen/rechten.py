"""What vragen holds about a resident's address: the address left with an idea or question.

Erasing blanks the address and keeps the idea: the text is the council's work material and
says nothing about who sent it once the address is gone.
"""

from __future__ import annotations

from participatie import tijd
from participatie.accounts.tables import Gemeente
from participatie.mail import outbox
from participatie.rechten.bron import Bron, Onderdeel, Veld, zelfde_adres
from participatie.taal import N_
from participatie.taal import gettext as _
from participatie.vragen.stappen import Stap
from participatie.vragen.tables import Vraag

NAAM = "vragen"


async def gegevens(email: str) -> list[Onderdeel]:
    rows = (
        await Vraag.select(
            Vraag.id, Vraag.tekst, Vraag.stap, Vraag.inwoner_email, Vraag.aangemaakt_at, Vraag.gemeente
        )
        .where(zelfde_adres(Vraag.inwoner_email, email))
        .order_by(Vraag.id)
    )
    raden = {g["id"]: g["raad_naam"] for g in await Gemeente.select(Gemeente.id, Gemeente.raad_naam)}
    return [
        Onderdeel(
            bron=NAAM,
            id=str(row["id"]),
            titel=_("Uw vraag of idee voor de %(raad)s")
            % {"raad": raden.get(row["gemeente"]) or _("participatieraad")},
            waarom=_("Om u te laten weten wat de raad met uw vraag of idee doet."),
            bewaard_tot=_(
                "Tot de raad klaar is met uw vraag. Dan wissen we uw e-mailadres. "
                "Uw vraag of idee zelf blijft, zonder uw adres."
            ),
            velden=(
                Veld(
                    "email",
                    _("Uw e-mailadres"),
                    row["inwoner_email"],
                    wijzigbaar=True,
                    uitleg=_("Laat het leeg als u geen berichten over uw vraag meer wilt."),
                ),
                Veld("tekst", _("Uw vraag of idee"), row["tekst"]),
                Veld("ontvangen", _("Ontvangen op"), tijd.datum_lang(row["aangemaakt_at"])),
                # The step's label is marked in vragen.stappen; shown in the reader's language.
                Veld("stap", _("Waar de raad nu is"), _(Stap(row["stap"]).label)),
            ),
        )
        for row in rows
    ]


async def corrigeer(email: str, record_id: str, waarden: dict[str, str]) -> dict[str, str]:
    """A new address for the updates, or empty for none."""
    nieuw = waarden.get("email", "").strip()
    if nieuw:
        try:
            nieuw = outbox.check_address(nieuw)
        except outbox.OngeldigAdres:
            return {"email": _("Dit e-mailadres klopt niet. Laat het leeg als u geen bericht meer wilt.")}
    if not record_id.isdigit() or len(record_id) > 9:
        return {"email": _("Dit gegeven staat niet bij uw e-mailadres.")}
    rows = (
        await Vraag.update({Vraag.inwoner_email: nieuw or None})
        .where((Vraag.id == int(record_id)) & zelfde_adres(Vraag.inwoner_email, email))
        .returning(Vraag.id)
    )
    return {} if rows else {"email": _("Dit gegeven staat niet bij uw e-mailadres.")}


async def wis(email: str) -> int:
    rows = (
        await Vraag.update({Vraag.inwoner_email: None})
        .where(zelfde_adres(Vraag.inwoner_email, email))
        .returning(Vraag.id)
    )
    return len(rows)


BRON = Bron(
    naam=NAAM,
    gegevens=gegevens,
    wis=wis,
    corrigeer=corrigeer,
    titel=N_("Vragen en ideeën"),
    # Translated where the data page shows them (`vertaal`).
    extra={
        "wat": N_("Het e-mailadres dat u achterliet bij een vraag of idee, en die vraag of dat idee."),
        "waarom": N_("Om u te laten weten wat de raad ermee doet."),
        "tot": N_(
            "Tot de raad klaar is met uw vraag. Dan wissen we uw adres; de vraag zelf blijft, zonder adres."
        ),
    },
)
