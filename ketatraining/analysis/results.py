"""Results per learner and quiz, per quiz, and per learning objective.

Definitions (the trainer guide repeats them):

- an attempt counts for scores once finished; ``best_percent`` is the highest finished
  score, ``last_percent`` the most recent finished one;
- ``passed`` is True when any finished attempt reached the pass mark, False when
  finished attempts exist but none did, None when the learner never finished;
- ``time_spent_seconds`` adds up, over all attempts, the time from the attempt's start
  (when the quiz page first showed one of its questions, measured in the browser) to its
  end (or to its last saved answer while it is unfinished); each answer's own
  ``duration_seconds`` is the time from when that question was first shown or focused
  to its Check;
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
    from ketatraining.progress.records import AttemptRecord, Submission
    from ketatraining.progress.store import ProgressStore
    from ketatraining.quiz.model import Quiz

MASTERY_THRESHOLD = 0.8


@dataclass(frozen=True)
class LearnerQuizResult:
    """How one learner did on one quiz."""

    learner_id: str
    quiz_id: str
    attempts: int
    finished: int
    best_percent: float | None
    last_percent: float | None
    pass_mark: float
    passed: bool | None
    time_spent_seconds: float
    last_activity: datetime | None
    regraded: bool = False
    """Whether any attempt's total was changed by ``ketatraining regrade``."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_activity"] = self.last_activity.isoformat() if self.last_activity else None
        return data


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
    mean_best_percent: float | None
    median_time_seconds: float | None

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


def _attempt_end(record: AttemptRecord, last_answer: datetime | None) -> datetime:
    if record.finished_at is not None:
        return record.finished_at
    return last_answer if last_answer is not None else record.started_at


def learner_results(attempts: Iterable[AttemptRecord],
                    responses: Iterable[Submission] = ()) -> list[LearnerQuizResult]:
    """One row per (learner, quiz) that has at least one attempt, sorted by both."""
    last_answer: dict[tuple[str, str, int], datetime] = {}
    for answer in responses:
        key = (answer.learner_id, answer.quiz_id, answer.attempt)
        if key not in last_answer or answer.submitted_at > last_answer[key]:
            last_answer[key] = answer.submitted_at
    grouped: dict[tuple[str, str], list[AttemptRecord]] = defaultdict(list)
    for record in attempts:
        grouped[(record.learner_id, record.quiz_id)].append(record)
    rows = []
    for (learner, quiz), records in sorted(grouped.items()):
        records.sort(key=lambda r: r.attempt)
        finished = [r for r in records if r.finished_at is not None and r.percent is not None]
        ends = [_attempt_end(r, last_answer.get((learner, quiz, r.attempt))) for r in records]
        spent = sum(max(0.0, (end - r.started_at).total_seconds())
                    for r, end in zip(records, ends, strict=True))
        rows.append(LearnerQuizResult(
            learner_id=learner,
            quiz_id=quiz,
            attempts=len(records),
            finished=len(finished),
            best_percent=max((r.percent for r in finished), default=None),  # type: ignore[type-var]
            last_percent=finished[-1].percent if finished else None,
            pass_mark=records[-1].pass_mark,
            passed=any(bool(r.passed) for r in finished) if finished else None,
            time_spent_seconds=round(spent, 3),
            last_activity=max(ends),
            regraded=any(r.regraded for r in records),
        ))
    return rows


def quiz_summaries(results: Sequence[LearnerQuizResult]) -> list[QuizSummary]:
    """One summary per quiz, sorted by quiz id."""
    grouped: dict[str, list[LearnerQuizResult]] = defaultdict(list)
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
            median_time_seconds=statistics.median(r.time_spent_seconds for r in rows),
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


def load_results(store: ProgressStore, learner_id: str | None = None,
                 quiz_id: str | None = None) -> list[LearnerQuizResult]:
    """learner_results() for everything in a store, optionally for one learner or quiz."""
    return learner_results(store.attempts(learner_id, quiz_id),
                           store.responses(learner_id, quiz_id))
