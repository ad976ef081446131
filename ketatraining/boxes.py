"""Message boxes as plain HTML: one look for every notice, in widgets and server pages.

No widget library here, so the app's server-side pages (the course overview) and the
widgets show the same boxes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

_BOX_STYLE = (
    "border:2px solid {border};border-radius:4px;padding:0.5em 0.75em;margin:0.25em 0;"
    "background:{background};color:#1a1a1a"
)
STYLES = {
    # Dark borders on pale backgrounds: text contrast stays above 12:1.
    "error": _BOX_STYLE.format(border="#a40000", background="#fff4f4"),
    "notice": _BOX_STYLE.format(border="#8a5a00", background="#fff8e6"),
    "info": _BOX_STYLE.format(border="#005a9c", background="#f2f8fd"),
}
# Symbols the default Debian fonts can draw: DejaVu has ℹ (U+2139) but not the circled i
# (U+24D8), which showed as an empty box; tests/app/test_fonts.py checks every symbol.
ICONS = {"error": "⚠ Problem", "notice": "ℹ Note", "info": "ℹ Note"}


def message_html(kind: str, text: str, details: Iterable[str] = ()) -> str:
    """A box with a word-and-symbol label (not colour alone) and an optional list."""
    items = "".join(f"<li>{html.escape(d)}</li>" for d in details)
    listing = f"<ul style='margin:0.25em 0 0 1em'>{items}</ul>" if items else ""
    return (
        f'<div class="kt-message kt-{kind}" role="{"alert" if kind == "error" else "status"}" '
        f'style="{STYLES[kind]}"><strong>{ICONS[kind]}:</strong> {html.escape(text)}'
        f"{listing}</div>"
    )
