"""What the council sees of a mail-out while our mail server is away (issue 11)."""

from __future__ import annotations

import re

from participatie.mail import outbox
from participatie.rapporten import domain
from tests.conftest import login
from tests.mail.test_outbox_storing import restart
from tests.rapporten.test_domain import _published_with


async def test_the_council_sees_mails_waiting_for_the_mail_server(
    client, mensen, mail_settings, smtp
) -> None:
    vraag_id = await _published_with(mensen, mail_settings, adressen=3)
    rapport = await domain.load_rapport(vraag_id)
    waiting = sum((await outbox.counts(f"rapport:{rapport['id']}")).values())
    smtp.stop()
    await outbox.drain(mail_settings)
    await login(client, "kees@beverwijk.example")

    during = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport")
    restart(smtp)
    await outbox.drain(mail_settings, moment=outbox.now() + outbox.SERVER_BACKOFF_MAX)
    after = await client.get(f"/raad/beverwijk/vragen/{vraag_id}/rapport")

    assert during.status_code == 200
    # The cells carry the NL Design System's table classes; read them without the markup.
    assert re.search(r'<th scope="col"[^>]*>Wacht op de mailserver</th>', during.text)
    assert re.search(rf'<th scope="row"[^>]*>Rapport</th><td[^>]*>0</td><td[^>]*>{waiting}</td>', during.text)
    assert f"{waiting} e-mails wachten op de mailserver." in during.text
    assert "De mailserver is niet bereikbaar sinds" in during.text
    assert "@example.org" not in during.text
    assert "wachten op de mailserver" not in after.text
    assert (await outbox.counts(f"rapport:{rapport['id']}"))["verzonden"] == waiting
