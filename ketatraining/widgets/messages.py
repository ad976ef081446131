"""Readable message boxes instead of tracebacks, and a guard for widget callbacks."""

from __future__ import annotations

import functools
import html
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import ipywidgets as widgets

from ketatraining.widgets import wording

log = logging.getLogger("ketatraining")
_F = TypeVar("_F", bound=Callable[..., Any])

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


def message_widget(kind: str, text: str, details: Iterable[str] = ()) -> widgets.HTML:
    box = widgets.HTML(message_html(kind, text, details))
    box.add_class(f"kt-{kind}")
    return box


def friendly(target: Callable[[Any], widgets.HTML]) -> Callable[[_F], _F]:
    """Decorate a widget callback: unexpected errors become a message, never a traceback.

    ``target(self)`` returns the HTML widget where the message goes. The traceback
    goes to the log, with a short code the learner can quote to the trainer.
    """

    def decorate(callback: _F) -> _F:
        @functools.wraps(callback)
        def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return callback(self, *args, **kwargs)
            except Exception:
                code = uuid.uuid4().hex[:6].upper()
                log.exception("ketatraining widget error %s", code)
                target(self).value = message_html("error", wording.UNEXPECTED.format(code=code))
                return None

        return guarded  # type: ignore[return-value]

    return decorate
