import os
from datetime import timedelta
from pathlib import Path

import pytest

from participatie.vragen import domain
from tests.conftest import PASSWORD, make_gebruiker
from tests.e2e import bewijs
from tests.e2e.conftest import assert_accessible, assert_fits_width, log_in
from tests.vragen.test_domain import _aanvraag, _ingelogd, _versie

FUTURE = (domain.today() + timedelta(days=30)).isoformat()

pytestmark = pytest.mark.browser

# Set PARTICIPATIE_SCREENSHOTS=<folder> to keep pictures of the board at 320 and 1280 px.
SHOTS = os.environ.get("PARTICIPATIE_SCREENSHOTS", "")
if SHOTS:
    Path(SHOTS).mkdir(parents=True, exist_ok=True)


async def test_raadslid_trechtert_a_vraag_on_a_phone_and_the_pages_are_accessible(
    live_server, phone, settings
):
    await make_gebruiker(settings, "raadslid", "beverwijk", email="kees@beverwijk.example")
    ambtenaar = await _ingelogd(settings, "ambtenaar", "beverwijk", "marja@beverwijk.example")
    vraag_id = await _aanvraag(ambtenaar)

    await phone.goto(live_server + "/inloggen")
    await phone.get_by_label("E-mailadres").fill("kees@beverwijk.example")
    await phone.get_by_label("Wachtwoord").fill(PASSWORD)
    await phone.get_by_role("button", name="Inloggen").click()
    await phone.get_by_role("link", name="Naar de vragen").click()
    await assert_fits_width(phone)
    await assert_accessible(phone)

    await phone.get_by_role("link", name="Minimaregelingen").click()
    await phone.get_by_label("Heel de IJmond (alle drie de raden)").check()
    await phone.get_by_label("Thema").select_option("minimabeleid")
    await phone.get_by_label("Prioriteit").select_option("hoog")
    await phone.get_by_role("button", name="Trechteren opslaan").click()
    await phone.wait_for_url(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    await phone.get_by_label("Nieuwe stap").select_option("concretiseren")
    await phone.get_by_role("button", name="Stap wijzigen").click()

    await phone.wait_for_url(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")
    assert "stap Concretiseren" in await phone.locator("main").inner_text()
    assert "de precieze vraag (de vraag achter de vraag)" in await phone.locator(".ontbreekt").inner_text()
    await assert_fits_width(phone)
    await assert_accessible(phone)


async def test_ambtenaar_submits_and_raadslid_takes_it_through_trechteren_and_concretiseren(
    live_server, phone, desktop, settings, tmp_path
):
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example", naam="Marja")
    await make_gebruiker(
        settings, "raadslid", "beverwijk", email="kees@beverwijk.example", naam="Kees Bakker"
    )
    nota = tmp_path / "nota.pdf"
    nota.write_bytes(b"%PDF-1.7\n%%EOF\n")

    # The ambtenaar, on a phone.
    await log_in(phone, live_server, "marja@beverwijk.example", PASSWORD)
    await phone.get_by_role("link", name="Advies aanvragen").click()
    await assert_accessible(phone)
    await phone.get_by_label("Korte titel").fill("Toegankelijkheid stadhuis")
    await phone.get_by_label("Beleidsterrein").select_option("toegankelijkheid")
    await phone.get_by_label("Uw vraag aan de raad").fill("Hoe maken we het stadhuis beter bereikbaar?")
    await phone.get_by_label("Advies gewenst vóór").fill(FUTURE)
    await phone.get_by_label("Bijlagen").set_input_files(str(nota))
    await phone.get_by_role("button", name="Aanvraag versturen").click()
    await phone.wait_for_url("**/aanvragen/*?ingediend=1")
    assert "Uw aanvraag is verstuurd" in await phone.locator("main").inner_text()
    await assert_fits_width(phone)
    await assert_accessible(phone)

    # The raadslid, at a desk: trechteren, concretiseren, then the card moves with htmx.
    await log_in(desktop, live_server, "kees@beverwijk.example", PASSWORD)
    await desktop.goto(live_server + "/raad/beverwijk/vragen")
    await desktop.get_by_role("link", name="Toegankelijkheid stadhuis").click()
    await desktop.get_by_role("link", name="nota.pdf").wait_for()
    await desktop.get_by_label("Alleen gemeente Beverwijk").check()
    await desktop.get_by_label("Thema").select_option("toegankelijkheid")
    await desktop.get_by_label("Prioriteit").select_option("normaal")
    await desktop.get_by_role("button", name="Trechteren opslaan").click()
    await desktop.get_by_label("Nieuwe stap").select_option("concretiseren")
    await desktop.get_by_role("button", name="Stap wijzigen").click()
    await desktop.get_by_label("Wat is precies de vraag?").fill("Waar lopen mensen met een beperking vast?")
    await desktop.get_by_label("Hoe stellen we de vraag?").fill("Een schouw met ervaringsdeskundigen")
    await desktop.get_by_label("Aan welke doelgroep?").fill("Inwoners met een beperking")
    await desktop.get_by_label("Planning").fill("Schouw in januari, advies in maart")
    await desktop.get_by_label("bezoek op locatie").check()
    await desktop.get_by_label("Uiterste datum").fill(FUTURE)
    await desktop.get_by_label("Verantwoordelijk raadslid").select_option(label="Kees Bakker")
    await desktop.get_by_role("button", name="Concretisering opslaan").click()
    await desktop.wait_for_load_state()
    assert await desktop.locator(".ontbreekt").count() == 0  # nothing missing for voorleggen any more
    await assert_accessible(desktop)

    await desktop.goto(live_server + "/raad/beverwijk/vragen")
    await desktop.evaluate("window.geenHerlaad = true")
    card = desktop.locator(".vraagkaart", has_text="Toegankelijkheid stadhuis")
    await card.get_by_label("Verplaats vraag").select_option("voorleggen")
    await card.get_by_role("button", name="Verplaats").click()
    await desktop.get_by_role("status").get_by_text("staat nu in de stap voorleggen").wait_for()
    assert await desktop.evaluate("window.geenHerlaad") is True  # swapped in place, not reloaded
    voorleggen = desktop.locator("section", has=desktop.locator("#kolom-voorleggen"))
    assert "Toegankelijkheid stadhuis" in await voorleggen.inner_text()
    await assert_accessible(desktop)

    # Back on the phone, the ambtenaar sees the step.
    await phone.reload()
    current = phone.locator(
        '.denhaag-process-steps__step[aria-current="step"] .denhaag-process-steps__step-heading'
    )
    assert (await current.inner_text()).split()[0] == "Voorleggen"


async def test_resident_sends_an_idea_on_an_old_phone_without_javascript(live_server, phone_without_js):
    await phone_without_js.goto(live_server + "/idee/velsen")
    await phone_without_js.get_by_role("button", name="Versturen").click()
    assert "Vul uw vraag of idee in." in await phone_without_js.locator(".foutsamenvatting").inner_text()

    await phone_without_js.get_by_label("Uw vraag of idee").fill(
        "Een bankje bij de bushalte aan de Lange Nieuwstraat"
    )
    await phone_without_js.get_by_role("button", name="Versturen").click()

    await phone_without_js.wait_for_url(live_server + "/idee/velsen/bedankt")
    assert "Bedankt voor uw vraag of idee" in await phone_without_js.locator("h1").inner_text()
    await assert_fits_width(phone_without_js)


# The council's board, measured as chromium lays it out (issue 13, "screens").
BOARD_LAYOUT_JS = r"""
() => {
  const box = (el) => el.getBoundingClientRect();
  const scroller = document.querySelector(".bord-scroll");
  const summary = document.querySelector(".filterblok > summary");
  return {
    pageWidth: document.documentElement.scrollWidth,
    columns: [...document.querySelectorAll(".bord__kolom")].map((c) => {
      const b = box(c);
      return {top: Math.round(b.top), left: Math.round(b.left), width: Math.round(b.width)};
    }),
    scroller: {
      overflowX: getComputedStyle(scroller).overflowX,
      scrolls: scroller.scrollWidth > scroller.clientWidth,
      tabIndex: scroller.tabIndex,
      label: scroller.getAttribute("aria-label"),
      width: Math.round(box(scroller).width),
    },
    filtersOpen: document.querySelector(".filterblok").open,
    summary: {width: box(summary).width, height: box(summary).height},
    cardLinks: [...document.querySelectorAll(".vraagkaart__link")].map((a) => Math.round(box(a).height)),
  };
}
"""

FOCUS_JS = r"""
() => {
  const el = document.activeElement;
  const card = el && el.closest(".vraagkaart");
  const scroller = document.querySelector(".bord-scroll").getBoundingClientRect();
  const b = el.getBoundingClientRect();
  return {
    id: el.id, card: card ? card.id : null, tag: el.tagName,
    describedBy: el.getAttribute("aria-describedby"),
    insideScroller: b.left >= scroller.left - 1 && b.right <= scroller.right + 1,
  };
}
"""


async def _shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def _board_vragen(mensen) -> tuple[int, int]:
    """Two vragen of Beverwijk: one waiting, one IJmond-wide in trechteren with a theme."""
    raadslid = mensen["raadslid"]
    wachtend = await _aanvraag(mensen["ambtenaar"], titel="Bankjes in het park")
    regio = await _aanvraag(mensen["ambtenaar"], thema="huishoudelijke_hulp")
    await domain.advance_stap(regio, raadslid, versie=1, naar="trechteren")
    await domain.update_trechter(
        regio, raadslid, versie=2, scope="regio", thema="huishoudelijke_hulp", prioriteit="hoog"
    )
    return wachtend, regio


@pytest.mark.parametrize("width", [320, 1280])
async def test_board_columns_side_by_side_and_a_moved_card_keeps_focus(live_server, browser, mensen, width):
    wachtend, regio = await _board_vragen(mensen)
    context = await browser.new_context(viewport={"width": width, "height": 800}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(live_server + "/raad/beverwijk/vragen")

    layout = await page.evaluate(BOARD_LAYOUT_JS)
    assert layout["pageWidth"] <= width  # the page never scrolls sideways ...
    assert layout["scroller"] == {  # ... only the board's own, focusable and labelled, container
        "overflowX": "auto",
        "scrolls": True,
        "tabIndex": 0,
        "label": "Vragen per stap (schuif opzij voor de volgende stappen)",
        "width": layout["scroller"]["width"],
    }
    assert layout["scroller"]["width"] <= width
    columns = layout["columns"]
    assert len(columns) == 9
    assert {c["top"] for c in columns} == {columns[0]["top"]}  # one row
    assert [c["left"] for c in columns] == sorted({c["left"] for c in columns})  # funnel order, no overlap
    assert all(c["width"] >= 200 for c in columns)
    assert layout["filtersOpen"] is False
    assert layout["summary"]["width"] >= 44 and layout["summary"]["height"] >= 44
    assert min(layout["cardLinks"]) >= 44
    regio_card = page.locator(f"#kaart-{regio}")
    assert await regio_card.locator(".feit").all_inner_texts() == [
        f"Vraag {regio}",
        "Huishoudelijke hulp",
        "IJmond-breed",
    ]
    assert [str(b) for b in await bewijs.check_zichtbaar(page)] == []
    await assert_accessible(page)
    await _shot(page, f"board-{width}")

    # Move with htmx: the board is swapped in place and focus lands on the moved card.
    await page.evaluate("window.geenHerlaad = true")
    card = page.locator(f"#kaart-{wachtend}")
    await card.get_by_label(f"Verplaats vraag {wachtend} naar").select_option("trechteren")
    await card.get_by_role("button", name="Verplaats").click()
    melding = page.locator("#bord-melding")
    await melding.get_by_text(
        f"Vraag {wachtend} (Bankjes in het park) staat nu in de stap trechteren."
    ).wait_for()
    await page.wait_for_function(
        "(id) => document.activeElement.closest('#' + id) !== null", arg=f"kaart-{wachtend}"
    )
    assert await page.evaluate("window.geenHerlaad") is True
    focus = await page.evaluate(FOCUS_JS)
    assert focus == {
        "id": "",
        "card": f"kaart-{wachtend}",
        "tag": "A",
        "describedBy": "bord-melding",
        "insideScroller": True,
    }
    assert await melding.is_visible()
    assert await page.locator("#kolom-trechteren + ul").locator(f"#kaart-{wachtend}").count() == 1
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    assert [str(b) for b in await bewijs.check_zichtbaar(page)] == []
    await assert_accessible(page)
    await _shot(page, f"board-verplaatst-{width}")

    # Someone else moves the other card meanwhile: the refusal takes focus itself.
    await domain.advance_stap(
        regio, mensen["velsen"], versie=await _versie(regio), naar="afgewezen", afwijsreden="Dubbel"
    )
    card = page.locator(f"#kaart-{regio}")
    await card.get_by_role("button", name="Verplaats").click()
    await melding.get_by_text(f"Vraag {regio} is niet verplaatst.").wait_for()
    await page.wait_for_function("() => document.activeElement.id === 'bord-melding'")
    assert await melding.is_visible()
    assert [str(b) for b in await bewijs.check_zichtbaar(page)] == []
    await assert_accessible(page)
    await _shot(page, f"board-geweigerd-{width}")
    await context.close()


async def test_board_move_without_javascript_confirms_on_the_board(live_server, phone_without_js, mensen):
    wachtend, _ = await _board_vragen(mensen)
    page = phone_without_js
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(live_server + "/raad/beverwijk/vragen")

    card = page.locator(f"#kaart-{wachtend}")
    await card.get_by_label(f"Verplaats vraag {wachtend} naar").select_option("trechteren")
    await card.get_by_role("button", name="Verplaats").click()

    await page.wait_for_url(f"{live_server}/raad/beverwijk/vragen?verplaatst={wachtend}")
    melding = page.locator("#bord-melding")
    assert (
        await melding.inner_text()
        == f"Vraag {wachtend} (Bankjes in het park) staat nu in de stap trechteren."
    )
    assert await page.evaluate("document.activeElement.closest('.vraagkaart').id") == f"kaart-{wachtend}"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320
    # No axe here: it runs as a script in the page, which this phone does not allow.
    await _shot(page, "board-zonder-js-320")


@pytest.mark.parametrize("width", [320, 1280])
async def test_ambtenaar_keeps_the_chosen_file_after_a_mistake_in_the_form(
    live_server, browser, settings, tmp_path, width
):
    await make_gebruiker(settings, "ambtenaar", "beverwijk", email="marja@beverwijk.example", naam="Marja")
    nota = tmp_path / "nota lift.pdf"
    nota.write_bytes(b"%PDF-1.7\n%%EOF\n")
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, "marja@beverwijk.example", PASSWORD)
    await page.goto(live_server + "/gemeente/beverwijk/aanvragen/nieuw")

    # The date is forgotten; the file is chosen.
    await page.get_by_label("Korte titel").fill("Toegankelijkheid stadhuis")
    await page.get_by_label("Beleidsterrein").select_option("toegankelijkheid")
    await page.get_by_label("Uw vraag aan de raad").fill("Hoe maken we het stadhuis beter bereikbaar?")
    await page.get_by_label("Bijlagen").set_input_files(str(nota))
    await page.get_by_role("button", name="Aanvraag versturen").click()
    await page.locator(".foutsamenvatting").wait_for()

    bewaard = page.locator("#bewaarde-bijlagen")
    assert "nota lift.pdf" in await bewaard.inner_text()
    assert "blijft bewaard" in await bewaard.inner_text()
    assert "Dit bestand heeft u al gekozen." in await bewaard.inner_text()
    assert await page.get_by_label("Niet meesturen: nota lift.pdf").is_visible()
    assert [str(b) for b in await bewijs.check_zichtbaar(page)] == []
    await assert_fits_width(page)
    await assert_accessible(page)
    await _shot(page, f"aanvraag-fout-met-bijlage-{width}")

    # Only the date is added now: the file goes with the request without choosing it again.
    await page.get_by_label("Advies gewenst vóór").fill(FUTURE)
    await page.get_by_role("button", name="Aanvraag versturen").click()
    await page.wait_for_url("**/aanvragen/*?ingediend=1")
    assert await page.get_by_role("link", name="nota lift.pdf").is_visible()
    await assert_accessible(page)
    await _shot(page, f"aanvraag-verstuurd-{width}")
    await context.close()


@pytest.mark.parametrize("width", [320, 1280])
async def test_vraag_page_in_voorleggen_reads_well(live_server, browser, mensen, width):
    from participatie.peilingen import domain as peilingen
    from tests.peilingen.test_domain import _vraag_in_voorleggen

    vraag_id = await _vraag_in_voorleggen(mensen)
    await peilingen.create_peiling(
        mensen["raadslid"], vraag_id, titel="Bankjes in het park", intro="Kort.", toegang="link"
    )
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    await log_in(page, live_server, "kees@beverwijk.example", PASSWORD)
    await page.goto(f"{live_server}/raad/beverwijk/vragen/{vraag_id}")

    badge = page.locator(".utrecht-badge-status", has_text="In voorbereiding")
    assert await badge.is_visible()
    assert [str(b) for b in await bewijs.check_zichtbaar(page)] == []
    await assert_fits_width(page)
    await assert_accessible(page)
    await _shot(page, f"vraag-voorleggen-{width}")
    await context.close()
