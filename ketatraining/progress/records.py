"""What the progress store keeps: one row per answer, one per quiz attempt."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketatraining.quiz.types.base import JSON


def utcnow() -> datetime:
    return datetime.now(UTC)


def current_learner() -> str:
    """Who is learning: $KETATRAINING_LEARNER, else the hub user, else the OS user."""
    for variable in ("KETATRAINING_LEARNER", "JUPYTERHUB_USER"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "learner"


@dataclass(frozen=True, slots=True)
class Submission:
    """One checked answer to one question, as acknowledged to the learner."""

    submission_id: str
    learner_id: str
    quiz_id: str
    question_id: str
    attempt: int
    response: JSON
    """The response as its type's codec encodes it (``quiz/types``: ``encode``/``decode``;
    shapes in quizzes/README.md); readers decode it through ``get_type(question)``."""
    score: float
    max_score: float
    correct: bool
    duration_seconds: float
    submitted_at: datetime
    question_hash: str | None = None
    """Hash of what grading read (``quiz.versions.grading_hash``); None in old stores."""
    question_version: int | None = None
    """Readable version number of that hash in this store (1, 2, ...); set when saved."""
    regraded: bool = False
    """True when ``score``/``correct`` come from a regrade (the original row is kept)."""


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One attempt at a quiz; ``finished_at`` is None until the learner completes it."""

    learner_id: str
    quiz_id: str
    attempt: int
    started_at: datetime
    finished_at: datetime | None
    score: float | None
    max_score: float
    pass_mark: float
    passed: bool | None
    regraded: bool = False
    """True when ``score``/``passed`` come from a regrade (the original row is kept)."""
    draw_seed: int | None = None
    """The seed of this attempt's random draw (a quiz with pools; store version 3)."""
    drawn: tuple[str, ...] | None = None
    """The question ids this attempt asked (a quiz with pools); None: every question."""

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return 100.0 * self.score / self.max_score

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
