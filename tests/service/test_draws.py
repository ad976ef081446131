"""The course server serves and keeps each attempt's random draw (a quiz with pools).

Two Engine objects on one database stand for two replicas (or a restart): the draw is
stored with the attempt when its first answer opens it, so every replica shows the
same questions, refuses one that was not drawn, and finishes over the drawn set.
Runs on SQLite and a real PostgreSQL (the progress tests' throwaway server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ketatraining.assessment.protocol import AssessmentError
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.draw import draw_ids, seed_for
from ketatraining.quiz.loading import load_quiz
from ketatraining.service.engine import Engine

POOLED = Path(__file__).resolve().parents[1] / "data" / "pools" / "pooled.yaml"
RIGHT = {"intro": True, "bp1": True, "bp2": False, "bp3": True, "d1": 10.0, "d2": 20.0}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    server = request.getfixturevalue("postgres_server")
    return str(server.new_database())


@pytest.fixture
def replicas(url: str) -> Iterator[tuple[Engine, Engine]]:
    quiz = load_quiz(POOLED)
    first, second = Engine(url, {quiz.id: quiz}), Engine(url, {quiz.id: quiz})
    yield first, second
    first.close()
    second.close()


def test_the_service_serves_stores_and_resumes_the_draw(replicas: tuple[Engine, Engine],
                                                        url: str) -> None:
    first, second = replicas
    quiz = first.quizzes["pooled"]
    expected = draw_ids(quiz, seed_for("ann", "pooled", 1))
    state = first.start("ann", "pooled")
    assert state.drawn == expected and state.draw_seed == seed_for("ann", "pooled", 1)
    assert sorted(q.id for q in state.questions) == sorted(expected)
    assert (state.quiz.question_count, state.quiz.max_score) == (4, 5.0)
    assert second.start("ann", "pooled").drawn == expected, "any replica draws the same"

    left_out = next(q.id for q in quiz.questions if q.id not in expected)
    with pytest.raises(AssessmentError, match="not one of the questions drawn"):
        first.submit("ann", "pooled", None, left_out, RIGHT[left_out])
    checked = first.submit("ann", "pooled", None, expected[0], RIGHT[expected[0]])
    with pytest.raises(AssessmentError, match="not one of the questions drawn"):
        second.submit("ann", "pooled", checked.attempt_id, left_out, RIGHT[left_out])

    resumed = second.start("ann", "pooled")  # the stored draw, with its answer
    assert resumed.attempt_id == checked.attempt_id and resumed.drawn == expected
    assert [c.question_id for c in resumed.answered] == [expected[0]]
    for qid in expected[1:]:
        second.submit("ann", "pooled", resumed.attempt_id, qid, RIGHT[qid])
    outcome = first.finish("ann", "pooled", resumed.attempt_id)
    assert (outcome.score, outcome.max_score, outcome.passed) == (5.0, 5.0, True)

    with ProgressStore(url) as store:
        (attempt,) = store.attempts("ann")
    assert (attempt.drawn, attempt.draw_seed, attempt.max_score) == (
        expected, seed_for("ann", "pooled", 1), 5.0)


def test_finishing_needs_only_the_drawn_questions(replicas: tuple[Engine, Engine]) -> None:
    first, _ = replicas
    state = first.start("bob", "pooled")
    for qid in state.drawn[:-1]:
        first.submit("bob", "pooled", None, qid, RIGHT[qid])
    with pytest.raises(AssessmentError):  # one drawn question is still open
        first.finish("bob", "pooled", None)
    first.submit("bob", "pooled", None, state.drawn[-1], False if
                 isinstance(RIGHT[state.drawn[-1]], bool) else 0.0)
    outcome = first.finish("bob", "pooled", None)
    assert outcome.max_score == 5.0 and outcome.score < 5.0


def test_the_hub_client_reads_the_draw_and_copes_with_an_older_server(
        replicas: tuple[Engine, Engine]) -> None:
    from ketatraining.assessment import wire

    state = replicas[0].start("cara", "pooled")
    assert wire.attempt_state(state.to_dict()) == state
    older = state.to_dict()
    del older["drawn"], older["draw_seed"]
    assert wire.attempt_state(older).drawn == ()


def test_an_attempt_opened_before_the_quiz_had_pools_keeps_its_late_draw(url: str) -> None:
    """Its draw is stored the first time the attempt is used again, and finishing counts
    only the answers to the questions it now asks (not one given before the pools)."""
    quiz = load_quiz(POOLED)
    plain = quiz.model_copy(update={"pools": []})
    before = Engine(url, {plain.id: plain})
    for qid in ("intro", "bp1", "bp2", "bp3"):
        before.submit("cy", "pooled", None, qid, RIGHT[qid])
    before.close()
    after = Engine(url, {quiz.id: quiz})
    try:
        expected = draw_ids(quiz, seed_for("cy", "pooled", 1))
        state = after.start("cy", "pooled")
        assert state.drawn == expected
        with ProgressStore(url) as store:
            (attempt,) = store.attempts("cy")
        assert (attempt.drawn, attempt.draw_seed, attempt.max_score) == (
            expected, seed_for("cy", "pooled", 1), 5.0)
        answered = {c.question_id for c in state.answered}
        for qid in expected:
            if qid not in answered:
                after.submit("cy", "pooled", state.attempt_id, qid, RIGHT[qid])
        outcome = after.finish("cy", "pooled", state.attempt_id)
        assert (outcome.score, outcome.max_score) == (5.0, 5.0)  # the left-out bp answer
    finally:
        after.close()
