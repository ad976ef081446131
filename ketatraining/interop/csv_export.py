"""Every saved answer as one CSV row, with its attempt and per-option choices.

One row per question attempt, so a spreadsheet or another system can rebuild any
report. ``response`` is the answer as given (option ids joined by ';', 'true' or
'false', a number); ``options`` lists every option of a choice question as
``id=1`` (chosen) or ``id=0``, which is what distractor analysis needs.
Text cells that a spreadsheet would run as a formula (starting with = + - @ or a
tab) are prefixed with an apostrophe; numbers are left as they are.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketatraining.progress.records import AttemptRecord, Submission
    from ketatraining.quiz.model import Quiz

COLUMNS = (
    "learner_id", "quiz_id", "attempt", "attempt_started_at", "attempt_finished_at",
    "attempt_score", "attempt_max_score", "attempt_percent", "attempt_passed",
    "question_id", "question_type", "objective", "response", "options", "score",
    "max_score", "fraction", "correct", "duration_seconds", "submitted_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formulas in a text cell (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _response_text(response: object) -> str:
    if response is None:
        return ""
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, list):
        return ";".join(str(r) for r in response)
    if isinstance(response, float):
        return f"{response:.15g}"
    if isinstance(response, (int, str)):
        return str(response)
    return json.dumps(response)


def _options_text(question: Any, response: object) -> str:
    options = getattr(question, "options", None)
    if not options:
        return ""
    if isinstance(response, str):
        chosen = {response}
    elif isinstance(response, list):
        chosen = {str(r) for r in response}
    else:
        chosen = set()
    return ";".join(f"{o.id}={int(o.id in chosen)}" for o in options)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.15g}"


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def rows(attempts: Iterable[AttemptRecord], submissions: Iterable[Submission],
         quizzes: Mapping[str, Quiz]) -> Iterable[list[str]]:
    """The CSV rows (without header), in the order the answers were saved."""
    by_key = {(a.learner_id, a.quiz_id, a.attempt): a for a in attempts}
    for answer in submissions:
        record = by_key.get((answer.learner_id, answer.quiz_id, answer.attempt))
        quiz = quizzes.get(answer.quiz_id)
        try:
            question: Any = quiz.question(answer.question_id) if quiz else None
        except KeyError:
            question = None
        yield [
            safe_text(answer.learner_id), safe_text(answer.quiz_id), str(answer.attempt),
            record.started_at.isoformat() if record else "",
            record.finished_at.isoformat() if record and record.finished_at else "",
            _number(record.score) if record else "",
            _number(record.max_score) if record else "",
            _number(record.percent) if record else "",
            _flag(record.passed) if record else "",
            safe_text(answer.question_id), question.type if question else "",
            safe_text(question.objective) if question else "",
            safe_text(_response_text(answer.response)), _options_text(question, answer.response),
            _number(answer.score), _number(answer.max_score),
            _number(answer.score / answer.max_score if answer.max_score else None),
            _flag(answer.correct), _number(answer.duration_seconds),
            answer.submitted_at.isoformat(),
        ]


def write_csv(out: IO[str], attempts: Iterable[AttemptRecord],
              submissions: Iterable[Submission], quizzes: Mapping[str, Quiz]) -> int:
    """Write header and rows to ``out``; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows(attempts, submissions, quizzes):
        writer.writerow(row)
        count += 1
    return count
