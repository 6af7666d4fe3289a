import asyncio

from participatie.accounts.domain import now
from participatie.accounts.tables import Inlogpoging, Regio


async def test_many_concurrent_writers_all_succeed(database):
    async def write(i: int) -> None:
        await Inlogpoging.insert(Inlogpoging(sleutel=f"{i:064d}", at=now()))

    async def write_in_transaction(i: int) -> None:
        async with Inlogpoging._meta.db.transaction():
            await Inlogpoging.insert(Inlogpoging(sleutel=f"t{i:063d}", at=now()))
            await Inlogpoging.update({Inlogpoging.at: now()}).where(Inlogpoging.sleutel == f"t{i:063d}")

    await asyncio.gather(*(write(i) for i in range(64)), *(write_in_transaction(i) for i in range(64)))

    assert await Inlogpoging.count() == 128


async def test_failed_transaction_leaves_nothing_behind(database):
    try:
        async with Regio._meta.db.transaction():
            await Regio.insert(Regio(slug="kennemerland", naam="Kennemerland"))
            await Regio.insert(Regio(slug="ijmond", naam="dubbel"))  # unique slug: fails
    except Exception:
        pass

    assert await Regio.select(Regio.slug) == [{"slug": "ijmond"}]
