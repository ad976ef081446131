"""Tables of the progress store and the migrations between their versions.

Every store records its schema version in ``meta``. Opening a store applies the
migrations it lacks, in one transaction; a store written by a newer release is refused
untouched. To change the schema, append a function to ``MIGRATIONS`` (never edit an
old one) and bump nothing else: ``SCHEMA_VERSION`` is ``len(MIGRATIONS)``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
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
    Index("ix_kt_responses_learner_quiz", "learner_id", "quiz_id"),
    Index("ix_kt_responses_quiz", "quiz_id"),
)


def _v1_initial(connection: Connection) -> None:
    for table in (learners, attempts, responses):
        table.create(connection, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_initial]
SCHEMA_VERSION = len(MIGRATIONS)
