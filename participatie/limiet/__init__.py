"""Limits on the public forms (idea, panel sign-up, data request ...), held in the database so
they hold across app processes.

Two different limits, because they protect against different things:

- Per client address, per form, per 10 minutes (`tel_adres`): against a flood. Many residents
  share one address (a library's wifi, a care home, every mobile network behind carrier NAT),
  so the number is generous: a whole reading room filling in the idea form is never refused
  for each other. Over it, a friendly 429 with Retry-After.
- Per e-mail address, per day (`mag_mailen`): against using our forms to bomb someone's inbox.
  Over it we send nothing, but the page says the same as when we sent: the form must not tell
  a stranger whether an address is known, nor whether it was mailed before.

Both count a keyed hash; neither address is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participatie import sleutels, tijd
from participatie.fouten import TeVaak
from participatie.limiet.tables import LimietTelling
from participatie.taal import ngettext

VENSTER_MINUTEN = 10
DAG_MINUTEN = 24 * 60
BEWAAR_MINUTEN = 2 * DAG_MINUTEN


@dataclass(frozen=True)
class Limiet:
    soort: str  # the form: "idee", "panel", "gegevens" ...
    per_adres: int = 60  # submissions per client address per 10 minutes
    per_email: int = 3  # mails to one e-mail address per day


class TeVaakPubliek(TeVaak):
    """Too many submissions of one public form from one connection."""

    def __init__(self, retry_after: int) -> None:
        minuten = max(1, -(-retry_after // 60))
        # Made while the refused request is answered: in its language.
        super().__init__(
            ngettext(
                "Er zijn vanaf deze internetverbinding veel formulieren verstuurd. "
                "Probeer het over %(num)d minuut opnieuw.",
                "Er zijn vanaf deze internetverbinding veel formulieren verstuurd. "
                "Probeer het over %(num)d minuten opnieuw.",
                minuten,
            )
            % {"num": minuten},
            retry_after,
        )


def _minuten(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


async def _tel(soort: str, sleutel: str, venster: int) -> int:
    """Add one to a counter (an upsert on both engines); returns the new count."""
    rows = await LimietTelling.raw(
        "INSERT INTO limiet_telling (soort, sleutel, venster, aantal) VALUES ({}, {}, {}, 1) "
        "ON CONFLICT (soort, sleutel, venster) DO UPDATE SET aantal = limiet_telling.aantal + 1 "
        "RETURNING aantal",
        soort,
        sleutel,
        venster,
    )
    return int(rows[0]["aantal"])


async def tel_adres(limiet: Limiet, adres: str, secret: str, moment: datetime | None = None) -> None:
    """Count one submission of `limiet.soort` from client address `adres`; refuse over the limit."""
    nu = moment or tijd.now()
    minuut = _minuten(nu)
    venster = minuut - minuut % VENSTER_MINUTEN
    aantal = await _tel(f"adres:{limiet.soort}", sleutels.keyed(secret, f"limiet-adres:{adres}"), venster)
    if aantal > limiet.per_adres:
        raise TeVaakPubliek(retry_after=max(1, (venster + VENSTER_MINUTEN) * 60 - int(nu.timestamp())))


async def mag_mailen(limiet: Limiet, email: str, secret: str, moment: datetime | None = None) -> bool:
    """Count one mail of `limiet.soort` to `email`; False when over the day's limit (send nothing)."""
    minuut = _minuten(moment or tijd.now())
    venster = minuut - minuut % DAG_MINUTEN
    sleutel = sleutels.keyed(secret, f"limiet-email:{email.strip().lower()}")
    return await _tel(f"email:{limiet.soort}", sleutel, venster) <= limiet.per_email


async def purge(moment: datetime | None = None) -> int:
    """The planner's job: forget counts two days after their window."""
    grens = _minuten(moment or tijd.now()) - BEWAAR_MINUTEN
    deleted = await LimietTelling.delete().where(LimietTelling.venster < grens).returning(LimietTelling.id)
    return len(deleted)
