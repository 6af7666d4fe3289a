"""Other domains' parts of vragen's pages come through the registry the app fills (panelen),
so vragen itself depends on none of them."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from participatie import tijd
from participatie.app import register_panelen
from participatie.focusgroepen.tables import Focusgroep, Lid
from participatie.vragen import panelen, stappen
from participatie.vragen.queries import ActiviteitRegel
from participatie.vragen.stappen import Actie, Stap
from participatie.vragen.tables import Vraag
from tests.conftest import login
from tests.vragen.test_domain import _aanvraag

VRAGEN = Path(__file__).resolve().parents[2] / "participatie" / "vragen"
BOVENOP = ("participatie.peilingen", "participatie.focusgroepen", "participatie.rapporten")


def test_vragen_imports_none_of_the_domains_built_on_it():
    imported = []
    for path in sorted(VRAGEN.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.append(node.module)
            elif isinstance(node, ast.Import):
                imported += [alias.name for alias in node.names]

    assert [m for m in imported if m.startswith(BOVENOP)] == []


async def _groep(vraag_id: int, thema: str) -> int:
    # Arrange only: a group row as the focusgroepen domain would store it.
    vraag = await Vraag.select(Vraag.gemeente).where(Vraag.id == vraag_id).first()
    rows = await Focusgroep.insert(
        Focusgroep(
            vraag=vraag_id,
            gemeente=vraag["gemeente"],
            thema=thema,
            eind_op=tijd.today(),
            aangemaakt_at=tijd.now(),
        )
    )
    return rows[0]["id"]


async def test_vraag_page_shows_the_registered_panels(client, mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    groep_id = await _groep(vraag_id, "Ervaringen met de lift")
    await Vraag.update({Vraag.stap: Stap.VOORLEGGEN.value}).where(Vraag.id == vraag_id)
    await login(client, "kees@beverwijk.example")

    page = (await client.get(f"/raad/beverwijk/vragen/{vraag_id}")).text

    assert f'href="/raad/beverwijk/focusgroepen/{groep_id}">Ervaringen met de lift</a>' in page
    assert "Er zijn nog geen peilingen aan deze vraag gekoppeld." in page
    assert f'href="/raad/beverwijk/vragen/{vraag_id}/rapport">' in page


async def test_report_panel_follows_the_table_for_every_step(mensen):
    register_panelen()  # what create_app does; this test builds no app
    vraag_id = await _aanvraag(mensen["ambtenaar"])

    mogelijk = {}
    for stap in Stap:
        mogelijk[stap] = (await panelen.voor_vraag({"id": vraag_id, "stap": stap.value}))["rapport_mogelijk"]

    assert mogelijk == {s: stappen.mag(s, Actie.RAPPORT_SCHRIJVEN) for s in Stap}


async def test_portal_shows_the_groups_the_ambtenaar_sits_in(client, settings, mensen):
    vraag_id = await _aanvraag(mensen["ambtenaar"])
    groep_id = await _groep(vraag_id, "Wachtlijsten")
    await _groep(vraag_id, "Een groep zonder Marja")
    await Lid.insert(
        Lid(
            focusgroep=groep_id,
            soort="beleidsmedewerker",
            gebruiker=mensen["ambtenaar"].id,
            aangemaakt_at=tijd.now(),
        )
    )
    await login(client, "marja@beverwijk.example")

    page = (await client.get("/gemeente/beverwijk")).text

    assert f'href="/gemeente/beverwijk/focusgroepen/{groep_id}">Wachtlijsten</a>' in page
    assert "Een groep zonder Marja" not in page


def test_activity_rows_still_read_as_dicts_for_the_report():
    regel = ActiviteitRegel(waar="Voedselbank", op=date(2026, 3, 2), bereikt=23, notities="")

    assert (regel["waar"], regel["op"], regel["bereikt"]) == (regel.waar, regel.op, 23)
