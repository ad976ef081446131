"""Trainer results from the one results summary: per quiz (the cohort) and per objective.

The per-learner rows are :class:`ketatraining.progress.summary.QuizResult` (its module
defines attempts, best/last score, passed and time); this module only aggregates them,
so a trainer's figures are the learner's own figures added up. The trainer guide
repeats the definitions:

- a quiz's ``pass_rate`` is passed learners / learners who finished it at least once;
  ``mean_best_percent`` averages those learners' best finished scores;
  ``median_time_seconds`` is the median, over the same learners, of their time on
  finished attempts (an attempt still in progress adds nothing until it is finished);
- an objective's mastery takes each learner's latest answer to each question that
  assesses the objective; a learner has mastered it at a mean mark of 80 % or more.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketatraining.progress.records import Submission
    from ketatraining.progress.summary import QuizResult
    from ketatraining.quiz.model import Quiz

__all__ = ["MASTERY_THRESHOLD", "ObjectiveMastery", "QuizSummary", "objective_mastery",
           "quiz_summaries"]

MASTERY_THRESHOLD = 0.8


@dataclass(frozen=True)
class QuizSummary:
    """How the cohort did on one quiz."""

    quiz_id: str
    learners: int
    finished_learners: int
    passed_learners: int
    pass_rate: float | None
    """Passed learners / learners who finished at least once (None if nobody has)."""
    attempts: int
    """Attempts started by all its learners, finished or not."""
    mean_best_percent: float | None
    median_time_seconds: float | None
    """Median time on finished attempts of the learners who finished (None if nobody has)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ObjectiveMastery:
    """How the cohort does on the questions that assess one learning objective."""

    objective: str
    questions: int
    learners: int
    mean: float | None
    """Mean over learners of their mean mark (0..1) on the objective's questions."""
    mastered: float | None
    """Share of learners whose mean mark is at least MASTERY_THRESHOLD."""


def quiz_summaries(results: Sequence[QuizResult]) -> list[QuizSummary]:
    """One summary per quiz, sorted by quiz id, from the learners' own result rows."""
    grouped: dict[str, list[QuizResult]] = defaultdict(list)
    for row in results:
        grouped[row.quiz_id].append(row)
    summaries = []
    for quiz, rows in sorted(grouped.items()):
        finished = [r for r in rows if r.finished]
        passed = [r for r in finished if r.passed]
        best = [r.best_percent for r in finished if r.best_percent is not None]
        summaries.append(QuizSummary(
            quiz_id=quiz,
            learners=len(rows),
            finished_learners=len(finished),
            passed_learners=len(passed),
            pass_rate=len(passed) / len(finished) if finished else None,
            attempts=sum(r.attempts for r in rows),
            mean_best_percent=statistics.fmean(best) if best else None,
            median_time_seconds=(statistics.median(r.time_spent_seconds for r in finished)
                                 if finished else None),
        ))
    return summaries


def objective_mastery(responses: Iterable[Submission], quizzes: Mapping[str, Quiz],
                      threshold: float = MASTERY_THRESHOLD) -> list[ObjectiveMastery]:
    """Mastery per objective of the given quizzes, sorted by objective key.

    Answers to quizzes or questions not in ``quizzes`` are ignored; an objective nobody
    has answered yet is listed with ``learners == 0`` and null values.
    """
    objective_of: dict[tuple[str, str], str] = {}
    questions_per: dict[str, int] = defaultdict(int)
    for quiz in quizzes.values():
        for question in quiz.questions:
            objective_of[(quiz.id, question.id)] = question.objective
            questions_per[question.objective] += 1
    latest: dict[tuple[str, str, str], tuple[datetime, float]] = {}
    for answer in responses:
        if (answer.quiz_id, answer.question_id) not in objective_of:
            continue
        fraction = answer.score / answer.max_score if answer.max_score else 0.0
        key = (answer.learner_id, answer.quiz_id, answer.question_id)
        if key not in latest or answer.submitted_at >= latest[key][0]:
            latest[key] = (answer.submitted_at, fraction)
    per_learner: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (learner, quiz_id, question_id), (_, fraction) in latest.items():
        per_learner[objective_of[(quiz_id, question_id)]][learner].append(fraction)
    rows = []
    for objective in sorted(questions_per):
        means = [statistics.fmean(v) for v in per_learner.get(objective, {}).values()]
        rows.append(ObjectiveMastery(
            objective=objective,
            questions=questions_per[objective],
            learners=len(means),
            mean=statistics.fmean(means) if means else None,
            mastered=sum(m >= threshold - 1e-9 for m in means) / len(means) if means else None,
        ))
    return rows
