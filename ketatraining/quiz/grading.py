"""Grading: pure functions from a question and a response to a mark.

Each type's rule lives with its definition in ``quiz/types/`` (documented for trainers
in quizzes/README.md); this module dispatches and totals an attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ketatraining.quiz.model import AnyQuestion, Quiz
from ketatraining.quiz.types import get_type
from ketatraining.quiz.types.base import Grade
from ketatraining.quiz.types.numeric import ROUNDING, within

__all__ = ["AttemptScore", "Grade", "Response", "grade", "score_quiz", "within"]

Response = Any
"""A stored response (JSON); each type's codec decodes it (``get_type(q).decode``)."""


@dataclass(frozen=True, slots=True)
class AttemptScore:
    """One attempt's total against the pass mark (a learner's results over attempts are
    ``progress.summary.QuizResult``)."""

    score: float
    max_score: float
    pass_mark: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        return self.percent + ROUNDING >= self.pass_mark


def grade(question: AnyQuestion, response: object) -> Grade:
    """Mark one response; never raises for a malformed response (it scores 0)."""
    return get_type(question).grade(question, response)


def score_quiz(quiz: Quiz, grades: Sequence[Grade]) -> AttemptScore:
    """Total a finished attempt against the quiz's pass mark."""
    return AttemptScore(
        score=sum(g.score for g in grades),
        max_score=quiz.max_score,
        pass_mark=quiz.pass_mark,
    )
