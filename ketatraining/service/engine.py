"""The service's grading core: the seam's operations for a learner named by the hub.

Every operation is one database transaction, serialised per learner and quiz (a
PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE), so any number of stateless replicas
can serve the same learner: the rules live in the transaction and in unique indexes, not
in memory. Feedback is built only after the transaction that stored the answer commits.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    DateTime,
    String,
    Text,
    create_engine,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ketatraining.assessment import public, wording
from ketatraining.assessment.protocol import (
    JSON,
    AssessmentError,
    AttemptState,
    Checked,
    Outcome,
    QuizView,
    SaveState,
    SaveStatus,
)
from ketatraining.errors import StoreError
from ketatraining.progress import schema as store_schema
from ketatraining.progress.records import AttemptRecord, utcnow
from ketatraining.progress.store import (
    ProgressStore,
    draw_columns,
    latest_regrades,
    question_version,
    read_drawn,
)
from ketatraining.progress.summary import load_results
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.draw import asked_quiz, draw_ids, seed_for
from ketatraining.quiz.grading import AttemptScore
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.versions import grading_hash
from ketatraining.service import schema

log = logging.getLogger("ketatraining.service")
_T = TypeVar("_T")

SAVED = SaveStatus(SaveState.SAVED, "Saved on the course server.")
UNAVAILABLE = ("The course server cannot reach its results database just now, so nothing was "
               "saved. Please try again in a minute; your earlier answers are safe.")
MAX_RESPONSE_BYTES = 4096
NOT_DRAWN = "This question is not one of the questions drawn for your attempt."


class Unavailable(AssessmentError):
    """The database could not be used; nothing was stored."""


class RateLimited(AssessmentError):
    """The caller's shared request bucket is empty; nothing was stored."""


RATE_LIMITED = "Too many requests at once; wait a few seconds and try again."


class Engine:
    """Grade and store answers for learners whose names the caller took from the hub."""

    def __init__(self, url: str, quizzes: dict[str, Quiz], *, pool_size: int = 8,
                 references: Mapping[str, Reference] | None = None) -> None:
        self.quizzes = quizzes
        self.references = references or {}
        self.rendered = public.Rendered(self.references)  # quizzes never change while running
        self._hashes: dict[tuple[str, str], str] = {}
        self._versions: dict[tuple[str, str, str], int] = {}
        store = ProgressStore(url)  # creates or migrates the progress tables
        self.store = store
        self.url = url
        self.limiter: Any = None
        """A ``SharedRateLimiter`` (PostgreSQL): start, submit and finish then take the
        caller's request from the shared bucket inside their own transaction."""
        if store.is_sqlite:
            self.engine = store.engine
        else:
            # No pre-ping round trip per request: a dropped connection fails one request
            # with 503, which the client retries, and the pool replaces the connection.
            self.engine = create_engine(url, pool_recycle=1800, pool_size=pool_size,
                                        max_overflow=0)
        with self.engine.begin() as connection:
            schema.install(connection)

    def fill_pool(self) -> int:
        """Open every pooled connection now (PostgreSQL), before the first learners come:
        a connection costs a TCP and password handshake, which otherwise lands on the
        first requests' latency. Returns how many are open; a database that cannot be
        reached is left to the first request's usual 503."""
        if self.store.is_sqlite:
            return 0
        size = self.engine.pool.size()  # type: ignore[attr-defined]
        held = []
        try:
            for _ in range(size):
                held.append(self.engine.connect())
        except SQLAlchemyError as error:
            log.warning("database connections not opened at start: %s", error)
        finally:
            for connection in held:
                connection.close()
        return len(held)

    def close(self) -> None:
        if self.engine is not self.store.engine:
            self.engine.dispose()
        self.store.close()

    # -- plumbing ------------------------------------------------------------------------
    def _run(self, work: Callable[[Connection], _T]) -> _T:
        for attempt in range(5):
            try:
                with self.engine.begin() as connection:
                    return work(connection)
            except AssessmentError:
                raise
            except IntegrityError:
                # A concurrent writer got there first (e.g. the same answer retried on
                # another replica); run again and find its row.
                if attempt == 4:
                    raise Unavailable(UNAVAILABLE) from None
                time.sleep(0.01 * (attempt + 1))
            except (SQLAlchemyError, StoreError) as error:
                log.warning("database error: %s", error)
                raise Unavailable(UNAVAILABLE) from None
        raise Unavailable(UNAVAILABLE)

    def _lock(self, connection: Connection, learner: str, quiz_id: str,
              caller: str | None = None) -> None:
        """Serialise the learner's work on the quiz; with ``caller``, also take the
        caller's request from the shared rate bucket (one round trip for both)."""
        if connection.dialect.name != "postgresql":
            return
        key = zlib.crc32(f"{learner}\x1f{quiz_id}".encode()) - 2**31
        if caller is not None and self.limiter is not None:
            if not self.limiter.take_and_lock(connection, caller, key):
                raise RateLimited(RATE_LIMITED)
            return
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock(7401, {key:d})")

    def _hash(self, quiz_id: str, question: Any) -> str:
        """The question's grading hash (its content never changes while the service runs)."""
        key = (quiz_id, question.id)
        if key not in self._hashes:
            self._hashes[key] = grading_hash(question)
        return self._hashes[key]

    def quiz(self, quiz_id: str) -> Quiz:
        try:
            return self.quizzes[quiz_id]
        except KeyError:
            msg = f"There is no quiz called '{quiz_id}' on this course server."
            raise AssessmentError(msg) from None

    @staticmethod
    def audit(connection: Connection, actor: str, action: str, *, learner: str | None = None,
              quiz_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
        connection.execute(insert(schema.audit).values(
            at=utcnow(), actor=actor, action=action, learner_id=learner, quiz_id=quiz_id,
            detail=json.dumps(detail or {}, sort_keys=True, default=str)))

    def log_action(self, actor: str, action: str, **kwargs: Any) -> None:
        """Record a read or an administrative action in the audit trail."""
        self._run(lambda c: self.audit(c, actor, action, **kwargs))

    @staticmethod
    def _open_attempt(connection: Connection, learner: str, quiz_id: str) -> Any:
        table = store_schema.attempts
        return connection.execute(select(table).where(
            table.c.learner_id == learner, table.c.quiz_id == quiz_id,
            table.c.finished_at.is_(None))).first()

    @staticmethod
    def _attempts_used(connection: Connection, learner: str, quiz_id: str) -> int:
        table = store_schema.attempts
        return int(connection.execute(select(func.count()).select_from(table).where(
            table.c.learner_id == learner, table.c.quiz_id == quiz_id)).scalar() or 0)

    @staticmethod
    def _answers(connection: Connection, learner: str, quiz_id: str, attempt: int) -> list[Any]:
        """The attempt's answers, with their current (regraded) score and maximum."""
        table = store_schema.responses
        rows = list(connection.execute(select(table).where(
            table.c.learner_id == learner, table.c.quiz_id == quiz_id,
            table.c.attempt == attempt).order_by(table.c.id)))
        latest = latest_regrades(connection, quiz_id) if rows else {}
        return [_regraded(row, latest.get(row.submission_id)) for row in rows]

    def _checked_from_row(self, quiz: Quiz, row: Any) -> Checked:
        question = quiz.question(row.question_id)
        value = json.loads(row.response)
        result = public.grade_response(question, value)
        stored = type(result)(row.score, row.max_score, result.feedback)  # the stored mark rules
        return public.checked(question, value, stored, SAVED, str(row.attempt),
                              self.rendered)

    @staticmethod
    def _draw(quiz: Quiz, learner: str, number: int,
              row: Any = None) -> tuple[Quiz, int | None, tuple[str, ...] | None]:
        """The attempt's quiz (only its drawn questions), seed and drawn ids.

        A stored attempt keeps its draw; a new one draws with a seed any replica derives
        from the learner, quiz and attempt number, so start and the first submit agree.
        """
        if not quiz.pools:
            return quiz, None, None
        drawn = read_drawn(row.drawn_questions) if row is not None else None
        if drawn is not None:
            return asked_quiz(quiz, drawn), row.draw_seed, drawn
        seed = seed_for(learner, quiz.id, number)
        drawn = draw_ids(quiz, seed)
        return asked_quiz(quiz, drawn), seed, drawn

    @staticmethod
    def _keep_late_draw(connection: Connection, row: Any, asked: Quiz, seed: int | None,
                        drawn: tuple[str, ...] | None) -> None:
        """An attempt opened before its quiz had pools gets its draw (seeded as any new
        one) stored with it the first time it is used again, in this transaction, so
        results, regrades and records count only the questions it now asks."""
        if row is None or drawn is None or read_drawn(row.drawn_questions) is not None:
            return
        table = store_schema.attempts
        connection.execute(update(table).where(table.c.id == row.id).values(
            max_score=asked.max_score, **draw_columns(seed, drawn)))

    def _blocked(self, quiz: Quiz, used: int) -> str | None:
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            return wording.NO_MORE_ATTEMPTS.format(limit=quiz.max_attempts)
        return None

    # -- the seam --------------------------------------------------------------------------
    def quiz_view(self, quiz_id: str) -> QuizView:
        return public.quiz_view(self.quiz(quiz_id))

    def start(self, learner: str, quiz_id: str, seed: int | None = None, *,
              caller: str | None = None) -> AttemptState:
        """``caller``: whose shared rate bucket pays for the request (see ``_lock``)."""
        quiz = self.quiz(quiz_id)

        def work(connection: Connection) -> AttemptState:
            self._lock(connection, learner, quiz_id, caller)
            used = self._attempts_used(connection, learner, quiz_id)
            row = self._open_attempt(connection, learner, quiz_id)
            if row is not None:
                answered = tuple(self._checked_from_row(quiz, r) for r in
                                 self._answers(connection, learner, quiz_id, row.attempt))
                number, attempt_id = row.attempt, str(row.attempt)
            else:
                answered, number, attempt_id = (), used + 1, None
            blocked = None if row is not None else self._blocked(quiz, used)
            rng = public.attempt_rng(learner, quiz_id, number)
            asked, seed, drawn = self._draw(quiz, learner, number, row)
            self._keep_late_draw(connection, row, asked, seed, drawn)
            return AttemptState(
                quiz=public.quiz_view(quiz if blocked else asked), attempt_id=attempt_id,
                questions=() if blocked else public.question_views(asked, rng),
                answered=answered, attempts_used=used, blocked=blocked, save=SAVED,
                drawn=() if blocked or drawn is None else drawn,
                draw_seed=None if blocked else seed)

        return self._run(work)

    def submit(self, learner: str, quiz_id: str, attempt_id: str | None, question_id: str,
               response: JSON, *, seconds: float | None = None,
               submission_id: str | None = None, caller: str | None = None,
               actor: str | None = None, at: datetime | None = None) -> Checked:
        """Grade and store one answer; feedback only after the commit.

        ``caller``: whose shared rate bucket pays. ``actor``: who is recorded in the audit
        trail (default the learner; a trainer writing a synthetic learner's answer).
        ``at``: the answer's (back-dated) time, for synthetic learners only.
        """
        quiz = self.quiz(quiz_id)
        try:
            question = quiz.question(question_id)
        except KeyError:
            msg = f"The quiz \"{quiz.title}\" has no question '{question_id}'."
            raise AssessmentError(msg) from None
        if len(json.dumps(response)) > MAX_RESPONSE_BYTES:
            msg = "This answer is too long to store; please shorten it."
            raise AssessmentError(msg)
        duration = _duration(seconds)
        submission_id = submission_id or uuid.uuid4().hex
        actor = actor or learner

        value = public.decode(question, response)  # a blank or foreign answer: a sentence
        result = public.grade_response(question, value)

        # Which version of the question was answered (for regrades). A version's number
        # never changes once registered, so it is kept after the first commit that used it.
        version_hash = self._hash(quiz_id, question)
        version = self._versions.get((quiz_id, question_id, version_hash))
        numbered: list[int | None] = []

        def work(connection: Connection) -> tuple[Any, Any]:
            numbered.clear()  # a retried transaction numbers again
            self._lock(connection, learner, quiz_id, caller)
            responses = store_schema.responses
            row = self._open_attempt(connection, learner, quiz_id)
            if attempt_id is not None and (row is None or str(row.attempt) != str(attempt_id)):
                same = self._by_submission(connection, submission_id)
                if same is not None and same.learner_id == learner:
                    return same, None  # a retry of an answer stored before the attempt closed
                raise AssessmentError(wording.NOT_OPEN)
            if row is None:
                used = self._attempts_used(connection, learner, quiz_id)
                blocked = self._blocked(quiz, used)
                if blocked:
                    raise AssessmentError(blocked)
                store_schema_ensure_learner(connection, learner)
                number = used + 1
                asked, seed, drawn = self._draw(quiz, learner, number)
                if question_id not in {q.id for q in asked.questions}:
                    raise AssessmentError(NOT_DRAWN)
                began = utcnow() if at is None else at - timedelta(seconds=duration)
                connection.execute(insert(store_schema.attempts).values(
                    learner_id=learner, quiz_id=quiz_id, attempt=number, started_at=began,
                    max_score=asked.max_score, pass_mark=quiz.pass_mark,
                    **draw_columns(seed, drawn)))
                self.audit(connection, actor, "start", learner=learner, quiz_id=quiz_id,
                           detail={"attempt": number} if drawn is None else
                           {"attempt": number, "draw_seed": seed, "drawn": list(drawn)})
            else:
                number = row.attempt
                asked, seed, drawn = self._draw(quiz, learner, number, row)
                self._keep_late_draw(connection, row, asked, seed, drawn)
                if question_id not in {q.id for q in asked.questions}:
                    raise AssessmentError(NOT_DRAWN)
            # One statement stores the answer unless it is a retry (same submission id) or
            # the question was already answered in this attempt (the first answer stands).
            if version is None:
                numbered.append(question_version(connection, quiz_id, question_id,
                                                 version_hash))
            answer = _insert_new(connection, responses).values(
                submission_id=submission_id, learner_id=learner, quiz_id=quiz_id,
                question_id=question_id, attempt=number, response=json.dumps(value),
                score=result.score, max_score=result.max_score, correct=result.correct,
                duration_seconds=float(duration), submitted_at=at or utcnow(),
                question_hash=version_hash,
                question_version=version if version is not None else numbered[-1],
            ).returning(responses.c.id)
            detail: dict[str, Any] = {"attempt": number, "question": question_id,
                                      "submission": submission_id, "score": result.score}
            if at is not None:
                detail["dated"] = at.isoformat()
            if connection.dialect.name == "postgresql":
                # the answer and its audit row in one round trip (the audit row only if
                # the answer was stored), still in this transaction
                stored = connection.execute(_with_audit(answer, actor, learner, quiz_id,
                                                        detail)).scalar()
            else:
                stored = connection.execute(answer).scalar()
                if stored is not None:
                    self.audit(connection, actor, "submit", learner=learner,
                               quiz_id=quiz_id, detail=detail)
            if stored is None:
                retry = self._by_submission(connection, submission_id)
                if retry is not None and retry.learner_id == learner:
                    return retry, None  # the same answer again: its stored grade
                raise AssessmentError(wording.ALREADY_CHECKED)
            return None, number

        stored, number = self._run(work)  # committed: only now may feedback leave the server
        if numbered and numbered[-1] is not None:
            self._versions[(quiz_id, question_id, version_hash)] = numbered[-1]
        if stored is not None:
            return self._checked_from_row(quiz, stored)
        return public.checked(question, value, result, SAVED, str(number), self.rendered)

    @staticmethod
    def _by_submission(connection: Connection, submission_id: str) -> Any:
        table = store_schema.responses
        return connection.execute(select(table).where(
            table.c.submission_id == submission_id)).first()

    def finish(self, learner: str, quiz_id: str, attempt_id: str | None, *,
               seconds: float | None = None, caller: str | None = None,
               actor: str | None = None, at: datetime | None = None) -> Outcome:
        """Close the open attempt; its total is the sum of its answers' current scores.

        ``seconds`` is the front-end's time on the attempt (first question shown to
        finish); it becomes the attempt's duration, as on the local path.
        """
        quiz = self.quiz(quiz_id)
        attempts = store_schema.attempts
        spent = _duration(seconds)

        def work(connection: Connection) -> Outcome:
            self._lock(connection, learner, quiz_id, caller)
            row = self._open_attempt(connection, learner, quiz_id)
            if row is None or (attempt_id is not None and str(row.attempt) != str(attempt_id)):
                done = connection.execute(select(attempts).where(
                    attempts.c.learner_id == learner, attempts.c.quiz_id == quiz_id,
                    attempts.c.attempt == _int(attempt_id),
                    attempts.c.finished_at.is_not(None))).first() if attempt_id else None
                if done is not None:  # finishing twice returns the same outcome
                    return _outcome(done)
                raise AssessmentError(wording.NOT_OPEN)
            answers = self._answers(connection, learner, quiz_id, row.attempt)
            asked, seed, drawn = self._draw(quiz, learner, row.attempt, row)
            self._keep_late_draw(connection, row, asked, seed, drawn)
            missing = [q.id for q in asked.questions
                       if q.id not in {a.question_id for a in answers}]
            if missing:
                raise AssessmentError(wording.NOT_FINISHED.format(missing=len(missing)))
            asked_ids = {q.id for q in asked.questions}  # not answers from before the pools
            total = AttemptScore(sum(a.score for a in answers if a.question_id in asked_ids),
                                 asked.max_score, quiz.pass_mark)
            finished = at or utcnow()
            values: dict[str, Any] = {"score": total.score, "passed": total.passed,
                                      "finished_at": finished}
            if spent:
                values["started_at"] = finished - timedelta(seconds=spent)
            connection.execute(update(attempts).where(attempts.c.id == row.id).values(**values))
            self.audit(connection, actor or learner, "finish", learner=learner,
                       quiz_id=quiz_id, detail={"attempt": row.attempt, "score": total.score,
                                                "passed": total.passed})
            done = connection.execute(select(attempts).where(attempts.c.id == row.id)).one()
            return _outcome(done)

        return self._run(work)

    def attempts(self, learner: str | None = None) -> list[AttemptRecord]:
        try:
            return self.store.attempts(learner)
        except StoreError as error:
            raise Unavailable(UNAVAILABLE) from error

    def completion_record(self, learner: str, course: Any) -> Any:
        """The learner's record from the stored (and regraded) results, unsigned yet.

        Raises ``AssessmentError`` whose ``details`` list what is still to do.
        """
        from ketatraining.certificate import NotEligible, completion_record

        try:
            return completion_record(self.store, learner, course, quizzes=self.quizzes)
        except NotEligible as missing:
            raise AssessmentError(str(missing), details=tuple(missing.missing)) from None
        except StoreError as error:
            raise Unavailable(UNAVAILABLE) from error

    def display_name(self, learner: str) -> str | None:
        try:
            return self.store.display_name(learner)
        except StoreError as error:
            raise Unavailable(UNAVAILABLE) from error

    def my_results(self, learner: str) -> list[dict[str, Any]]:
        """The learner's rows of the one results summary (``progress.summary``), as JSON."""
        try:
            return [row.to_dict() for row in load_results(self.store, learner,
                                                          quizzes=self.quizzes)]
        except StoreError as error:
            raise Unavailable(UNAVAILABLE) from error


def _insert_new(connection: Connection, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the connection's dialect."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def _with_audit(answer: Any, actor: str, learner: str, quiz_id: str,
                detail: dict[str, Any]) -> Any:
    """WITH stored AS (INSERT answer RETURNING id), logged AS (INSERT audit row IF stored)
    SELECT id FROM stored: PostgreSQL runs both inserts in the one statement."""
    stored = answer.cte("stored")
    audit = schema.audit
    row = select(
        literal(utcnow(), DateTime(timezone=True)), literal(actor, String()),
        literal("submit", String()), literal(learner, String()), literal(quiz_id, String()),
        literal(json.dumps(detail, sort_keys=True, default=str), Text()),
    ).where(exists(select(stored.c.id)))
    logged = insert(audit).from_select(
        [audit.c.at, audit.c.actor, audit.c.action, audit.c.learner_id, audit.c.quiz_id,
         audit.c.detail], row).cte("logged")
    return select(stored.c.id).add_cte(logged)


def store_schema_ensure_learner(connection: Connection, learner: str) -> None:
    table = store_schema.learners
    if connection.execute(select(table.c.learner_id).where(
            table.c.learner_id == learner)).first() is None:
        connection.execute(insert(table).values(learner_id=learner, display_name=None,
                                                created_at=utcnow()))


def _duration(seconds: object) -> float:
    """A front-end's time on task in seconds, or 0 when it is missing or implausible."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return 0.0
    return float(seconds) if 0 <= seconds < 86400 else 0.0


def _regraded(row: Any, regrade: Any | None) -> Any:
    """An answer row with its score and maximum as the newest regrade set them."""
    if regrade is None:
        return row
    values = row._asdict()
    values.update(score=regrade.new_score, max_score=regrade.max_score)
    return SimpleNamespace(**values)


def _int(value: str | None) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1


def _outcome(row: Any) -> Outcome:
    percent = 100.0 * row.score / row.max_score if row.max_score else 0.0
    return Outcome(attempt_id=str(row.attempt), score=row.score, max_score=row.max_score,
                   percent=percent, pass_mark=row.pass_mark, passed=bool(row.passed),
                   save=SAVED)
