"""``KETATRAINING_PREHEAT=next`` in a real Voila and Chromium: two preheated kernels.

In this mode the app keeps a preheated kernel only for the page being read and the one
after it. A learner following the "Next" link gets the next page from its preheated
kernel (fast), and the page left behind gives its kernels up, so the app holds the same
few kernels whatever the course's length. The test waits on the app's status endpoint
with deadlines, never a fixed sleep.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ketatraining.app.catalog import course_notebooks
from ketatraining.app.ready import PAGE_READY_JS as READY
from ketatraining.app.server import build_root
from ketatraining.app.voila_main import PREHEAT_ENV
from tests.browser.conftest import ROOT, Server, start_voila, status

pytestmark = pytest.mark.browser

NAMES = [e.name for e in course_notebooks(ROOT / "notebooks")]


@pytest.fixture(scope="module")
def next_server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("voila-next")
    root = build_root(base / "course", ROOT / "notebooks")
    with start_voila(base, root, {PREHEAT_ENV: "next"}) as server:
        yield server


def _until(server: Server, test: Callable[[dict[str, Any]], bool], what: str,
           timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    state = status(server)
    while not test(state):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s; status {state}\n"
                        f"{server.log_text()}")
        time.sleep(0.25)
        state = status(server)
    return state


def _ready_pools(state: dict[str, Any]) -> dict[str, int]:
    return {name: count for name, count in state["pooled"].items() if count}


def test_next_mode_keeps_the_page_read_and_the_next_one_preheated(
        browser: Any, next_server: Server) -> None:
    first, second, third = NAMES[:3]
    state = _until(next_server, lambda s: s["pool_ready"] == 1 and not s["pool_heating"],
                   "only the first page heated at start")
    assert _ready_pools(state) == {first: 1} and state["kernels"] == 1
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(next_server.url("voila/render/index.ipynb"))
        page.locator("nav.kt-app-nav-top a.kt-nav-next").click()  # Start: the first page
        page.wait_for_function(READY, timeout=120_000)
        _until(next_server, lambda s: _ready_pools(s) == {first: 1, second: 1}
               and not s["pool_heating"], "the page read and the next one preheated")
        page.locator("nav.kt-app-nav-top a.kt-nav-next").click()  # Next: the second page
        page.wait_for_function(READY, timeout=120_000)
        log = next_server.log.read_text(errors="replace")
        assert re.search(rf"Using pre-heated kernel: \S+ for {re.escape(second)}", log), log
        # The first page gave its kernels up (its page's by the beacon, its pool's by
        # the app): the page open, its pool's replacement and the next page's.
        state = _until(next_server, lambda s: _ready_pools(s) == {second: 1, third: 1}
                       and not s["pool_heating"] and s["kernels"] == 3,
                       "the first page's kernels given up")
        assert state["pool_ready"] == 2
    finally:
        context.close()
