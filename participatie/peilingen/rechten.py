"""What peilingen holds about a resident's address: addresses left for a poll's final report.

An address lives in one of two places (see adressen.py). In Rapportadres it is plain text: it
is found, corrected and erased like any row. In Adreswachtrij it waits, encrypted, for the next
batch; the app holds the key (the secret ring), so these are found by decrypting the waiting
rows (few: fewer than ADRES_BATCH per open poll) and comparing. A waiting address cannot be
corrected (changing its ciphertext in place would leave its batch window unchanged but gains
nothing over erasing and leaving it again); it can be seen and erased. Erasing takes each poll's
address lock, as publication does, so an address is never mailed after it was erased.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from participatie import sleutels
from participatie.mail import outbox
from participatie.peilingen import adressen
from participatie.peilingen.tables import Adreswachtrij, Peiling, Rapportadres
from participatie.rechten.bron import Bron, Onderdeel, Veld, adres, zelfde_adres
from participatie.taal import N_, ngettext
from participatie.taal import gettext as _

NAAM = "peilingen"


def _ja_nee() -> tuple[tuple[str, str], ...]:
    return (("ja", _("Ja")), ("nee", _("Nee")))


async def _titels(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        r["id"]: r["titel"]
        for r in await Peiling.select(Peiling.id, Peiling.titel).where(Peiling.id.is_in(sorted(ids)))
    }


async def _wachtend(secret: sleutels.Sleutels, email: str) -> list[dict[str, Any]]:
    """The waiting rows whose decrypted address is this one."""
    gezocht = adres(email)
    found = []
    for row in await Adreswachtrij.select(
        Adreswachtrij.id, Adreswachtrij.peiling, Adreswachtrij.bewijs, Adreswachtrij.inhoud
    ):
        opened = adressen._decrypt(secret, row["peiling"], row["inhoud"])
        if opened is not None and adres(opened[0]) == gezocht:
            found.append({**row, "email": opened[0], "wil_vervolg": opened[1]})
    return found


def _wacht_id(bewijs: str) -> str:
    # Not the row id: its order sits next to the response; a hash of the random proof says nothing.
    return "w:" + hashlib.sha256(bewijs.encode()).hexdigest()[:16]


def _bewaard_tot(maanden: int) -> str:
    return ngettext(
        "Tot het eindrapport naar u is verstuurd (en als u dat wilde, de reactie van de gemeente). "
        "Komt er geen rapport, dan wissen we het %(num)d maand nadat de peiling sloot.",
        "Tot het eindrapport naar u is verstuurd (en als u dat wilde, de reactie van de gemeente). "
        "Komt er geen rapport, dan wissen we het %(num)d maanden nadat de peiling sloot.",
        maanden,
    ) % {"num": maanden}


def make_bron(secret: sleutels.Sleutels) -> Bron:
    """The bron, with the key ring that opens waiting addresses."""

    async def gegevens(email: str) -> list[Onderdeel]:
        bewaard = await Rapportadres.select(
            Rapportadres.id, Rapportadres.peiling, Rapportadres.email, Rapportadres.wil_vervolg
        ).where(zelfde_adres(Rapportadres.email, email))
        wachtend = await _wachtend(secret, email)
        titels = await _titels({r["peiling"] for r in bewaard} | {r["peiling"] for r in wachtend})
        tot = _bewaard_tot(await adressen.bewaartermijn_maanden())
        waarom = _("Om u het eindrapport van de peiling te sturen. U liet uw adres daarvoor achter.")
        result = [
            Onderdeel(
                bron=NAAM,
                id=f"r:{r['id']}",
                titel=_("Eindrapport van de peiling: %(titel)s") % {"titel": titels.get(r["peiling"], "")},
                waarom=waarom,
                bewaard_tot=tot,
                velden=(
                    Veld("email", _("Uw e-mailadres"), r["email"], wijzigbaar=True, verplicht=True),
                    Veld(
                        "wil_vervolg",
                        _("Ook de reactie van de gemeente ontvangen"),
                        "ja" if r["wil_vervolg"] else "nee",
                        wijzigbaar=True,
                        keuzes=_ja_nee(),
                    ),
                ),
            )
            for r in sorted(bewaard, key=lambda r: (r["peiling"], str(r["id"])))
        ]
        result += [
            Onderdeel(
                bron=NAAM,
                id=_wacht_id(r["bewijs"]),
                titel=_("Eindrapport van de peiling: %(titel)s") % {"titel": titels.get(r["peiling"], "")},
                waarom=waarom,
                bewaard_tot=tot,
                velden=(
                    Veld("email", _("Uw e-mailadres"), r["email"]),
                    Veld(
                        "wil_vervolg",
                        _("Ook de reactie van de gemeente ontvangen"),
                        "ja" if r["wil_vervolg"] else "nee",
                        keuzes=_ja_nee(),  # shown as its label; not wijzigbaar
                    ),
                    Veld(
                        "stand",
                        _("Stand"),
                        _(
                            "Versleuteld bewaard tot er genoeg andere antwoorden zijn. "
                            "Wijzigen kan daarom niet; wissen wel."
                        ),
                    ),
                ),
            )
            for r in sorted(wachtend, key=lambda r: (r["peiling"], r["bewijs"]))
        ]
        return result

    async def corrigeer(email: str, record_id: str, waarden: dict[str, str]) -> dict[str, str]:
        soort, _sep, sleutel = record_id.partition(":")
        try:
            row_id = uuid.UUID(sleutel) if soort == "r" else None
        except ValueError:
            row_id = None
        if row_id is None:
            return {"email": _("Dit gegeven kunt u hier niet wijzigen. Wissen kan wel.")}
        try:
            nieuw = outbox.check_address(waarden.get("email", ""))
        except outbox.OngeldigAdres:
            return {
                "email": _(
                    "Dit e-mailadres klopt niet. Kijk het nog eens na, bijvoorbeeld naam@voorbeeld.nl."
                )
            }
        rows = (
            await Rapportadres.update(
                {Rapportadres.email: nieuw, Rapportadres.wil_vervolg: waarden.get("wil_vervolg") == "ja"}
            )
            .where((Rapportadres.id == row_id) & zelfde_adres(Rapportadres.email, email))
            .returning(Rapportadres.id)
        )
        return {} if rows else {"email": _("Dit gegeven staat niet bij uw e-mailadres.")}

    async def wis(email: str) -> int:
        """Call inside a transaction (the data page's erasure opens one)."""
        async with Rapportadres._meta.db.transaction():
            bewaard = await Rapportadres.select(Rapportadres.peiling).where(
                zelfde_adres(Rapportadres.email, email)
            )
            wachtend = await _wachtend(secret, email)
            peilingen = {r["peiling"] for r in bewaard} | {r["peiling"] for r in wachtend}
            if not peilingen:
                return 0
            await adressen.lock(sorted(peilingen))
            await adressen._secure_delete()
            # Read again under the locks: a batch may have moved a waiting address meanwhile.
            wachtend = await _wachtend(secret, email)
            weg = []
            if wachtend:
                weg = (
                    await Adreswachtrij.delete()
                    .where(Adreswachtrij.id.is_in([r["id"] for r in wachtend]))
                    .returning(Adreswachtrij.id)
                )
            rows = (
                await Rapportadres.delete()
                .where(zelfde_adres(Rapportadres.email, email))
                .returning(Rapportadres.id)
            )
        return len(weg) + len(rows)

    return Bron(
        naam=NAAM,
        gegevens=gegevens,
        wis=wis,
        corrigeer=corrigeer,
        titel=N_("Peilingen"),
        # Translated where the data page shows them (`vertaal`).
        extra={
            "wat": N_(
                "Het e-mailadres dat u na een peiling achterliet voor het eindrapport. Nooit uw antwoorden."
            ),
            "waarom": N_("Om u het eindrapport te sturen, en als u dat wilde de reactie van de gemeente."),
            "tot": N_(
                "Tot het rapport is verstuurd. Komt er geen rapport, dan uiterlijk 1 tot 36 maanden "
                "na de peiling (de beheerder stelt dit in; meestal 12)."
            ),
        },
    )
