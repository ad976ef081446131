"""Trainer-written Markdown to safe HTML.

Quiz files and captions are written by people, so their HTML is sanitized with nh3
(an allow-list of tags and attributes): a ``<script>`` or an ``onerror=`` written into
a quiz file is removed before anything is displayed.
"""

from __future__ import annotations

import re
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


@lru_cache(maxsize=8192)
def markdown_to_html(text: str, *, inline: bool = False) -> str:
    """Render Markdown and sanitize the result; ``inline`` drops the outer <p>.

    Cached: the same quiz text is rendered for every attempt (the course server builds
    each attempt's questions from it), and the result depends on the text alone.
    """
    html = _parser().renderInline(text) if inline else _parser().render(text)
    return sanitize_html(html).strip()


@lru_cache(maxsize=8192)
def plain_text(text: str) -> str:
    """Markdown to text with all markup removed (for terminals and aria labels)."""
    return nh3.clean(markdown_to_html(text), tags=set()).strip()


_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:-]*)([^>]*)>", re.DOTALL)
_ATTRIBUTE = re.compile(r"([A-Za-z_:][\w:.-]*)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


def dropped_html(text: str) -> list[str]:
    """What sanitizing removes from this Markdown's HTML: tags, attributes, link schemes.

    For trainers' warnings (validate): each entry reads like '<script>', 'onclick= on
    <span>' or 'the javascript: link'. Empty when the text comes through intact.
    """
    if "<" not in text:
        return []
    html = _parser().render(text)
    dropped: list[str] = []
    for closing, name, rest in _TAG.findall(html):
        tag = name.lower()
        if closing:
            continue
        if tag not in _TAGS:
            dropped.append(f"<{tag}>")
            continue
        allowed = _ATTRIBUTES.get(tag, set())
        for attribute, value in _ATTRIBUTE.findall(rest.rstrip("/")):
            key = attribute.lower()
            if key not in allowed:
                dropped.append(f"{key}= on <{tag}>")
            elif key == "href":
                scheme = _SCHEME.match(value.strip("\"'"))
                if scheme and scheme.group(1).lower() not in {"http", "https", "mailto"}:
                    dropped.append(f"the {scheme.group(1).lower()}: link")
    return list(dict.fromkeys(dropped))
