"""IJmond-wide vragen are shared by the councils of one region, and by no council of another."""

from participatie.accounts import domain as accounts
from participatie.vragen import domain
from tests.conftest import login, make_gebruiker
from tests.vragen.test_domain import _aanvraag, _ingelogd


async def _regionale_vraag(settings) -> int:
    ambtenaar = await _ingelogd(settings, "ambtenaar", "beverwijk", "marja@beverwijk.example")
    kees = await _ingelogd(settings, "raadslid", "beverwijk", "kees@beverwijk.example")
    vraag_id = await _aanvraag(ambtenaar)
    await domain.update_trechter(
        vraag_id, kees, versie=1, scope="regio", thema="armoede", prioriteit="normaal"
    )
    return vraag_id


async def test_a_council_of_another_region_sees_no_ijmond_wide_vraag(client, settings, database):
    vraag_id = await _regionale_vraag(settings)
    regio_id = await accounts.ensure_regio("kennemerland", "Kennemerland")
    await accounts.ensure_gemeente("haarlem", "Haarlem", "Participatieraad Haarlem", regio_id)
    await make_gebruiker(settings, "raadslid", "haarlem", email="eva@haarlem.example")
    await login(client, "eva@haarlem.example")

    assert (await client.get(f"/raad/haarlem/vragen/{vraag_id}")).status_code == 404
    assert "Minimaregelingen" not in (await client.get("/raad/haarlem/vragen")).text
    assert "Minimaregelingen" not in (await client.get("/raad/haarlem/vragen/export.csv")).text
    haarlem = await accounts.acting_as("eva@haarlem.example")
    assert domain.may_work_on(haarlem, await domain.load_vraag(vraag_id)) is False


async def test_the_other_councils_of_the_region_share_it(client, settings, database):
    vraag_id = await _regionale_vraag(settings)
    await make_gebruiker(settings, "raadslid", "velsen", email="dorine@velsen.example")
    await login(client, "dorine@velsen.example")

    assert (await client.get(f"/raad/velsen/vragen/{vraag_id}")).status_code == 200
    assert "Minimaregelingen" in (await client.get("/raad/velsen/vragen")).text
