"""`participatie rapport verstuur` as a real process: its count is the truth of the report."""

from __future__ import annotations

from participatie.mail import outbox
from participatie.mail.tables import Bericht
from participatie.rapporten import domain
from tests.rapporten.test_domain import _published_with, _verstuur


async def test_a_rerun_does_not_claim_success_while_mails_still_wait(mensen, settings, smtp) -> None:
    vraag_id = await _published_with(mensen, settings, adressen=3)
    total = await Bericht.count().where(Bericht.sjabloon == "rapport")
    smtp.replies = ["451 4.7.1 Greylisted, probeer het later"]

    first = _verstuur(settings, smtp, vraag_id)
    first_out, _ = first.communicate(timeout=120)
    rerun = _verstuur(settings, smtp, vraag_id)
    rerun_out, rerun_err = rerun.communicate(timeout=120)

    assert (first.returncode, rerun.returncode) == (1, 1), rerun_err
    assert f"{total - 1} verstuurd, 1 later opnieuw" in first_out
    assert f"Stand van dit rapport: {total - 1} verstuurd, 1 nog niet verstuurd, 0 mislukt." in rerun_out
    assert len(smtp.received) == total - 1


async def test_mails_held_by_another_drainer_are_waited_for_not_skipped(mensen, settings, smtp) -> None:
    vraag_id = await _published_with(mensen, settings, adressen=3)
    total = await Bericht.count().where(Bericht.sjabloon == "rapport")
    rapport = await domain.load_rapport(vraag_id)
    # A drainer that claimed two mails 50 s ago and then died: its lease runs out in 10 s.
    await outbox.claim(
        2, outbox.now() - outbox.CLAIM_LEASE + outbox.CLAIM_LEASE / 6, f"rapport:{rapport['id']}"
    )

    run = _verstuur(settings, smtp, vraag_id)
    out, err = run.communicate(timeout=120)

    assert run.returncode == 0, err
    assert f"Stand van dit rapport: {total} verstuurd, 0 nog niet verstuurd, 0 mislukt." in out
    addresses = [m["To"] for m in smtp.received]
    assert len(addresses) == total == len(set(addresses))
