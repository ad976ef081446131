"""Readable message boxes instead of tracebacks, and a guard for widget callbacks."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import ipywidgets as widgets

from ketatraining.boxes import ICONS, STYLES, message_html
from ketatraining.widgets import wording

log = logging.getLogger("ketatraining")
_F = TypeVar("_F", bound=Callable[..., Any])
__all__ = ["ICONS", "STYLES", "friendly", "message_html", "message_widget"]


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
