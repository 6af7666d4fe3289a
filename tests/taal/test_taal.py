"""Dutch and English: the switch, Accept-Language, the kiosk, a poll in English, dates by Babel."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from participatie import sjablonen, taal, tijd
from participatie.peilingen import domain
from participatie.peilingen.tables import Antwoord, Waarde
from tests.conftest import csrf_token, login, make_gebruiker, post_form
from tests.paginas import lang_of
from tests.peilingen.test_domain import answers, make_peiling
from tests.peilingen.test_routes import _post

JAAR = 365 * 24 * 3600


async def _switch(client, naar: str, terug: str):
    return await post_form(client, "/taal", {"taal": naar, "terug": terug})


async def test_switch_remembers_english_for_a_year_and_back(client, database):
    dutch = await client.get("/rapporten/velsen")
    switched = await _switch(client, "en", "/rapporten/velsen?x=1")
    english = await client.get("/rapporten/velsen")
    back = await _switch(client, "nl", "/rapporten/velsen")
    dutch_again = await client.get("/rapporten/velsen")

    assert lang_of(dutch.text) == "nl" and "Rapporten van de Participatieraad Velsen" in dutch.text
    # The switch on the Dutch page offers English, labelled in English for screen readers.
    assert 'value="en" lang="en"' in dutch.text and ">English</button>" in dutch.text
    assert (switched.status_code, switched.headers["location"]) == (303, "/rapporten/velsen?x=1")
    cookie = switched.headers["set-cookie"]
    assert cookie.startswith("taal=en;") and f"Max-Age={JAAR}" in cookie and "HttpOnly" in cookie
    assert lang_of(english.text) == "en"
    assert "Reports of the Participatieraad Velsen" in english.text
    assert "Rapporten van de" not in english.text and "Skip to content" in english.text
    assert 'value="nl" lang="nl"' in english.text and ">Nederlands</button>" in english.text
    assert back.headers["location"] == "/rapporten/velsen"
    assert lang_of(dutch_again.text) == "nl" and "Ga direct naar de inhoud" in dutch_again.text


async def test_switch_without_csrf_token_is_refused(client, database):
    await client.get("/rapporten/velsen")

    response = await client.post("/taal", data={"taal": "en", "terug": "/"})

    assert response.status_code == 403
    assert "taal" not in client.cookies


async def test_unknown_language_falls_back_to_dutch(client, database):
    response = await _switch(client, "de", "/")

    assert response.headers["set-cookie"].startswith("taal=nl;")


@pytest.mark.parametrize(
    "terug",
    [
        "//evil.example/pad",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\t/evil.example",
        "/%0d%0aSet-Cookie: x=1",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
async def test_terug_never_leaves_the_site(client, database, terug):
    response = await _switch(client, "en", terug)

    assert response.status_code == 303
    location = response.headers["location"]
    assert location == "/" or (location.startswith("/") and not location.startswith(("//", "/\\")))
    assert "evil.example" not in location or location.startswith("/%")
    assert "\r" not in location and "\n" not in location


@pytest.mark.parametrize(
    ("header", "verwacht"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("en", "en"),
        ("EN-us", "en"),
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("de-DE,de;q=0.9,en;q=0.5", "nl"),
        ("fr;q=0.5, en-US;q=0.8", "en"),
        ("english", "nl"),
        ("", "nl"),
        ("en;q=abc,nl", "nl"),
    ],
)
async def test_accept_language_picks_the_page_language(client, database, header, verwacht):
    page = await client.get("/rapporten/velsen", headers={"accept-language": header})

    assert lang_of(page.text) == verwacht
    assert ("Reports of the" in page.text) == (verwacht == "en")


async def test_the_cookie_wins_over_accept_language(client, database):
    client.cookies.set("taal", "nl")

    page = await client.get("/rapporten/velsen", headers={"accept-language": "en-GB"})

    assert lang_of(page.text) == "nl"


async def test_pages_vary_on_language_and_static_files_do_not(client, database):
    page = await client.get("/rapporten/velsen")
    css = await client.get("/static/publiek/taal.css")

    assert "Accept-Language" in page.headers["vary"] and "Cookie" in page.headers["vary"]
    assert "Accept-Language" not in css.headers.get("vary", "")


async def test_not_found_page_is_in_english_too(client, database):
    client.cookies.set("taal", "en")

    page = await client.get("/bestaat-niet/echt-niet/nee")

    assert page.status_code == 404
    assert lang_of(page.text) == "en" and "Go to the home page" in page.text


async def test_concurrent_requests_keep_their_own_language(app, database):
    import httpx

    async def fetch(code: str) -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            c.cookies.set("taal", code)
            return lang_of((await c.get("/rapporten/velsen")).text)

    codes = ["en", "nl"] * 10
    got = await asyncio.gather(*(fetch(code) for code in codes))

    assert got == codes
    assert taal.huidige_taal() == "nl"  # nothing leaked into the test's own context


async def test_a_poll_answered_in_english_is_stored_as_in_dutch(client, app, mensen):
    import httpx

    peiling_id = await make_peiling(mensen)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    path = f"/p/{formulier.sleutel}"
    client.cookies.set("taal", "en")

    page = await client.get(path)
    sent = await _post(client, path, answers(formulier))
    thanks = await client.get(sent.headers["location"])
    kolommen = (Waarde.item, Waarde.keuze, Waarde.getal, Waarde.tekst)
    english_rows = await Waarde.select(*kolommen).order_by(Waarde.id)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as dutch:
        dutch_page = await dutch.get(path)
        await _post(dutch, path, answers(formulier))
    all_rows = await Waarde.select(*kolommen).order_by(Waarde.id)

    assert lang_of(page.text) == "en"
    assert "5 questions." in page.text and ">Send</button>" in page.text
    assert "Your answers are anonymous" in page.text and "Versturen" not in page.text
    # The header names the poll's own council, in both languages.
    assert '<a class="kop__naam" href="/">Participatieraad Beverwijk</a>' in page.text
    assert sent.status_code == 302
    assert lang_of(thanks.text) == "en" and "Thank you!" in thanks.text
    # The Dutch title is marked as Dutch inside the English sentence (<bdi lang="nl">).
    assert 'Your answers to “<bdi lang="nl">Minimaregelingen</bdi>” have been saved.' in thanks.text
    assert "5 vragen." in dutch_page.text and lang_of(dutch_page.text) == "nl"
    assert await Antwoord.count() == 2
    assert all_rows[len(english_rows) :] == english_rows


async def test_an_english_error_page_for_a_poll_keeps_the_answers(client, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    client.cookies.set("taal", "en")

    response = await _post(client, f"/p/{formulier.sleutel}", answers(formulier, i0=[]))

    assert response.status_code == 422
    assert "Not everything has been filled in correctly yet" in response.text
    assert "<title>Error: Minimaregelingen" in response.text
    assert await Antwoord.count() == 0


async def test_a_poll_not_yet_open_shows_its_date_in_english(client, mensen):
    peiling_id = await make_peiling(mensen, publish=False)
    opent = datetime(2030, 3, 4, 10, 30)
    await domain.update_peiling(
        mensen["raadslid"],
        peiling_id,
        titel="Minimaregelingen",
        intro="",
        toegang="link",
        opent_at=opent.strftime("%Y-%m-%dT%H:%M"),
        sluit_at=(opent + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    )
    await domain.publish(mensen["raadslid"], peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)

    dutch = await client.get(f"/p/{formulier.sleutel}")
    client.cookies.set("taal", "en")
    english = await client.get(f"/p/{formulier.sleutel}")

    assert "U kunt meedoen vanaf 4 maart 2030 om 10:30." in dutch.text
    assert "You can take part from 4 March 2030 at 10:30." in english.text


@pytest.fixture
async def kees(client, settings, mensen):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    return client


async def test_a_kiosk_forgets_the_language_for_the_next_resident(kees, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await post_form(kees, f"/raad/beverwijk/peilingen/{formulier.peiling_id}/kiosk", {})
    # A cookie from before (a council member's own choice) does not set the kiosk's language.
    kees.cookies.set("taal", "en")

    plain = await kees.get("/kiosk")
    english = await kees.get("/kiosk", params={"taal": "en"})
    token = re.search(r'name="formulier" value="([^"]+)"', english.text).group(1)
    sent = await _post(kees, "/kiosk?taal=en", {**answers(formulier), "formulier": [token]})
    next_page = await kees.get(sent.headers["location"])

    assert lang_of(plain.text) == "nl" and ">Versturen</button>" in plain.text
    # The switch on a kiosk is a plain GET of this one form, never the remembering /taal.
    assert '<form method="get" action="/kiosk" class="taalkeuze">' in plain.text
    assert 'action="/taal"' not in plain.text
    assert lang_of(english.text) == "en" and ">Send</button>" in english.text
    assert 'action="/kiosk?taal=en"' in english.text
    assert "set-cookie" not in english.headers or "taal=" not in english.headers["set-cookie"]
    assert sent.status_code == 303 and sent.headers["location"] == "/kiosk?klaar=1"
    assert lang_of(next_page.text) == "nl"
    assert await Antwoord.count() == 1


async def test_kiosk_english_form_with_an_error_stays_english(kees, mensen):
    formulier = await domain.load_formulier(peiling_id=await make_peiling(mensen))
    await post_form(kees, f"/raad/beverwijk/peilingen/{formulier.peiling_id}/kiosk", {})
    page = await kees.get("/kiosk", params={"taal": "en"})
    token = re.search(r'name="formulier" value="([^"]+)"', page.text).group(1)

    response = await _post(kees, "/kiosk?taal=en", {**answers(formulier, i0=[]), "formulier": [token]})

    assert response.status_code == 422
    assert (
        lang_of(response.text) == "en" and "Not everything has been filled in correctly yet" in response.text
    )


async def test_footer_links_to_council_pages_and_statements(client, database):
    themed = await client.get("/rapporten/heemskerk")
    plain = await client.get("/inloggen")

    assert '<a href="/heemskerk">Participatieraad Heemskerk</a>' in themed.text
    assert '<a href="/idee/heemskerk">' in themed.text
    assert '<a href="/toegankelijkheid?raad=heemskerk">' in themed.text
    assert '<a href="/privacy?raad=heemskerk">' in themed.text
    assert '<a href="/mijn-gegevens">Uw gegevens inzien of wissen</a>' in themed.text
    for slug, naam in (("velsen", "Velsen"), ("beverwijk", "Beverwijk"), ("heemskerk", "Heemskerk")):
        assert f'<a href="/{slug}">Participatieraad {naam}</a>' in plain.text
    assert '<a href="/toegankelijkheid">' in plain.text and '<a href="/privacy">' in plain.text


async def test_csrf_token_of_the_switch_is_the_pages(client, database):
    page = await client.get("/rapporten/velsen")
    token = await csrf_token(client)

    assert f'name="_csrf_token" value="{token}"' in page.text.split('class="taalkeuze"')[1][:400]


# --- outside a request: mails, dates, numbers ------------------------------------------------


def test_dates_follow_the_language_and_dutch_stays_the_default():
    moment = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)

    dutch = (tijd.datum(moment), tijd.datum_lang(moment), tijd.moment(moment))
    with taal.in_taal("en"):
        english = (tijd.datum(moment), tijd.datum_lang(moment), tijd.moment(moment))
    after = tijd.moment(moment)

    assert dutch == ("27 november 2026", "vrijdag 27 november 2026", "27 november 2026 om 14:05")
    assert english == ("27 November 2026", "Friday 27 November 2026", "27 November 2026 at 14:05")
    assert after == dutch[2]


def test_numbers_follow_the_language():
    with taal.in_taal("en"):
        english = sjablonen.getal(1234.5)

    assert sjablonen.getal(1234.5) == "1.234,5"
    assert english == "1,234.5"


def test_a_mail_renders_in_the_residents_language():
    template = sjablonen.environment().from_string(
        '{{ _("Dank u wel!") }} {% trans n=2 %}{{ n }} vraag{% pluralize %}{{ n }} vragen{% endtrans %}'
        ' {{ ngettext("%(num)d vraag.", "%(num)d vragen.", 1) }}'
    )

    with taal.in_taal("en"):
        english = template.render()
    with taal.in_taal("xx"):
        unknown = template.render()

    assert english.startswith("Thank you! ") and english.endswith("1 question.")
    assert unknown.startswith("Dank u wel! 2 vragen")


def test_translated_placeholders_are_escaped():
    template = sjablonen.environment().from_string('{{ _("Alle rapporten van de %(raad)s", raad=naam) }}')

    with taal.in_taal("en"):
        html = template.render(naam="<script>x</script>")

    assert html == "All reports of the &lt;script&gt;x&lt;/script&gt;"
