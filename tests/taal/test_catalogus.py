"""The English catalogue is complete: every text a template sends through `_()` (and every
Python text marked with `_()`/`N_()`, such as the error pages) has a confirmed English
translation, with the same placeholders, and babel.cfg finds them all."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from participatie import sjablonen, taal
from participatie.config import TEMPLATES_DIR
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _files():
    return {po.name: read_po(po.open("rb"), locale="en") for po in taal.catalogus_bestanden("en")}


def _catalogue():
    """Every English .po file as one catalogue (messages.po plus one file per domain)."""
    merged = Catalog(locale="en")
    for catalog in _files().values():
        for message in catalog:
            if message.id:
                merged[message.id] = message
    return merged


def test_no_text_is_translated_in_two_files():
    """A domain's file may not translate a text another file already does: which one wins
    would depend on the file names, so one of the two translations would silently go unseen."""
    seen: dict[object, str] = {}
    twice = []
    for name, catalog in _files().items():
        for message in catalog:
            if not message.id:
                continue
            if message.id in seen:
                twice.append((message.id, seen[message.id], name))
            seen[message.id] = name

    assert "messages.po" in _files()
    assert not twice, f"Dubbel vertaald: {twice}"


def _template_messages() -> dict[str, set[str]]:
    """msgid (singular) -> the template files it comes from, read by the app's own Jinja env."""
    env = sjablonen.create_environment()
    found: dict[str, set[str]] = {}
    for path in sorted(TEMPLATES_DIR.rglob("*")):
        if path.suffix not in {".html", ".txt", ".svg"}:
            continue
        for _, _, message in env.extract_translations(path.read_text(encoding="utf-8")):  # type: ignore[attr-defined]
            singular = message[0] if isinstance(message, tuple) else message
            if singular:
                found.setdefault(singular, set()).add(str(path.relative_to(ROOT)))
    return found


def _python_messages() -> dict[str, set[str]]:
    """msgid -> the Python files that mark it, found the way pybabel finds them (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    python_only = [(pattern, method) for pattern, method in method_map if method == "python"]
    found: dict[str, set[str]] = {}
    for filename, _, message, *_ in extract_from_dir(
        str(ROOT), python_only, options_map, directory_filter=_ours
    ):
        singular = message if isinstance(message, str) else message[0]
        if singular:
            found.setdefault(singular, set()).add(filename)
    return found


def _used_messages() -> dict[str, set[str]]:
    used = _template_messages()
    for msgid, files in _python_messages().items():
        used.setdefault(msgid, set()).update(files)
    return used


def test_the_error_pages_are_in_the_catalogue():
    from participatie import errors

    marked = _python_messages()
    texts = [text for pair in errors.PAGES.values() for text in pair] + [errors.CSRF_TEXT]

    assert [text for text in texts if text not in marked] == []


def test_every_template_text_has_an_english_translation():
    catalogue = _catalogue()
    missing = {
        msgid: sorted(files)
        for msgid, files in _used_messages().items()
        if msgid not in catalogue or not catalogue[msgid].string
    }

    assert not missing, f"Zonder Engelse vertaling (pybabel update, dan vertalen): {missing}"


def test_the_catalogue_has_no_fuzzy_empty_or_stale_entries():
    catalogue = _catalogue()
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    used = _used_messages()
    strings = {m.id: m.string if isinstance(m.string, tuple) else (m.string,) for m in catalogue if m.id}
    empty = [msgid for msgid, texts in strings.items() if not all(texts)]
    stale = [m.id for m in catalogue if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in used]

    assert not fuzzy, f"Fuzzy (nog niet bevestigd): {fuzzy}"
    assert not empty, f"Leeg: {empty}"
    assert not stale, f"Niet meer gebruikt: {stale}"


def test_translations_keep_their_placeholders():
    wrong = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != want:
                wrong.append((message.id, string))

    assert not wrong


def _ours(path: str) -> bool:
    relative = Path(path).relative_to(ROOT).parts
    return bool(relative) and relative[0] in {"templates", "participatie"} and relative[-1] != "__pycache__"


def test_babel_cfg_extracts_what_the_templates_use():
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    # _macros is a folder pybabel skips by default: the mapping (and `--ignore-dirs`) must not.
    extracted = {
        (message if isinstance(message, str) else message[0])
        for _, _, message, *_ in extract_from_dir(
            str(ROOT),
            method_map,
            options_map,
            directory_filter=_ours,
        )
    }

    assert set(_template_messages()) <= extracted


def test_the_compiled_catalogue_is_the_po():
    taal.vertalingen.cache_clear()
    catalogue = _catalogue()
    try:
        with taal.in_taal("en"):
            for message in catalogue:
                if message.id and isinstance(message.id, str):
                    assert taal.gettext(message.id) == message.string
    finally:
        taal.vertalingen.cache_clear()
