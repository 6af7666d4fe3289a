"""The resident's poll pages, the kiosk and the council's builder, through the whole app."""

import csv
import io
import re
from urllib.parse import urlencode

import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from participatie.peilingen import domain
from participatie.peilingen.tables import Adreswachtrij, Antwoord, Item, Peiling, Waarde
from tests.conftest import csrf_token, login, make_gebruiker, post_form
from tests.peilingen.test_domain import answers, make_peiling


async def _form(mensen, **kwargs):
    peiling_id = await make_peiling(mensen, **kwargs)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    return formulier


async def _post(client, path, data: dict[str, list[str]], headers=None):
    token = await csrf_token(client)
    body = [(k, v) for k, values in data.items() for v in values] + [("_csrf_token", token)]
    return await client.post(
        path,
        content=urlencode(body),
        headers={"content-type": "application/x-www-form-urlencoded", **(headers or {})},
    )


async def test_resident_answers_once_per_browser_without_javascript(client, mensen):
    formulier = await _form(mensen)
    path = f"/p/{formulier.sleutel}"

    page = await client.get(path)
    first = await _post(client, path, answers(formulier))
    second = await _post(client, path, answers(formulier))

    assert page.status_code == 200
    assert "Vraag 1 van 5" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text  # a plain form: nothing to download or run on an old phone
    assert "participatie_deelname" in client.cookies
    assert (first.status_code, first.headers["location"]) == (302, f"/p/{formulier.sleutel}/bedankt")
    assert second.headers["location"] == f"/p/{formulier.sleutel}/bedankt?al=1"
    assert await Antwoord.count() == 1
    thanks = await client.get(second.headers["location"])
    assert "U deed al mee" in thanks.text


async def test_an_improved_wording_reaches_the_next_visitor(client, mensen):
    formulier = await _form(mensen)
    path = f"/p/{formulier.sleutel}"
    before = await client.get(path)

    await domain.update_item_tekst(
        mensen["raadslid"], formulier.items[0].id, tekst="Kent u de minimaregeling al?", toelichting=""
    )
    client.cookies.clear()
    after = await client.get(path)

    assert "Kent u de regeling?" in before.text
    assert "Kent u de minimaregeling al?" in after.text and "Kent u de regeling?" not in after.text


async def test_missing_and_wrong_answers_are_shown_next_to_their_item(client, mensen):
    formulier = await _form(mensen)
    first, _, schaal, *_ = formulier.items

    response = await _post(client, f"/p/{formulier.sleutel}", answers(formulier, i0=[], i2=["9"]))

    assert response.status_code == 422
    assert (
        f'id="fout-{first.veld}"><span class="sr-only">Fout: </span>'
        "Kies een antwoord bij vraag 1: Kent u de regeling?</p>" in response.text
    )
    assert f'id="fout-{schaal.veld}"><span class="sr-only">Fout: </span>Kies een antwoord.' in response.text
    # What was given stays ticked.
    multi = formulier.items[1]
    assert (
        f'id="{multi.veld}-{multi.keuzes[0][0]}" name="{multi.veld}" value="{multi.keuzes[0][0]}" checked'
        in response.text
    )
    assert await Antwoord.count() == 0


async def test_post_without_csrf_token_is_refused(client, mensen):
    formulier = await _form(mensen)
    await client.get(f"/p/{formulier.sleutel}")

    response = await client.post(f"/p/{formulier.sleutel}", data={"x": "1"})

    assert response.status_code == 403
    assert await Antwoord.count() == 0


async def test_invitation_code_answers_once(client, mensen):
    formulier = await _form(mensen, toegang="codes")
    (code,) = await domain.create_codes(
        mensen["raadslid"], formulier.peiling_id, 1, "test-geheim-dat-lang-genoeg-is-1234567890"
    )
    path = f"/p/{formulier.sleutel}"

    page = await client.get(f"{path}?code={code}")
    wrong = await _post(client, path, {**answers(formulier), "code": ["ZZZZZZZZ"]})
    right = await _post(client, path, {**answers(formulier), "code": [code.lower()]})
    reused = await _post(client, path, {**answers(formulier), "code": [code]})

    assert f'value="{code}"' in page.text
    assert wrong.status_code == 422
    assert "Deze code kennen we niet, of hij is al gebruikt." in wrong.text
    assert right.status_code == 302
    assert reused.status_code == 422
    assert await Antwoord.count() == 1


async def test_closed_and_unpublished_polls(client, mensen):
    formulier = await _form(mensen)
    concept = await domain.load_formulier(peiling_id=await make_peiling(mensen, publish=False))
    await domain.close_early(mensen["raadslid"], formulier.peiling_id)

    page = await client.get(f"/p/{formulier.sleutel}")
    late = await _post(client, f"/p/{formulier.sleutel}", answers(formulier))

    assert "Deze peiling is gesloten. U kunt niet meer meedoen." in page.text
    assert late.status_code == 409
    assert (await client.get(f"/p/{concept.sleutel}")).status_code == 404
    assert await Antwoord.count() == 0


async def test_resident_leaves_an_address_for_the_report(client, mensen):
    formulier = await _form(mensen)
    path = f"/p/{formulier.sleutel}/adres"
    await client.get(f"/p/{formulier.sleutel}")
    await _post(client, f"/p/{formulier.sleutel}", answers(formulier))  # only who answered

    bad = await post_form(client, path, {"email": "geen-adres", "vervolg": "ja"})
    shown = await client.get(bad.headers["location"])
    reloaded = await client.get(bad.headers["location"])
    good = await post_form(client, path, {"email": "inwoner@example.org", "vervolg": "ja"})
    back = await client.get(bad.headers["location"])  # Back, after the address was kept

    # Post/Redirect/Get: the typo's page is a GET, so Back or reload never posts again.
    assert (bad.status_code, bad.headers["location"]) == (303, f"/p/{formulier.sleutel}/bedankt?adres=fout")
    assert "geen-adres" not in bad.headers["set-cookie"]  # sealed: not readable in the cookie store
    for page in (shown, reloaded):
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert "Dit e-mailadres klopt niet." in page.text
        assert 'value="geen-adres"' in page.text
        assert 'name="vervolg" value="ja" checked' in page.text
    assert good.headers["location"] == f"/p/{formulier.sleutel}/bedankt?adres=1"
    assert "klopt niet" not in back.text and "geen-adres" not in back.text
    # It waits, encrypted, for a batch of responses (tests/peilingen/test_adressen.py).
    assert await Adreswachtrij.count() == 1


async def test_body_over_the_limit_is_refused(client, mensen):
    formulier = await _form(mensen)

    response = await _post(client, f"/p/{formulier.sleutel}", {formulier.items[4].veld: ["x" * 1_100_000]})

    assert response.status_code == 413
    assert await Antwoord.count() == 0


@pytest.fixture
async def kees(client, settings, mensen):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees.raad@beverwijk.example")
    await login(client, "kees.raad@beverwijk.example")
    return client


async def test_kiosk_resets_for_the_next_person(kees, mensen):
    formulier = await _form(mensen)
    unlocked = await post_form(kees, f"/raad/beverwijk/peilingen/{formulier.peiling_id}/kiosk", {})
    path = "/kiosk"
    page = await kees.get(path)
    token = re.search(r'name="formulier" value="([^"]+)"', page.text).group(1)

    first = await _post(kees, path, {**answers(formulier), "formulier": [token]})
    double_tap = await _post(kees, path, {**answers(formulier), "formulier": [token]})
    next_page = await kees.get(first.headers["location"])
    next_token = re.search(r'name="formulier" value="([^"]+)"', next_page.text).group(1)
    await _post(kees, path, {**answers(formulier), "formulier": [next_token]})

    assert (unlocked.status_code, unlocked.headers["location"]) == (303, "/kiosk")
    # The kiosk stands on its own: the poll's council, no council member, no way to log out.
    for kiosk_page in (page, next_page):
        assert '<span class="kop__naam">Participatieraad Beverwijk</span>' in kiosk_page.text
        assert "Uitloggen" not in kiosk_page.text and "Test Persoon" not in kiosk_page.text
        assert re.search(r'<body class="[^"]*\bthema-beverwijk\b', kiosk_page.text)
        assert 'data-kiosk-wacht="120"' in kiosk_page.text  # two minutes left alone, then empty
        assert '<script src="/static/kiosk.js?v=' in kiosk_page.text
    # Without JavaScript only the thank-you state refreshes itself: nobody is filling in there.
    refresh = '<noscript><meta http-equiv="refresh" content="120;url=/kiosk"></noscript>'
    assert refresh not in page.text and "data-kiosk-nu" not in page.text
    assert refresh in next_page.text and "data-kiosk-nu" in next_page.text
    script = await kees.get("/static/kiosk.js")
    assert script.status_code == 200 and "data-kiosk-wacht" in script.text
    assert first.headers["location"] == f"{path}?klaar=1"
    assert double_tap.status_code == 303
    assert "Nu is de volgende aan de beurt." in next_page.text
    assert " checked" not in next_page.text  # nothing of the previous person
    assert "Eén formulier voor alles." not in next_page.text
    assert next_page.headers["cache-control"] == "no-store"
    assert next_token != token
    assert await Antwoord.select(Antwoord.bron) == [{"bron": "kiosk"}, {"bron": "kiosk"}]


async def test_council_builds_and_publishes_a_poll(kees, mensen):
    from tests.peilingen.test_domain import _vraag_in_voorleggen

    vraag_id = await _vraag_in_voorleggen(mensen)
    created = await post_form(
        kees,
        f"/raad/beverwijk/vragen/{vraag_id}/peilingen/nieuw",
        {"titel": "Bankjes", "intro": "", "toegang": "link"},
    )
    peiling_id = (await Peiling.select(Peiling.id).first())["id"]
    base = f"/raad/beverwijk/peilingen/{peiling_id}"

    bad_item = await post_form(
        kees, f"{base}/items", {"soort": "enkel", "tekst": "Waar?", "keuzes": "Alleen één", "verplicht": "ja"}
    )
    good_item = await post_form(
        kees,
        f"{base}/items",
        {
            "soort": "enkel",
            "tekst": "Waar mist u een bankje?",
            "keuzes": "Bij de bushalte\nIn het park",
            "verplicht": "ja",
        },
    )
    no_close = await post_form(kees, f"{base}/publiceren", {})
    settings = await post_form(
        kees,
        base,
        {
            "titel": "Bankjes",
            "intro": "Eén vraag.",
            "toegang": "link",
            "opent_at": "",
            "sluit_at": "2099-01-01T12:00",
        },
    )
    published = await post_form(kees, f"{base}/publiceren", {})

    assert created.headers["location"] == base
    assert bad_item.status_code == 422
    assert "Geef minstens twee antwoorden om uit te kiezen" in bad_item.text
    assert good_item.status_code == 302
    assert no_close.status_code == 422
    assert "Kies wanneer de peiling sluit." in no_close.text
    assert (settings.status_code, published.status_code) == (302, 302)
    assert (await Peiling.select(Peiling.status).first())["status"] == "open"
    assert await Item.count() == 1
    poster = await kees.get(f"{base}/poster.svg")
    assert poster.headers["content-type"].startswith("image/svg+xml")
    sleutel = (await Peiling.select(Peiling.sleutel).first())["sleutel"]
    assert f"/p/{sleutel}" in poster.text


async def test_other_council_gets_404_on_the_poll(client, settings, mensen):
    formulier = await _form(mensen)
    await make_gebruiker(settings, "raadslid", "velsen", email="anna@velsen.example")
    await login(client, "anna@velsen.example")

    for path in ("", "/uitslag", "/antwoorden.csv"):
        assert (await client.get(f"/raad/velsen/peilingen/{formulier.peiling_id}{path}")).status_code == 404
    unlock = await post_form(client, f"/raad/velsen/peilingen/{formulier.peiling_id}/kiosk", {})
    assert unlock.status_code == 404


async def test_results_show_counts_and_hide_small_groups(kees, mensen):
    raadslid = mensen["raadslid"]
    peiling_id = await make_peiling(mensen, publish=False)
    wijk = await domain.add_item(
        raadslid,
        peiling_id,
        domain.ItemInvoer("enkel", "Uw wijk", keuzes=["Noord", "Zuid", "Oost"], is_achtergrond=True),
    )
    await domain.publish(raadslid, peiling_id)
    formulier = await domain.load_formulier(peiling_id=peiling_id)
    noord, zuid, oost = (k for k, _ in formulier.items[5].keuzes)
    # 12 in Noord, 11 in Zuid, 3 in Oost: Oost is too small, and hiding only Oost would let
    # it be worked out from the totals, so Zuid (the next smallest) is hidden as well.
    for n, keuze in enumerate([noord] * 12 + [zuid] * 11 + [oost] * 3):
        gegeven, _ = domain.parse_antwoorden(
            formulier, {**answers(formulier), formulier.items[5].veld: [str(keuze)]}
        )
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"b{n}")

    page = await kees.get(f"/raad/beverwijk/peilingen/{peiling_id}/uitslag?uitsplitsen={wijk}")

    assert page.status_code == 200
    # While open the figures refresh by themselves, keeping the chosen breakdown.
    assert f'hx-get="/raad/beverwijk/peilingen/{peiling_id}/uitslag?uitsplitsen={wijk}"' in page.text
    assert 'hx-trigger="every 20s"' in page.text
    # The breakdown is chosen in a Utrecht form field that shows the choice made.
    assert f'<option value="{wijk}" selected>' in page.text
    assert 'class="utrecht-select utrecht-select--html-select" id="veld-uitsplitsen"' in page.text
    assert "<strong>26</strong> inwoners deden mee." in page.text
    assert (
        '<th scope="row" class="utrecht-table__header-cell">Ja, goed</th>'
        '<td class="utrecht-table__cell">26</td><td class="utrecht-table__cell">100%</td>'
    ) in page.text
    assert 'Noord <span class="klein">(12 inwoners)</span>' in page.text
    assert "(11 inwoners)" not in page.text
    assert "(3 inwoners)" not in page.text
    assert "Meedoen kon met een openbare link" in page.text


async def test_hidden_open_answer_is_left_out_of_the_export(kees, mensen):
    formulier = await _form(mensen)
    gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier, i4=["Ik ben Jan van de bakkerij"]))
    await domain.submit(formulier, gegeven, bron="link", deelname_sleutel="b1")
    waarde = await Waarde.select(Waarde.id).where(Waarde.tekst.is_not_null()).first()
    base = f"/raad/beverwijk/peilingen/{formulier.peiling_id}"

    await post_form(kees, f"{base}/antwoorden/{waarde['id']}", {"verborgen": "ja"})
    export = await kees.get(f"{base}/antwoorden.csv")
    results = await kees.get(f"{base}/uitslag")

    assert "Jan van de bakkerij" not in export.text
    assert "(verborgen)" in export.text
    assert "Jan van de bakkerij" not in results.text
    # Issue 13's "op.Meedoen": two sentences of an open poll's results must keep their space.
    assert "De cijfers lopen nog op. Meedoen kon" in " ".join(results.text.split())


async def test_xlsx_export_holds_the_same_rows_and_keeps_formulas_as_text(kees, mensen):
    formulier = await _form(mensen)
    for n, text in enumerate(['=HYPERLINK("http://evil.example")', "Meer uitleg graag"]):
        gegeven, _ = domain.parse_antwoorden(formulier, answers(formulier, i4=[text]))
        await domain.submit(formulier, gegeven, bron="link", deelname_sleutel=f"x{n}")
    base = f"/raad/beverwijk/peilingen/{formulier.peiling_id}"

    csv_rows = list(
        csv.reader(
            io.StringIO((await kees.get(f"{base}/antwoorden.csv")).text.lstrip("\ufeff")), delimiter=";"
        )
    )
    response = await kees.get(f"{base}/antwoorden.xlsx")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 3
    assert rows[0] == csv_rows[0]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)
    assert '=HYPERLINK("http://evil.example")' in rows[1] + rows[2]


field_names = st.one_of(
    st.sampled_from(["item-1", "item-2", "item-3", "item-4", "item-5", "code", "formulier"]),
    st.text(max_size=12),
)
field_values = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.text(max_size=300),
    st.sampled_from(["", "1", "5", "-1", "0x10", "1e9"]),
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.lists(st.tuples(field_names, field_values), max_size=12))
async def test_no_submission_ever_gives_a_500(client, mensen, body):
    if not hasattr(
        test_no_submission_ever_gives_a_500, "_formulier"
    ) or test_no_submission_ever_gives_a_500._db != id(mensen):
        test_no_submission_ever_gives_a_500._formulier = await _form(mensen)
        test_no_submission_ever_gives_a_500._db = id(mensen)
    formulier = test_no_submission_ever_gives_a_500._formulier
    token = await csrf_token(client)

    response = await client.post(
        f"/p/{formulier.sleutel}",
        content=urlencode([*body, ("_csrf_token", token)]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code < 500
    assert response.status_code in (302, 422, 429)


async def _peiling_van_velsen(settings, mensen) -> int:
    """A poll of the Velsen council, built by its own people."""
    from participatie.accounts import domain as accounts

    await make_gebruiker(settings, "ambtenaar", "velsen", email="ambtenaar@velsen.example")
    velsen = {"raadslid": mensen["velsen"], "ambtenaar": await accounts.acting_as("ambtenaar@velsen.example")}
    return await make_peiling(velsen)


async def test_resident_pages_wear_the_colour_of_the_polls_council(client, settings, mensen):
    formulier = await domain.load_formulier(peiling_id=await _peiling_van_velsen(settings, mensen))
    path = f"/p/{formulier.sleutel}"

    poll = await client.get(path)
    errors = await _post(client, path, answers(formulier, i0=[]))
    answered = await _post(client, path, answers(formulier))
    thanks = await client.get(answered.headers["location"])
    await domain.close_early(mensen["velsen"], formulier.peiling_id)
    closed = await client.get(path)

    assert "Deze peiling is gesloten." in closed.text
    for page in (poll, errors, thanks, closed):
        assert re.search(r'<body class="[^"]*\bthema-velsen\b', page.text), page.text[:800]


async def test_an_ijmond_wide_poll_is_in_ijmond_blue(client, mensen):
    from participatie.vragen.tables import Vraag

    formulier = await _form(mensen)
    await Vraag.update({Vraag.scope: "regio"}).where(Vraag.id == formulier.vraag_id)

    page = await client.get(f"/p/{formulier.sleutel}")

    assert re.search(r'<body class="[^"]*\bthema-ijmond\b', page.text)


def test_a_sealed_typo_opens_only_for_its_poll_and_only_for_ten_minutes():
    from datetime import UTC, datetime, timedelta

    from participatie.peilingen import adressen

    moment = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    fout = adressen.Invulfout("inwoner@example", True, {"email": "Dit e-mailadres klopt niet."})
    sealed = adressen.seal_invulfout("sleutel-nieuw", 7, fout, moment)

    assert "inwoner" not in sealed
    # Read with the ring after a key rotation: the older key still opens it.
    assert adressen.open_invulfout(("sleutel-nieuwer", "sleutel-nieuw"), 7, sealed, moment) == fout
    assert adressen.open_invulfout("sleutel-nieuw", 8, sealed, moment) is None  # another poll
    assert adressen.open_invulfout("ander", 7, sealed, moment) is None
    assert adressen.open_invulfout("sleutel-nieuw", 7, sealed, moment + timedelta(minutes=11)) is None
    assert adressen.open_invulfout("sleutel-nieuw", 7, sealed[:-4] + "AAAA", moment) is None
    assert adressen.open_invulfout("sleutel-nieuw", 7, "%%%", moment) is None
