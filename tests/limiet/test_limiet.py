"""The public forms' limits: generous per connection, strict per inbox, atomic, and forgetful."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from participatie import limiet
from participatie.limiet.tables import LimietTelling

SECRET = "s" * 40
NU = datetime(2026, 11, 27, 10, 3, tzinfo=UTC)


async def test_a_reading_room_sharing_one_address_is_never_refused(database) -> None:
    # Sixty residents in a library, each sending the idea form once within ten minutes.
    idee = limiet.Limiet("idee")
    for i in range(60):
        await limiet.tel_adres(idee, "192.0.2.10", SECRET, NU + timedelta(seconds=i))


async def test_a_flood_is_refused_with_429_and_when_to_come_back(database) -> None:
    idee = limiet.Limiet("idee", per_adres=5)
    for _ in range(5):
        await limiet.tel_adres(idee, "192.0.2.10", SECRET, NU)
    with pytest.raises(limiet.TeVaakPubliek) as refused:
        await limiet.tel_adres(idee, "192.0.2.10", SECRET, NU)
    assert refused.value.status == 429
    # The window runs 10:00-10:10; at 10:03:00 that is 7 minutes.
    assert refused.value.retry_after == 7 * 60
    assert "7 minuten" in refused.value.melding
    # A neighbour on another address and another form are not touched by the flood ...
    await limiet.tel_adres(idee, "192.0.2.11", SECRET, NU)
    await limiet.tel_adres(limiet.Limiet("panel", per_adres=5), "192.0.2.10", SECRET, NU)
    # ... and the next window starts afresh.
    await limiet.tel_adres(idee, "192.0.2.10", SECRET, NU + timedelta(minutes=7))


async def test_concurrent_submissions_are_counted_exactly(database) -> None:
    idee = limiet.Limiet("idee", per_adres=30)

    async def one() -> bool:
        try:
            await limiet.tel_adres(idee, "198.51.100.7", SECRET, NU)
        except limiet.TeVaakPubliek:
            return False
        return True

    results = await asyncio.gather(*(one() for _ in range(50)))
    assert results.count(True) == 30
    rows = await LimietTelling.select().where(LimietTelling.soort == "adres:idee")
    assert [r["aantal"] for r in rows] == [50]


async def test_an_inbox_gets_at_most_three_mails_a_day_whatever_the_spelling(database) -> None:
    panel = limiet.Limiet("panel")
    spellings = ["an@example.org", " AN@example.org", "An@Example.org", "an@example.org"]
    assert [await limiet.mag_mailen(panel, s, SECRET, NU) for s in spellings] == [True, True, True, False]
    # Another form's mails and the next day are counted apart.
    assert await limiet.mag_mailen(limiet.Limiet("gegevens"), "an@example.org", SECRET, NU)
    assert await limiet.mag_mailen(panel, "an@example.org", SECRET, NU + timedelta(days=1))


async def test_neither_address_is_stored_and_old_counts_are_forgotten(database) -> None:
    idee = limiet.Limiet("idee")
    await limiet.tel_adres(idee, "203.0.113.5", SECRET, NU - timedelta(days=3))
    await limiet.mag_mailen(idee, "bea@example.org", SECRET, NU - timedelta(days=3))
    await limiet.tel_adres(idee, "203.0.113.5", SECRET, NU)
    stored = str(await LimietTelling.select())
    assert "203.0.113" not in stored and "bea@" not in stored
    assert await limiet.purge(NU) == 2
    assert await LimietTelling.count() == 1
