"""Per-user request limits: a token bucket per hub user.

A learner answering a quiz makes a request every few seconds; a script hammering the
service is slowed to ``rate`` requests per second (after a burst of ``burst``).

``RateLimiter`` counts in one process's memory. Behind N replicas that alone would give a
user N times the rate, so on PostgreSQL every replica also takes the request from the
same bucket in the database (``SharedRateLimiter``: one row per user in an UNLOGGED table,
updated by one statement under its row lock). The memory bucket stays in front, so a
client already over the limit on this replica costs the database nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("ketatraining.service")


class RateLimiter:
    def __init__(self, rate: float, burst: int, max_users: int = 100_000) -> None:
        self.rate, self.burst, self.max_users = rate, float(burst), max_users
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, user: str) -> bool:
        """Take one request from ``user``'s bucket; False when it is empty."""
        now = time.monotonic()
        tokens, stamp = self._buckets.get(user, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if len(self._buckets) >= self.max_users and user not in self._buckets:
            self._buckets.clear()  # bounded memory; a full bucket for everyone again
        if tokens < 1.0:
            self._buckets[user] = (tokens, now)
            return False
        self._buckets[user] = (tokens - 1.0, now)
        return True


CREATE_TABLE = """
CREATE UNLOGGED TABLE IF NOT EXISTS kt_rate (
    user_id varchar(255) PRIMARY KEY,
    tokens double precision NOT NULL,
    stamp timestamptz NOT NULL
)
"""
"""UNLOGGED: no write-ahead log per request; after a database crash the buckets start full."""

# The bucket refilled to now is r = min(burst, t' + elapsed * rate), where t' is the stored
# tokens, or tokens + 1 if the last request was refused (stored as r - 1 < 0, so that a
# refusal takes nothing). The request is allowed when r >= 1; the new value is r - 1 in
# both cases, and its sign says which.
_TAKE_SQL = """
INSERT INTO kt_rate AS b (user_id, tokens, stamp)
VALUES (:user, :burst - 1, clock_timestamp())
ON CONFLICT (user_id) DO UPDATE SET
  tokens = LEAST(:burst, CASE WHEN b.tokens < 0 THEN b.tokens + 1 ELSE b.tokens END
                 + EXTRACT(EPOCH FROM clock_timestamp() - b.stamp) * :rate) - 1,
  stamp = clock_timestamp()
RETURNING tokens >= 0 AS allowed
"""
_TAKE = text(_TAKE_SQL)
_TAKE_AND_LOCK = text(f"WITH take AS ({_TAKE_SQL}) "
                      "SELECT take.allowed, pg_advisory_xact_lock(7401, :key) FROM take")
"""The bucket and the learner's transaction lock in one round trip (see take_and_lock)."""


class SharedRateLimiter:
    """The same token bucket, kept in PostgreSQL so that all replicas share one limit."""

    def __init__(self, engine: Any, rate: float, burst: int) -> None:
        # One statement is atomic on its own: autocommit saves the BEGIN and COMMIT round
        # trips of a transaction on every request.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.rate, self.burst = float(rate), float(burst)

    @staticmethod
    def install(connection: Any) -> None:
        connection.exec_driver_sql(CREATE_TABLE)

    def allow(self, user: str) -> bool:
        """Take one request from ``user``'s shared bucket (blocking: run it off the loop).

        If the database cannot be asked, the request is let through: it will fail on the
        database anyway, with the usual 'try again' sentence, and nothing is stored.
        """
        try:
            with self.engine.connect() as connection:
                return bool(connection.execute(_TAKE, {
                    "user": user, "burst": self.burst, "rate": self.rate}).scalar())
        except SQLAlchemyError as error:
            log.warning("shared rate limit not checked: %s", error)
            return True

    def take_and_lock(self, connection: Any, user: str, key: int) -> bool:
        """Inside a grading transaction: take the request from ``user``'s bucket and take
        the transaction's advisory lock ``key``, in one statement.

        The answer, start or finish that follows commits together with the bucket's new
        value; a refused request rolls back, which leaves the bucket as a refusal would
        (a refusal takes nothing). Every such transaction takes the bucket row before the
        advisory lock, so two of them cannot wait for each other.
        """
        return bool(connection.execute(_TAKE_AND_LOCK, {
            "user": user, "burst": self.burst, "rate": self.rate, "key": key}).scalar())
