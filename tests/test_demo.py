from participatie.accounts.tables import Gebruiker
from participatie.demo import load_demo
from participatie.focusgroepen.tables import Bijeenkomst, Focusgroep, Lid
from participatie.mail.tables import Bericht
from participatie.peilingen.tables import Antwoord
from participatie.rapporten.tables import Rapport
from participatie.vragen.tables import Gebeurtenis, Vraag


async def test_demo_fills_the_boards_once_and_queues_no_mail(database, settings):
    await load_demo(settings)
    await load_demo(settings)  # a second start leaves everything as it was

    steps = sorted({r["stap"] for r in await Vraag.select(Vraag.stap)})
    assert steps == ["binnengekomen", "borging", "concretiseren", "trechteren", "voorleggen"]
    assert await Vraag.count() == 7
    assert await Gebruiker.count() == 10
    assert await Gebeurtenis.count() > await Vraag.count()
    assert await Bericht.count() == 0
    assert await Antwoord.count() == 36
    assert (await Focusgroep.count(), await Lid.count(), await Bijeenkomst.count()) == (1, 5, 1)
    assert await Rapport.count() == 1
