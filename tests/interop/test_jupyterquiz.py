"""jupyterquiz JSON import: the expected quiz for a hand-written question list, the
numeric rules (significant digits, half-open ranges) and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ketatraining.interop.jupyterquiz import import_jupyterquiz, significant_interval
from ketatraining.interop.yaml_writer import (
    TODO_EXPLANATION,
    TODO_FEEDBACK,
    TODO_FEEDBACK_CORRECT,
    TODO_OBJECTIVE,
    TODO_REFERENCE,
)
from ketatraining.quiz.grading import grade
from ketatraining.quiz.model import Quiz

DATA = Path(__file__).resolve().parents[1] / "data" / "jupyterquiz"
FILLED = {"explanation": TODO_EXPLANATION, "references": [TODO_REFERENCE],
          "objective": TODO_OBJECTIVE, "points": 1}


def load(name: str, **kwargs: Any) -> Any:
    path = DATA / name
    return import_jupyterquiz(path.read_text(encoding="utf-8"), quiz_id="basics",
                              path=str(path), **kwargs)


def convert(questions: list[dict[str, Any]], **kwargs: Any) -> Any:
    return import_jupyterquiz(json.dumps(questions), quiz_id="q", **kwargs)


def test_example_file_expected_quiz() -> None:
    result = load("questions.json")
    assert [(p.code, p.severity, p.field) for p in result.problems] == [
        ("KI021", "warning", "$[2].answers[0]"),  # precision: bounds and value reported
        ("KI021", "warning", "$[2].answers[1].range"),  # half-open ranges reported
        ("KI021", "warning", "$[2].answers[2].range")]  # 'string' is now short_answer
    quiz = Quiz.model_validate(result.data)
    assert quiz.id == "basics"
    many, single, pi, code, string, dose = result.data["questions"]
    assert (string["type"], string["answers"]) == ("short_answer", [
        {"text": "Python", "credit": 100}])
    assert many == {
        "id": "basics-1", "type": "multiple_choice",
        "prompt": "Which of these can a Jupyter notebook contain?",
        "options": [
            {"id": "a", "text": "Formatted text", "correct": True, "feedback": "Correct."},
            {"id": "b", "text": "Python code", "correct": True, "feedback": "Correct."},
            {"id": "c", "text": "Live snakes", "correct": False, "feedback": "I hope not."},
        ],
        **FILLED,
    }
    assert single["type"] == "single_choice"
    assert [o["correct"] for o in single["options"]] == [False, True]
    # precision 2: inputs are rounded to 2 significant digits, so 3.14 means 3.1 +/- 0.05
    assert pi["value"] == 3.1
    assert pi["tolerance"] == pytest.approx(0.05)
    assert pi["feedback_correct"] == "Correct."
    assert pi["feedback_incorrect"] == "Try again."
    assert pi["alternatives"] == [
        {"value": pytest.approx(3.1428575), "tolerance": pytest.approx(5e-7), "credit": 100,
         "feedback": "That is 22/7."},
        {"value": -50.0, "tolerance": 50.0, "credit": 0, "feedback": "Pi is positive."},
    ]
    assert code["prompt"] == 'What does this print?\n\n```python\na = "1"\nprint(a + a)\n```'
    assert [o["text"] for o in code["options"]] == ["`2`", "`11`"]
    assert code["options"][0]["feedback"] == TODO_FEEDBACK
    assert dose == {
        "id": "basics-6", "type": "numeric",
        "prompt": "Give the dose in mg for 80 kg at 0.5 mg/kg.",
        "value": 40.0,  # no precision: exact
        "feedback_correct": TODO_FEEDBACK_CORRECT,
        "feedback_incorrect": "TODO: write the feedback for a wrong answer.",
        "alternatives": [{"value": 400.0, "tolerance": 0.0, "credit": 0,
                          "feedback": "Ten times too much."}],
        **FILLED,
    }


def test_numeric_grading_matches_jupyterquiz() -> None:
    quiz = Quiz.model_validate(load("questions.json").data)
    pi = quiz.questions[2]
    assert grade(pi, 3.14).correct and grade(pi, 3.1).correct and grade(pi, 3.06).correct
    assert not grade(pi, 3.2).correct and not grade(pi, 3.0).correct
    assert grade(pi, 3.1428576).correct  # the 22/7 range, also marked correct
    assert grade(pi, -3).score == 0


@pytest.mark.parametrize(
    ("value", "digits", "centre", "half_step"),
    [(3.14, 2, 3.1, 0.05), (3.14159, 3, 3.14, 0.005), (1234.0, 2, 1200.0, 50.0),
     (0.000123456, 3, 0.000123, 5e-7), (10.0, 1, 10.0, 0.5), (-2.5, 1, -3.0, 0.5), (0.125, 2, 0.13, 0.005),
     (9.96, 2, 10.0, 0.05),
     (0.0, 3, 0.0, 0.0)],
)
def test_significant_interval(value: float, digits: int, centre: float,
                              half_step: float) -> None:
    assert significant_interval(value, digits) == pytest.approx((centre, half_step))


def test_many_correct_in_multiple_choice_becomes_select_all() -> None:
    result = convert([{"question": "Q", "type": "multiple_choice",
                       "answers": [{"answer": "a", "correct": True},
                                   {"answer": "b", "correct": True}]}])
    assert result.data["questions"][0]["type"] == "multiple_choice"


def test_syntax_error_gives_line_and_column() -> None:
    result = load("broken.json")
    assert result.data is None
    (problem,) = result.problems
    assert (problem.code, problem.line) == ("KI030", 5)
    assert problem.column is not None and "delimiter" in problem.message


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        ({"question": "Q"}, "$", "an object"),
        ([1], "$[0]", "a number"),
        ([{"question": "Q"}], "$[0].type", "missing"),
        ([{"type": "numeric", "answers": []}], "$[0].question", "missing"),
        ([{"question": "Q", "type": "numeric"}], "$[0].answers", "missing"),
        ([{"question": "Q", "type": "numeric", "answers": []}], "$[0].answers", "empty"),
        ([{"question": "Q", "type": "numeric", "answers": [{"value": "3", "correct": True}]}],
         "$[0].answers[0].value", "text, not a number"),
        ([{"question": "Q", "type": "numeric", "answers": [{"range": [2, 1],
                                                             "correct": True}]}],
         "$[0].answers[0].range", "backwards"),
        ([{"question": "Q", "type": "numeric", "answers": [{"range": [1], "correct": True}]}],
         "$[0].answers[0].range", "two numbers"),
        ([{"question": "Q", "type": "numeric", "precision": 0,
           "answers": [{"value": 1, "correct": True}]}], "$[0].precision", "1 or more"),
        ([{"question": "Q", "type": "numeric", "answers": [{"value": 1, "correct": False}]}],
         "$[0].answers", "No numeric answer"),
        ([{"question": "Q", "type": "many_choice", "answers": [
            {"answer": "a", "correct": "yes"}, {"answer": "b"}]}],
         "$[0].answers[0].correct", "not true or false"),
        ([{"question": "Q", "type": "multiple_choice", "answers": [
            {"answer": "a"}, {"answer": "b"}]}], "$[0].answers", "No answer is marked"),
        ([{"question": "Q", "type": "multiple_choice", "answers": [
            {"answer": "a", "correct": True}]}], "$[0].answers", "at least two"),
        ([{"question": "Q", "type": "many_choice", "answers": [
            {"correct": True}, {"answer": "b"}]}], "$[0].answers[0].answer", "missing"),
        ([{"question": "Q", "type": "many_choice", "answers": ["a", "b"]}],
         "$[0].answers[0]", "text, not an object"),
    ],
)
def test_bad_input_names_the_json_path(document: Any, field: str, words: str) -> None:
    result = import_jupyterquiz(json.dumps(document), quiz_id="q")
    assert result.data is None
    assert [p.field for p in result.errors] == [field]
    assert words in result.errors[0].message
    assert result.errors[0].hint


def test_strict_refuses_unsupported_types_and_empty_files_are_errors() -> None:
    string_question = {"question": "Q", "type": "drag_drop", "answers": []}
    assert convert([string_question], strict=True).errors[0].code == "KI020"
    result = convert([string_question])
    assert result.data is None
    assert sorted(p.code for p in result.problems) == ["KI020", "KI022"]


def test_questions_wrapped_in_an_object_are_read_too() -> None:
    document = {"questions": [{"question": "Q", "type": "numeric",
                               "answers": [{"value": 2, "correct": True}]}]}
    result = import_jupyterquiz(json.dumps(document), quiz_id="q")
    assert result.data["questions"][0]["value"] == 2.0


def test_precision_that_changes_the_value_is_reported_with_the_exact_interval() -> None:
    question = {"question": "Q", "type": "numeric", "precision": 3,
                "answers": [{"value": 90.49, "correct": True}]}
    result = convert([question])
    (problem,) = result.problems
    assert (problem.code, problem.severity, problem.field) == (
        "KI021", "warning", "$[0].answers[0]")
    assert "90.45 <= x < 90.55" in problem.message
    assert "the value 90.49 becomes 90.5" in problem.message
    assert "also accepts 90.55" in problem.message
    strict = convert([question], strict=True)
    assert strict.data is None and strict.errors[0].code == "KI021"


def test_half_open_range_is_reported_not_silently_closed() -> None:
    question = {"question": "Q", "type": "numeric",
                "answers": [{"range": [94, 95], "correct": True}]}
    result = convert([question])
    (problem,) = result.problems
    assert problem.field == "$[0].answers[0].range"
    assert "[94, 95) excludes 95" in problem.message
    assert convert([question], strict=True).data is None
    exact = convert([{"question": "Q", "type": "numeric",
                      "answers": [{"value": 3, "correct": True}]}])
    assert exact.problems == []  # an exact value loses nothing
