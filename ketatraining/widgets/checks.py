"""Kernel-side checks in notebooks, without showing the browser what they click.

A notebook's hidden check cells build a widget, answer it and assert the feedback.
Ordinary widgets send every state change to the front end even when never displayed,
which would put feedback and explanations in the page before the learner answers.
Inside ``unseen_widgets()`` new widgets get a comm that sends nothing, and widgets skip
drawing figures nobody can see (``drawing_wanted()``): the checks assert numbers and text,
while the figure code runs where the widget is displayed and in the unit tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import comm


def _silent_comm(*args: Any, **kwargs: Any) -> comm.base_comm.BaseComm:
    return comm.DummyComm(*args, **kwargs)


_unseen = 0


def drawing_wanted() -> bool:
    """False inside ``unseen_widgets()``: a figure drawn there would never be seen."""
    return _unseen == 0


@contextmanager
def unseen_widgets() -> Iterator[None]:
    """Widgets created in this block stay in the kernel: no state reaches the browser."""
    global _unseen
    original = comm.create_comm
    comm.create_comm = _silent_comm
    _unseen += 1
    try:
        yield
    finally:
        _unseen -= 1
        comm.create_comm = original
