"""jupyterquiz export: the JSON its display_quiz reads, what it cannot carry, round trips.

The field names and rules are jupyterquiz's own (jupyterquiz/js/numeric.js and
multiple_choice.js): ``value`` answers compare exactly, ``range`` answers accept
``low <= x < high``, the first matching answer wins, ``default`` holds the feedback
for anything else.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from ketatraining.interop.jupyterquiz import import_jupyterquiz
from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
from ketatraining.quiz.grading import grade
from ketatraining.quiz.model import Quiz
from tests.interop.banks import BANK_IDS, BANKS, assert_left_out_reported, carried, load_bank

BASE = {"explanation": "Why.", "references": [], "objective": "o"}


def jupyterquiz_accepts(answers: list[dict[str, Any]], number: float) -> bool:
    """numeric.js: the first value (==) or range (low <= x < high) that matches decides."""
    for answer in answers:
        if "value" in answer and number == answer["value"]:
            return bool(answer["correct"])
        if "range" in answer and answer["range"][0] <= number < answer["range"][1]:
            return bool(answer["correct"])
    return False


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_every_bank_is_jupyterquiz_json_and_comes_back_the_same(path: Path) -> None:
    quiz = load_bank(path)
    text, problems = jupyterquiz_export(quiz)
    assert all(p.code == "KE002" and p.severity == "warning" for p in problems)
    assert_left_out_reported(problems, quiz, "jupyterquiz")
    kept = carried(quiz, "jupyterquiz")
    items = json.loads(text)
    assert isinstance(items, list) and len(items) == len(kept.questions)
    for item, question in zip(items, kept.questions, strict=True):
        assert item["type"] in {"multiple_choice", "many_choice", "numeric", "string"}
        assert isinstance(item["question"], str) and item["question"]
        for answer in item["answers"]:
            if item["type"] in ("numeric", "string") and answer.get("type") == "default":
                assert set(answer) == {"type", "feedback"}
            elif item["type"] == "numeric":
                assert answer.get("type") in {"value", "range"}
            elif item["type"] == "string":
                assert {"answer", "correct", "match_case"} <= set(answer) <= {
                    "answer", "correct", "match_case", "feedback"}
            else:
                assert set(answer) == {"answer", "correct", "feedback"}
        if item["type"] in ("multiple_choice", "string"):
            assert sum(bool(a.get("correct")) for a in item["answers"]) >= 1, question.id
        if item["type"] == "multiple_choice":
            assert sum(a["correct"] for a in item["answers"]) == 1, question.id
    result = import_jupyterquiz(text, quiz_id=quiz.id)
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data) == kept


def test_a_short_answer_accepted_only_through_a_wildcard_is_left_out_and_reported() -> None:
    question = {"id": "s", "type": "short_answer", "prompt": "Name it.", **BASE,
                "answers": [{"text": "dissociat*"}, {"text": "detached", "credit": 50}],
                "feedback_incorrect": "No."}
    quiz = Quiz.model_validate({"schema_version": 1, "id": "j", "title": "J",
                                "topic": "risks", "pass_mark": 50,
                                "questions": [question, {**question, "id": "t", "answers": [
                                    {"text": "dissociation"}, {"text": "dissociat*"}]}]})
    text, problems = jupyterquiz_export(quiz)
    (item,) = json.loads(text)  # 's' could never be answered right in jupyterquiz
    assert item["ketatraining"]["id"] == "t"
    assert [(p.code, p.question) for p in problems if "left out" in p.message] == [
        ("KE002", "s"), ("KE002", "t")]  # s: the question; t: its wildcard answer


def numeric(**fields: Any) -> Quiz:
    return Quiz.model_validate({"schema_version": 1, "id": "j", "title": "J", "topic": "risks",
                                "pass_mark": 50, "questions": [{
                                    "id": "n", "type": "numeric", "prompt": "Dose?",
                                    "feedback_correct": "y", "feedback_incorrect": "n",
                                    **BASE, **fields}]})


@pytest.mark.parametrize(("fields", "probes"), [
    ({"value": 36.61, "tolerance": 0.5}, [36.11, 37.11, 36.1, 37.12, 36.61]),
    ({"value": 35.0, "relative_tolerance": 0.02}, [34.3, 35.7, 35.70001, 34.29999]),
    ({"value": 40.0}, [40.0, 40.000001, 39.99]),
])
def test_numeric_answers_accept_exactly_what_the_course_accepts(fields: dict[str, Any],
                                                                probes: list[float]) -> None:
    quiz = numeric(**fields)
    (item,) = json.loads(jupyterquiz_export(quiz)[0])
    for number in probes:
        assert jupyterquiz_accepts(item["answers"], number) == grade(
            quiz.questions[0], number).correct, number
    upper = fields["value"] + (fields.get("tolerance") or 0)
    if "tolerance" in fields:  # the course's inclusive upper bound is inside the range
        assert jupyterquiz_accepts(item["answers"], upper)
        assert not jupyterquiz_accepts(item["answers"], math.nextafter(item["answers"][0][
            "range"][1], math.inf))


def test_what_jupyterquiz_cannot_carry_is_reported() -> None:
    quiz = numeric(value=40.0, units="mg", alternatives=[
        {"value": 41.0, "credit": 50, "feedback": "Close."}])
    text, problems = jupyterquiz_export(quiz)
    messages = " ".join(p.message for p in problems)
    assert "no scores, pass mark" in messages
    assert "no partial credit" in messages and "41" in messages
    assert "'mg'" in messages
    (item,) = json.loads(text)
    assert [a.get("correct") for a in item["answers"]] == [True, False, None]
    assert item["answers"][-1] == {"type": "default", "feedback": "<p>n</p>"}


def test_an_edited_export_is_read_as_shown_not_from_the_metadata() -> None:
    quiz = load_bank(BANKS[0])
    items = json.loads(jupyterquiz_export(quiz)[0])
    items[0]["question"] = "A question someone rewrote in jupyterquiz."
    result = import_jupyterquiz(json.dumps(items), quiz_id=quiz.id)
    assert result.data["questions"][0]["prompt"] == "A question someone rewrote in jupyterquiz."
