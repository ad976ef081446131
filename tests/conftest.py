"""Shared fixtures: every test gets its own empty progress store and learner id."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUIZ_DIR = ROOT / "quizzes"


@pytest.fixture(autouse=True)
def isolated_store(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> str:
    """Point KETATRAINING_DB at a fresh SQLite file so no test touches real progress."""
    folder = tmp_path_factory.mktemp("store")
    url = f"sqlite:///{folder / 'progress.db'}"
    monkeypatch.setenv("KETATRAINING_DB", url)
    monkeypatch.setenv("KETATRAINING_OUTBOX_DIR", str(folder / "outbox"))
    monkeypatch.setenv("KETATRAINING_LEARNER", "test-learner")
    monkeypatch.delenv("KETATRAINING_QUIZ_DIR", raising=False)
    return url


@pytest.fixture
def preheated(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a preheated Voila kernel: widgets wait for the page request, which the test
    triggers itself (``live._page_hooks``) instead of a thread watching Voila."""
    from ketatraining.widgets import live

    monkeypatch.setattr(live, "preheated", lambda: True)
    monkeypatch.setattr(live, "_watch_page_request", lambda: None)
    monkeypatch.setattr(live, "_page_hooks", [])

