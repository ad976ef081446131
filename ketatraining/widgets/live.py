"""Displays of the learner's progress that stay current.

The app preheats kernels: a page's notebook runs *before* a learner asks for it, so
anything read from the progress store at that moment may be stale when the page is
shown. A live display is an HTML widget whose content is rebuilt from the store:

* when Voila hands the preheated kernel to a page request (Voila's request-info channel,
  ``voila.utils.wait_for_request``, watched from a background thread), and
* whenever ``refresh()`` is called, e.g. by a quiz once an attempt is finished, so the
  progress shown further down the same page follows.

Outside a preheated Voila kernel (JupyterLab, nbval, plain Voila) the notebook ran just
now, so nothing is watched.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

log = logging.getLogger("ketatraining")

_displays: weakref.WeakKeyDictionary[Any, Callable[[], str]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_watching = False


def live_html(render: Callable[[], str], *classes: str) -> Any:
    """An HTML widget showing ``render()``, rebuilt on page request and on ``refresh()``."""
    import ipywidgets as widgets

    box = widgets.HTML(render())
    for name in classes:
        box.add_class(name)
    with _lock:
        _displays[box] = render
    _watch_page_request()
    return box


_page_hooks: list[weakref.WeakMethod[Callable[[], None]]] = []


def on_page_request(method: Callable[[], None]) -> None:
    """Call ``method`` (a bound method, held weakly) when Voila hands this preheated kernel
    to a page request, e.g. so a quiz reopens its attempt from the store as it is now."""
    if not preheated():
        return
    with _lock:
        _page_hooks.append(weakref.WeakMethod(method))
    _watch_page_request()


def refresh() -> None:
    """Rebuild every live display of this kernel from the progress store."""
    with _lock:
        items = list(_displays.items())
    for box, render in items:
        try:
            box.value = render()
        except Exception:  # a refresh must never break the page it is on
            log.exception("ketatraining: a progress display could not be refreshed")


def preheated() -> bool:
    """True in a kernel Voila started ahead of any page request."""
    return os.environ.get("VOILA_PREHEAT", "False") == "True"


def _watch_page_request() -> None:
    global _watching
    with _lock:
        if _watching or not preheated():
            return
        _watching = True
    threading.Thread(target=_wait_then_refresh, name="kt-page-request", daemon=True).start()


def page_requests() -> int:
    """How many page requests this kernel has been handed to so far (0 while preheated).

    More than one: the app gave a left page's kernel back for a reload
    (``ketatraining.app.voila_main.give_back``), so the page shows it again."""
    return _requests


_requests = 0


def _wait_then_refresh() -> None:
    """After each page request: the hooks, then every live display. The kernel keeps
    listening, since the app may hand it to the same page again (a reload)."""
    global _requests
    while True:
        heard = False
        try:
            from voila.utils import ENV_VARIABLE, wait_for_request

            os.environ.pop(ENV_VARIABLE.SCRIPT_NAME, None)  # set again by each request
            wait_for_request()
            heard = ENV_VARIABLE.SCRIPT_NAME in os.environ
        except Exception:
            log.exception("ketatraining: Voila's page request could not be awaited")
        with _lock:
            _requests += 1
            hooks = [ref() for ref in _page_hooks]
        for hook in hooks:
            if hook is None:
                continue
            try:
                hook()
            except Exception:  # a page must open even if one of its widgets cannot refresh
                log.exception("ketatraining: a widget could not follow the page request")
        refresh()
        if not heard:  # no channel (Voila gone, or not a page request): stop listening
            return
