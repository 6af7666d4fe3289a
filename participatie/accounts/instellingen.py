"""Settings a beheerder changes in the web UI, kept in the Instelling table. Each domain
validates its own values; this module only reads and writes them."""

from __future__ import annotations

from participatie.accounts.tables import Instelling


async def read_int(sleutel: str, standaard: int) -> int:
    row = await Instelling.select(Instelling.waarde).where(Instelling.sleutel == sleutel).first()
    return int(row["waarde"]) if row else standaard


async def write(sleutel: str, waarde: int) -> None:
    await Instelling.insert(Instelling(sleutel=sleutel, waarde=str(waarde))).on_conflict(
        target=Instelling.sleutel, action="DO UPDATE", values=[Instelling.waarde]
    )


def parse_int(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None
