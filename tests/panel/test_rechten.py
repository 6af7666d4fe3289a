"""The panel's Bron for the data page: what is held about an address, corrected and erased."""

from __future__ import annotations

from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.panel import rechten
from participatie.panel.tables import Aanmelding, Panellid
from tests.panel.helpers import sign_up
from tests.panel.test_uitnodigen import make_lid


async def test_members_and_pending_sign_ups_are_shown_with_why_and_until_when(client, settings) -> None:
    await make_lid("velsen", "m@example.org", kern="Driehuis", leeftijd="26-40", themas=["wonen"])
    await sign_up(client, "heemskerk", "M@Example.org")

    onderdelen = await rechten.gegevens("  m@EXAMPLE.org ")

    assert [o.titel for o in onderdelen] == [
        "Inwonerpanel Velsen",
        "Aanmelding voor het inwonerpanel Heemskerk (nog niet bevestigd)",
    ]
    lid = onderdelen[0]
    assert lid.bewaard_tot == "Tot u zich afmeldt."
    assert {v.sleutel: v.waarde for v in lid.velden if v.wijzigbaar} == {
        "kern": "Driehuis",
        "leeftijd": "26-40",
        "themas": "Wonen",
    }
    assert ("Velserbroek", "Velserbroek") in next(v for v in lid.velden if v.sleutel == "kern").keuzes
    assert onderdelen[1].bewaard_tot == "7 dagen na de aanmelding, of tot u bevestigt."
    assert await rechten.gegevens("ander@example.org") == []


async def test_correcting_kern_age_and_themes(database) -> None:
    lid_id = await make_lid("velsen", "n@example.org", kern="Driehuis")

    fouten = await rechten.corrigeer(
        "n@example.org", str(lid_id), {"kern": "IJmuiden", "leeftijd": "80+", "themas": "Jeugd, wonen"}
    )
    wrong = await rechten.corrigeer("n@example.org", str(lid_id), {"kern": "Wijk aan Zee"})
    other = await rechten.corrigeer("x@example.org", str(lid_id), {"kern": "IJmuiden"})

    assert fouten == {}
    assert wrong == {"kern": "Kies een kern of wijk uit de lijst."}
    assert other == {"lid": "Dit lidmaatschap vinden we niet meer."}
    rows = await Panellid.select(Panellid.kern, Panellid.leeftijd, Panellid.themas).output(load_json=True)
    assert rows == [{"kern": "IJmuiden", "leeftijd": "80+", "themas": ["jeugd", "wonen"]}]


async def test_erasing_removes_memberships_sign_ups_and_waiting_mails(client, settings) -> None:
    lid_id = await make_lid("velsen", "o@example.org")
    await make_lid("velsen", "p@example.org")
    await sign_up(client, "beverwijk", "o@example.org")
    async with Bericht._meta.db.transaction():
        await outbox.enqueue("o@example.org", "panel_herinnering", {}, groep=f"panellid:{lid_id}")

    erased = await rechten.wis("O@example.org")

    assert erased == 2
    assert [r["email"] for r in await Panellid.select(Panellid.email)] == ["p@example.org"]
    assert await Aanmelding.count() == 0
    assert await Bericht.count().where(Bericht.groep == f"panellid:{lid_id}") == 0
