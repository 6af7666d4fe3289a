"""An address left for the report keeps the language of the page it was left on, so the report
mail can go out in it (rapporten reads it through rapportadressen). The language belongs to the
address only: the answers stay without it."""

from __future__ import annotations

import re

from participatie.peilingen import adressen, domain, rapportadressen
from participatie.peilingen.tables import Adreswachtrij, Antwoord, Rapportadres, Waarde
from tests.conftest import post_form
from tests.peilingen.test_adressen import browsers  # noqa: F401 - a fixture, used by name
from tests.peilingen.test_domain import answers, make_peiling
from tests.peilingen.test_routes import _post


async def _answer_and_leave(browser, formulier, email: str, taal: str | None) -> None:
    """Through the public form and the thank-you page, as a resident does."""
    if taal:
        browser.cookies.set("taal", taal)
    path = f"/p/{formulier.sleutel}"
    await browser.get(path)
    answered = await _post(browser, path, answers(formulier))
    assert answered.status_code == 302
    await browser.get(answered.headers["location"])
    left = await post_form(browser, f"{path}/adres", {"email": email, "vervolg": "ja"})
    assert left.headers["location"] == f"{path}/bedankt?adres=1"


async def test_an_address_left_in_english_comes_back_with_taal_en(browsers, mensen, settings):  # noqa: F811
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await _answer_and_leave(browsers(1), formulier, "english@example.org", "en")
    await _answer_and_leave(browsers(2), formulier, "nederlands@example.org", "nl")
    await _answer_and_leave(browsers(3), formulier, "standaard@example.org", None)

    # While waiting, the language sits inside the ciphertext, not in a column of its own.
    waiting = {
        opened[0]: opened[2]
        for row in await Adreswachtrij.select(Adreswachtrij.inhoud)
        if (opened := adressen._decrypt(settings.secret_ring, formulier.peiling_id, row["inhoud"]))
    }
    assert waiting == {
        "english@example.org": "en",
        "nederlands@example.org": "nl",
        "standaard@example.org": "nl",
    }
    assert "taal" not in {c._meta.name for c in Adreswachtrij._meta.columns}

    await domain.close_early(mensen["raadslid"], formulier.peiling_id)
    assert await adressen.finalize_closed(settings.secret_ring) == 1
    kept = await rapportadressen.adressen_voor([formulier.peiling_id])

    assert {a.email: a.get("taal") for a in kept} == {
        "english@example.org": "en",
        "nederlands@example.org": "nl",
        "standaard@example.org": "nl",
    }
    assert {a.email: a.taal for a in kept} == {a.email: a.get("taal") for a in kept}
    assert sorted(r["taal"] for r in await Rapportadres.select(Rapportadres.taal)) == ["en", "nl", "nl"]
    # Anonymous answers: no table of the answers knows a language.
    for table in (Antwoord, Waarde):
        assert "taal" not in {c._meta.name for c in table._meta.columns}


async def test_the_language_survives_a_final_batch_over_kept_addresses(mensen, settings):
    """finalize rewrites addresses already in Rapportadres: their language goes along."""
    peiling_id = await make_peiling(mensen)
    for n, taal in enumerate(["en", "nl"]):
        await adressen.leave_address(
            peiling_id,
            f"inwoner{n}@example.org",
            wil_vervolg=False,
            bewijs=f"bewijs-{n}",
            secret=settings.secret_ring,
            taal_code=taal,
        )
    async with Rapportadres._meta.db.transaction():
        await adressen.lock([peiling_id])
        await adressen._move(peiling_id, settings.secret_ring, telling=0, final=False)
    await adressen.leave_address(
        peiling_id, "later@example.org", wil_vervolg=False, bewijs="bewijs-2", secret=settings.secret_ring
    )

    await domain.close_early(mensen["raadslid"], peiling_id)
    await adressen.finalize_closed(settings.secret_ring)

    kept = {a.email: a.taal for a in await rapportadressen.adressen_voor([peiling_id])}
    assert kept == {"inwoner0@example.org": "en", "inwoner1@example.org": "nl", "later@example.org": "nl"}


async def test_the_report_mail_reaches_a_resident_in_the_language_of_their_address(
    browsers,  # noqa: F811
    mensen,
    mail_settings,
):
    """End to end: the public form and thank-you page in English, the report published, the
    queued mail rendered in English; the Dutch resident's mail stays Dutch."""
    from participatie.mail import outbox
    from participatie.mail.tables import Bericht
    from participatie.rapporten import domain as rapporten
    from tests.rapporten.test_adressen import open_poll_with_report

    formulier, vraag_id = await open_poll_with_report(mensen)
    await _answer_and_leave(browsers(1), formulier, "english@example.org", "en")
    await _answer_and_leave(browsers(2), formulier, "nederlands@example.org", None)

    assert await rapporten.publish(mensen["raadslid"], vraag_id, mail_settings) == 2
    rows = await Bericht.select().where(Bericht.sjabloon == "rapport").output(load_json=True)
    mails = {row["aan"]: (row["taal"], outbox.render(row, mail_settings)) for row in rows}

    taal, english = mails["english@example.org"]
    text = english.get_payload()[0].get_payload(decode=True).decode()
    assert taal == "en"
    assert str(english["Subject"]) == "Participatieraad Beverwijk: what we did with your input"
    assert text.startswith('Hello,\n\nYou took part in our research on "Minimaregelingen". Thank you!')
    # The English date of how long the address is kept (a Dutch one would read "november").
    assert re.search(r"until \d+ [A-Z][a-z]+ \d{4} at the latest\.", text), text
    assert "Goedendag" not in text and "Met vriendelijke groet" not in text
    taal, dutch = mails["nederlands@example.org"]
    assert taal == "nl"
    assert str(dutch["Subject"]) == "Participatieraad Beverwijk: wat we met uw inbreng deden"
    assert "Goedendag," in dutch.get_payload()[0].get_payload(decode=True).decode()
