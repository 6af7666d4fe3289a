"""Markdown written by council members (advice, report texts), rendered inert.

markdown-it-py in CommonMark mode with raw HTML switched off does the parsing; nh3 (ammonia)
then keeps only the tags and attributes below, so even a parser bug cannot let a script,
an event handler or a javascript: link through.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "a", "hr",
}  # fmt: skip


def render_markdown(text: str) -> Markup:
    html = _parser.render(text or "")
    # Headings start at h3: the text always sits in a section with its own h2 under the page's h1.
    for level in (6, 5, 4, 3, 2, 1):
        new = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - cleaned by nh3 just above
