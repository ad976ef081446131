"""Two replicas of the course server on one database never break the per-learner rules.

Two Engine objects (what two ``ketatraining serve`` processes hold) share a PostgreSQL
database; threads fire the same learner's requests at both at once. The rules live in
the database (an advisory lock per learner and quiz, unique indexes), so whatever the
interleaving there is one open attempt, at most max_attempts, one stored answer per
question and per retried submission, and every acknowledged answer is stored.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketatraining.assessment.protocol import AssessmentError
from ketatraining.quiz.model import Quiz
from ketatraining.service.engine import Engine

pytestmark = pytest.mark.postgres

QUIZ = """\
schema_version: 1
id: twice
title: Twice
topic: risks
pass_mark: 50
max_attempts: 2
questions:
  - id: q1
    type: true_false
    prompt: One?
    answer: true
    feedback_true: Yes.
    feedback_false: No.
    explanation: Because.
    references: [ref1]
    objective: obj1
"""


@pytest.fixture
def replicas(postgres_server: object, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    from ketatraining.quiz.loading import load_quiz

    folder = tmp_path / "quizzes"
    folder.mkdir()
    from hub.hubstack import OBJECTIVES, REFERENCES

    (folder / "references.yaml").write_text(REFERENCES)
    (folder / "objectives.yaml").write_text(OBJECTIVES)
    (folder / "twice.yaml").write_text(QUIZ)
    quiz: Quiz = load_quiz(folder / "twice.yaml")
    url = postgres_server.new_database()  # type: ignore[attr-defined]
    first, second = Engine(url, {quiz.id: quiz}), Engine(url, {quiz.id: quiz})
    yield first, second
    first.close()
    second.close()


def together(*calls: object) -> list[object]:
    """Run the calls at the same moment on threads; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: object) -> None:
        barrier.wait()
        try:
            results[index] = call()  # type: ignore[operator]
        except AssessmentError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_first_answers_on_two_replicas_open_one_attempt(replicas: tuple[Engine, Engine]) -> None:
    a, b = replicas
    results = together(*[(lambda e=e: e.submit("ann", "twice", None, "q1", True))
                         for e in (a, b) * 4])
    stored = [r for r in results if not isinstance(r, AssessmentError)]
    assert len(stored) == 1  # the others were told the question is already checked
    assert all("already checked" in str(r) for r in results if isinstance(r, AssessmentError))
    attempts = a.attempts("ann")
    assert [(r.attempt, r.finished_at) for r in attempts] == [(1, None)]


def test_a_retried_submission_is_stored_once(replicas: tuple[Engine, Engine]) -> None:
    a, b = replicas
    submission = uuid.uuid4().hex
    results = together(*[(lambda e=e: e.submit("bo", "twice", None, "q1", True,
                                               submission_id=submission))
                         for e in (a, b, a, b)])
    assert all(not isinstance(r, AssessmentError) for r in results)
    assert {r.score for r in results} == {1.0}  # type: ignore[union-attr]
    assert len(a.store.responses("bo")) == 1


def test_max_attempts_hold_across_replicas(replicas: tuple[Engine, Engine]) -> None:
    a, b = replicas
    for _ in range(2):
        a.submit("cy", "twice", None, "q1", False)
        b.finish("cy", "twice", None)
    results = together(lambda: a.submit("cy", "twice", None, "q1", True),
                       lambda: b.submit("cy", "twice", None, "q1", True))
    assert all(isinstance(r, AssessmentError) and "all 2 attempts" in str(r) for r in results)
    assert [r.passed for r in a.attempts("cy")] == [False, False]


def test_two_replicas_share_each_users_rate_limit(replicas: tuple[Engine, Engine]) -> None:
    from sqlalchemy import text

    from ketatraining.service.ratelimit import RateLimiter, SharedRateLimiter

    first, second = replicas
    shared = [SharedRateLimiter(e.engine, rate=0.1, burst=5) for e in (first, second)]
    memory = [RateLimiter(rate=0.1, burst=5) for _ in range(2)]
    asked = [shared[i % 2].allow("dan") for i in range(20)]  # alternating replicas
    assert sum(asked) == 5 and all(asked[:5])  # one bucket for both, not 2 x 5
    assert sum(memory[i % 2].allow("dan") for i in range(20)) == 10  # per replica: doubled
    assert shared[0].allow("eve") and shared[1].allow("eve")  # each user has their own

    def wait(seconds: float) -> None:  # let the stored bucket age, as if time passed
        with first.engine.begin() as connection:
            connection.execute(text("UPDATE kt_rate SET stamp = stamp - make_interval("
                                    "secs => :s) WHERE user_id = 'dan'"), {"s": seconds})

    wait(10.5)  # 0.1 per second: one token back; the 15 refusals took nothing
    assert [shared[1].allow("dan") for _ in range(3)] == [True, False, False]
    wait(600)  # long idle: full again, never more than the burst
    assert sum(shared[i % 2].allow("dan") for i in range(10)) == 5


def test_answers_take_the_shared_limit_in_their_own_transaction(
        replicas: tuple[Engine, Engine]) -> None:
    """start/submit/finish pay from the shared bucket inside the grading transaction: the
    limit holds across replicas, and a refused answer is not stored and takes nothing."""
    from sqlalchemy import text

    from ketatraining.service.engine import RateLimited
    from ketatraining.service.ratelimit import SharedRateLimiter

    first, second = replicas
    for engine in replicas:
        engine.limiter = SharedRateLimiter(engine.engine, rate=0.1, burst=3)
    first.start("fay", "twice", caller="fay")
    second.submit("fay", "twice", None, "q1", True, caller="fay")
    first.finish("fay", "twice", None, caller="fay")  # three: the bucket is empty
    with pytest.raises(RateLimited, match="Too many requests"):
        second.submit("fay", "twice", None, "q1", False, caller="fay")
    assert [(r.attempt, r.passed) for r in first.attempts("fay")] == [(1, True)]
    assert len(first.store.responses("fay")) == 1  # the refused answer was not stored
    first.submit("gus", "twice", None, "q1", True, caller="gus")  # another user's bucket
    with first.engine.begin() as connection:  # ten seconds later: one token back
        connection.execute(text("UPDATE kt_rate SET stamp = stamp - make_interval(secs => 10.5)"
                                " WHERE user_id = 'fay'"))
    second.submit("fay", "twice", None, "q1", False, caller="fay")  # the refusal took nothing
    assert len(first.store.responses("fay")) == 2


def test_the_connection_pool_is_open_before_the_first_request(
        postgres_server: object, tmp_path: Path) -> None:
    """serve fills each process's pool at start, so no learner's answer waits for a
    connection handshake."""
    import psycopg
    from hub.hubstack import OBJECTIVES, REFERENCES

    from ketatraining.quiz.loading import load_quiz

    (tmp_path / "references.yaml").write_text(REFERENCES)
    (tmp_path / "objectives.yaml").write_text(OBJECTIVES)
    (tmp_path / "twice.yaml").write_text(QUIZ)
    quiz = load_quiz(tmp_path / "twice.yaml")
    url = postgres_server.new_database()  # type: ignore[attr-defined]
    name = url.rsplit("/", 1)[1]
    admin = url.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)[0] + "/postgres"

    def open_connections() -> int:
        with psycopg.connect(admin) as connection:
            return int(connection.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                                          "datname = %s", (name,)).fetchone()[0])

    engine = Engine(url, {quiz.id: quiz}, pool_size=3)
    try:
        pool = engine.engine.pool
        before, idle = open_connections(), pool.checkedin()  # type: ignore[attr-defined]
        assert idle < 3
        assert engine.fill_pool() == 3
        assert pool.checkedin() == 3  # type: ignore[attr-defined]  # kept, ready
        assert open_connections() == before + 3 - idle  # really open on the server
    finally:
        engine.close()
