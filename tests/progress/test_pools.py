"""Pools and random draws: the draw core, the learner's kernel and the store.

The fixture quiz ``tests/data/pools/pooled.yaml`` asks 'intro', 2 of the 3 questions
tagged bp and 1 of d1/d2 (2 points each): 4 questions and 5 points in every attempt.
The course server's side is in tests/service/test_draws.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ketatraining.assessment.local import LocalAssessment
from ketatraining.assessment.protocol import AssessmentError
from ketatraining.progress.outbox import Outbox
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.draw import asked_count, asked_quiz, draw_ids, most_points
from ketatraining.quiz.loading import load_quiz
from ketatraining.quiz.model import Quiz

POOLED = Path(__file__).resolve().parents[1] / "data" / "pools" / "pooled.yaml"
RIGHT: dict[str, Any] = {"intro": True, "bp1": True, "bp2": False, "bp3": True,
                         "d1": 10.0, "d2": 20.0}
WRONG: dict[str, Any] = {"intro": False, "bp1": False, "bp2": True, "bp3": False,
                         "d1": 1.0, "d2": 1.0}


@pytest.fixture
def pooled() -> Quiz:
    return load_quiz(POOLED)


def test_a_draw_takes_k_from_each_pool_and_every_unpooled_question(pooled: Quiz) -> None:
    draws = {draw_ids(pooled, seed) for seed in range(200)}
    for ids in draws:
        assert ids[0] == "intro"  # outside every pool: always asked, in file order
        assert len([i for i in ids if i.startswith("bp")]) == 2
        assert len([i for i in ids if i.startswith("d")]) == 1
        assert len(ids) == 4
    # every combination occurs: 3 pairs of bp questions times 2 numeric questions
    assert len(draws) == 6
    assert draw_ids(pooled, 17) == draw_ids(pooled, 17), "the same seed, the same draw"


def test_points_and_the_pass_follow_the_drawn_questions(pooled: Quiz) -> None:
    ids = draw_ids(pooled, 3)
    asked = asked_quiz(pooled, ids)
    assert [q.id for q in asked.questions] == list(ids)
    assert asked.max_score == 5.0 and pooled.max_score == 8.0  # the bank: 4 x 1 + 2 x 2 points
    assert asked.pools == []
    assert (asked_count(pooled), most_points(pooled)) == (4, 5.0)


def test_a_quiz_without_pools_asks_everything(practice_quiz: Path) -> None:
    quiz = load_quiz(practice_quiz)
    assert draw_ids(quiz, 1) == ("bp", "dose")
    assert asked_quiz(quiz, None) is quiz


def _assessment(store: ProgressStore, tmp_path: Path, pooled: Quiz,
                learner: str = "ann") -> LocalAssessment:
    assessment = LocalAssessment(store, learner_id=learner,
                                 outbox=Outbox(tmp_path / f"outbox-{learner}.jsonl"))
    assessment.add_quiz(pooled)
    return assessment


def test_the_kernel_shows_only_the_drawn_questions_and_keeps_the_draw(
        store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    with ProgressStore(store_url) as store:
        first = _assessment(store, tmp_path, pooled)
        state = first.start("pooled", seed=11)
        drawn = draw_ids(pooled, 11)
        assert state.drawn == drawn and state.draw_seed == 11
        assert sorted(q.id for q in state.questions) == sorted(drawn)
        assert (state.quiz.question_count, state.quiz.max_score) == (4, 5.0)
        assert first.quiz_view("pooled").question_count == 4
        left_out = next(q for q in pooled.questions if q.id not in drawn)
        with pytest.raises(AssessmentError):
            first.submit("pooled", state.attempt_id, left_out.id, RIGHT[left_out.id])
        checked = first.submit("pooled", state.attempt_id, drawn[1], RIGHT[drawn[1]])
        first.close()
        (attempt,) = store.attempts("ann")
        assert (attempt.draw_seed, attempt.drawn, attempt.max_score) == (11, drawn, 5.0)

        # a new kernel (the old one was killed) resumes with the same questions,
        # whatever seed the front-end passes now
        second = _assessment(store, tmp_path, pooled)
        resumed = second.start("pooled", seed=12)
        assert resumed.attempt_id == checked.attempt_id
        assert resumed.drawn == drawn and resumed.draw_seed == 11
        assert sorted(q.id for q in resumed.questions) == sorted(drawn)
        assert [c.question_id for c in resumed.answered] == [drawn[1]]
        for qid in drawn:
            if qid != drawn[1]:
                second.submit("pooled", resumed.attempt_id, qid, WRONG[qid])
        outcome = second.finish("pooled", resumed.attempt_id)
        second.close()
    # one right answer of 1 point out of the drawn 5: 20 %, under the 60 % pass mark
    assert (outcome.score, outcome.max_score, outcome.percent, outcome.passed) == (
        1.0, 5.0, 20.0, False)


def test_each_attempt_draws_again(store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    with ProgressStore(store_url) as store:
        assessment = _assessment(store, tmp_path, pooled, "bob")
        seen = []
        for seed in (1, 2):  # seeds 1 and 2 draw different questions
            state = assessment.start("pooled", seed=seed)
            for question in state.questions:
                assessment.submit("pooled", state.attempt_id, question.id, RIGHT[question.id])
            outcome = assessment.finish("pooled", state.attempt_id)
            assert (outcome.max_score, outcome.passed) == (5.0, True)
            seen.append(state.drawn)
        assessment.close()
        stored = [a.drawn for a in store.attempts("bob")]
    assert seen[0] != seen[1]
    assert stored == seen


def test_a_version_2_store_gains_the_draw_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    ProgressStore(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:  # back to store version 2: no draw columns
        connection.execute(text("ALTER TABLE kt_attempts DROP COLUMN draw_seed"))
        connection.execute(text("ALTER TABLE kt_attempts DROP COLUMN drawn_questions"))
        connection.execute(text("UPDATE kt_meta SET value = '2' WHERE key = 'schema_version'"))
        connection.execute(text(
            "INSERT INTO kt_attempts (learner_id, quiz_id, attempt, started_at, finished_at, "
            "score, max_score, pass_mark, passed) VALUES ('ann', 'practice', 1, "
            "'2026-01-01 10:00:00', '2026-01-01 10:05:00', 2.0, 2.0, 50.0, 1)"))
    engine.dispose()
    with ProgressStore(url) as store:
        (old,) = store.attempts()
        assert (old.score, old.draw_seed, old.drawn) == (2.0, None, None)
        number = store.start_attempt("ann", "pooled", max_score=5.0, pass_mark=60.0,
                                     draw_seed=5, drawn=["intro", "bp1"])
        new = store.attempts("ann", "pooled")[0]
    assert (number, new.draw_seed, new.drawn) == (1, 5, ("intro", "bp1"))
    engine = create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(text(
            "SELECT value FROM kt_meta WHERE key = 'schema_version'")).scalar()
    engine.dispose()
    assert version == "3"
