"""What the outbox holds about an address: mails to it that wait, or went out less than a day
ago (their address and contents are blanked by the planner within 24 hours of delivery).

The data page shows what kind of mail each is, its state and when it was queued, never its
contents: a mail's context may hold a link (a sign-in link, a personal code) that must not be
shown again, nor land in a downloaded file. Erasing deletes mails that have not gone out (they
will not be sent) and blanks those that did, as the planner would a day later; the rows of
sent mails stay, without address, for the council's counts.
"""

from __future__ import annotations

from participatie import tijd
from participatie.mail.tables import Bericht, Status
from participatie.rechten.bron import Bron, Onderdeel, Veld, zelfde_adres
from participatie.taal import N_
from participatie.taal import gettext as _

NAAM = "mail"

# Marked here, translated when the data page is made (in the reader's language).
SOORTEN = {
    "rechten_link": N_("Link naar de pagina Mijn gegevens"),
    "vraag_stap": N_("Nieuws over uw vraag of idee"),
    "vraag_advies": N_("Het advies van de raad"),
    "rapport": N_("Eindrapport van een peiling"),
    "rapport_vervolg": N_("Reactie van de gemeente op een rapport"),
    "focusgroep_aanmelden": N_("Uitnodiging om mee te doen aan een focusgroep"),
    "focusgroep_uitnodiging": N_("Uitnodiging voor een bijeenkomst van een focusgroep"),
    "focusgroep_herinnering": N_("Herinnering aan een bijeenkomst van een focusgroep"),
    "focusgroep_bedankt": N_("Bedankt voor het meedoen aan een focusgroep"),
    "wachtwoord_herstel": N_("Link om een nieuw wachtwoord te maken"),
    "wachtwoord_gewijzigd": N_("Bericht dat uw wachtwoord is gewijzigd"),
    "idee_ontvangen": N_("Bevestiging dat uw vraag of idee is ontvangen"),
    "panel_bevestigen": N_("Link om uw aanmelding voor het inwonerpanel te bevestigen"),
    "panel_uitnodiging": N_("Uitnodiging voor een peiling van het inwonerpanel"),
    "panel_herinnering": N_("Herinnering aan een peiling van het inwonerpanel"),
}
STANDEN = {
    Status.WACHTEND.value: N_("Wacht om verstuurd te worden"),
    Status.WACHT_OP_SERVER.value: N_("Wacht om verstuurd te worden"),
    Status.BEZIG.value: N_("Wordt nu verstuurd"),
    Status.VERZONDEN.value: N_("Verstuurd"),
    Status.MISLUKT.value: N_("Kon niet worden bezorgd"),
}
NIET_VERSTUURD = [Status.WACHTEND.value, Status.WACHT_OP_SERVER.value, Status.BEZIG.value]


def _van_adres(email: str):  # type: ignore[no-untyped-def]  # a piccolo where-clause
    return zelfde_adres(Bericht.aan, email) & Bericht.opgeschoond_at.is_null()


async def gegevens(email: str) -> list[Onderdeel]:
    rows = (
        await Bericht.select(Bericht.id, Bericht.aan, Bericht.sjabloon, Bericht.status, Bericht.aangemaakt_at)
        .where(_van_adres(email))
        .order_by(Bericht.id)
    )
    return [
        Onderdeel(
            bron=NAAM,
            id=str(row["id"]),
            titel=_("E-mail: %(soort)s")
            % {"soort": _(SOORTEN.get(row["sjabloon"]) or N_("bericht van de participatieraad"))},
            waarom=_("Om u deze e-mail te sturen."),
            bewaard_tot=_("Tot de e-mail is verstuurd. Daarna wissen we uw adres binnen 24 uur."),
            velden=(
                Veld("aan", _("Aan"), row["aan"]),
                Veld(
                    "stand",
                    _("Stand"),
                    _(STANDEN[row["status"]]) if row["status"] in STANDEN else row["status"],
                ),
                Veld("aangemaakt", _("Klaargezet op"), tijd.moment(row["aangemaakt_at"])),
            ),
        )
        for row in rows
    ]


async def wis(email: str) -> int:
    weg = (
        await Bericht.delete()
        .where(_van_adres(email) & Bericht.status.is_in(NIET_VERSTUURD))
        .returning(Bericht.id)
    )
    leeg = (
        await Bericht.update(
            {
                Bericht.aan: "",
                Bericht.context: {},
                Bericht.bijlage: None,
                Bericht.fout: "",  # a refusal may quote the address
                Bericht.opgeschoond_at: tijd.now(),
            }
        )
        .where(_van_adres(email))
        .returning(Bericht.id)
    )
    return len(weg) + len(leeg)


BRON = Bron(
    naam=NAAM,
    gegevens=gegevens,
    wis=wis,
    titel=N_("E-mails"),
    # Translated where the data page shows them (`vertaal`).
    extra={
        "wat": N_("E-mails aan u die nog verstuurd moeten worden of net verstuurd zijn."),
        "waarom": N_("Om de e-mail te kunnen versturen."),
        "tot": N_("Tot de e-mail is verstuurd. Daarna wissen we uw adres binnen 24 uur."),
    },
)
