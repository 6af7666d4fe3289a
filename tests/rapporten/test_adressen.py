"""Addresses and the report's publication: every address accepted is mailed exactly once, or
the resident is told the report already went out and nothing is kept."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from participatie.accounts import domain as accounts
from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.peilingen import adressen
from participatie.peilingen import domain as peilingen
from participatie.peilingen.tables import Adreswachtrij, Peiling, Rapportadres
from participatie.rapporten import domain
from participatie.rapporten import jobs as rapporten_jobs
from tests.conftest import make_gebruiker
from tests.peilingen import test_adressen
from tests.peilingen.test_adressen import email_of, post
from tests.peilingen.test_domain import answers, make_peiling
from tests.rapporten.test_domain import _to, _written

browsers = test_adressen.browsers  # the fixture: a browser of its own per resident


async def open_poll_with_report(mensen):
    """An open poll whose vraag is in terugkoppelen with its report written: publishing can
    happen while residents still answer."""
    formulier = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))
    vraag_id = (await Peiling.select(Peiling.vraag).where(Peiling.id == formulier.peiling_id).first())[
        "vraag"
    ]
    await _to(vraag_id, mensen["raadslid"], "terugkoppelen")
    await _written(mensen, vraag_id)
    return formulier, vraag_id


async def answered(browser, formulier, n: int) -> None:
    path = f"/p/{formulier.sleutel}"
    await browser.get(path)
    response = await post(browser, path, answers(formulier, i4=[f"bewoner {n}"]))
    assert response.status_code == 302


async def queued_to() -> list[str]:
    return [r["aan"] for r in await Bericht.select(Bericht.aan).where(Bericht.sjabloon == "rapport")]


async def test_addresses_left_during_publication_are_mailed_once_or_refused(mensen, browsers, mail_settings):
    formulier, vraag_id = await open_poll_with_report(mensen)
    residents = [browsers(n) for n in range(30)]
    for n, browser in enumerate(residents):
        await answered(browser, formulier, n)
    # Earlier addresses, so that publishing takes a while (reading, queueing, deleting).
    await Rapportadres.insert(
        *(
            Rapportadres(id=uuid.uuid4(), peiling=formulier.peiling_id, email=f"eerder{n}@example.org")
            for n in range(300)
        )
    )

    async def leave(n: int):
        await asyncio.sleep(n * 0.1)
        return await post(residents[n], f"/p/{formulier.sleutel}/adres", {"email": [email_of(n)]})

    published, *responses = await asyncio.gather(
        domain.publish(mensen["raadslid"], vraag_id, mail_settings), *(leave(n) for n in range(30))
    )
    late = await post(residents[0], f"/p/{formulier.sleutel}/adres", {"email": ["te.laat@example.org"]})

    mails = await queued_to()
    accepted = [email_of(n) for n, r in enumerate(responses) if r.status_code == 302]
    # A refusal is Post/Redirect/Get: back to the thank-you page, which says why.
    geweigerd = f"/p/{formulier.sleutel}/bedankt?adres=geweigerd"
    refused = [
        email_of(n)
        for n, r in enumerate(responses)
        if r.status_code == 303 and r.headers["location"] == geweigerd
    ]
    assert sorted(accepted + refused) == sorted(email_of(n) for n in range(30))
    for email in accepted:
        assert mails.count(email) == 1, email
    for email in refused:
        assert mails.count(email) == 0, email
    for n, response in enumerate(responses):
        if response.status_code == 303:
            assert "Het eindrapport is al verstuurd." in (await residents[n].get(geweigerd)).text
    assert late.status_code == 303 and late.headers["location"] == geweigerd
    assert "/rapporten/beverwijk/" in (await residents[0].get(geweigerd)).text
    assert published == len(mails) == 300 + len(accepted)
    # Nobody asked for the follow-up: nothing of any address is left in the poll tables.
    assert (await Rapportadres.count(), await Adreswachtrij.count()) == (0, 0)


async def test_addresses_of_a_report_never_published_go_after_the_period(mensen, browsers, settings):
    formulier = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))
    for n in range(3):
        browser = browsers(n)
        await answered(browser, formulier, n)
        await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(n)]})
    await peilingen.close_early(mensen["raadslid"], formulier.peiling_id)
    await rapporten_jobs.finalize_addresses(settings)
    closed = (await Peiling.select(Peiling.gesloten_at).where(Peiling.id == formulier.peiling_id).first())[
        "gesloten_at"
    ]
    await make_gebruiker(settings, "beheerder", email="beheer@ijmond.example")
    await adressen.set_bewaartermijn(await accounts.acting_as("beheer@ijmond.example"), "6")

    kept = await adressen.purge_unpublished(closed + timedelta(days=6 * 30 - 5))
    gone = await adressen.purge_unpublished(closed + timedelta(days=6 * 31 + 1))

    assert (kept, gone) == (0, 3)
    assert (await Rapportadres.count(), await Adreswachtrij.count()) == (0, 0)


async def test_a_waiting_address_of_a_report_never_published_goes_too(mensen, browsers, settings):
    formulier = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))
    browser = browsers(0)
    await answered(browser, formulier, 0)
    await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(0)]})
    await peilingen.close_early(mensen["raadslid"], formulier.peiling_id)

    gone = await adressen.purge_unpublished(peilingen.now() + timedelta(days=366))

    assert gone == 1
    assert await Adreswachtrij.count() == 0


async def test_the_report_mail_says_when_the_address_goes(mensen, browsers, mail_settings, smtp):
    formulier, vraag_id = await open_poll_with_report(mensen)
    for n, vervolg in ((0, []), (1, ["ja"])):
        browser = browsers(n)
        await answered(browser, formulier, n)
        await post(browser, f"/p/{formulier.sleutel}/adres", {"email": [email_of(n)], "vervolg": vervolg})

    await domain.publish(mensen["raadslid"], vraag_id, mail_settings)
    await outbox.drain(mail_settings)

    alleen_rapport = smtp.to(email_of(0))[0].get_body("plain").get_content()
    met_vervolg = smtp.to(email_of(1))[0].get_body("plain").get_content()
    zin = "wissen we binnen een dag nadat deze e-mail is verstuurd."
    assert zin in alleen_rapport and zin not in met_vervolg
    assert "Tot dan bewaren we uw e-mailadres, hoogstens 12 maanden nadat dit rapport" in met_vervolg
    assert [r["email"] for r in await Rapportadres.select(Rapportadres.email)] == [email_of(1)]
