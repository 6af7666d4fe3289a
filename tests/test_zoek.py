"""One way to search typed text: wildcards are plain characters, case does not matter."""

from __future__ import annotations

from participatie.vragen import queries
from tests.vragen.test_domain import _aanvraag


async def _titels(gemeente_id: int, zoek: str) -> set[str]:
    kolommen = await queries.board(gemeente_id, queries.BoardFilter(zoek=zoek))
    return {kaart["titel"] for kolom in kolommen.values() for kaart in kolom.kaarten}


async def test_the_board_search_takes_wildcards_literally_and_ignores_case(mensen) -> None:
    ambtenaar = mensen["ambtenaar"]
    await _aanvraag(ambtenaar, titel="Korting van 50% op de bus")
    await _aanvraag(ambtenaar, titel="Minimaregelingen")
    await _aanvraag(ambtenaar, titel="Wachtlijst_jeugdzorg")
    gemeente_id = ambtenaar.gemeente_id
    assert await _titels(gemeente_id, "%") == {"Korting van 50% op de bus"}
    assert await _titels(gemeente_id, "_") == {"Wachtlijst_jeugdzorg"}
    assert await _titels(gemeente_id, "MINIMA") == {"Minimaregelingen"}
    # A hostile term is only text: quotes and SQL stay characters, and nothing matches.
    assert await _titels(gemeente_id, "x' OR '1'='1") == set()
    # A long paste is cut to 100 characters, never refused.
    assert await _titels(gemeente_id, "minima" + "z" * 5000) == set()
