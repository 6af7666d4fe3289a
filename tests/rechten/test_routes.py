"""/mijn-gegevens on both engines: a link mailed through a real SMTP server, used once, that
shows, corrects, downloads and erases what every domain holds about one address and nothing
about anyone else."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from participatie import tijd
from participatie.focusgroepen.tables import Aanmelding, Lid
from participatie.mail.tables import Bericht
from participatie.peilingen import adressen
from participatie.peilingen.tables import Adreswachtrij, Rapportadres
from participatie.rechten import domain, routes
from participatie.rechten.bron import zelfde_adres
from participatie.rechten.tables import Inzagelink, Inzagesessie
from participatie.vragen.tables import Vraag
from tests.conftest import post_form
from tests.rechten.conftest import ANNA, LOOKALIKE, PIET, ask_link, mailed_link, open_session

CSRF = re.compile(r'name="_csrf_token" value="[^"]*"|"x-csrftoken": "[^"]*"')


async def test_mailed_link_shows_what_every_domain_holds_and_nothing_of_others(
    client, gegevens, mail_settings, smtp
):
    await open_session(client, mail_settings, smtp, "Piet.de_Vries@example.org")

    page = await client.get("/mijn-gegevens/overzicht")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    assert "Meer bankjes in het Burgemeester Rijkenspark" in text  # vragen
    assert "Eindrapport van de peiling: Minimaregelingen" in text  # peilingen, kept and waiting
    assert text.count("Eindrapport van de peiling") == 2
    assert "Versleuteld bewaard tot er genoeg andere antwoorden zijn" in text
    assert "Focusgroep over Minimaregelingen" in text  # focusgroepen: the seat and the invitation
    assert "Piet de Vries" in text and "0251 123456" in text
    assert "Uitnodiging voor de focusgroep over Minimaregelingen" in text
    assert "E-mail: Uitnodiging om mee te doen aan een focusgroep" in text  # the outbox
    assert "Waarom wij dit bewaren" in text and "Hoe lang" in text
    # Nothing about Anna, the look-alike address, nor the contents of a mail (its link).
    for other in (
        "Anna",
        ANNA,
        "0251 654321",
        "zebrapad",
        LOOKALIKE,
        "Iemand anders",
        "/mijn-gegevens/link/",
        "/f/aanmelden/",
    ):
        assert other not in text


async def test_link_works_once(client, gegevens, mail_settings, smtp):
    pad = await open_session(client, mail_settings, smtp, PIET)

    shown = await client.get(pad)
    again = await post_form(client, pad, {})

    assert shown.status_code == again.status_code == 410
    assert "Deze link werkt niet (meer)" in again.text
    assert 'action="/mijn-gegevens"' in again.text  # the way to a new link
    assert await Inzagesessie.count() == 1


async def test_link_expires_after_30_minutes_and_so_does_the_session(
    client, gegevens, mail_settings, smtp, monkeypatch
):
    await ask_link(client, PIET)
    pad = await mailed_link(mail_settings, smtp, PIET)
    real_now = tijd.now
    monkeypatch.setattr(tijd, "now", lambda: real_now() + timedelta(minutes=31))

    shown = await client.get(pad)
    used = await post_form(client, pad, {})

    assert (shown.status_code, used.status_code) == (410, 410)
    assert "Een link werkt één keer, en maar 30 minuten" in used.text
    assert await Inzagesessie.count() == 0

    monkeypatch.setattr(tijd, "now", real_now)
    await open_session(client, mail_settings, smtp, PIET)
    assert (await client.get("/mijn-gegevens/overzicht")).status_code == 200
    monkeypatch.setattr(tijd, "now", lambda: real_now() + timedelta(minutes=31))
    ended = await client.get("/mijn-gegevens/overzicht")
    assert ended.status_code == 401
    assert "U bent niet (meer) ingelogd op deze pagina" in ended.text
    assert "Piet de Vries" not in ended.text


@pytest.mark.parametrize(
    "token",
    ["A" * 43, "kort", "x" * 500, "..%2F..%2Finloggen", "%00" * 30, "é" * 43],
)
async def test_forged_link_gets_the_same_clear_page(client, gegevens, mail_settings, smtp, token):
    await ask_link(client, PIET)  # a real link exists; the forged one is not it

    shown = await client.get(f"/mijn-gegevens/link/{token}")
    used = await post_form(client, f"/mijn-gegevens/link/{token}", {})

    assert shown.status_code in (404, 410)  # a token with a slash is no route at all
    assert used.status_code in (404, 405, 410)
    if shown.status_code == 410:
        assert "Deze link werkt niet (meer)" in shown.text
    assert await Inzagesessie.count() == 0
    assert await Inzagelink.count().where(Inzagelink.gebruikt_at.is_not_null()) == 0


async def test_forged_session_cookie_shows_nothing(client, gegevens):
    client.cookies.set("participatie_inzage", "A" * 43, path="/mijn-gegevens")

    for pad in ("/mijn-gegevens/overzicht", "/mijn-gegevens/download", "/mijn-gegevens/wissen"):
        response = await client.get(pad)
        assert response.status_code == 401
        assert "Piet" not in response.text


async def test_session_cookie_is_httponly_strict_and_only_for_the_data_pages(
    client, gegevens, mail_settings, smtp, settings
):
    await ask_link(client, PIET)
    pad = await mailed_link(mail_settings, smtp, PIET)
    used = await post_form(client, pad, {})

    cookie = used.headers["set-cookie"]
    assert cookie.startswith("participatie_inzage=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/mijn-gegevens" in cookie
    assert "Max-Age=1800" in cookie
    assert "Secure" not in cookie  # the test app runs on http
    https = routes._cookie(settings.with_changes(base_url="https://participatie.test"), "x", 1800)
    assert https.secure is True


async def test_correction_is_stored_and_another_persons_record_is_untouched(
    client, gegevens, mail_settings, smtp
):
    await open_session(client, mail_settings, smtp, PIET)
    page = (await client.get("/mijn-gegevens/overzicht")).text
    slot = re.search(
        r'name="slot" value="(\d+)">\s*<input type="hidden" name="bron" value="focusgroepen">', page
    ).group(1)

    stored = await post_form(
        client,
        "/mijn-gegevens/corrigeer",
        {
            "slot": slot,
            "bron": "focusgroepen",
            "id": f"lid:{gegevens.lid_piet}",
            f"o{slot}-naam": "Piet de Vries-Bakker",
            f"o{slot}-email": PIET,
            f"o{slot}-telefoon": "06 12345678",
        },
    )

    assert (stored.status_code, stored.headers["location"]) == (303, "/mijn-gegevens/overzicht?gewijzigd=1")
    after = await client.get(stored.headers["location"])
    assert "Uw wijziging is opgeslagen." in after.text and "Piet de Vries-Bakker" in after.text
    piet = await Lid.select(Lid.naam, Lid.telefoon).where(Lid.id == gegevens.lid_piet).first()
    assert piet == {"naam": "Piet de Vries-Bakker", "telefoon": "06 12345678"}

    anna_voor = await Lid.select().where(Lid.id == gegevens.lid_anna).first()
    stolen = await post_form(
        client,
        "/mijn-gegevens/corrigeer",
        {
            "slot": slot,
            "bron": "focusgroepen",
            "id": f"lid:{gegevens.lid_anna}",
            f"o{slot}-naam": "Gekaapt",
            f"o{slot}-email": PIET,
        },
    )
    idee = await post_form(
        client,
        "/mijn-gegevens/corrigeer",
        {"slot": "0", "bron": "vragen", "id": str(gegevens.idee_anna), "o0-email": PIET},
    )

    assert stolen.status_code == idee.status_code == 404
    assert "Dit gegeven staat niet (meer) bij uw e-mailadres. Er is niets gewijzigd." in stolen.text
    assert await Lid.select().where(Lid.id == gegevens.lid_anna).first() == anna_voor
    assert (await Vraag.select(Vraag.inwoner_email).where(Vraag.id == gegevens.idee_anna).first())[
        "inwoner_email"
    ] == ANNA


@pytest.mark.parametrize(
    ("waarde", "melding"),
    [
        ("piet@example.org\r\nBcc: iedereen@example.org", "Dit e-mailadres klopt niet"),
        ("x" * 10_000 + "@example.org", "Dit is te lang"),
        ("", "Vul een e-mailadres of een telefoonnummer in"),
    ],
)
async def test_bad_correction_shows_a_message_and_stores_nothing(
    client, gegevens, mail_settings, smtp, waarde, melding
):
    await open_session(client, mail_settings, smtp, PIET)
    page = (await client.get("/mijn-gegevens/overzicht")).text
    slot = re.search(
        r'name="slot" value="(\d+)">\s*<input type="hidden" name="bron" value="focusgroepen">', page
    ).group(1)
    voor = await Lid.select().where(Lid.id == gegevens.lid_piet).first()

    response = await post_form(
        client,
        "/mijn-gegevens/corrigeer",
        {
            "slot": slot,
            "bron": "focusgroepen",
            "id": f"lid:{gegevens.lid_piet}",
            f"o{slot}-naam": "Piet",
            f"o{slot}-email": waarde,
            f"o{slot}-telefoon": "",
        },
    )

    assert response.status_code == 422
    assert melding in response.text
    assert f'href="#veld-o{slot}-' in response.text  # the summary links to the field
    assert await Lid.select().where(Lid.id == gegevens.lid_piet).first() == voor


async def test_waiting_report_address_can_be_seen_but_not_corrected(client, gegevens, mail_settings, smtp):
    await open_session(client, mail_settings, smtp, PIET)
    data = json.loads((await client.get("/mijn-gegevens/download")).content)
    (wachtend,) = [o for o in data["onderdelen"] if o["id"].startswith("w:")]

    response = await post_form(
        client,
        "/mijn-gegevens/corrigeer",
        {"slot": "0", "bron": "peilingen", "id": wachtend["id"], "o0-email": ANNA},
    )

    assert response.status_code == 404
    assert await Adreswachtrij.count() == 2


async def test_download_is_a_utf8_json_attachment_of_everything(client, gegevens, mail_settings, smtp):
    await open_session(client, mail_settings, smtp, PIET)

    response = await client.get("/mijn-gegevens/download")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="mijn-gegevens.json"'
    assert response.headers["cache-control"] == "no-store"
    assert "één".encode() in response.content or "ingevuld" not in response.text  # raw UTF-8, no \\u escapes
    data = json.loads(response.content.decode("utf-8"))
    assert data["email"] == PIET
    per_bron: dict[str, int] = {}
    for o in data["onderdelen"]:
        per_bron[o["bron"]] = per_bron.get(o["bron"], 0) + 1
    assert per_bron == {"vragen": 1, "peilingen": 2, "focusgroepen": 2, "mail": 2}
    (idee,) = [o for o in data["onderdelen"] if o["bron"] == "vragen"]
    assert idee["gegevens"]["tekst"] == "Meer bankjes in het Burgemeester Rijkenspark"
    assert idee["waarom"] and idee["bewaard_tot"]
    assert "\\u" not in response.text
    assert ANNA not in response.text and "/mijn-gegevens/link/" not in response.text


async def test_erase_removes_everything_in_every_domain_and_nothing_of_others(
    client, gegevens, mail_settings, smtp, settings
):
    await open_session(client, mail_settings, smtp, PIET)
    confirm = await client.get("/mijn-gegevens/wissen")
    assert confirm.status_code == 200 and "Ja, wis alles" in confirm.text

    forged = await client.post("/mijn-gegevens/wissen", data={"_csrf_token": "nep"})
    assert forged.status_code == 403
    assert await Lid.count().where(Lid.email == PIET) == 1

    erased = await post_form(client, "/mijn-gegevens/wissen", {})

    assert erased.status_code == 200
    assert (
        'Wij bewaren nu niets meer over <span class="rechten-adres">piet.de_vries@example.org</span>.'
        in erased.text
    )
    counts = dict(
        re.findall(r'<div><dt>([^<]+)</dt><dd><span class="rechten-aantal">(\d+)</span>', erased.text)
    )
    assert counts == {"Vragen en ideeën": "1", "Peilingen": "2", "Focusgroepen": "2", "E-mails": "2"}
    assert (
        'participatie_inzage=""' in erased.headers["set-cookie"]
        or "Max-Age=0" in erased.headers["set-cookie"]
    )
    # Every domain: Piet is gone, Anna and the look-alike stay.
    assert await Vraag.select(Vraag.id, Vraag.inwoner_email, Vraag.tekst).where(
        Vraag.id == gegevens.idee_piet
    ).first() == {
        "id": gegevens.idee_piet,
        "inwoner_email": None,
        "tekst": "Meer bankjes in het Burgemeester Rijkenspark",
    }
    assert sorted(
        r["inwoner_email"]
        for r in await Vraag.select(Vraag.inwoner_email).where(Vraag.inwoner_email.is_not_null())
    ) == [ANNA, LOOKALIKE]
    assert [r["email"] for r in await Rapportadres.select(Rapportadres.email)] == [ANNA]
    wachtend = [
        adressen._decrypt(settings.secret_ring, gegevens.peiling, r["inhoud"])[0]
        for r in await Adreswachtrij.select(Adreswachtrij.inhoud)
    ]
    assert wachtend == [ANNA]
    leden = {
        r["id"]: (r["naam"], r["email"], r["telefoon"])
        for r in await Lid.select().where(Lid.soort == "inwoner")
    }
    assert leden == {
        gegevens.lid_piet: ("", None, None),
        gegevens.lid_anna: ("Anna Jansen", ANNA, "0251 654321"),
    }
    assert [r["email"] for r in await Aanmelding.select(Aanmelding.email)] == [ANNA]
    assert await Bericht.count().where(zelfde_adres(Bericht.aan, PIET)) == 0
    assert await Inzagelink.count() == 0 and await Inzagesessie.count() == 0
    # The session has ended; a new request mails nothing, for nothing is held.
    assert (await client.get("/mijn-gegevens/overzicht")).status_code == 401
    sent = len(smtp.received)
    assert (await ask_link(client, PIET)).status_code == 303
    await mailed_link_none(mail_settings, smtp, sent)


async def mailed_link_none(mail_settings, smtp, sent: int) -> None:
    from participatie.mail import outbox

    await outbox.drain(mail_settings)
    assert len(smtp.received) == sent


async def test_known_and_unknown_address_get_byte_identical_answers(client, gegevens, mail_settings, smtp):
    await client.get("/mijn-gegevens")

    known = await ask_link(client, PIET)
    unknown = await ask_link(client, "niemand@example.org")
    known_page = await client.get(known.headers["location"])
    unknown_page = await client.get(unknown.headers["location"])

    def kale(response) -> tuple:
        headers = {k: v for k, v in response.headers.items() if k not in ("date", "set-cookie")}
        return response.status_code, headers, CSRF.sub("CSRF", response.text)

    assert kale(known) == kale(unknown)
    assert kale(known_page) == kale(unknown_page)
    assert (
        "Als wij gegevens van dit adres hebben, krijgt u binnen enkele minuten een mail met een link"
        in known_page.text
    )
    await mailed_link(mail_settings, smtp, PIET)
    assert smtp.to("niemand@example.org") == []


@pytest.mark.parametrize(
    ("waarde", "melding"),
    [
        ("piet@example.org\r\nBcc: iedereen@example.org", "Dit e-mailadres klopt niet"),
        ("piet@example.org,anna@example.org", "Dit e-mailadres klopt niet"),
        ("a" * 10_240, "Dit e-mailadres is te lang"),
        ("   ", "Vul uw e-mailadres in"),
    ],
)
async def test_bad_address_gets_a_message_and_nothing_is_sent(
    client, gegevens, mail_settings, smtp, waarde, melding
):
    response = await ask_link(client, waarde)

    assert response.status_code == 422
    assert melding in response.text
    assert "a" * 1000 not in response.text  # a 10 kB address is not echoed back
    assert await Inzagelink.count() == 0
    assert await Bericht.count().where(Bericht.sjabloon == "rechten_link") == 0


async def test_at_most_three_link_mails_a_day_and_the_page_stays_the_same(
    client, gegevens, mail_settings, smtp
):
    answers = [await ask_link(client, PIET) for _ in range(4)]

    assert {(a.status_code, a.headers["location"]) for a in answers} == {(303, "/mijn-gegevens/verstuurd")}
    assert await Bericht.count().where(Bericht.sjabloon == "rechten_link") == 3
    assert await Inzagelink.count() == 3


async def test_start_page_says_what_is_kept_why_and_how_long(client):
    page = await client.get("/mijn-gegevens")

    assert page.status_code == 200
    for titel in ("Vragen en ideeën", "Peilingen", "Focusgroepen", "E-mails", "Inwonerpanel"):
        assert f"<h3>{titel}</h3>" in page.text
    assert page.text.count("<dt>Waarom</dt>") == 5 and page.text.count("<dt>Hoe lang</dt>") == 5


async def test_opening_the_link_does_not_use_it_only_the_button_does(client, gegevens, mail_settings, smtp):
    # Mail scanners fetch every link in a mail; the resident must still be able to use it.
    await ask_link(client, PIET)
    pad = await mailed_link(mail_settings, smtp, PIET)
    (mail,) = [m for m in smtp.to(PIET) if "gegevens" in m["Subject"]]

    first, second = await client.get(pad), await client.get(pad)
    used = await post_form(client, pad, {})

    assert mail["Subject"] == "Uw link om uw gegevens te bekijken"
    assert "De link werkt één keer, en 30 minuten lang" in mail.get_body(("plain",)).get_content()
    assert (first.status_code, second.status_code, used.status_code) == (200, 200, 303)
    assert "Bekijk mijn gegevens" in first.text


async def test_planner_forgets_links_and_sessions_with_their_address(
    client, gegevens, mail_settings, smtp, monkeypatch
):
    await open_session(client, mail_settings, smtp, PIET)
    await ask_link(client, PIET)
    real_now = tijd.now

    kept = await domain.purge_expired()
    monkeypatch.setattr(tijd, "now", lambda: real_now() + timedelta(minutes=31))
    sessions_gone = await domain.purge_expired()
    monkeypatch.setattr(tijd, "now", lambda: real_now() + timedelta(minutes=91))
    links_gone = await domain.purge_expired()

    assert (kept, sessions_gone, links_gone) == (0, 1, 2)
    assert await Inzagelink.count() == await Inzagesessie.count() == 0
