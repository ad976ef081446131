"""The one results summary: how a learner did on a quiz, computed from the store.

Every view of results is built from :class:`QuizResult` rows made here, so they cannot
disagree: the learner's progress view (``show_progress``, ``Assessment.my_results``, the
hub's ``api/me/results``), the completion record, and the trainer's reports
(``ketatraining results``, the trainer dashboard, ``analysis.results.quiz_summaries``).

What each figure measures:

- ``attempts``: attempts started, finished or not; ``finished``: attempts finished
  (every question checked, then Finish); ``in_progress``: the newest attempt is not
  finished yet (an older unfinished attempt was abandoned when a newer one started);
- ``best_percent`` / ``last_percent``: the highest and the most recent *finished* score
  (regraded totals when ``ketatraining regrade`` changed them); None until one finishes;
- ``passed``: True once any finished attempt reached the pass mark, False when finished
  attempts exist but none did, None when the learner has not finished one;
- ``time_spent_seconds``: the time on the quiz's *finished* attempts only, each from
  when its first question was shown (measured in the learner's browser) to its Finish;
  an unfinished attempt's time is not counted until it is finished. (Each answer's own
  ``Submission.duration_seconds`` is the time from when that question was first shown
  or focused to its Check.) When no front-end timing reached the store, an attempt runs
  from its first saved answer;
- ``last_activity``: the latest of the attempts' starts, finishes and saved answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ketatraining.progress.records import AttemptRecord, Submission

if TYPE_CHECKING:
    from ketatraining.progress.store import ProgressStore
    from ketatraining.quiz.model import Quiz

__all__ = ["QuizResult", "load_results", "quiz_results"]


@dataclass(frozen=True, slots=True)
class QuizResult:
    """How one learner did on one quiz (the module docstring defines each figure)."""

    learner_id: str
    quiz_id: str
    title: str
    topic: str
    attempts: int
    finished: int
    in_progress: bool
    best_percent: float | None
    last_percent: float | None
    pass_mark: float
    passed: bool | None
    time_spent_seconds: float
    last_activity: datetime | None
    regraded: bool = False
    """Whether any attempt's total was changed by ``ketatraining regrade``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the CLI's csv/json output and the hub's ``api/me/results``)."""
        data = asdict(self)
        data["last_activity"] = self.last_activity.isoformat() if self.last_activity else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuizResult:
        """The row ``to_dict`` wrote (the hub client reads the service's rows with it)."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        if values.get("last_activity"):
            values["last_activity"] = datetime.fromisoformat(values["last_activity"])
        return cls(**values)


def _row(learner: str, quiz_id: str, records: list[AttemptRecord], last_answer: datetime | None,
         title: str, topic: str) -> QuizResult:
    records.sort(key=lambda r: r.attempt)
    finished = [r for r in records if r.finished_at is not None and r.percent is not None]
    percents = [r.percent for r in finished if r.percent is not None]
    moments = [r.started_at for r in records]
    moments += [r.finished_at for r in records if r.finished_at is not None]
    if last_answer is not None:
        moments.append(last_answer)
    return QuizResult(
        learner_id=learner, quiz_id=quiz_id, title=title, topic=topic,
        attempts=len(records), finished=len(finished),
        in_progress=records[-1].finished_at is None,
        best_percent=max(percents) if percents else None,
        last_percent=percents[-1] if percents else None,
        pass_mark=records[-1].pass_mark,
        passed=any(bool(r.passed) for r in finished) if finished else None,
        time_spent_seconds=round(sum(max(0.0, r.duration_seconds or 0.0) for r in finished), 3),
        last_activity=max(moments),
        regraded=any(r.regraded for r in records))


def quiz_results(attempts: Iterable[AttemptRecord], responses: Iterable[Submission],
                 quizzes: Mapping[str, Quiz] | None = None) -> list[QuizResult]:
    """One row per (learner, quiz) with at least one attempt.

    Sorted by learner, then in the order of ``quizzes`` (the course's order; quizzes not
    in it come last, by id). ``quizzes`` gives titles and topics; a quiz not among them
    is shown by its id, topic "other". ``responses`` only date the last activity.
    """
    last_answer: dict[tuple[str, str], datetime] = {}
    for answer in responses:
        key = (answer.learner_id, answer.quiz_id)
        if key not in last_answer or answer.submitted_at > last_answer[key]:
            last_answer[key] = answer.submitted_at
    grouped: dict[tuple[str, str], list[AttemptRecord]] = defaultdict(list)
    for record in attempts:
        grouped[(record.learner_id, record.quiz_id)].append(record)
    known = dict(quizzes or {})
    order = {quiz_id: index for index, quiz_id in enumerate(known)}
    rows = []
    for (learner, quiz_id), records in grouped.items():
        quiz = known.get(quiz_id)
        title, topic = (quiz.title, quiz.topic) if quiz is not None else (quiz_id, "other")
        rows.append(_row(learner, quiz_id, records, last_answer.get((learner, quiz_id)),
                         title, topic))
    rows.sort(key=lambda r: (r.learner_id, order.get(r.quiz_id, len(order)), r.quiz_id))
    return rows


def load_results(store: ProgressStore, learner_id: str | None = None,
                 quiz_id: str | None = None,
                 quizzes: Mapping[str, Quiz] | None = None) -> list[QuizResult]:
    """:func:`quiz_results` for a store, optionally for one learner or one quiz.

    Every view of results calls this, so they all read the same rows the same way.
    """
    return quiz_results(store.attempts(learner_id, quiz_id),
                        store.responses(learner_id, quiz_id), quizzes)
