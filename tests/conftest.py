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
