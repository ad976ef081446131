"""Which questions an attempt asks: the random draw from a quiz's pools.

A quiz with ``pools:`` asks, per attempt, every question outside the pools plus
``draw`` questions picked at random from each pool. The draw is a pure function of the
quiz and a seed, so it can be stored with the attempt (seed and ids) and reproduced;
the learner's kernel (``assessment/local.py``) and the course server
(``service/engine.py``) both draw with these functions. :func:`asked_quiz` gives the
quiz restricted to the drawn questions, so points, the maximum score and the pass
follow the drawn set wherever a ``Quiz`` is scored.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from ketatraining.quiz.model import Quiz

__all__ = ["SEED_BITS", "asked_count", "asked_quiz", "draw_ids", "most_points", "new_seed",
           "seed_for"]

SEED_BITS = 31
"""Seeds fit a 32-bit signed integer column on every database."""


def new_seed() -> int:
    """A fresh random seed for an attempt."""
    return random.SystemRandom().getrandbits(SEED_BITS)


def seed_for(learner_id: str, quiz_id: str, attempt: int | str) -> int:
    """The seed the course server uses: any replica rebuilds it from the attempt's names.

    ``attempt``: its number; the learner's kernel names an attempt not yet stored by its
    outbox round (a str), for an attempt opened before its quiz had pools."""
    key = f"draw\x1f{learner_id}\x1f{quiz_id}\x1f{attempt}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") >> (32 - SEED_BITS)


def draw_ids(quiz: Quiz, seed: int) -> tuple[str, ...]:
    """The ids of the questions one attempt asks, in the quiz file's order.

    Without pools that is every question. Pools are drawn in file order from one
    ``random.Random(seed)``, so the same quiz and seed always give the same questions.
    """
    if not quiz.pools:
        return tuple(q.id for q in quiz.questions)
    rng = random.Random(seed)
    pooled: set[str] = set()
    chosen: set[str] = set()
    for pool in quiz.pools:
        members = [m for m in pool.members(quiz.questions) if m not in pooled]
        pooled.update(members)
        chosen.update(rng.sample(members, min(pool.draw, len(members))))
    return tuple(q.id for q in quiz.questions if q.id not in pooled or q.id in chosen)


def asked_quiz(quiz: Quiz, ids: Sequence[str] | None) -> Quiz:
    """The quiz as one attempt sees it: only the drawn questions (ids the quiz no longer
    has are left out), no pools. ``None`` or a quiz without pools: the quiz itself."""
    if ids is None or not quiz.pools:
        return quiz
    wanted = set(ids)
    return quiz.model_copy(update={
        "questions": [q for q in quiz.questions if q.id in wanted], "pools": []})


def asked_count(quiz: Quiz) -> int:
    """How many questions every attempt asks (the same for every draw)."""
    return len(draw_ids(quiz, 0))


def most_points(quiz: Quiz) -> float:
    """The largest maximum score a draw can have (what a learner is told before starting)."""
    if not quiz.pools:
        return quiz.max_score
    pooled: set[str] = set()
    total = 0.0
    for pool in quiz.pools:
        members = [m for m in pool.members(quiz.questions) if m not in pooled]
        pooled.update(members)
        points = sorted((quiz.question(m).points for m in members), reverse=True)
        total += sum(points[: pool.draw])
    return total + sum(q.points for q in quiz.questions if q.id not in pooled)
