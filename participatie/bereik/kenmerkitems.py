"""Standard background items: a poll question whose choices are a characteristic's categories.

A council member adds one with a button per characteristic ("Leeftijd toevoegen"). The item is
an ordinary single-choice background question, added through the poll's own add_item (so every
rule of the builder holds: no new questions once answers are in, at most 20), and then marked:
the item with its kenmerk and each choice with its categorie. That mark is what lets the answers
be counted beside the municipality's reference figures, whatever the council later rewrites in
the question's wording. Not mandatory: a resident may always skip a question about themselves.
"""

from __future__ import annotations

from participatie.accounts.domain import Ingelogd
from participatie.kenmerken import KENMERKEN, KERN, LEEFTIJD, categorieen
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Item, Keuze, Peiling
from participatie.taal import N_
from participatie.taal import gettext as _

# The question as residents read it, and the builder's button. The poll's own language is
# Dutch, so the stored question and choices are these Dutch texts whatever the council reads.
VRAGEN = {
    LEEFTIJD: N_("Hoe oud bent u?"),
    KERN: N_("In welke kern of wijk woont u?"),
}
KNOPPEN = {
    LEEFTIJD: N_("Leeftijd toevoegen"),
    KERN: N_("Kern toevoegen"),
}
TOELICHTING = N_("U mag deze vraag overslaan. We gebruiken het antwoord alleen om te zien wie we bereikten.")


class KenmerkAlGevraagd(peilingen.PeilingError):
    status = 409


class KenmerkOnbekend(peilingen.PeilingError):
    status = 422


def keuze_tekst(kenmerk: str, categorie: str) -> str:
    """A category as a choice on the Dutch form: "66-80 jaar", or the place's name."""
    return f"{categorie} jaar" if kenmerk == LEEFTIJD else categorie


async def present(peiling_id: int) -> set[str]:
    """The characteristics that already have their standard item in this poll."""
    rows = await Item.select(Item.kenmerk).where((Item.peiling == peiling_id) & Item.kenmerk.is_not_null())
    return {row["kenmerk"] for row in rows}


async def add_kenmerk_item(user: Ingelogd, peiling_id: int, kenmerk: str) -> int:
    """Add the standard item of `kenmerk` to the poll; returns the new item's id.

    Refused (PeilingError, with a Dutch message) for an unknown characteristic, a second item
    on the same one, a municipality with fewer than two categories (nothing to choose), and
    everything add_item refuses (another council's poll, answers already in, too many items).
    """
    if kenmerk not in KENMERKEN:
        raise KenmerkOnbekend(_("Kies leeftijd of kern."))
    if not await peilingen.may_manage(user, peiling_id):
        raise peilingen.GeenToegang()
    gemeente = (
        await Peiling.select(Peiling.gemeente.slug, Peiling.gemeente.naam)
        .where(Peiling.id == peiling_id)
        .first()
    )
    if gemeente is None:
        raise peilingen.GeenToegang()
    slug, naam = gemeente["gemeente.slug"], gemeente["gemeente.naam"]
    keuzes = categorieen(kenmerk, slug)
    if len(keuzes) < 2:
        raise KenmerkOnbekend(
            _("%(gemeente)s heeft één kern: een vraag naar de kern heeft dan niets om uit te kiezen.")
            % {"gemeente": naam}
        )
    async with Peiling._meta.db.transaction():
        # Lock the poll's row first (PostgreSQL keeps it until commit; SQLite's write lock
        # already holds the whole transaction): two clicks at once cannot both find no item.
        await Peiling.update({Peiling.versie: Peiling.versie + 1}).where(Peiling.id == peiling_id)
        if kenmerk in await present(peiling_id):
            raise KenmerkAlGevraagd(_("Deze vraag staat al in de peiling."))
        item_id = await peilingen.add_item(
            user,
            peiling_id,
            peilingen.ItemInvoer(
                soort="enkel",
                tekst=VRAGEN[kenmerk],
                toelichting=TOELICHTING,
                verplicht=False,
                is_achtergrond=True,
                keuzes=[keuze_tekst(kenmerk, c) for c in keuzes],
            ),
        )
        await Item.update({Item.kenmerk: kenmerk}).where(Item.id == item_id)
        # add_item numbers the choices 1.. in the order given: the same order as the categories.
        for positie, categorie in enumerate(keuzes, 1):
            await Keuze.update({Keuze.categorie: categorie}).where(
                (Keuze.item == item_id) & (Keuze.positie == positie)
            )
    return item_id
