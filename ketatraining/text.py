"""Trainer-written Markdown to safe HTML.

Quiz files and captions are written by people, so their HTML is sanitized with nh3
(an allow-list of tags and attributes): a ``<script>`` or an ``onerror=`` written into
a quiz file is removed before anything is displayed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    # "commonmark" with tables; typographer off so text stays as written.
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def sanitize_html(html: str) -> str:
    """Strip everything not on the allow-list; links may only be http(s) or mailto."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def markdown_to_html(text: str, *, inline: bool = False) -> str:
    """Render Markdown and sanitize the result; ``inline`` drops the outer <p>."""
    html = _parser().renderInline(text) if inline else _parser().render(text)
    return sanitize_html(html).strip()


def plain_text(text: str) -> str:
    """Markdown to text with all markup removed (for terminals and aria labels)."""
    return nh3.clean(markdown_to_html(text), tags=set()).strip()
