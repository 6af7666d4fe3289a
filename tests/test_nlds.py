"""The NL Design System as we load it: vendored files as recorded, every theme readable, a
resident's first visit light, and form macros with the library's markup and our ids."""

import hashlib
import re
from pathlib import Path

import pytest

from bench.eerste_bezoek import BUDGET_BYTES, meet
from participatie.demo import load_demo
from participatie.peilingen.tables import Peiling
from participatie.sjablonen import create_environment
from tests.conftest import ROOT

STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
CSS = (STATIC / "participatie.css").read_text()
THEMAS = ["ijmond", "velsen", "beverwijk", "heemskerk"]


# --- vendored files -------------------------------------------------------------------------


def _recorded() -> dict[str, str]:
    table = (VENDOR / "VERSIONS.md").read_text()
    return dict(re.findall(r"^\| `([^`]+)` \| .*? \| `([0-9a-f]{64})` \|$", table, re.M))


def test_every_vendored_file_is_recorded_with_its_checksum():
    recorded = _recorded()
    on_disk = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name not in ("VERSIONS.md", "LICENSE.md", "LICENSE")
    }
    assert set(recorded) == on_disk
    for name, sha in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha, name
    assert (VENDOR / "utrecht" / "LICENSE.md").exists()
    assert (VENDOR / "denhaag" / "LICENSE.md").exists()


def test_the_components_issue_13_names_are_vendored():
    names = {Path(n).name.rsplit("-", 1)[0] for n in _recorded()}
    wanted = {
        "button", "button-link", "link", "form-field", "form-label", "form-field-description",
        "form-field-error-message", "textbox", "textarea", "select", "radio-button", "checkbox",
        "form-fieldset", "alert", "page-header", "page-footer", "heading-1", "heading-2",
        "heading-3", "paragraph", "table", "badge-status", "data-badge",
    }  # fmt: skip
    assert wanted <= names


def test_library_css_is_imported_into_layers_below_our_rules():
    imports = re.findall(r'@import url\("([^"]+)"\)\s*(layer\([^)]*\))?;', CSS)
    assert CSS.index("@layer utrecht-html, oud, utrecht;") < CSS.index("@import")
    assert imports[0] == ("vendor/utrecht/html-9.0.4.css", "layer(utrecht-html)")
    for path, layer in imports[1:]:
        # Our own public-side stylesheets (static/publiek/) are unlayered, like our other rules.
        assert layer == ("" if path.startswith("publiek/") else "layer(utrecht)"), path
        assert (STATIC / path).exists(), path
    # Every component file is imported, and none of them twice.
    component_files = {f"vendor/{n}" for n in _recorded() if n.endswith(".css")} - {
        "vendor/utrecht/design-tokens-theme-5.0.1.css"
    }
    assert sorted(p for p, _ in imports if p.startswith("vendor/")) == sorted(component_files)
    # base.html links only the tokens and our file: an unlayered copy would beat every layer.
    base = (ROOT / "templates" / "base.html").read_text()
    linked = re.findall(r"static_url\('(vendor/utrecht/[^']+)'\)", base)
    assert linked == ["vendor/utrecht/design-tokens-theme-5.0.1.css"]


# --- themes: computed contrast --------------------------------------------------------------


def _declarations(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert block, selector
    body = re.sub(r"/\*.*?\*/", "", block.group(1), flags=re.S)
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", body)}


def _tokens(thema: str) -> dict[str, str]:
    return {**_declarations('[class*="thema-"]'), **_declarations(f".thema-{thema}")}


def _resolve(tokens: dict[str, str], value: str) -> str:
    for _ in range(20):
        m = re.fullmatch(r"var\((--[\w-]+)(?:\s*,\s*(.+))?\)", value.strip())
        if not m:
            return value.strip()
        value = tokens.get(m.group(1), m.group(2) or "")
    raise AssertionError(f"var() loop in {value}")


def _rgb(colour: str) -> tuple[float, float, float]:
    hexa = colour.lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}", hexa), f"geen kleur: {colour}"
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    return tuple(int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(colour: str) -> float:
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# (text token, background token): every pair a component draws with our tokens.
TEXT_PAIRS = [
    ("--utrecht-document-color", "--utrecht-document-background-color"),
    *[
        (f"--utrecht-link{s}-color", "--utrecht-document-background-color")
        for s in ("", "-hover", "-focus", "-active", "-visited")
    ],
    ("--utrecht-button-color", "--utrecht-button-background-color"),
    ("--utrecht-button-hover-color", "--utrecht-button-hover-background-color"),
    *[
        (f"--utrecht-button-{kind}{state}-color", f"--utrecht-button-{kind}{state}-background-color")
        for kind in ("primary-action", "secondary-action", "subtle")
        for state in ("", "-hover", "-focus", "-active")
    ],
    ("--utrecht-page-header-color", "--utrecht-page-header-background-color"),
    ("--utrecht-page-header-content-color", "--utrecht-page-header-background-color"),
    ("--utrecht-page-footer-color", "--utrecht-page-footer-background-color"),
    *[
        (f"--utrecht-alert-{s}-color", f"--utrecht-alert-{s}-background-color")
        for s in ("info", "ok", "warning", "error")
    ],
    ("--fout-kleur", "--utrecht-alert-error-background-color"),
    *[
        (f"--utrecht-feedback-{s}-fill-color", f"--utrecht-feedback-{s}-fill-background-color")
        for s in ("neutral", "valid", "safe", "warning", "invalid", "danger")
    ],
    ("--utrecht-form-label-color", "--utrecht-document-background-color"),
    ("--utrecht-form-field-description-color", "--utrecht-document-background-color"),
    ("--utrecht-form-field-error-message-color", "--utrecht-document-background-color"),
    ("--utrecht-form-control-color", "--utrecht-form-control-background-color"),
    *[
        (f"--denhaag-step-marker-{s}-color", f"--denhaag-step-marker-{s}-background-color")
        for s in ("checked", "current", "not-checked")
    ],
    ("--denhaag-process-steps-step-meta-color", "--utrecht-document-background-color"),
    ("--thema-kleur", "--thema-kleur-licht"),
    ("--thema-kleur-donker", "--thema-kleur-licht"),
]
# Borders and marks that must be seen (WCAG 1.4.11: 3:1).
GRAPHIC_PAIRS = [
    ("--utrecht-form-control-border-color", "--utrecht-form-control-background-color"),
    ("--utrecht-form-control-invalid-border-color", "--utrecht-form-control-background-color"),
    ("--utrecht-form-field-invalid-border-inline-start-color", "--utrecht-document-background-color"),
    ("--utrecht-radio-button-border-color", "--utrecht-document-background-color"),
    ("--utrecht-radio-button-checked-background-color", "--utrecht-document-background-color"),
    ("--utrecht-radio-button-color", "--utrecht-radio-button-checked-background-color"),
    ("--utrecht-button-secondary-action-border-color", "--utrecht-document-background-color"),
]


def _pair(tokens: dict[str, str], fg: str, bg: str) -> tuple[str, str]:
    front = _resolve(tokens, f"var({fg})")
    back = _resolve(tokens, f"var({bg})")
    if back == "transparent":  # a subtle button shows the page behind it
        back = _resolve(tokens, "var(--utrecht-document-background-color)")
    return front, back


@pytest.mark.parametrize("thema", THEMAS)
def test_every_text_and_background_pair_of_a_theme_has_4_5_to_1(thema):
    tokens = _tokens(thema)
    weak = []
    for fg, bg in TEXT_PAIRS:
        front, back = _pair(tokens, fg, bg)
        if contrast(front, back) < 4.5:
            weak.append(f"{fg} {front} op {bg} {back}: {contrast(front, back):.2f}")
    for fg, bg in GRAPHIC_PAIRS:
        front, back = _pair(tokens, fg, bg)
        if contrast(front, back) < 3:
            weak.append(f"{fg} {front} op {bg} {back}: {contrast(front, back):.2f}")
    assert weak == []


@pytest.mark.parametrize("thema", THEMAS)
def test_the_header_logout_button_is_readable_on_the_council_colour_and_when_hovered(thema):
    # The header re-themes the subtle button: white on the header, inverted under the pointer.
    tokens = {**_tokens(thema), **_declarations(".kop")}
    header = _resolve(tokens, "var(--utrecht-page-header-background-color)")
    assert contrast(_resolve(tokens, "var(--utrecht-button-subtle-color)"), header) >= 4.5
    for state in ("hover", "focus", "active"):
        front, back = _pair(
            tokens,
            f"--utrecht-button-subtle-{state}-color",
            f"--utrecht-button-subtle-{state}-background-color",
        )
        assert contrast(front, back) >= 4.5, state


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000", "#fff"), 2) == 21.0
    assert round(contrast("#767676", "#fff"), 2) == 4.54
    assert contrast("#fff", "#fff") == 1.0


def test_each_theme_sets_its_own_council_colour():
    colours = {thema: _tokens(thema)["--thema-kleur"] for thema in THEMAS}
    assert len(set(colours.values())) == 4


# --- first visit: light and without script --------------------------------------------------


async def test_first_visit_to_a_poll_stays_under_60_kb_compressed_and_has_no_script(client, settings):
    await load_demo(settings)
    sleutel = (await Peiling.select(Peiling.sleutel).first())["sleutel"]

    figures = await meet(client, f"/p/{sleutel}")

    assert figures["scripts"] == 0
    # tokens, participatie.css and what it imports: 26 library files and 4 of the public side
    assert figures["stylesheets"] == 2 + 30
    assert figures["totaal_bytes"] <= BUDGET_BYTES, figures["per_bestand"]


# --- form macros: the library's markup, our ids ---------------------------------------------


def _render(source: str, **context) -> str:
    env = create_environment()
    return env.from_string(
        '{% from "_macros/forms.html" import field, select, textarea, radios, checkboxes, checkbox,'
        " error_summary %}"
        '{% from "_macros/nlds.html" import knop, knoplink, alert, badge, data_badge, kop, processtappen %}'
        + source
    ).render(**context)


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_field_with_hint_and_error_is_a_utrecht_form_field_described_by_both():
    html = _squash(
        _render(
            '{{ field("naam", "Naam", "x", fout="Vul een naam in.", hint="Zoals op uw pas.",'
            " required=True) }}"
        )
    )
    assert (
        '<div class="utrecht-form-field utrecht-form-field--text utrecht-form-field--distanced'
        ' utrecht-form-field--invalid">'
    ) in html
    assert '<label class="utrecht-form-label" for="veld-naam">Naam</label>' in html
    assert (
        '<div class="utrecht-form-field__description utrecht-form-field-description" id="hint-naam">'
        "Zoals op uw pas.</div>"
    ) in html
    assert (
        '<div class="utrecht-form-field__error-message utrecht-form-field-error-message" id="fout-naam">'
        '<span class="sr-only">Fout: </span>Vul een naam in.</div>'
    ) in html
    assert (
        '<input class="utrecht-textbox utrecht-textbox--html-input utrecht-textbox--invalid" id="veld-naam"'
        ' name="naam" type="text" value="x" required aria-invalid="true"'
        ' aria-describedby="hint-naam fout-naam">'
    ) in html
    # Label, description, error, control: the library's order.
    parts = ("utrecht-form-label", 'id="hint-naam"', 'id="fout-naam"', "<input")
    order = [html.index(part) for part in parts]
    assert order == sorted(order)


def test_optional_field_says_so_and_password_keeps_no_value():
    html = _squash(_render('{{ field("wachtwoord", "Wachtwoord", "geheim", type="password") }}'))
    assert 'Wachtwoord <span class="optioneel">(niet verplicht)</span></label>' in html
    assert "geheim" not in html
    assert "aria-describedby" not in html and "utrecht-form-field--invalid" not in html


def test_select_textarea_and_error_summary_keep_their_ids():
    html = _squash(
        _render(
            '{{ select("rol", "Rol", [("a", "A"), ("b", "B")], "b", fout="Kies een rol.") }}'
            '{{ textarea("tekst", "Tekst", "hallo", hint="Kort graag.") }}'
            '{{ error_summary({"rol": "Kies een rol."}) }}'
        )
    )
    assert (
        '<select class="utrecht-select utrecht-select--html-select utrecht-select--invalid" id="veld-rol"'
        ' name="rol" aria-invalid="true" aria-describedby="fout-rol">'
    ) in html
    assert '<option value="b" selected>B</option>' in html
    assert (
        '<textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="veld-tekst" name="tekst"'
        ' rows="4" aria-describedby="hint-tekst">hallo</textarea>'
    ) in html
    summary = '<div class="foutsamenvatting" role="alert" tabindex="-1">'
    assert f'{summary} <div class="utrecht-alert utrecht-alert--error">' in html
    assert '<li><a class="utrecht-link" href="#veld-rol">Kies een rol.</a></li>' in html


def test_radios_and_checkboxes_sit_in_a_fieldset_named_after_the_field():
    html = _squash(
        _render(
            '{{ radios("keuze", "Wat kiest u?", [("1", "Ja"), ("0", "Nee")], "0",'
            ' fout="Kies een antwoord.") }}'
            '{{ checkboxes("dagen", "Welke dagen?", [("ma", "Maandag"), ("di", "Dinsdag")], ["di"]) }}'
            '{{ checkbox("is_actief", "Dit account mag inloggen", checked=True) }}'
        )
    )
    fieldset = (
        '<div class="utrecht-form-fieldset utrecht-form-fieldset--distanced utrecht-form-fieldset--invalid">'
    )
    assert fieldset in html
    assert 'id="veld-keuze" aria-describedby="fout-keuze">' in html
    assert (
        '<input type="radio" class="utrecht-radio-button utrecht-radio-button--html-input'
        ' utrecht-radio-button--invalid" id="keuze-0" name="keuze" value="0" checked>'
    ) in html
    assert 'id="keuze-1" name="keuze" value="1">' in html
    assert '<label class="utrecht-form-label utrecht-form-label--radio" for="keuze-1">Ja</label>' in html
    assert 'id="dagen-di" name="dagen" value="di" checked>' in html
    assert 'id="dagen-ma" name="dagen" value="ma">' in html
    assert (
        '<input type="checkbox" class="utrecht-checkbox utrecht-checkbox--html-input" id="veld-is_actief"'
        ' name="is_actief" value="ja" checked>'
    ) in html


def test_component_macros_write_the_library_classes():
    html = _squash(
        _render(
            '{{ knop("Opslaan") }}{{ knop("Verwijderen", "subtle", naam="actie", waarde="weg") }}'
            '{{ knoplink("Naar de vragen", "/raad/velsen/vragen", "secondary-action") }}'
            '{{ alert("ok", "Opgeslagen.") }}{{ alert("error", "Dat ging mis.") }}'
            '{{ badge("open", "valid") }}{{ data_badge("Wonen") }}{{ kop(2, "Uitslag") }}'
        )
    )
    primary = '<button type="submit" class="utrecht-button utrecht-button--primary-action">Opslaan</button>'
    assert primary in html
    assert (
        '<button type="submit" class="utrecht-button utrecht-button--subtle" name="actie" value="weg">'
        "Verwijderen</button>"
    ) in html
    assert (
        '<a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"'
        ' href="/raad/velsen/vragen">Naar de vragen</a>'
    ) in html
    assert '<div class="utrecht-alert utrecht-alert--ok" role="status">' in html
    assert '<div class="utrecht-alert utrecht-alert--error" role="alert">' in html
    assert '<div class="utrecht-alert__message"><p>Opgeslagen.</p></div>' in html
    assert '<span class="utrecht-badge-status utrecht-badge-status--valid">open</span>' in html
    assert '<span class="utrecht-data-badge">Wonen</span>' in html
    assert '<h2 class="utrecht-heading-2">Uitslag</h2>' in html


def test_alert_takes_rich_content_through_call():
    html = _squash(
        _render('{% call alert("info", titel="Let op") %}<p>Een <a href="/x">link</a>.</p>{% endcall %}')
    )
    assert '<h2 class="utrecht-heading-3 utrecht-alert__title">Let op</h2>' in html
    assert '<div class="utrecht-alert__message"><p>Een <a href="/x">link</a>.</p></div>' in html


def test_process_steps_mark_done_current_and_coming_steps_in_markup_and_words():
    html = _squash(
        _render(
            '{{ processtappen([("Binnengekomen", "checked"), ("Trechteren", "current", "sinds 3 dagen"),'
            ' ("Voorleggen", "not-checked")]) }}'
        )
    )
    assert html.startswith('<ol class="denhaag-process-steps" aria-label="Stappen">')
    assert (
        '<li class="denhaag-process-steps__step denhaag-process-steps__step--checked">'
        ' <div class="denhaag-process-steps__step-header">'
        ' <div class="denhaag-step-marker denhaag-step-marker--checked" aria-hidden="true">✓</div>'
        ' <p class="denhaag-process-steps__step-heading denhaag-process-steps__step-heading--checked">'
        'Binnengekomen <span class="sr-only">(klaar)</span></p>'
    ) in html
    assert (
        '<li class="denhaag-process-steps__step denhaag-process-steps__step--current" aria-current="step">'
        in html
    )
    assert 'aria-hidden="true">2</div>' in html and 'aria-hidden="true">3</div>' in html
    assert '<div class="denhaag-process-steps__step-meta">sinds 3 dagen</div>' in html
    # A line from each step to the next: solid after a done step, none after the last.
    assert html.count("denhaag-step-marker__connector--main-to-main") == 2
    assert "denhaag-step-marker__connector--checked denhaag-step-marker__connector--main-to-main" in html
    assert html.count("aria-current") == 1
