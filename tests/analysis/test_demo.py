"""The demo cohort: deterministic, graded by the real code, and realistic enough."""

from __future__ import annotations

import statistics

import pytest

from ketatraining.analysis.demo import generate_cohort, write_demo
from ketatraining.analysis.item_analysis import analyse
from ketatraining.analysis.marks import marks_from_store
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.store import ProgressStore
from ketatraining.progress.summary import quiz_results
from ketatraining.quiz.course import course_quizzes
from ketatraining.quiz.grading import grade


@pytest.fixture(scope="module")
def banks() -> list:
    quizzes = list(course_quizzes().values())
    assert len(quizzes) >= 2, "the course should have quiz banks to answer"
    return quizzes


@pytest.fixture(scope="module")
def cohort(banks: list):
    return generate_cohort(banks, 80, seed=11)


def test_same_seed_same_cohort(banks: list, cohort) -> None:
    again = generate_cohort(banks, 80, seed=11)
    assert again.attempts == cohort.attempts
    assert again.submissions == cohort.submissions


def test_other_seed_other_cohort(banks: list, cohort) -> None:
    other = generate_cohort(banks, 80, seed=12)
    assert [s.response for s in other.submissions] != [s.response for s in cohort.submissions]


def test_adding_a_quiz_does_not_change_the_others(banks: list, cohort) -> None:
    fewer = generate_cohort(banks[:-1], 80, seed=11)
    dropped = banks[-1].id
    kept = [s for s in cohort.submissions if s.quiz_id != dropped]
    assert [(s.learner_id, s.question_id, s.response) for s in fewer.submissions] == [
        (s.learner_id, s.question_id, s.response) for s in kept]


def test_every_answer_is_graded_by_the_real_code(banks: list, cohort) -> None:
    quizzes = {q.id: q for q in banks}
    for submission in cohort.submissions:
        question = quizzes[submission.quiz_id].question(submission.question_id)
        expected = grade(question, submission.response)
        assert submission.score == expected.score
        assert submission.correct == expected.correct


def test_cohort_is_realistic(banks: list, cohort) -> None:
    results = quiz_results(cohort.attempts, cohort.submissions)
    best = [r.best_percent for r in results if r.best_percent is not None]
    assert statistics.pstdev(best) > 10, "abilities should vary"
    assert any(r.attempts > 1 for r in results), "some learners retry"
    assert any(r.passed for r in results)
    assert any(r.passed is False for r in results)
    assert any(a.finished_at is None for a in cohort.attempts), "a few stop mid-quiz"
    # Timestamps are fixed, not today's.
    assert min(a.started_at for a in cohort.attempts).year == 2026


def test_written_cohort_shows_problem_questions(banks: list, isolated_store: str) -> None:
    with ProgressStore(isolated_store) as store:
        cohort = write_demo(store, 120, seed=5, quizzes=banks)
        assert len(store.attempts()) == len(cohort.attempts)
        assert len(store.responses()) == len(cohort.submissions)
        flags = set()
        for quiz in banks:
            stats = analyse(marks_from_store(store, quiz, "first"))
            flags.update(f for q in stats.questions for f in q.flags)
    assert "popular_distractor" in flags
    assert "negative_discrimination" in flags or "weak_discrimination" in flags


def test_writing_twice_is_one_clear_error(banks: list, isolated_store: str) -> None:
    with ProgressStore(isolated_store) as store:
        write_demo(store, 3, seed=1, quizzes=banks[:1])
        with pytest.raises(KetaTrainingError, match="already holds attempts"):
            write_demo(store, 3, seed=1, quizzes=banks[:1])
        assert len({(a.learner_id, a.attempt) for a in store.attempts()}) == len(
            store.attempts())


def test_needs_a_learner(banks: list) -> None:
    with pytest.raises(KetaTrainingError, match="at least one learner"):
        generate_cohort(banks, 0, seed=1)


def test_through_the_local_seam_the_store_gets_the_cohorts_graded_back_dated_answers(
        banks: list, isolated_store: str) -> None:
    """demo-data's local path: LocalAssessment grades and stores each planned answer at the
    cohort's time; a learner who stopped keeps an open attempt; a non-demo id is refused."""
    from ketatraining.analysis.demo import answer_through, demo_cohort
    from ketatraining.assessment.local import LocalAssessment
    from ketatraining.assessment.protocol import AssessmentError, SyntheticCohorts

    cohort = demo_cohort(6, 3, banks[:3])
    with ProgressStore(isolated_store) as store:
        local = LocalAssessment(store, learner_id="demo-trainer")
        for quiz in banks:
            local.add_quiz(quiz)
        assert isinstance(local, SyntheticCohorts)
        with pytest.raises(AssessmentError, match="starts with 'demo-'"):
            local.as_synthetic("alice", lambda: cohort.plans[0].started)
        assert answer_through(local, cohort) == len(store.responses())
        stored = sorted((r.learner_id, r.quiz_id, r.attempt, r.question_id, r.submitted_at,
                         r.score) for r in store.responses())
        by_id = {q.id: q for q in banks}
        planned = sorted((p.learner, p.quiz_id, p.attempt, a.question_id, a.at,
                          grade(by_id[p.quiz_id].question(a.question_id), a.response).score)
                         for p in cohort.plans for a in p.answers)
        assert stored == planned
        attempts = {(a.learner_id, a.quiz_id, a.attempt): a for a in store.attempts()}
        for plan in cohort.plans:
            if not plan.answers:
                continue
            row = attempts[(plan.learner, plan.quiz_id, plan.attempt)]
            assert row.finished_at == plan.finished_at  # None: stopped mid-quiz
            assert row.started_at.year == 2026
