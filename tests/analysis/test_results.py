"""Results per learner (the one summary), per quiz and per objective, on records built by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ketatraining.analysis.results import objective_mastery, quiz_summaries
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.store import ProgressStore
from ketatraining.progress.summary import QuizResult, load_results, quiz_results
from ketatraining.quiz.model import Quiz

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def attempt(learner: str, quiz: str, number: int, score: float | None, *,
            start_min: float, minutes: float | None, max_score: float = 4.0,
            pass_mark: float = 75.0) -> AttemptRecord:
    start = T0 + timedelta(minutes=start_min)
    finished = None if minutes is None else start + timedelta(minutes=minutes)
    passed = None if score is None else 100 * score / max_score >= pass_mark
    return AttemptRecord(learner, quiz, number, start, finished, score, max_score, pass_mark,
                         passed)


def answer(learner: str, quiz: str, question: str, number: int, score: float, *,
           at_min: float, max_score: float = 1.0) -> Submission:
    return Submission(f"{learner}-{quiz}-{question}-{number}-{at_min}", learner, quiz, question,
                      number, "a", score, max_score, score == max_score, 1.0,
                      T0 + timedelta(minutes=at_min))


ATTEMPTS = [
    attempt("ann", "q", 1, 2.0, start_min=0, minutes=10),    # 50 %, failed
    attempt("ann", "q", 2, 4.0, start_min=20, minutes=5),    # 100 %, passed
    attempt("ann", "q", 3, 3.0, start_min=40, minutes=6),    # 75 %, passed (last)
    attempt("bob", "q", 1, 1.0, start_min=0, minutes=8),     # 25 %, failed
    attempt("cy", "q", 1, None, start_min=0, minutes=None),  # never finished
    attempt("ann", "r", 1, 1.0, start_min=0, minutes=2, max_score=2.0, pass_mark=50),
]
ANSWERS = [answer("cy", "q", "x", 1, 1.0, at_min=3), answer("cy", "q", "y", 1, 0.0, at_min=7)]


def test_learner_results_by_hand() -> None:
    rows = {(r.learner_id, r.quiz_id): r for r in quiz_results(ATTEMPTS, ANSWERS)}
    assert list(rows) == [("ann", "q"), ("ann", "r"), ("bob", "q"), ("cy", "q")]
    ann = rows[("ann", "q")]
    assert (ann.attempts, ann.finished, ann.in_progress) == (3, 3, False)
    assert ann.best_percent == 100.0
    assert ann.last_percent == 75.0
    assert ann.passed is True
    assert ann.time_spent_seconds == (10 + 5 + 6) * 60
    assert ann.last_activity == T0 + timedelta(minutes=46)
    bob = rows[("bob", "q")]
    assert (bob.best_percent, bob.last_percent, bob.passed) == (25.0, 25.0, False)
    cy = rows[("cy", "q")]
    assert (cy.finished, cy.best_percent, cy.last_percent, cy.passed) == (0, None, None, None)
    assert cy.in_progress
    assert cy.time_spent_seconds == 0  # an attempt in progress adds no time until finished
    assert cy.last_activity == T0 + timedelta(minutes=7)  # its last saved answer
    assert rows[("ann", "r")].passed is True


def test_an_attempt_in_progress_after_finished_ones_adds_no_time() -> None:
    records = [*ATTEMPTS[:3], attempt("ann", "q", 4, None, start_min=60, minutes=None)]
    later = [answer("ann", "q", "x", 4, 1.0, at_min=95)]
    (row,) = [r for r in quiz_results(records, later) if r.quiz_id == "q"]
    assert (row.attempts, row.finished, row.in_progress) == (4, 3, True)
    assert row.time_spent_seconds == (10 + 5 + 6) * 60
    assert row.last_activity == T0 + timedelta(minutes=95)
    abandoned = [*records, attempt("ann", "q", 5, 2.0, start_min=100, minutes=4)]
    (row,) = [r for r in quiz_results(abandoned, later) if r.quiz_id == "q"]
    assert (row.attempts, row.finished, row.in_progress) == (5, 4, False)
    assert row.last_percent == 50.0


def test_rows_follow_the_course_order_with_titles() -> None:
    quizzes = {"r": QUIZ.model_copy(update={"id": "r", "title": "Quiz R"}), "q": QUIZ}
    rows = quiz_results(ATTEMPTS, ANSWERS, quizzes)
    assert [(r.learner_id, r.quiz_id, r.title) for r in rows][:2] == [
        ("ann", "r", "Quiz R"), ("ann", "q", "Q")]
    unknown = quiz_results(ATTEMPTS[:1], [])
    assert (unknown[0].title, unknown[0].topic) == ("q", "other")


def test_to_dict_is_json_ready_and_from_dict_reads_it_back() -> None:
    row = quiz_results(ATTEMPTS[:1], [])[0]
    data = row.to_dict()
    assert data["last_activity"] == "2026-01-05T09:10:00+00:00"
    assert data["best_percent"] == 50.0
    assert QuizResult.from_dict(json.loads(json.dumps(data))) == row


def test_quiz_summaries_by_hand() -> None:
    summaries = {s.quiz_id: s for s in quiz_summaries(quiz_results(ATTEMPTS, ANSWERS))}
    q = summaries["q"]
    assert (q.learners, q.finished_learners, q.passed_learners) == (3, 2, 1)
    assert q.pass_rate == pytest.approx(0.5)
    assert q.attempts == 5
    assert q.mean_best_percent == pytest.approx((100 + 25) / 2)
    assert q.median_time_seconds == (21 + 8) * 60 / 2  # of those who finished: 21 and 8 min
    assert summaries["r"].pass_rate == 1.0


def test_quiz_summary_when_nobody_finished() -> None:
    summary = quiz_summaries(quiz_results([ATTEMPTS[4]], ANSWERS))[0]
    assert summary.pass_rate is None
    assert summary.mean_best_percent is None
    assert summary.median_time_seconds is None


QUIZ = Quiz.model_validate({
    "schema_version": 1, "id": "q", "title": "Q", "topic": "risks", "pass_mark": 50,
    "questions": [
        {"id": qid, "type": "true_false", "prompt": "P", "explanation": "E",
         "objective": objective, "answer": True, "feedback_true": "t", "feedback_false": "f"}
        for qid, objective in (("x", "obj-a"), ("y", "obj-a"), ("z", "obj-b"), ("w", "obj-c"))
    ],
})


def test_objective_mastery_uses_latest_answers() -> None:
    answers = [
        answer("ann", "q", "x", 1, 0.0, at_min=1),
        answer("ann", "q", "x", 2, 1.0, at_min=30),  # latest answer wins
        answer("ann", "q", "y", 1, 1.0, at_min=2),
        answer("bob", "q", "x", 1, 1.0, at_min=1),
        answer("bob", "q", "y", 1, 0.0, at_min=2),
        answer("bob", "q", "z", 1, 0.5, at_min=3),
        answer("bob", "other", "x", 1, 1.0, at_min=3),  # not one of the quizzes: ignored
    ]
    rows = {r.objective: r for r in objective_mastery(answers, {"q": QUIZ})}
    a = rows["obj-a"]
    assert (a.questions, a.learners) == (2, 2)
    assert a.mean == pytest.approx((1.0 + 0.5) / 2)
    assert a.mastered == pytest.approx(0.5)
    assert rows["obj-b"].mean == pytest.approx(0.5)
    assert rows["obj-b"].mastered == 0.0
    assert (rows["obj-c"].learners, rows["obj-c"].mean, rows["obj-c"].mastered) == (0, None, None)


def test_load_results_filters_by_learner_and_quiz(isolated_store: str) -> None:
    with ProgressStore(isolated_store) as store:
        for learner in ("ann", "bob"):
            number = store.start_attempt(learner, "q", max_score=4, pass_mark=75)
            store.finish_attempt(learner, "q", number, score=3 if learner == "ann" else 1,
                                 passed=learner == "ann")
        assert [r.learner_id for r in load_results(store)] == ["ann", "bob"]
        only = load_results(store, learner_id="bob", quiz_id="q")
    assert len(only) == 1
    assert only[0].best_percent == 25.0
    assert only[0].passed is False
