"""Per-user request limits: a token bucket per hub user, in each replica's memory.

A learner answering a quiz makes a request every few seconds; a script hammering the
service is slowed to ``rate`` requests per second (after a burst of ``burst``). Each
replica counts on its own, so behind N replicas a user gets at most N times the rate.
"""

from __future__ import annotations

import time


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
