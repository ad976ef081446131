"""Grading: pure functions from a question and a response to a mark.

Rules (documented for trainers in quizzes/README.md):

- single_choice, true_false: all points for the right answer, none otherwise.
- multiple_choice without weights: fraction = (right ticks / right options)
  - (wrong ticks / wrong options), clamped to [0, 1]; so ticking everything scores 0.
  With weights (percent per option, negative for penalties, as Moodle's GIFT):
  fraction = sum of ticked weights / 100, clamped to [0, 1].
- numeric: accepted when |answer - value| <= tolerance, or <= relative_tolerance *
  |value|; both bounds inclusive (a tiny 1e-9 allowance absorbs binary rounding, so
  40.5 is accepted for 40 +/- 0.5 and 0.4 for 0.3 +/- 0.1). Without any tolerance the
  answer must equal the value. Alternatives earn their credit when matched.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ketatraining.quiz.model import (
    MultipleChoice,
    Numeric,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)

Response = str | Collection[str] | bool | float | None
_ROUNDING = 1e-9


@dataclass(frozen=True, slots=True)
class Grade:
    """The mark for one answer and the feedback that goes with it."""

    score: float
    max_score: float
    feedback: tuple[tuple[str, str], ...] = ()
    """(option id or 'answer', feedback text) pairs, in option order."""

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0

    @property
    def correct(self) -> bool:
        return math.isclose(self.score, self.max_score, rel_tol=0, abs_tol=1e-12)


@dataclass(frozen=True, slots=True)
class QuizResult:
    score: float
    max_score: float
    pass_mark: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        return self.percent + _ROUNDING >= self.pass_mark


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def within(answer: float, target: float, absolute: float | None, relative: float | None) -> bool:
    """Whether ``answer`` is within the inclusive tolerance of ``target``."""
    if not math.isfinite(answer):
        return False
    distance = abs(answer - target)
    allowance = _ROUNDING * max(1.0, abs(target))
    if absolute is None and relative is None:
        return distance <= allowance
    if absolute is not None and distance <= absolute + allowance:
        return True
    return relative is not None and distance <= relative * abs(target) + allowance


def _grade_single(question: SingleChoice, response: Response) -> Grade:
    chosen = response if isinstance(response, str) else None
    right = any(o.id == chosen and o.correct for o in question.options)
    feedback = tuple((o.id, o.feedback) for o in question.options if o.id == chosen)
    return Grade(question.points if right else 0.0, question.points, feedback)


def _grade_multiple(question: MultipleChoice, response: Response) -> Grade:
    if isinstance(response, (str, bool, float, int)) or response is None:
        ticked: set[str] = set()
    else:
        ticked = set(response)
    options = question.options
    if any(o.weight is not None for o in options):
        fraction = sum((o.weight or 0.0) for o in options if o.id in ticked) / 100.0
    else:
        right = [o for o in options if o.correct]
        wrong = [o for o in options if not o.correct]
        fraction = sum(o.id in ticked for o in right) / len(right) if right else 0.0
        if wrong:
            fraction -= sum(o.id in ticked for o in wrong) / len(wrong)
    feedback = tuple((o.id, o.feedback) for o in options if o.id in ticked)
    return Grade(question.points * _clamp(fraction), question.points, feedback)


def _grade_true_false(question: TrueFalse, response: Response) -> Grade:
    if not isinstance(response, bool):
        return Grade(0.0, question.points)
    text = question.feedback_true if response else question.feedback_false
    score = question.points if response == question.answer else 0.0
    return Grade(score, question.points, (("answer", text),))


def _grade_numeric(question: Numeric, response: Response) -> Grade:
    if isinstance(response, bool) or not isinstance(response, (int, float)):
        return Grade(0.0, question.points, (("answer", question.feedback_incorrect),))
    value = float(response)
    if within(value, question.value, question.tolerance, question.relative_tolerance):
        return Grade(question.points, question.points, (("answer", question.feedback_correct),))
    best = None
    for alternative in question.alternatives:
        if within(value, alternative.value, alternative.tolerance, None) and (
            best is None or alternative.credit > best.credit
        ):
            best = alternative
    if best is not None:
        text = best.feedback or question.feedback_incorrect
        credit = _clamp(best.credit / 100.0)
        return Grade(question.points * credit, question.points, (("answer", text),))
    return Grade(0.0, question.points, (("answer", question.feedback_incorrect),))


def grade(question: Question, response: Response) -> Grade:
    """Mark one response; never raises for a malformed response (it scores 0)."""
    if isinstance(question, SingleChoice):
        return _grade_single(question, response)
    if isinstance(question, MultipleChoice):
        return _grade_multiple(question, response)
    if isinstance(question, TrueFalse):
        return _grade_true_false(question, response)
    return _grade_numeric(question, response)


def score_quiz(quiz: Quiz, grades: Sequence[Grade]) -> QuizResult:
    """Total a finished attempt against the quiz's pass mark."""
    return QuizResult(
        score=sum(g.score for g in grades),
        max_score=quiz.max_score,
        pass_mark=quiz.pass_mark,
    )
