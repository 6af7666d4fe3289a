"""Reading the language counts: responses carry no language (see peilingen.tables.Antwoord)."""

from piccolo.query.functions.aggregate import Sum

from participatie.peilingen.tables import Teller


async def per_taal() -> dict[str, int]:
    """How many responses were given in each language, over every poll, year and shard."""
    rows = (
        await Teller.select(Teller.sleutel, Sum(Teller.aantal, alias="n"))
        .where(Teller.soort == "taal")
        .group_by(Teller.sleutel)
    )
    return {r["sleutel"]: int(r["n"]) for r in rows if r["n"]}
