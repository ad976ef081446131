"""Closing a tab or the whole browser window frees the page's kernel promptly.

A learner closes the tab rather than navigating away: Playwright's ``page.close()`` and
``context.close()`` are a real tab close and a closed window (no ``beforeunload`` runs
for either). The page's kernel must be shut down within seconds (the tab's ``pagehide``
beacon; for a window, the server once the page's connection has been gone 10 s), not
after the idle culler's 10 minutes. The app's status endpoint lists the live kernels;
the test polls it with a deadline (no fixed sleep).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from ketatraining.app.catalog import course_notebooks
from ketatraining.app.ready import PAGE_READY_JS as READY
from ketatraining.app.voila_main import CULL_IDLE_SECONDS
from tests.browser.conftest import ROOT, Server, status

pytestmark = pytest.mark.browser

PAGE = course_notebooks(ROOT / "notebooks")[0].name
PROMPTLY = 30.0
"""Seconds within which a closed page's kernel must be gone (the culler takes 600)."""


def _open(context: Any, server: Server) -> tuple[Any, str]:
    """A new tab showing the page, ready, and the id of the kernel serving it."""
    page = context.new_page()
    page.goto(server.url(f"voila/render/{PAGE}"))
    page.wait_for_function(READY, timeout=120_000)
    config = page.locator("#jupyter-config-data").text_content() or "{}"
    kernel = json.loads(config)["kernelId"]
    assert kernel in status(server)["kernel_ids"]
    return page, kernel


def _gone_within(server: Server, kernel: str, seconds: float) -> float:
    """Seconds until ``kernel`` is no longer live; fails after ``seconds``."""
    start = time.monotonic()
    while kernel in status(server)["kernel_ids"]:
        if time.monotonic() - start > seconds:
            pytest.fail(f"the closed page's kernel {kernel} is still running after "
                        f"{seconds:.0f} s:\n{server.log_text()}")
        time.sleep(0.2)
    return time.monotonic() - start


@pytest.mark.parametrize("closing", ["tab", "window"])
def test_closing_the_tab_or_the_window_shuts_the_kernel_down(
        browser: Any, voila_server: Server, closing: str) -> None:
    assert CULL_IDLE_SECONDS > 10 * PROMPTLY  # so the culler cannot be what frees it
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page, kernel = _open(context, voila_server)
        if closing == "tab":
            page.close()  # like the tab's close button: no beforeunload
        else:
            context.close()  # the whole browser window
        _gone_within(voila_server, kernel, PROMPTLY)
    finally:
        context.close()
