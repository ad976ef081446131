"""Every saved answer as one CSV row, with its attempt and per-option choices.

One row per question attempt, so a spreadsheet or another system can rebuild any
report. ``response`` is the answer as its type writes it (option ids joined by ';',
'true' or 'false', a number, ...: see each type's ``response_text``); ``options``
lists everything item analysis counts for the question (the options of a choice
question, true and false, ...) as ``id=1`` (chosen) or ``id=0``.
Text cells that a spreadsheet would run as a formula (starting with = + - @ or a
tab) are prefixed with an apostrophe; numbers are left as they are.
``score`` is the current one (after any ``ketatraining regrade``, then ``regraded`` is
true); ``question_version`` is the version of the question that score was marked
against (the numbers ``regrade`` and ``stats --by-version`` use; empty in old stores).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING

from ketatraining.quiz.types import get_type

if TYPE_CHECKING:
    from ketatraining.progress.records import AttemptRecord, Submission
    from ketatraining.quiz.model import AnyQuestion, Quiz

COLUMNS = (
    "learner_id", "quiz_id", "attempt", "attempt_started_at", "attempt_finished_at",
    "attempt_score", "attempt_max_score", "attempt_percent", "attempt_passed",
    "question_id", "question_type", "objective", "response", "options", "score",
    "max_score", "fraction", "correct", "duration_seconds", "submitted_at",
    "question_version", "regraded",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formulas in a text cell (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _response_text(question: AnyQuestion | None, response: object) -> str:
    """The response through its type's codec; raw JSON only if it fits no question."""
    if response is None:
        return ""
    if question is not None:
        definition = get_type(question)
        decoded = definition.decode(question, response)
        if decoded is not None:
            return definition.response_text(question, decoded)
    return _raw_text(response)


def _raw_text(response: object) -> str:
    """A response whose question is gone (or changed type), written as plainly as possible."""
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, list):
        return ";".join(str(r) for r in response)
    if isinstance(response, float):
        return f"{response:.15g}"
    if isinstance(response, (int, str)):
        return str(response)
    return json.dumps(response, ensure_ascii=False)


def _options_text(question: AnyQuestion | None, response: object) -> str:
    if question is None:
        return ""
    definition = get_type(question)
    choices = definition.choices(question)
    if not choices:
        return ""
    decoded = definition.decode(question, response)
    chosen = set() if decoded is None else definition.chosen(question, decoded)
    return ";".join(f"{c.id}={int(c.id in chosen)}" for c in choices)


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
            question = quiz.question(answer.question_id) if quiz else None
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
            safe_text(_response_text(question, answer.response)), _options_text(question, answer.response),
            _number(answer.score), _number(answer.max_score),
            _number(answer.score / answer.max_score if answer.max_score else None),
            _flag(answer.correct), _number(answer.duration_seconds),
            answer.submitted_at.isoformat(),
            "" if answer.question_version is None else str(answer.question_version),
            _flag(answer.regraded),
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
