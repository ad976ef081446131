"""Re-score stored answers after a trainer fixes a quiz (a wrong key, a weight, a tolerance).

Nothing stored is ever altered or deleted: each changed answer gets an audit row in
``kt_regrades`` and each changed attempt total one in ``kt_attempt_regrades``, under one
``kt_regrade_runs`` row; the newest audit row is what results, item analysis and
completion records read (``ProgressStore.responses()`` and ``attempts()`` apply it and set
``regraded=True``). A regrade of one quiz is one transaction: it is written completely or
not at all. Answers are re-marked by the same grading code that marked them, so regrading
an unchanged quiz, or regrading twice, changes nothing.

An attempt's new total is its current total plus the change of each question's latest
answer in it, and its maximum changes only by the change of those questions' points: an
attempt is never marked on questions it did not see.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ketatraining.errors import StoreBusyError, StoreError, StoreUnavailableError
from ketatraining.progress import schema
from ketatraining.progress.records import AttemptRecord, Submission, utcnow
from ketatraining.quiz.grading import grade
from ketatraining.quiz.versions import grading_hash

if TYPE_CHECKING:
    from ketatraining.progress.store import ProgressStore
    from ketatraining.quiz.model import Quiz

_EPSILON = 1e-9
_LOCK_BASE = 7401202500
"""PostgreSQL advisory lock key space for regrades (one key per quiz)."""


class RegradeError(StoreError):
    """A regrade was refused; nothing was written. The message says why and what to do."""


class RegradeBusyError(RegradeError, StoreBusyError):
    """Another regrade (or a long write) holds the store; nothing was written."""


@dataclass(frozen=True)
class AnswerChange:
    learner_id: str
    attempt: int
    question_id: str
    submission_id: str
    old_score: float
    new_score: float
    max_score: float
    correct: bool
    question_hash: str
    question_version: int | None


@dataclass(frozen=True)
class AttemptChange:
    learner_id: str
    attempt: int
    old_score: float | None
    new_score: float | None
    old_max: float
    max_score: float
    pass_mark: float
    old_passed: bool | None
    new_passed: bool | None

    @property
    def pass_changed(self) -> bool:
        return self.old_passed != self.new_passed

    @property
    def old_percent(self) -> float | None:
        return None if self.old_score is None or not self.old_max else (
            100 * self.old_score / self.old_max)

    @property
    def new_percent(self) -> float | None:
        return None if self.new_score is None or not self.max_score else (
            100 * self.new_score / self.max_score)


@dataclass(frozen=True)
class RegradeReport:
    """What a regrade changed (or, with ``dry_run``, would change)."""

    quiz_id: str
    dry_run: bool
    answers_checked: int
    answers: tuple[AnswerChange, ...] = ()
    attempts: tuple[AttemptChange, ...] = ()
    run_id: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.answers or self.attempts)

    @property
    def pass_changes(self) -> tuple[AttemptChange, ...]:
        return tuple(c for c in self.attempts if c.pass_changed)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0.0, abs_tol=_EPSILON)


def plan(quiz: Quiz, responses: Sequence[Submission],
         attempts: Sequence[AttemptRecord]) -> tuple[list[AnswerChange], list[AttemptChange]]:
    """The changes that re-marking ``responses`` against ``quiz`` makes (pure).

    ``responses`` and ``attempts`` are the current (already regraded) records of the quiz.
    """
    questions = {q.id: q for q in quiz.questions}
    missing = sorted({r.question_id for r in responses} - set(questions))
    if missing:
        shown = ", ".join(f"'{q}'" for q in missing[:5])
        count = sum(r.question_id in missing for r in responses)
        msg = (f"The quiz '{quiz.id}' no longer has the question(s) {shown} that {count} "
               "stored answer(s) were given to, so nothing was regraded: put the "
               "question(s) back (a changed question keeps its id; a new one gets a new id).")
        if quiz.pools:
            msg += (" To stop drawing a question, take it out of its pool (its tag, or the "
                    "pool's list of ids) and keep it in the file: attempts that drew it "
                    "keep it.")
        raise RegradeError(msg)
    hashes = {q.id: grading_hash(q) for q in quiz.questions}
    changes: list[AnswerChange] = []
    latest: dict[tuple[str, int, str], Submission] = {}
    for answer in responses:
        latest[(answer.learner_id, answer.attempt, answer.question_id)] = answer
    new_of: dict[str, tuple[float, float]] = {}
    for answer in responses:
        marked = grade(questions[answer.question_id], answer.response)
        new_of[answer.submission_id] = (marked.score, marked.max_score)
        if _same(marked.score, answer.score) and _same(marked.max_score, answer.max_score) \
                and marked.correct == answer.correct:
            continue
        changes.append(AnswerChange(
            answer.learner_id, answer.attempt, answer.question_id, answer.submission_id,
            answer.score, marked.score, marked.max_score, marked.correct,
            hashes[answer.question_id], None))
    delta: dict[tuple[str, int], tuple[float, float]] = {}
    for (learner, attempt, _question), answer in latest.items():
        score, top = new_of[answer.submission_id]
        old = delta.get((learner, attempt), (0.0, 0.0))
        delta[(learner, attempt)] = (old[0] + score - answer.score,
                                     old[1] + top - answer.max_score)
    attempt_changes: list[AttemptChange] = []
    for record in attempts:
        d_score, d_max = delta.get((record.learner_id, record.attempt), (0.0, 0.0))
        if _same(d_score, 0.0) and _same(d_max, 0.0):
            continue
        new_max = record.max_score + d_max
        if record.score is None:  # unfinished: no total yet, only its maximum moves
            new_score, new_passed = None, None
        else:
            new_score = record.score + d_score
            percent = 100.0 * new_score / new_max if new_max else 0.0
            new_passed = percent + _EPSILON >= record.pass_mark
        attempt_changes.append(AttemptChange(
            record.learner_id, record.attempt, record.score, new_score, record.max_score,
            new_max, record.pass_mark, record.passed, new_passed))
    return changes, attempt_changes


def _lock(connection: Connection, quiz_id: str) -> None:
    if connection.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already holds the only write lock
    key = _LOCK_BASE + (int(uuid.uuid5(uuid.NAMESPACE_URL, quiz_id).hex[:6], 16))
    got = connection.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({key})").scalar()
    if not got:
        msg = (f"Another regrade of the quiz '{quiz_id}' is running, so this one changed "
               "nothing; run it again when the other has finished.")
        raise RegradeBusyError(msg)


def _write(connection: Connection, quiz_id: str, by: str, answers: list[AnswerChange],
           attempts: list[AttemptChange]) -> tuple[str, list[AnswerChange]]:
    from ketatraining.progress.store import question_version

    run_id = uuid.uuid4().hex
    connection.execute(insert(schema.regrade_runs).values(
        run_id=run_id, quiz_id=quiz_id, regraded_at=utcnow(), regraded_by=by,
        answers_changed=len(answers), attempts_changed=len(attempts)))
    numbered = []
    for change in answers:
        version = question_version(connection, quiz_id, change.question_id,
                                   change.question_hash)
        numbered.append(replace(change, question_version=version))
    if numbered:
        connection.execute(insert(schema.regrades), [
            {"run_id": run_id, "submission_id": c.submission_id,
             "learner_id": c.learner_id, "quiz_id": quiz_id,
             "question_id": c.question_id, "old_score": c.old_score,
             "new_score": c.new_score, "max_score": c.max_score, "correct": c.correct,
             "question_hash": c.question_hash, "question_version": c.question_version}
            for c in numbered])
    if attempts:
        connection.execute(insert(schema.attempt_regrades), [
            {"run_id": run_id, "learner_id": c.learner_id, "quiz_id": quiz_id,
             "attempt": c.attempt, "old_score": c.old_score, "new_score": c.new_score,
             "max_score": c.max_score, "old_passed": c.old_passed,
             "new_passed": c.new_passed}
            for c in attempts])
    return run_id, numbered


def regrade(store: ProgressStore, quiz: Quiz, *, dry_run: bool = False,
            by: str = "trainer") -> RegradeReport:
    """Re-mark every stored answer to ``quiz``; with ``dry_run`` only report the changes.

    One transaction: a refusal (removed questions, another regrade running, a store that
    cannot be written) leaves the store exactly as it was.
    """
    from ketatraining.progress.store import _unavailable_reason

    if not dry_run and not store.writable:
        msg = (f"The progress store {store.display_url} was opened read-only, so nothing "
               "was regraded; use --dry-run to see what would change.")
        raise RegradeError(msg)

    def work(connection: Connection) -> RegradeReport:
        if not dry_run:
            _lock(connection, quiz.id)
        responses = store.responses(quiz_id=quiz.id, connection=connection)
        attempts = store.attempts(quiz_id=quiz.id, connection=connection)
        answers, totals = plan(quiz, responses, attempts)
        run_id = None
        if not dry_run and (answers or totals):
            run_id, answers = _write(connection, quiz.id, by, answers, totals)
        return RegradeReport(quiz.id, dry_run, len(responses), tuple(answers), tuple(totals),
                             run_id)

    try:
        with store.engine.begin() as connection:
            return work(connection)
    except StoreError:
        raise
    except DBAPIError as error:
        text = str(error).lower()
        if "locked" in text or "busy" in text:
            msg = (f"The progress store {store.display_url} is busy (another regrade, or a "
                   "long write), so nothing was regraded; run it again in a minute.")
            raise RegradeBusyError(msg) from error
        reason = _unavailable_reason(error) or "the database reported an error"
        msg = f"Nothing was regraded: the progress store {store.display_url} cannot be used ({reason})."
        raise StoreUnavailableError(msg) from error
    except SQLAlchemyError as error:
        msg = f"Nothing was regraded: the progress store {store.display_url} failed ({error})."
        raise StoreUnavailableError(msg) from error


def history(store: ProgressStore, quiz_id: str | None = None) -> list[dict[str, object]]:
    """Every regrade run that changed something, oldest first (the audit trail's index)."""
    table = schema.regrade_runs

    def work(connection: Connection) -> list[dict[str, object]]:
        query = select(table).order_by(table.c.id)
        if quiz_id is not None:
            query = query.where(table.c.quiz_id == quiz_id)
        return [dict(row._mapping) for row in connection.execute(query)]

    return store._run(work)
