"""Tables of the progress store and the migrations between their versions.

Every store records its schema version in ``meta``. Opening a store applies the
migrations it lacks, in one transaction; a store written by a newer release is refused
untouched. To change the schema, append a function to ``MIGRATIONS`` (never edit an
old one) and bump nothing else: ``SCHEMA_VERSION`` is ``len(MIGRATIONS)``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)

metadata = MetaData()

meta = Table(
    "kt_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

learners = Table(
    "kt_learners",
    metadata,
    Column("learner_id", String(255), primary_key=True),
    Column("display_name", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

attempts = Table(
    "kt_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner_id", String(255), nullable=False),
    Column("quiz_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("score", Float, nullable=True),
    Column("max_score", Float, nullable=False),
    Column("pass_mark", Float, nullable=False),
    Column("passed", Boolean, nullable=True),
    # The random draw of a quiz with pools (store version 3; null: every question asked).
    Column("draw_seed", BigInteger, nullable=True),
    Column("drawn_questions", Text, nullable=True),
    UniqueConstraint("learner_id", "quiz_id", "attempt", name="uq_kt_attempt"),
)

responses = Table(
    "kt_responses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", String(64), nullable=False, unique=True),
    Column("learner_id", String(255), nullable=False),
    Column("quiz_id", String(64), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("response", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("duration_seconds", Float, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    # Which version of the question was answered (store version 2; null before).
    Column("question_hash", String(64), nullable=True),
    Column("question_version", Integer, nullable=True),
    Index("ix_kt_responses_learner_quiz", "learner_id", "quiz_id"),
    Index("ix_kt_responses_quiz", "quiz_id"),
)

# -- versions and regrading (store version 2) ----------------------------------------------
question_versions = Table(
    "kt_question_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quiz_id", String(64), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("question_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("quiz_id", "question_id", "question_hash", name="uq_kt_qversion_hash"),
    UniqueConstraint("quiz_id", "question_id", "version", name="uq_kt_qversion_number"),
)
"""A readable number (1, 2, ...) for each grading-relevant content hash of a question."""

regrade_runs = Table(
    "kt_regrade_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, unique=True),
    Column("quiz_id", String(64), nullable=False),
    Column("regraded_at", DateTime(timezone=True), nullable=False),
    Column("regraded_by", String(255), nullable=False),
    Column("answers_changed", Integer, nullable=False),
    Column("attempts_changed", Integer, nullable=False),
)
"""One row per regrade that changed something (append-only)."""

regrades = Table(
    "kt_regrades",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("submission_id", String(64), nullable=False),
    Column("learner_id", String(255), nullable=False),
    Column("quiz_id", String(64), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("old_score", Float, nullable=False),
    Column("new_score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("question_hash", String(64), nullable=False),
    Column("question_version", Integer, nullable=False),
    Index("ix_kt_regrades_quiz", "quiz_id"),
)
"""Append-only audit of answer re-scores; the latest row per answer is its current score.
The original row in kt_responses is never changed."""

attempt_regrades = Table(
    "kt_attempt_regrades",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("learner_id", String(255), nullable=False),
    Column("quiz_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("old_score", Float, nullable=True),
    Column("new_score", Float, nullable=True),
    Column("max_score", Float, nullable=False),
    Column("old_passed", Boolean, nullable=True),
    Column("new_passed", Boolean, nullable=True),
    Index("ix_kt_attempt_regrades_quiz", "quiz_id"),
)
"""Append-only audit of attempt totals changed by a regrade (latest row wins)."""


def _v1_initial(connection: Connection) -> None:
    for table in (learners, attempts, responses):
        table.create(connection, checkfirst=True)


def _v2_versions_and_regrades(connection: Connection) -> None:
    """Record the question version of each answer; add the regrade audit tables."""
    present = {c["name"] for c in inspect(connection).get_columns(responses.name)}
    if "question_hash" not in present:
        connection.execute(text(
            "ALTER TABLE kt_responses ADD COLUMN question_hash VARCHAR(64)"))
    if "question_version" not in present:
        connection.execute(text(
            "ALTER TABLE kt_responses ADD COLUMN question_version INTEGER"))
    for table in (question_versions, regrade_runs, regrades, attempt_regrades):
        table.create(connection, checkfirst=True)


def _v3_attempt_draws(connection: Connection) -> None:
    """Record each attempt's random draw (seed and question ids) for quizzes with pools."""
    if not inspect(connection).has_table(attempts.name):
        attempts.create(connection)  # with the new columns
        return
    present = {c["name"] for c in inspect(connection).get_columns(attempts.name)}
    if "draw_seed" not in present:
        connection.execute(text("ALTER TABLE kt_attempts ADD COLUMN draw_seed BIGINT"))
    if "drawn_questions" not in present:
        connection.execute(text("ALTER TABLE kt_attempts ADD COLUMN drawn_questions TEXT"))


MIGRATIONS: list[Callable[[Connection], None]] = [
    _v1_initial, _v2_versions_and_regrades, _v3_attempt_draws]
SCHEMA_VERSION = len(MIGRATIONS)
