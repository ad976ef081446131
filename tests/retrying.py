"""Set-up shared by the outbox and heal-at-start tests (pythonpath = tests): retries in
fractions of a second instead of the learner's defaults, and waiting for a state the
background retry reaches."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from ketatraining.assessment import local as local_module


def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seconds instead of the learner's defaults, so a test waits little."""
    monkeypatch.setattr(local_module, "FOREGROUND_BUDGET_SECONDS", 0.3)
    monkeypatch.setattr(local_module, "RETRY_DELAYS", (0.1, 0.2))


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
