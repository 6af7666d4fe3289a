"""Markdown written by council members (advice, report texts), rendered inert.

markdown-it-py in CommonMark mode with raw HTML switched off does the parsing; nh3 (ammonia)
then keeps only the tags and attributes below, so even a parser bug cannot let a script,
an event handler or a javascript: link through.

Rendering is pure Python and grows with hostile input (49 kB of "[" took 0.6 s here, 5 s on a
busy server), so stored texts are capped at MAX_MARKDOWN and rendered once when saved, in a
child process with a time limit (`render_isolated`): a thread would not help, it holds the GIL
and the event loop stalls with it. `python -m participatie.markdown` is that child.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from participatie import isolated

# The longest Markdown text a form accepts (about eight printed pages of prose).
MAX_MARKDOWN = 20_000
# Rendering MAX_MARKDOWN characters of the worst input we know takes about 0.4 s.
MAX_SECONDS = 10.0

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "a", "hr",
}  # fmt: skip


class MarkdownTeZwaar(Exception):
    """The text could not be rendered within MAX_SECONDS."""


def _render(text: str) -> str:
    html = _parser.render(text or "")
    # Headings start at h3: the text always sits in a section with its own h2 under the page's h1.
    for level in (6, 5, 4, 3, 2, 1):
        new = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# Rendered texts by source, newest last: the advice shown on pages is rendered once per change.
_cache: OrderedDict[str, Markup] = OrderedDict()
_CACHE_SIZE = 64


def _remember(text: str, html: str) -> Markup:
    _cache[text] = Markup(html)  # noqa: S704 - cleaned by nh3 in _render
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return _cache[text]


def render_markdown(text: str) -> Markup:
    """In-process rendering (the Jinja filter `markdown`), cached: a page that is visited
    again costs no rendering."""
    text = text or ""
    if text in _cache:
        _cache.move_to_end(text)
        return _cache[text]
    return _remember(text, _render(text))


async def render_markdown_async(text: str) -> Markup:
    """As render_markdown, but a text not yet cached is rendered in a child process, so even
    the first view after a change does not hold the event loop. A text that cannot be rendered
    in time is shown as plain text."""
    text = text or ""
    if text in _cache:
        _cache.move_to_end(text)
        return _cache[text]
    try:
        (html,) = await render_isolated([text])
    except MarkdownTeZwaar:
        html = str(Markup("<p>%s</p>") % text)
    return _remember(text, html)


async def render_isolated(texts: list[str]) -> list[str]:
    """Render several texts in a child process; raises MarkdownTeZwaar after the time limit
    (the child is killed). Does not block the event loop."""
    try:
        out = await isolated.run(
            "participatie.markdown",
            json.dumps(texts).encode(),
            max_seconds=MAX_SECONDS,
        )
    except isolated.TeLang:
        raise MarkdownTeZwaar() from None
    return [str(html) for html in json.loads(out)]


def _main() -> None:
    texts = json.loads(sys.stdin.buffer.read())
    sys.stdout.write(json.dumps([_render(t) for t in texts]))


if __name__ == "__main__":
    isolated.child(_main)
