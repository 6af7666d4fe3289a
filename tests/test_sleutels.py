"""Rotating PARTICIPATIE_SECRET_KEY with a key ring (participatie/sleutels.py).

Each test makes something with key A through the app running with A: a mail with personal
links, invitation codes, a browser's cookies, an address waiting encrypted. Then the app starts
again with key B. With A in PARTICIPATIE_OLD_SECRET_KEYS everything made under A still works,
and what is made new uses B. With A dropped, each is refused the normal way: a Dutch page or
message, never a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
import pytest

from participatie import sleutels
from participatie.app import create_app
from participatie.config import ConfigError, Settings
from participatie.focusgroepen import domain as focusgroepen
from participatie.focusgroepen.tables import Lid, Reactie
from participatie.mail import outbox
from participatie.peilingen import adressen
from participatie.peilingen import domain as peilingen
from participatie.peilingen.routes import BROWSER_COOKIE
from participatie.peilingen.tables import Adreswachtrij, Antwoord, Rapportadres
from participatie.rapporten import domain as rapporten
from participatie.rapporten import inhoud
from tests.conftest import running
from tests.focusgroepen.test_domain import INWONER, _meeting, _path, make_groep
from tests.peilingen.test_adressen import email_of, post
from tests.peilingen.test_domain import answers, make_peiling
from tests.rapporten.test_adressen import open_poll_with_report
from tests.rapporten.test_domain import _written, make_vraag_met_deelnemers

A = "sleutel-A-" + "a" * 40
B = "sleutel-B-" + "b" * 40
ONE_CLICK = {
    "content": "List-Unsubscribe=One-Click",
    "headers": {"content-type": "application/x-www-form-urlencoded"},
}
GEEN_LINK = "Deze link werkt niet (meer)"


@pytest.fixture
def keys(mail_settings: Settings) -> dict[str, Settings]:
    """The same installation with key A; after the rotation (B, A kept); and with A dropped."""
    return {
        "A": mail_settings.with_changes(secret_key=A),
        "ring": mail_settings.with_changes(secret_key=B, old_secret_keys=(A,)),
        "B": mail_settings.with_changes(secret_key=B),
    }


Browser = Callable[..., httpx.AsyncClient]


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[Browser]:
    """The app started with these settings; yields a function that opens a browser on it,
    optionally with the cookies a browser kept from before the restart."""
    opened: list[httpx.AsyncClient] = []
    async with running(create_app(settings)) as application:

        def browser(cookies: httpx.Cookies | None = None, n: int = 1) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=application, client=(f"198.51.100.{n}", 40000 + n))
            client = httpx.AsyncClient(transport=transport, base_url="https://testserver", cookies=cookies)
            opened.append(client)
            return client

        try:
            yield browser
        finally:
            for client in opened:
                await client.aclose()


def only(cookies: httpx.Cookies, *names: str) -> httpx.Cookies:
    """The named cookies a browser kept from before the restart (the CSRF cookie is a
    session cookie: test_csrf_* covers a browser that kept it too)."""
    kept = httpx.Cookies()
    for cookie in cookies.jar:
        if cookie.name in names:
            kept.set(cookie.name, cookie.value or "", domain=cookie.domain, path=cookie.path)
    return kept


async def form_post(browser: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    return await post(browser, path, {k: [v] for k, v in data.items()})


# --- focus group links --------------------------------------------------------------------------


async def focusgroep_mailed_with(mensen, settings: Settings, smtp) -> dict[str, str]:
    """A member's meeting mail (reply and leave link) and a sign-up invitation, sent under
    `settings`; returns the links as the residents find them in their mail."""
    groep_id = await make_groep(mensen)
    await focusgroepen.add_inwoner(mensen["raadslid"], groep_id, **INWONER)
    await focusgroepen.plan_bijeenkomst(mensen["raadslid"], groep_id, settings, _meeting())
    await focusgroepen.invite_inwoner(mensen["raadslid"], groep_id, settings, "nieuw@example.org")
    await outbox.drain(settings)
    meeting = smtp.to(INWONER["email"])[0]
    return {
        "groep": str(groep_id),
        "reactie": _path(meeting, r"/f/\d+/bijeenkomsten/\d+/[0-9a-f]+"),
        "afmelden": _path(meeting, r"/f/\d+/afmelden/[0-9a-f]+"),
        "aanmelden": _path(smtp.to("nieuw@example.org")[0], r"/f/aanmelden/[A-Za-z0-9_-]+"),
    }


async def test_focusgroep_links_mailed_with_the_old_key_work_while_it_is_in_the_ring(mensen, keys, smtp):
    links = await focusgroep_mailed_with(mensen, keys["A"], smtp)

    async with served(keys["ring"]) as browser:
        resident = browser()
        reply_page = await resident.get(links["reactie"])
        replied = await form_post(resident, links["reactie"], {"antwoord": "ja"})
        newcomer = browser(n=2)
        signup_page = await newcomer.get(links["aanmelden"])
        signed_up = await form_post(
            newcomer, links["aanmelden"], {"naam": "Nieuw", "email": "nieuw@example.org", "toestemming": "ja"}
        )
        leave_page = await resident.get(links["afmelden"])
        # A meeting planned after the rotation: its mail carries links made with B alone.
        smtp.received.clear()
        bijeenkomst_id = await focusgroepen.plan_bijeenkomst(
            mensen["raadslid"], int(links["groep"]), keys["ring"], _meeting(days=20)
        )
        await outbox.drain(keys["ring"])

    assert [r.status_code for r in (reply_page, replied, signup_page, signed_up, leave_page)] == [200] * 5
    assert "Dank u wel. Uw antwoord is opgeslagen." in replied.text
    assert await Reactie.select(Reactie.antwoord) == [{"antwoord": "ja"}]
    assert await Lid.count().where(Lid.email == "nieuw@example.org") == 1
    lid_id = int(links["reactie"].split("/")[2])
    new_link = _path(smtp.to(INWONER["email"])[0], r"/f/\d+/bijeenkomsten/\d+/[0-9a-f]+")
    assert new_link.rsplit("/", 1)[1] == focusgroepen.link_token(B, "reactie", lid_id, bijeenkomst_id)
    assert new_link.rsplit("/", 1)[1] != focusgroepen.link_token(A, "reactie", lid_id, bijeenkomst_id)


async def test_focusgroep_links_of_a_dropped_key_are_refused_in_dutch(mensen, keys, smtp):
    links = await focusgroep_mailed_with(mensen, keys["A"], smtp)

    async with served(keys["B"]) as browser:
        resident = browser()
        pages = [await resident.get(links[name]) for name in ("reactie", "afmelden", "aanmelden")]
        await resident.get("/inloggen")  # a CSRF cookie, as any page gives
        replied = await form_post(resident, links["reactie"], {"antwoord": "ja"})
        left = await resident.post(links["afmelden"], **ONE_CLICK)

    for response in [*pages, replied, left]:
        assert response.status_code == 404, response.request.url
        assert GEEN_LINK in response.text
    assert await Reactie.count() == 0
    assert await Lid.count().where(Lid.email == INWONER["email"]) == 1  # did not leave


# --- the report's remove-me link ----------------------------------------------------------------


def _pdf_or_skip() -> None:
    try:
        inhoud.html_to_pdf('<html lang="nl"><p>test</p></html>')
    except inhoud.PdfNietBeschikbaar:
        pytest.skip("WeasyPrint needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0")


async def report_mailed_with(mensen, settings: Settings, smtp) -> str:
    """A report published under `settings`; the remove-me link of a resident who wants the
    follow-up, as it stands in their mail."""
    _pdf_or_skip()
    vraag_id = await make_vraag_met_deelnemers(mensen, adressen=2, vervolg=2)
    await _written(mensen, vraag_id)
    await rapporten.publish(mensen["raadslid"], vraag_id, settings)
    await outbox.drain(settings)
    return _path(smtp.to("inwoner1@example.org")[0], r"/r/\d+/afmelden/[0-9a-f]+/[0-9a-f]+")


async def kept() -> list[str]:
    return sorted(r["email"] for r in await Rapportadres.select(Rapportadres.email))


async def test_report_remove_me_link_of_the_old_key_works_while_it_is_in_the_ring(mensen, keys, smtp):
    link = await report_mailed_with(mensen, keys["A"], smtp)

    async with served(keys["ring"]) as browser:
        page = await browser().get(link)
        removed = await browser().post(link, **ONE_CLICK)  # the mail provider's one click

    assert (page.status_code, removed.status_code) == (200, 200)
    assert await kept() == ["inwoner0@example.org"]
    rapport_id = int(link.split("/")[2])
    assert rapporten.afmeld_pad(B, rapport_id, "x@example.org") != rapporten.afmeld_pad(
        A, rapport_id, "x@example.org"
    )


async def test_report_remove_me_link_of_a_dropped_key_is_refused_in_dutch(mensen, keys, smtp):
    link = await report_mailed_with(mensen, keys["A"], smtp)

    async with served(keys["B"]) as browser:
        page = await browser().get(link)
        removed = await browser().post(link, **ONE_CLICK)

    for response in (page, removed):
        assert response.status_code == 404
        assert "Deze pagina bestaat niet (meer)." in response.text
    assert await kept() == ["inwoner0@example.org", "inwoner1@example.org"]


# --- invitation codes ---------------------------------------------------------------------------


async def codes_handed_out_with(mensen, settings: Settings) -> tuple[str, list[str]]:
    peiling_id = await make_peiling(mensen, toegang="codes")
    codes = await peilingen.create_codes(mensen["raadslid"], peiling_id, 2, settings.secret_key)
    formulier = await peilingen.load_formulier(peiling_id=peiling_id)
    return f"/p/{formulier.sleutel}", codes


async def answer_with_code(browser: httpx.AsyncClient, path: str, code: str, formulier) -> httpx.Response:
    await browser.get(path)
    return await post(browser, path, {**answers(formulier), "code": [code]})


async def test_codes_handed_out_before_the_rotation_work_once_while_the_old_key_is_in_the_ring(mensen, keys):
    path, (first, second) = await codes_handed_out_with(mensen, keys["A"])
    formulier = await peilingen.load_formulier(sleutel=path.rsplit("/", 1)[1])

    async with served(keys["ring"]) as browser:
        used = await answer_with_code(browser(n=1), path, first, formulier)
        again = await answer_with_code(browser(n=2), path, first, formulier)
        spaced = await answer_with_code(browser(n=3), path, f"{second[:4]} {second[4:]}", formulier)

    assert (used.status_code, spaced.status_code) == (302, 302)
    assert again.status_code == 422
    assert "Deze code kennen we niet, of hij is al gebruikt." in again.text
    assert await Antwoord.count() == 2


async def test_codes_of_a_dropped_key_are_refused_in_dutch(mensen, keys):
    path, (first, _) = await codes_handed_out_with(mensen, keys["A"])
    formulier = await peilingen.load_formulier(sleutel=path.rsplit("/", 1)[1])

    async with served(keys["B"]) as browser:
        refused = await answer_with_code(browser(), path, first, formulier)

    assert refused.status_code == 422
    assert "Deze code kennen we niet, of hij is al gebruikt." in refused.text
    assert await Antwoord.count() == 0


# --- the browser's cookie: one answer per browser -------------------------------------------------


async def answered_in_a_browser_with(mensen, settings: Settings) -> tuple[str, httpx.Cookies]:
    formulier = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))
    path = f"/p/{formulier.sleutel}"
    async with served(settings) as browser:
        resident = browser()
        await resident.get(path)
        answered = await post(resident, path, answers(formulier))
        assert answered.status_code == 302
        return path, only(resident.cookies, BROWSER_COOKIE)


def signed_with(cookie: str) -> str | None:
    value, _, signature = cookie.partition(".")
    return sleutels.key_of((A, B), value, signature, 32)


async def test_a_browser_that_answered_before_the_rotation_is_still_known_while_the_old_key_is_in_the_ring(
    mensen, keys
):
    path, cookies = await answered_in_a_browser_with(mensen, keys["A"])
    formulier = await peilingen.load_formulier(sleutel=path.rsplit("/", 1)[1])

    async with served(keys["ring"]) as browser:
        same = browser(cookies)
        page = await same.get(path)
        again = await post(same, path, answers(formulier))
        newcomer = browser(n=2)
        await newcomer.get(path)

    assert BROWSER_COOKIE not in page.cookies  # its A-signed cookie is kept
    assert (again.status_code, again.headers["location"]) == (302, f"{path}/bedankt?al=1")
    assert await Antwoord.count() == 1
    assert signed_with(newcomer.cookies[BROWSER_COOKIE]) == B


async def test_a_browser_cookie_of_a_dropped_key_is_replaced_by_one_signed_with_the_new_key(mensen, keys):
    path, cookies = await answered_in_a_browser_with(mensen, keys["A"])
    assert signed_with(cookies[BROWSER_COOKIE]) == A

    async with served(keys["B"]) as browser:
        same = browser(cookies)
        page = await same.get(path)

    # Not trusted any more: the browser counts as new (its earlier answer is not known).
    assert page.status_code == 200
    assert signed_with(page.cookies[BROWSER_COOKIE]) == B


# --- the address proof and addresses waiting encrypted ------------------------------------------


async def addresses_left_with(mensen, settings: Settings) -> tuple[int, str, httpx.Cookies]:
    """Under `settings`: resident 0 answers and leaves an address (it waits encrypted, fewer
    than a batch came in); resident 1 answers and keeps the proof in their browser."""
    formulier, vraag_id = await open_poll_with_report(mensen)
    path = f"/p/{formulier.sleutel}"
    async with served(settings) as browser:
        for n in (0, 1):
            resident = browser(n=n + 1)
            await resident.get(path)
            assert (await post(resident, path, answers(formulier))).status_code == 302
            if n == 0:
                left = await post(resident, f"{path}/adres", {"email": [email_of(0)]})
                assert left.status_code == 302
        assert await Adreswachtrij.count() == 1
        return vraag_id, path, only(resident.cookies, adressen.BEWIJS_COOKIE)


def residents_mailed(smtp) -> list[str]:
    """Who got the report of those who left an address on the poll (council members get it too)."""
    return sorted(m["To"] for m in smtp.received if m["To"].startswith("bewoner"))


@contextmanager
def events() -> Iterator[list[dict]]:
    """The audit events logged meanwhile. Attached after the app started: its start-up sets
    the log handlers anew (auditlog.configure_logging)."""
    seen: list[dict] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(dict(getattr(record, "velden", {})))

    handler = Keep()
    logging.getLogger("participatie").addHandler(handler)
    try:
        yield seen
    finally:
        logging.getLogger("participatie").removeHandler(handler)


async def test_an_address_waiting_under_the_old_key_is_mailed_and_its_proof_works(mensen, keys, smtp):
    _pdf_or_skip()
    vraag_id, path, cookies = await addresses_left_with(mensen, keys["A"])

    async with served(keys["ring"]) as browser:
        resident = browser(cookies, n=2)
        await resident.get(f"{path}/bedankt")  # the thank-you page, open in their browser
        left = await post(resident, f"{path}/adres", {"email": [email_of(1)]})
        with events() as seen:
            await rapporten.publish(mensen["raadslid"], vraag_id, keys["ring"])
        await outbox.drain(keys["ring"])

    assert (left.status_code, left.headers["location"]) == (302, f"{path}/bedankt?adres=1")
    assert residents_mailed(smtp) == [email_of(0), email_of(1)]
    assert [e for e in seen if e.get("actie") == "rapportadressen_onleesbaar"] == []


async def test_an_address_waiting_under_a_dropped_key_is_lost_loudly_and_its_proof_is_refused(
    mensen, keys, smtp
):
    _pdf_or_skip()
    vraag_id, path, cookies = await addresses_left_with(mensen, keys["A"])
    peiling_id = (await peilingen.load_formulier(sleutel=path.rsplit("/", 1)[1])).peiling_id

    async with served(keys["B"]) as browser:
        resident = browser(cookies, n=2)
        await resident.get(f"{path}/bedankt")  # the thank-you page, open in their browser
        left = await post(resident, f"{path}/adres", {"email": [email_of(1)]})
        shown = await resident.get(left.headers.get("location", f"{path}/bedankt"))
        with events() as seen:
            await rapporten.publish(mensen["raadslid"], vraag_id, keys["B"])
        await outbox.drain(keys["B"])

    assert left.status_code == 303 and left.headers["location"] == f"{path}/bedankt?adres=geweigerd"
    assert "U kunt alleen een e-mailadres achterlaten direct nadat u de peiling hebt ingevuld" in shown.text
    assert residents_mailed(smtp) == []
    lost = [e for e in seen if e.get("actie") == "rapportadressen_onleesbaar"]
    assert [(e["peiling"], e["aantal"]) for e in lost] == [(peiling_id, 1)]


# --- the setting --------------------------------------------------------------------------------


def test_old_keys_are_read_from_the_environment_and_checked():
    settings = Settings.from_env(
        {"PARTICIPATIE_SECRET_KEY": B, "PARTICIPATIE_OLD_SECRET_KEYS": f" {A} , {'c' * 40},"}
    )

    assert settings.secret_ring == (B, A, "c" * 40)
    assert Settings.from_env({"PARTICIPATIE_SECRET_KEY": B}).secret_ring == (B,)
    with pytest.raises(ConfigError, match=re.escape("PARTICIPATIE_OLD_SECRET_KEYS: sleutel 2 is te kort")):
        Settings(secret_key=B, old_secret_keys=(A, "kort")).check()
    assert A not in repr(settings)


# --- the CSRF cookie: forms are signed with the current key only -----------------------------------


async def test_a_browser_holding_a_form_cookie_of_the_old_key_can_answer_after_reloading(mensen, keys):
    formulier = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))
    path = f"/p/{formulier.sleutel}"
    async with served(keys["A"]) as browser:
        resident = browser()
        await resident.get(path)
        cookies = resident.cookies  # the CSRF cookie is a session cookie: phones keep it for days

    async with served(keys["ring"]) as browser:
        resident = browser(cookies)
        stale = await post(resident, path, answers(formulier))  # the form loaded before the restart
        await resident.get(path)  # what the refusal asks: reload the page
        answered = await post(resident, path, answers(formulier))

    assert stale.status_code == 403
    assert "Ga terug, laad de pagina opnieuw en probeer het nog eens." in stale.text
    assert answered.status_code == 302
    assert await Antwoord.count() == 1


async def test_a_link_token_with_other_characters_is_refused_not_a_500(mensen, keys):
    formulier = await peilingen.load_formulier(peiling_id=await make_peiling(mensen))

    async with served(keys["ring"]) as browser:
        resident = browser()
        links = [
            await resident.get(path)
            for path in ("/f/1/afmelden/é", "/f/1/bijeenkomsten/1/é", "/r/1/afmelden/abc/é")
        ]
        cookie = f"{BROWSER_COOKIE}=waarde.é".encode()  # as a browser may send it: raw bytes
        page = await resident.get(f"/p/{formulier.sleutel}", headers={"cookie": cookie})

    assert [r.status_code for r in links] == [404, 404, 404]
    assert page.status_code == 200
