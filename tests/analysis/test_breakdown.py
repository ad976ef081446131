"""Response breakdown, the quiz verdict and rounding that agrees with the flags."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketatraining.analysis.breakdown import breakdown
from ketatraining.analysis.item_analysis import (
    DISCRIMINATION_WEAK,
    analyse,
    quiz_verdict,
    shown,
)
from ketatraining.analysis.marks import MarksTable
from ketatraining.quiz.model import Quiz

QUIZ = Quiz.model_validate({
    "schema_version": 1, "id": "b", "title": "B", "topic": "risks", "pass_mark": 50,
    "questions": [
        {"id": "dose", "type": "numeric", "prompt": "0.5 mg/kg for 70 kg?", "value": 35,
         "tolerance": 0.5, "feedback_correct": "Yes.", "feedback_incorrect": "No.",
         "explanation": "E", "objective": "o", "references": ["r"],
         "alternatives": [{"value": 3.5, "credit": 50, "feedback": "Decimal slip."}]},
        {"id": "word", "type": "short_answer", "prompt": "Receptor?", "explanation": "E",
         "objective": "o", "references": ["r"], "feedback_incorrect": "No.",
         "answers": [{"text": "NMDA"}, {"text": "NMDA receptor*", "credit": 50}]},
    ]})


def test_numeric_answers_are_grouped_with_what_they_matched() -> None:
    rows = breakdown(QUIZ.question("dose"), [35, 35.0, 3.5, 3.5, 3.5, 350, None, "x"])
    assert [(r.answer, r.count, r.credit, r.matched) for r in rows] == [
        ("3.5", 3, 0.5, "alternative 3.5 (50% credit)"),
        ("(no answer)", 2, 0.0, "nothing"),
        ("35", 2, 1.0, "the value 35"),
        ("350", 1, 0.0, "nothing"),
    ]
    assert sum(r.rate for r in rows) == pytest.approx(1.0)


def test_short_answers_are_grouped_case_insensitively() -> None:
    rows = breakdown(QUIZ.question("word"), ["nmda", "NMDA", "NMDA receptors", "GABA"])
    assert [(r.answer, r.count, r.matched) for r in rows] == [
        ("nmda", 2, "accepted answer 'NMDA' (100% credit)"),
        ("gaba", 1, "nothing"),
        ("nmda receptors", 1, "accepted answer 'NMDA receptor*' (50% credit)"),
    ]


def test_rounding_never_prints_a_threshold_the_value_is_not() -> None:
    assert shown(19.96, 1, (0.0, 20.0)) == "19.96"
    assert shown(19.9, 1, (0.0, 20.0)) == "19.9"
    assert shown(20.0, 1, (0.0, 20.0)) == "20.0"
    assert shown(0.199, 2, (0.2, 0.9)) == "0.199"
    assert shown(-0.01, 1, (0.0, 20.0)) == "-0.01"
    assert shown(None, 1) == "-"


@given(st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_a_flagged_discrimination_is_shown_below_the_threshold(value: float) -> None:
    text = shown(value, 1, (0.0, DISCRIMINATION_WEAK))
    if value < DISCRIMINATION_WEAK:
        assert float(text) < DISCRIMINATION_WEAK or float(text) != DISCRIMINATION_WEAK
        assert text != "20.0"
    if value < 0:
        assert text not in ("0.0", "-0.0")


def _stats() -> object:
    return analyse(MarksTable([f"q{i}" for i in range(6)], np.ones(6), base_marks(),
                              policy="first"))


@pytest.mark.parametrize(("cic", "start"), [
    (58.9, "Reliability: unsatisfactory (CIC 58.9% is below 64%"),
    (70.0, "Reliability: borderline (CIC 70.0% is between 64% and 75%"),
    (80.0, "Reliability: satisfactory (CIC 80.0% is at least 75%"),
    (63.99, "Reliability: unsatisfactory (CIC 63.99% is below 64%"),
])
def test_the_quiz_verdict_follows_the_guide_bands(cic: float, start: str) -> None:
    stats = replace(_stats(), cic=cic, error_ratio=100 * (1 - cic / 100) ** 0.5)  # type: ignore[type-var]
    assert quiz_verdict(stats)[0].startswith(start)


def test_analyse_gives_a_verdict_and_mean_and_sd_bands() -> None:
    stats = _stats()
    verdict = stats.verdict  # type: ignore[attr-defined]
    assert verdict[0].startswith("Reliability: ")
    assert any(line.startswith("Mean ") and "50-75%" in line for line in verdict)
    assert any(line.startswith("SD ") and "12-18%" in line for line in verdict)


def test_a_typed_answer_is_a_popular_distractor_only_when_one_wrong_answer_beats_the_right(
) -> None:
    """A short answer's 'any other answer' lumps every wrong answer: three learners typing
    three different wrong words do not outnumber the two who typed the right one. One
    wrong answer typed by more learners than the right one (a decimal slip) does."""
    from ketatraining.analysis.marks import OptionCount

    word, dose = QUIZ.question("word"), QUIZ.question("dose")
    table = MarksTable(
        [f"q{i}" for i in range(6)], np.ones(6), base_marks(), policy="first",
        options={"q0": [OptionCount("answer-1", "NMDA", True, 2),
                        OptionCount("answer-2", "NMDA receptor*", False, 0),
                        OptionCount("other", "any other answer", False, 3)]},
        answers={"q0": breakdown(word, ["NMDA", "nmda", "GABA", "dopamine", "opioid"]),
                 "q1": breakdown(dose, [35, 35, 3.5, 3.5, 3.5, None, None, None, None]),
                 "q2": breakdown(dose, [35, 35, 35, 3.5, None, None, None, None])})
    stats = analyse(table)
    assert "popular_distractor" not in stats.question("q0").flags
    assert "popular_distractor" in stats.question("q1").flags  # 3.5 (3) beats 35 (2)
    assert "popular_distractor" not in stats.question("q2").flags  # blanks are no answer


def base_marks() -> np.ndarray:
    rng = np.random.default_rng(3)
    ability = rng.normal(size=(60, 1))
    return (rng.normal(size=(60, 6)) + ability > 0).astype(float)
