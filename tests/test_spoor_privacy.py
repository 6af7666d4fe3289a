"""The trail of council actions never holds a resident's personal data.

Attack: fill the platform through the same domain functions the council uses (the demo data:
residents added to a focus group with name, address and phone, polls with open answers, a
report), then look for every resident value anywhere in the trail.
"""

from __future__ import annotations

import json

from participatie.demo import load_demo
from participatie.spoor.tables import Spoorregel

# Where residents' personal data lives: (table, column).
PERSOONLIJK = [
    ("lid", "naam"),
    ("lid", "email"),
    ("lid", "telefoon"),
    ("aanmelding", "email"),
    ("rapportadres", "email"),
    ("waarde", "tekst"),
    ("vraag", "inwoner_email"),
]


async def _resident_values() -> set[str]:
    values: set[str] = set()
    for table, column in PERSOONLIJK:
        rows = await Spoorregel.raw(f"SELECT {column} AS v FROM {table} WHERE {column} IS NOT NULL")
        # Short values ("ja", "3") say nothing about a person and would match by chance.
        values |= {str(r["v"]) for r in rows if len(str(r["v"]).strip()) >= 5}
    return values


async def test_the_trail_holds_no_resident_data_after_a_full_demo(database, settings):
    await load_demo(settings)
    regels = await Spoorregel.select(Spoorregel.voor, Spoorregel.na, Spoorregel.door_naam)
    resident = await _resident_values()
    assert len(resident) >= 5  # the demo did put residents in: the attack has something to find
    assert len(regels) >= 10  # and the council's actions were traced
    trail = "\n".join(
        json.dumps(r["voor"], ensure_ascii=False)
        + json.dumps(r["na"], ensure_ascii=False)
        + (r["voor"] if isinstance(r["voor"], str) else "")
        + (r["na"] if isinstance(r["na"], str) else "")
        + r["door_naam"]
        for r in regels
    )
    found = sorted(v for v in resident if v in trail)
    assert found == []
