"""Moodle XML import: the cases Moodle's importer (question/format/xml/format.php) reads.

Each file in tests/data/moodle_xml/ was written for these tests after reading Moodle's
importer; the expectations say what Moodle keeps, and every thing the course cannot
keep must be reported with its line (KI020 skipped, KI021 left out), never dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ketatraining.interop.moodle_xml import import_moodle_xml
from ketatraining.interop.yaml_writer import TODO_EXPLANATION, TODO_FEEDBACK
from ketatraining.quiz.model import Quiz

DATA = Path(__file__).resolve().parents[1] / "data" / "moodle_xml"


def load(name: str, **kwargs: Any) -> Any:
    path = DATA / f"{name}.xml"
    return import_moodle_xml(path.read_text(encoding="utf-8"), quiz_id=name, path=str(path),
                             **kwargs)


def codes(result: Any) -> list[tuple[str, str, int | None, str | None]]:
    return [(p.code, p.severity, p.line, p.question) for p in result.problems]


def test_each_supported_type_with_marks_feedback_units_and_formats() -> None:
    result = load("types")
    assert result.data is not None
    Quiz.model_validate(result.data)
    multi, truefalse, dose, images = result.data["questions"]
    assert (multi["id"], multi["type"], multi["points"]) == ("Select-all", "multiple_choice", 3)
    assert [(o["text"], o["correct"], o["weight"], o["feedback"]) for o in multi["options"]] == [
        ("yellow", True, 50, "yes"), ("black", False, -100, "no"), ("green", True, 50, "yes")]
    assert multi["prompt"] == "Which are **colours**?"  # markdown format kept
    assert multi["explanation"] == "Black and white are not."
    # plain_text is escaped so it shows literally; localised answers: first is 'true'
    assert truefalse["prompt"] == "2 \\* 3 = 6 \\[fact\\]"
    assert (truefalse["answer"], truefalse["feedback_true"], truefalse["feedback_false"]) == (
        True, "Right.", "Wrong.")
    assert truefalse["explanation"] == TODO_EXPLANATION
    assert dose == {
        "id": "dose-80", "type": "numeric", "prompt": "<p>Dose for 80 kg at 0.5 mg/kg?</p>",
        "value": 40.0, "units": "mg",
        "feedback_correct": "Right.", "feedback_incorrect": "Multiply.",  # the '*' answer
        "alternatives": [{"value": 400.0, "tolerance": 1.0, "credit": 0.0,
                          "feedback": "Ten times too much."}],
        "explanation": TODO_EXPLANATION, "references": dose["references"],
        "objective": dose["objective"], "points": 1.0,
    }
    assert images["options"][1]["feedback"] == TODO_FEEDBACK


def test_unsupported_and_lost_parts_are_reported_with_their_lines() -> None:
    result = load("types")
    assert codes(result) == [
        ("KI023", "warning", 25, "Old order"),  # localised true/false: a guess, reported
        ("KI020", "warning", 41, "Two gaps"),
        ("KI020", "warning", 47, "Intro"),  # description
        ("KI020", "warning", 51, "Cloze"),
        ("KI021", "warning", 58, "Images"),  # embedded file
        ("KI021", "warning", 61, "Images"),  # hint
    ]
    assert result.skipped == 3
    assert all(p.hint for p in result.problems)


def test_strict_refuses_a_file_that_would_lose_anything() -> None:
    result = load("types", strict=True)
    assert result.data is None
    assert sorted({p.code for p in result.errors}) == ["KI020", "KI021"]
    assert not any(p.code == "KI023" for p in result.errors)  # a guess is not a loss


def test_category_becomes_a_tag_and_partial_credit_and_extra_units_are_reported() -> None:
    result = load("mixed")
    single, truefalse, numeric, gap = result.data["questions"]
    assert single["tags"] == ["safety", "category:Safety basics"]
    assert truefalse["tags"] == ["category:Safety basics"]
    assert result.data["title"] == "Mixed"  # a category is not silently the title
    found = {(p.code, p.line) for p in result.problems}
    assert ("KI023", None) in found  # category -> tag, reported
    assert ("KI021", 18) in found  # combined feedback written by the trainer
    assert ("KI021", 36) in found  # unit 'g' with multiplier 0.001
    assert ("KI020", 38) in found  # essay
    assert numeric["units"] == "mg" and numeric["alternatives"][0]["credit"] == 50
    # gapselect with one gap: a single-choice question with a visible blank
    assert gap["prompt"] == "Grant is _____ in Grant's tomb."
    assert [(o["text"], o["correct"]) for o in gap["options"]] == [
        ("buried", False), ("entombed", True), ("living", False)]


def test_partial_credit_on_single_answer_is_kept() -> None:
    result = load("mixed")
    single = result.data["questions"][0]
    assert [o.get("weight") for o in single["options"]] == [None, 50, None]
    assert not [p for p in result.problems if p.code == "KI021" and p.question == "Q1"
                and "partial credit" in p.message]


@pytest.mark.parametrize(
    ("xml", "code", "words"),
    [
        ("<quiz><question type='multichoice'>", "KI040", "not well-formed"),
        ("<questions/>", "KI040", "not <quiz>"),
        (('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
         "<quiz>&b;</quiz>"), "KI040", "refused for safety"),
        ('<!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>', "KI040",
         "refused for safety"),
        ("<quiz/>", "KI022", "no question"),
        (("<quiz><question type='multichoice'><name><text>A</text></name>"
         "<answer fraction='100'><text>x</text></answer></question></quiz>"), "KI011",
         "at least two"),
        (("<quiz><question type='multichoice'><answer fraction='50'><text>x</text></answer>"
         "<answer fraction='0'><text>y</text></answer></question></quiz>"), "KI013",
         "exactly one"),
        (("<quiz><question type='numerical'><answer fraction='100'><text>forty</text>"
         "</answer></question></quiz>"), "KI012", "not a number"),
        (("<quiz><question type='multichoice'><answer fraction='abc'><text>x</text></answer>"
         "<answer><text>y</text></answer></question></quiz>"), "KI012", "not a number"),
        ("<quiz><question type='essay'/></quiz>", "KI020", "essay"),
    ],
)
def test_bad_files_and_questions_give_coded_problems(xml: str, code: str, words: str) -> None:
    result = import_moodle_xml(xml, quiz_id="x", path="bank.xml")
    assert result.data is None
    assert code in [p.code for p in result.problems]
    assert any(words in p.message for p in result.problems), [p.message for p in
                                                             result.problems]
    assert all(p.path == "bank.xml" for p in result.problems)


def test_a_bad_question_is_reported_and_the_rest_still_read() -> None:
    xml = ("<quiz>\n<question type='numerical'><name><text>Bad</text></name>"
           "<answer fraction='100'><text>x</text></answer></question>\n"
           "<question type='truefalse'><name><text>Good</text></name>"
           "<questiontext><text>T?</text></questiontext>"
           "<answer fraction='100'><text>true</text></answer>"
           "<answer fraction='0'><text>false</text></answer></question>\n</quiz>")
    result = import_moodle_xml(xml, quiz_id="x")
    assert result.data is None  # an error refuses the file ...
    assert [(p.code, p.line, p.question) for p in result.problems] == [("KI012", 2, "Bad")]


def test_hidden_questions_and_per_question_shuffle_are_reported() -> None:
    xml = ("<quiz>\n<question type='truefalse'><name><text>H</text></name><hidden>1</hidden>"
           "<questiontext><text>T?</text></questiontext>"
           "<answer fraction='100'><text>true</text></answer>"
           "<answer fraction='0'><text>false</text></answer></question>\n"
           "<question type='multichoice'><name><text>S</text></name>"
           "<shuffleanswers>true</shuffleanswers><questiontext><text>Q?</text></questiontext>"
           "<answer fraction='100'><text>a</text></answer>"
           "<answer fraction='0'><text>b</text></answer></question>\n</quiz>")
    result = import_moodle_xml(xml, quiz_id="x")
    notes = {p.question: p.message for p in result.problems if p.code == "KI023"}
    assert "hidden" in notes["H"]
    assert "shuffle" in notes[None]
    assert result.data["shuffle"] is True
    assert import_moodle_xml(xml, quiz_id="x", strict=True).data is not None  # notes only
