"""The quiz widget's tests run against both implementations of the assessment seam.

``learner`` is parametrised: ``local`` (a LocalAssessment on this test's SQLite store) and
``hub`` (a HubAssessment for a fresh hub user of the real JupyterHub and course server of
tests/hub, started once per session; skipped with a message when a component is missing,
failing under CI=true). Both serve the same quiz files (``hub.hubstack.WIDGET_QUIZZES``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hub.hubstack import WIDGET_QUIZZES, hub_assessment, hub_stack  # noqa: F401
from progress.conftest import postgres_server  # noqa: F401

from ketatraining.assessment.protocol import Assessment
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.store import ProgressStore


@dataclass
class Learner:
    """One learner as the widget sees them, and where their answers end up."""

    kind: str
    name: str
    store: ProgressStore
    """The local store, or (hub) the course server's own database, read as its owner."""
    new_assessment: Callable[[], Assessment]
    """A fresh kernel's assessment for this learner (a second tab, a restarted kernel)."""
    folder: Path
    opened: list[Any] = field(default_factory=list)

    def widget(self, quiz_id: str = "welcome", *, seed: int | None = None) -> Any:
        """A QuizWidget for ``quiz_id`` (one of WIDGET_QUIZZES) in a fresh kernel."""
        from ketatraining.quiz.loading import load_quiz
        from ketatraining.widgets.quiz import QuizWidget

        assessment = self.new_assessment()
        self.opened.append(assessment)
        if self.kind == "hub":
            return QuizWidget(quiz_id, assessment=assessment, seed=seed)
        path = self.folder / f"{quiz_id}.yaml"
        path.write_text(WIDGET_QUIZZES[path.name], encoding="utf-8")
        return QuizWidget(load_quiz(path), assessment=assessment, seed=seed)

    def responses(self, quiz_id: str | None = None) -> list[Submission]:
        return self.store.responses(self.name, quiz_id)

    def attempts(self, quiz_id: str | None = None) -> list[AttemptRecord]:
        return self.store.attempts(self.name, quiz_id)


@pytest.fixture(params=["local", pytest.param("hub", marks=[pytest.mark.postgres,
                                                            pytest.mark.slow])])
def learner(request: pytest.FixtureRequest, isolated_store: str,
            tmp_path: Path) -> Iterator[Learner]:
    folder = tmp_path / "widget-quizzes"
    folder.mkdir()
    if request.param == "local":
        from ketatraining.assessment.local import LocalAssessment

        store = ProgressStore(isolated_store)
        yield Learner("local", "ann", store,
                      lambda: LocalAssessment(store, learner_id="ann"), folder)
        store.close()
        return
    stack = request.getfixturevalue("hub_stack")
    name = f"w{secrets.token_hex(4)}"
    stack.api("POST", f"users/{name}")
    store = ProgressStore(stack.owner_url)
    result = Learner("hub", name, store, lambda: stack.assessment(name), folder)
    yield result
    for client in result.opened:
        client.close()
    store.close()
