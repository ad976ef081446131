"""A learner's results per quiz and per topic, computed from stored attempts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ketatraining.progress.records import AttemptRecord


@dataclass(frozen=True, slots=True)
class QuizSummary:
    quiz_id: str
    title: str
    topic: str
    attempts: int
    best_percent: float
    last_percent: float
    pass_mark: float
    passed: bool
    time_spent_seconds: float


def summarise(attempts: Iterable[AttemptRecord],
              quizzes: Mapping[str, tuple[str, str]]) -> list[QuizSummary]:
    """One row per quiz with a finished attempt; ``quizzes`` maps id -> (title, topic)."""
    by_quiz: dict[str, list[AttemptRecord]] = {}
    for record in attempts:
        if record.finished_at is not None and record.percent is not None:
            by_quiz.setdefault(record.quiz_id, []).append(record)
    rows = []
    for quiz_id, records in by_quiz.items():
        records.sort(key=lambda r: r.attempt)
        title, topic = quizzes.get(quiz_id, (quiz_id, "other"))
        percents = [r.percent or 0.0 for r in records]
        rows.append(QuizSummary(
            quiz_id=quiz_id, title=title, topic=topic, attempts=len(records),
            best_percent=max(percents), last_percent=percents[-1],
            pass_mark=records[-1].pass_mark, passed=any(r.passed for r in records),
            time_spent_seconds=sum(r.duration_seconds or 0.0 for r in records)))
    order = list(quizzes)
    rows.sort(key=lambda r: (order.index(r.quiz_id) if r.quiz_id in order else len(order),
                             r.quiz_id))
    return rows
