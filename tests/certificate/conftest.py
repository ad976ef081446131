"""A small course for completion-record tests: one required quiz 'final', its own catalog."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FINAL_YAML = """\
schema_version: 1
id: final
title: Final check
topic: assessment
pass_mark: 80
questions:
  - id: off-label
    type: true_false
    prompt: Ketamine is FDA-approved for PTSD.
    answer: false
    feedback_true: Not so.
    feedback_false: Right.
    explanation: It is off-label for PTSD.
    references: [spravato_pi]
    objective: nb00-course-scope
"""

COURSE_YAML = """\
schema_version: 1
title: Test course
version: "9.9"
learning_format: Self-paced online course
provider:
  name: null
  contact: null
accreditation_statement: null
credit_statements: []
disclosures: null
release_date: null
review_date: null
disclaimer: Education, not medical advice.
completion:
  required_quizzes: [final]
"""


@pytest.fixture
def course_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A quiz folder (course catalog + 'final' + 'welcome') and a course.yaml, both in use."""
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    for name in ("references.yaml", "objectives.yaml", "welcome.yaml"):
        shutil.copy(ROOT / "quizzes" / name, quizzes / name)
    (quizzes / "final.yaml").write_text(FINAL_YAML)
    (tmp_path / "course.yaml").write_text(COURSE_YAML)
    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(quizzes))
    monkeypatch.setenv("KETATRAINING_COURSE", str(tmp_path / "course.yaml"))
    return tmp_path


def finish(store: object, learner: str, quiz_id: str, *, percent: float, pass_mark: float = 80,
           minutes: float = 5, drawn: list[str] | None = None) -> datetime:
    """Store one finished attempt with the given score (as the quiz widget would);
    ``drawn``: the questions it asked, for a quiz with pools."""
    attempt = store.start_attempt(learner, quiz_id, max_score=1.0,  # type: ignore[attr-defined]
                                  pass_mark=pass_mark, draw_seed=None if drawn is None else 1,
                                  drawn=drawn)
    (record,) = [a for a in store.attempts(learner, quiz_id)  # type: ignore[attr-defined]
                 if a.attempt == attempt]
    started = record.started_at
    store.finish_attempt(learner, quiz_id, attempt, score=percent / 100,  # type: ignore[attr-defined]
                         passed=percent >= pass_mark,
                         finished_at=started + timedelta(minutes=minutes))
    return started + timedelta(minutes=minutes)
