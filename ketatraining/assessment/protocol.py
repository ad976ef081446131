"""The seam between a quiz front-end and whoever grades and stores answers.

The quiz widget, the app, ``demo-data`` and the trainer commands talk only to an
:class:`Assessment`. Two implementations sit behind it:

- ``local`` (``ketatraining.assessment.local``): grading in the learner's own kernel and
  the SQLite/PostgreSQL progress store; today's behaviour on a laptop;
- ``hub`` (``ketatraining.assessment.hub``): HTTP calls to ``ketatraining serve``, a
  JupyterHub service that holds the keys, grades, stores and takes identity from the hub.

Everything that crosses the seam is plain JSON-able data, so the same values travel
over a widget comm or HTTP. Before an answer is checked nothing here carries a key,
feedback or explanation: :class:`QuestionView` is the *public* view of a question.
Errors cross the seam only as :class:`AssessmentError` (one sentence for a person),
never as SQLAlchemy, HTTP or other library exceptions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ketatraining.errors import KetaTrainingError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from ketatraining.progress.summary import QuizResult

__all__ = [
    "JSON",
    "Assessment",
    "AssessmentError",
    "AttemptState",
    "Checked",
    "Outcome",
    "QuestionView",
    "QuizView",
    "SaveState",
    "SaveStatus",
    "SyntheticCohorts",
]

JSON = None | bool | int | float | str | list[Any] | dict[str, Any]
"""A response or public field: whatever ``json.dumps`` accepts."""


class AssessmentError(KetaTrainingError):
    """The assessment back end could not do what was asked; the message says what to do.

    ``details`` optionally lists more lines for a trainer (e.g. a quiz file's problems).
    """

    def __init__(self, message: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.details = tuple(details)


class SaveState(StrEnum):
    """Whether the learner's answers are safely stored."""

    SAVED = "saved"
    """Committed to the store (local) or acknowledged by the service (hub)."""
    PENDING = "pending"
    """Graded and kept in the local outbox; written when the store is back (retrying)."""
    OFF = "off"
    """Practice mode: nothing is saved (no usable store); the page says why."""


@dataclass(frozen=True, slots=True)
class SaveStatus:
    state: SaveState
    message: str = ""
    """One plain sentence for the learner (announced by screen readers)."""

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state.value, "message": self.message}


@dataclass(frozen=True, slots=True)
class QuestionView:
    """What the front-end may see of a question before the learner checks it.

    ``data`` holds the type's public fields, e.g. ``options: [{"id", "html"}]`` for
    choice questions, ``units`` for numeric, ``items``/``answers`` for matching,
    ``steps`` for ordering (already in this attempt's display order). Never a key.
    """

    id: str
    type: str
    number: int
    prompt_html: str
    label: str
    """Short plain text naming the question for assistive technology."""
    points: float
    data: dict[str, Any] = field(default_factory=dict)
    control: str = ""
    """The front-end control that answers it (the type's ``control``): the page picks its
    form controls by this, not by the type's name."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class QuizView:
    """The public face of a quiz: what a learner is told before starting."""

    id: str
    title: str
    description_html: str
    pass_mark: float
    max_attempts: int | None
    question_count: int
    max_score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Checked:
    """A graded answer, returned only after it was stored (or queued, see ``save``)."""

    question_id: str
    response: JSON
    score: float
    max_score: float
    verdict: str
    """"correct", "partly" or "incorrect"."""
    feedback_html: str
    explanation_html: str
    save: SaveStatus
    attempt_id: str | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["save"] = self.save.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class AttemptState:
    """An attempt to show: a resumed open attempt, or a new one not yet stored.

    A new attempt is stored with its first answer, so opening a page never uses up one of
    ``max_attempts``. ``answered`` holds the answers already checked in a resumed attempt.
    ``blocked`` is a sentence when no attempt can be made (e.g. all attempts used).
    """

    quiz: QuizView
    attempt_id: str | None
    questions: tuple[QuestionView, ...]
    answered: tuple[Checked, ...] = ()
    attempts_used: int = 0
    blocked: str | None = None
    save: SaveStatus = field(default_factory=lambda: SaveStatus(SaveState.SAVED))
    drawn: tuple[str, ...] = ()
    """For a quiz with pools: the ids of the questions drawn for this attempt (``questions``
    holds exactly these); empty for a quiz without pools (every question is asked)."""
    draw_seed: int | None = None
    """The seed of that draw, stored with the attempt so the draw can be reproduced."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "drawn": list(self.drawn),
            "draw_seed": self.draw_seed,
            "quiz": self.quiz.to_dict(),
            "attempt_id": self.attempt_id,
            "questions": [q.to_dict() for q in self.questions],
            "answered": [c.to_dict() for c in self.answered],
            "attempts_used": self.attempts_used,
            "blocked": self.blocked,
            "save": self.save.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished attempt."""

    attempt_id: str | None
    score: float
    max_score: float
    percent: float
    pass_mark: float
    passed: bool
    save: SaveStatus

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["save"] = self.save.to_dict()
        return data


@runtime_checkable
class Assessment(Protocol):
    """Grade and keep one learner's answers. Implementations: local and hub."""

    @property
    def learner_id(self) -> str: ...

    def quiz_view(self, quiz_id: str) -> QuizView:
        """The public face of a quiz (title, pass mark, attempts), without a key."""
        ...

    def start(self, quiz_id: str, *, seed: int | None = None) -> AttemptState:
        """Resume the learner's open attempt, or prepare a new one (stored on first answer)."""
        ...

    def submit(self, quiz_id: str, attempt_id: str | None, question_id: str,
               response: JSON, *, seconds: float | None = None) -> Checked:
        """Grade one answer and store it; feedback is returned only after the write.

        ``seconds`` is the time on task for this question, measured by the front-end
        from when the question was first shown or focused to its Check.
        """
        ...

    def finish(self, quiz_id: str, attempt_id: str | None, *,
               seconds: float | None = None) -> Outcome:
        """Close the attempt once every question is answered; score and pass are derived.

        ``seconds`` is the time on the attempt, measured by the front-end from when its
        first question was shown to the finish (the attempt's recorded duration).
        """
        ...

    def save_status(self) -> SaveStatus:
        """The current save state, e.g. after queued answers were written in the background."""
        ...

    def my_results(self) -> list[QuizResult]:
        """The learner's own per-quiz results: rows of the one results summary
        (``progress.summary.load_results``), the same rows the certificate and the
        trainer's reports use."""
        ...


SYNTHETIC_PREFIX = "demo-"
"""Synthetic learners' ids start with this (``demo-001``); no real learner is ever one."""


@runtime_checkable
class SyntheticCohorts(Protocol):
    """Optional, for ``demo-data`` only: answer as a synthetic learner, back-dated.

    ``as_synthetic`` returns an :class:`Assessment` for the learner ``learner_id`` (which
    must start with :data:`SYNTHETIC_PREFIX`) whose attempts and answers are stored with
    the times ``clock()`` gives when each is made, so a cohort spread over days can be
    written in seconds. Everything else is the ordinary seam: answers are graded and
    stored by the implementation, with its rules (attempts, one open attempt). The hub
    implementation allows it only to members of the trainers' group, on a course server
    started with ``--allow-demo``.
    """

    def as_synthetic(self, learner_id: str, clock: Callable[[], datetime]) -> Assessment: ...
