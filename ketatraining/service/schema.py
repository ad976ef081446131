"""What the service adds to the progress store's tables: its audit trail, issued records,
and the database rules that make its guarantees hold across replicas.

Created by the service at start-up (idempotent, under the store's own migration lock):

- ``kt_audit``: who did what when; append-only (a trigger refuses UPDATE and DELETE);
- ``kt_records``: every signed completion record, looked up by its verification code;
- ``kt_rate`` (PostgreSQL only, UNLOGGED): each user's request bucket, shared by replicas;
- one open attempt per learner and quiz, and one answer per question per attempt, as
  unique indexes, so two replicas can never both open an attempt or store an answer twice.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

audit = Table(
    "kt_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(32), nullable=False),
    Column("learner_id", String(255), nullable=True),
    Column("quiz_id", String(64), nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_kt_audit_actor", "actor"),
)

records = Table(
    "kt_records",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("learner_id", String(255), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("record", Text, nullable=False),
)

_INDEXES = (
    ("CREATE UNIQUE INDEX IF NOT EXISTS uq_kt_one_open_attempt "
    "ON kt_attempts (learner_id, quiz_id) WHERE finished_at IS NULL"),
    ("CREATE UNIQUE INDEX IF NOT EXISTS uq_kt_one_answer "
    "ON kt_responses (learner_id, quiz_id, attempt, question_id)"),
)

_PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION kt_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'kt_audit is append-only'; END $$;
DROP TRIGGER IF EXISTS kt_audit_append_only ON kt_audit;
CREATE TRIGGER kt_audit_append_only BEFORE UPDATE OR DELETE ON kt_audit
  FOR EACH ROW EXECUTE FUNCTION kt_audit_append_only();
"""

_SQLITE_APPEND_ONLY = (
    ("CREATE TRIGGER IF NOT EXISTS kt_audit_no_update BEFORE UPDATE ON kt_audit "
    "BEGIN SELECT RAISE(ABORT, 'kt_audit is append-only'); END"),
    ("CREATE TRIGGER IF NOT EXISTS kt_audit_no_delete BEFORE DELETE ON kt_audit "
    "BEGIN SELECT RAISE(ABORT, 'kt_audit is append-only'); END"),
)


def install(connection: Connection) -> None:
    """Create the service's tables, indexes and triggers if they are missing."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7401202406)")
    metadata.create_all(connection, checkfirst=True)
    for statement in _INDEXES:
        connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql":
        from ketatraining.service.ratelimit import SharedRateLimiter

        connection.exec_driver_sql(_PG_APPEND_ONLY)
        SharedRateLimiter.install(connection)
    else:
        for statement in _SQLITE_APPEND_ONLY:
            connection.exec_driver_sql(statement)
