"""Ordering questions in GIFT, as Moodle's qtype_ordering reads them (core since 4.4).

Its ``import_from_gift()`` (``question/type/ordering/questiontype.php``) takes an answer
block ``{>N SELECTTYPE LAYOUT GRADINGTYPE SHOWGRADING NUMBERING`` followed by one item per
line in the right order; any of the words may be left out (defaults: RANDOM, VERTICAL,
RELATIVE_NEXT_EXCLUDE_LAST, SHOW, none) and a count outside 2..items means min(6, items).
"""

from __future__ import annotations

from typing import Any

import pytest

from ketatraining.interop.gift import export_gift, gift_export, import_gift, parse_gift
from ketatraining.quiz.model import Quiz

# As Moodle's own export_to_gift() writes it (each item followed by a newline)
MOODLE = """::Steps::[moodle]Put the steps in order.{>3 ALL VERTICAL ALL_OR_NOTHING SHOW none
Measure blood pressure
Give the dose
Monitor for 2 hours
}"""


def quiz(steps: list[str], scoring: str = "relative_to_next") -> Quiz:
    return Quiz.model_validate({
        "schema_version": 1, "id": "o", "title": "O", "topic": "risks", "pass_mark": 50,
        "questions": [{"id": "order", "type": "ordering", "prompt": "In order?",
                       "explanation": "Why.", "references": ["r"], "objective": "o",
                       "scoring": scoring, "feedback_correct": "Yes.",
                       "feedback_incorrect": "No.",
                       "steps": [{"id": f"s{n}", "text": t}
                                 for n, t in enumerate(steps, start=1)]}]})


def test_moodles_own_gift_ordering_imports_as_an_ordering_question() -> None:
    result = import_gift(MOODLE, quiz_id="o", path="o.gift")
    assert [p.code for p in result.problems if p.severity == "error"] == []
    (question,) = Quiz.model_validate(result.data).questions
    assert question.type == "ordering"
    assert [s.text for s in question.steps] == ["Measure blood pressure", "Give the dose",
                                                "Monitor for 2 hours"]
    assert question.scoring == "all_or_nothing"
    assert question.prompt == "Put the steps in order."
    assert question.feedback_correct.startswith("TODO")  # GIFT has no combined feedback


def test_left_out_words_take_moodles_defaults() -> None:
    # RANDOM with the count of all three items shows them all; grading defaults to
    # RELATIVE_NEXT_EXCLUDE_LAST, the course's relative_to_next
    result = import_gift("Order? {>3\nOne\nTwo\nThree\n}", quiz_id="o")
    assert result.problems == [] or all(p.severity == "warning" for p in result.problems)
    (question,) = Quiz.model_validate(result.data).questions
    assert (question.type, question.scoring) == ("ordering", "relative_to_next")
    assert not [p for p in result.problems if p.code == "KI021"]


@pytest.mark.parametrize(("block", "said"), [
    ("{>2 RANDOM\nOne\nTwo\nThree\n}", "Moodle shows 2 of the 3 items (RANDOM)"),
    ("{>3 ALL VERTICAL ABSOLUTE_POSITION\nOne\nTwo\nThree\n}", "grading 'ABSOLUTE_POSITION'"),
])
def test_what_the_course_cannot_keep_is_reported_and_refused_under_strict(
        block: str, said: str) -> None:
    text = f"::Q::Order?{block}"
    result = import_gift(text, quiz_id="o", path="o.gift")
    (lost,) = [p for p in result.problems if p.code == "KI021"]
    assert said in lost.message and lost.severity == "warning" and lost.line == 1
    refused = import_gift(text, quiz_id="o", path="o.gift", strict=True)
    assert refused.data is None
    assert [p.severity for p in refused.problems if p.code == "KI021"] == ["error"]


def test_an_item_after_a_short_header_is_read_as_moodle_reads_it() -> None:
    # Moodle's optional layout word swallows an item's leading 'H' (HORIZONTAL); the
    # parse follows Moodle, and our export always writes every word so it never happens
    (question,) = parse_gift("Order? {>2\nHold\nRelease\n}").questions
    assert question.steps == ["old", "Release"]
    assert question.order_options["layouttype"] == "H"


@pytest.mark.parametrize("scoring", ["relative_to_next", "all_or_nothing"])
def test_export_writes_every_word_and_comes_back_the_same(scoring: str) -> None:
    original = quiz(["Hold the dose", "Release", "1 more: check"], scoring)
    text, problems = gift_export(original)
    grading = "ALL_OR_NOTHING" if scoring == "all_or_nothing" else "RELATIVE_NEXT_EXCLUDE_LAST"
    assert f"{{>3 ALL VERTICAL {grading} SHOW none\n\tHold the dose\n\tRelease\n" in text
    assert [p.code for p in problems] == ["KE002"] and "Moodle 4.4" in problems[0].message
    result = import_gift(text, quiz_id="o")
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data) == original


@pytest.mark.parametrize("text", ["Use {braces}", "A back\\slash"])
def test_a_step_moodles_gift_ordering_cannot_hold_is_left_out_and_said(text: str) -> None:
    original = quiz(["First", text])
    exported, problems = gift_export(original)
    assert "::order::" not in exported
    (problem,) = problems
    assert problem.code == "KE002" and "step 's2'" in problem.message
    assert export_gift(original) == exported  # a warning, not a refusal


def test_ordering_with_a_general_feedback_and_tags_round_trips() -> None:
    data: dict[str, Any] = quiz(["One", "Two"]).model_dump(mode="json", exclude_none=True)
    data["questions"][0]["tags"] = ["safety"]
    data["questions"][0]["explanation"] = "Because: one {first}, then two #2."
    original = Quiz.model_validate(data)
    result = import_gift(export_gift(original), quiz_id="o")
    assert result.problems == []
    assert Quiz.model_validate(result.data) == original


def test_the_ordering_cases_file_reads_as_moodle_read_it() -> None:
    # tests/data/gift/ordering.gift; Moodle's qformat_gift + qtype_ordering (through
    # scripts/check_with_moodle.py's harness) read: Steps ALL 3 ALL_OR_NOTHING, Defaults
    # RANDOM 4 of 4 RELATIVE_NEXT_EXCLUDE_LAST with a general feedback, Subset RANDOM 2 of 3
    # ABSOLUTE_POSITION
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "gift" / "ordering.gift"
    result = import_gift(path.read_text(encoding="utf-8"), quiz_id="o", path=path.name)
    steps, defaults, subset = Quiz.model_validate(result.data).questions
    assert [(q.type, q.scoring, [s.text for s in q.steps]) for q in (steps, defaults)] == [
        ("ordering", "all_or_nothing",
         ["Measure blood pressure", "Give the dose", "Monitor for 2 hours"]),
        ("ordering", "relative_to_next", ["First", "Second", "Third", "Fourth"])]
    assert defaults.explanation == "Relative to the next item, shown in a random order."
    assert [s.text for s in subset.steps] == ["One", "Two", "Three"]
    assert sorted((p.code, p.line, p.question) for p in result.problems) == [
        ("KI021", 15, "Subset"), ("KI021", 15, "Subset")]
