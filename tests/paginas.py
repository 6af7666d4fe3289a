"""Reading a rendered page in the language tests: which language it says it is, and its own text."""

import html
import re


def lang_of(page: str) -> str:
    """The page's `<html lang>`."""
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def main_text(page: str) -> str:
    """The page's own text, unescaped: header and footer have their own tests (and the language
    switch names "Nederlands" on purpose). An apostrophe is "'" or "&#39;" depending on where
    the text came from."""
    found = re.search(r"<main\b.*?</main>", page, re.S)
    assert found, page[:300]
    return html.unescape(found.group(0))
