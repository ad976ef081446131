"""Grading rules, including the edges trainers and learners will hit."""

from __future__ import annotations

import pytest

from ketatraining.quiz.grading import grade, score_quiz, within
from ketatraining.quiz.model import MultipleChoice, Numeric, Quiz, SingleChoice, TrueFalse

BASE = {"prompt": "P", "explanation": "E", "references": ["r"], "objective": "o"}


def option(oid: str, correct: bool, weight: float | None = None) -> dict[str, object]:
    data: dict[str, object] = {"id": oid, "text": oid.upper(), "correct": correct,
                               "feedback": f"fb-{oid}"}
    if weight is not None:
        data["weight"] = weight
    return data


def numeric(**fields: object) -> Numeric:
    return Numeric.model_validate({**BASE, "id": "n", "type": "numeric", "value": 40,
                                   "feedback_correct": "yes", "feedback_incorrect": "no",
                                   **fields})


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [(40, True), (40.5, True), (39.5, True), (40.5000001, False), (39.4999, False),
     (41, False), (float("nan"), False), (float("inf"), False)],
)
def test_numeric_absolute_tolerance_bounds_are_inclusive(answer: float, accepted: bool) -> None:
    result = grade(numeric(tolerance=0.5), answer)
    assert result.correct is accepted
    assert result.score == (1.0 if accepted else 0.0)


def test_numeric_tolerance_survives_binary_rounding() -> None:
    question = numeric(value=0.3, tolerance=0.1)
    assert grade(question, 0.4).correct  # 0.4 - 0.3 == 0.10000000000000003 in binary
    assert grade(question, 0.2).correct
    assert not grade(question, 0.41).correct


def test_numeric_relative_tolerance() -> None:
    question = numeric(value=200, relative_tolerance=0.05)
    assert grade(question, 210).correct
    assert grade(question, 190).correct
    assert not grade(question, 210.5).correct


def test_numeric_without_tolerance_needs_the_exact_value() -> None:
    question = numeric()
    assert grade(question, 40.0).correct
    assert not grade(question, 40.001).correct


def test_numeric_alternatives_give_partial_credit() -> None:
    question = numeric(tolerance=0, points=2,
                       alternatives=[{"value": 400, "tolerance": 1, "credit": 50,
                                      "feedback": "Units?"}])
    result = grade(question, 400.5)
    assert result.score == 1.0 and not result.correct
    assert result.feedback == (("answer", "Units?"),)


def test_numeric_rejects_non_numbers() -> None:
    question = numeric(tolerance=1)
    assert grade(question, "40").score == 0  # type: ignore[arg-type]
    assert grade(question, True).score == 0
    assert grade(question, None).score == 0


def multiple(*options: dict[str, object], points: float = 1) -> MultipleChoice:
    return MultipleChoice.model_validate({**BASE, "id": "m", "type": "multiple_choice",
                                          "options": list(options), "points": points})


def test_multiple_choice_partial_credit_with_penalties_clamped_at_zero() -> None:
    question = multiple(option("a", True), option("b", True), option("c", False),
                        option("d", False), points=2)
    assert grade(question, ["a", "b"]).score == 2
    assert grade(question, ["a"]).score == 1  # 1/2 right
    assert grade(question, ["a", "c"]).score == 0  # 1/2 - 1/2
    assert grade(question, ["a", "b", "c"]).score == 1  # 1 - 1/2
    assert grade(question, ["a", "b", "c", "d"]).score == 0  # ticking all earns nothing
    assert grade(question, ["c", "d"]).score == 0  # clamped, never negative
    assert grade(question, []).score == 0


def test_multiple_choice_with_all_options_correct_has_no_penalty_term() -> None:
    question = multiple(option("a", True), option("b", True))
    assert grade(question, ["a"]).fraction == 0.5


def test_multiple_choice_weights_as_in_moodle() -> None:
    question = multiple(option("a", True, 50), option("b", True, 50), option("c", False, -100))
    assert grade(question, ["a"]).fraction == 0.5
    assert grade(question, ["a", "c"]).fraction == 0
    assert grade(question, ["a", "b"]).correct


def test_multiple_choice_feedback_lists_ticked_options_in_order() -> None:
    question = multiple(option("a", True), option("b", False), option("c", True))
    assert grade(question, ["c", "a"]).feedback == (("a", "fb-a"), ("c", "fb-c"))


def test_single_choice_and_true_false() -> None:
    single = SingleChoice.model_validate({**BASE, "id": "s", "type": "single_choice",
                                          "points": 3,
                                          "options": [option("a", False), option("b", True)]})
    assert grade(single, "b").score == 3
    assert grade(single, "a").score == 0
    assert grade(single, "zzz").score == 0
    assert grade(single, "a").feedback == (("a", "fb-a"),)
    statement = TrueFalse.model_validate({**BASE, "id": "t", "type": "true_false",
                                          "answer": False, "feedback_true": "ft",
                                          "feedback_false": "ff"})
    assert grade(statement, False).correct
    assert grade(statement, True).feedback == (("answer", "ft"),)
    assert grade(statement, "false").score == 0  # type: ignore[arg-type]


def test_quiz_score_against_pass_mark() -> None:
    quiz = Quiz.model_validate({
        "schema_version": 1, "id": "q", "title": "T", "topic": "risks", "pass_mark": 70,
        "questions": [numeric(tolerance=1, points=7).model_dump(),
                      {**numeric(tolerance=1, points=3).model_dump(), "id": "n2"}],
    })
    first, second = quiz.questions
    passed = score_quiz(quiz, [grade(first, 40), grade(second, 0)])
    assert passed.percent == 70 and passed.passed
    failed = score_quiz(quiz, [grade(first, 0), grade(second, 40)])
    assert failed.percent == 30 and not failed.passed


def test_within_helper() -> None:
    assert within(1.0, 1.0, None, None)
    assert not within(1.1, 1.0, None, None)
    assert within(1.1, 1.0, 0.1, None)
