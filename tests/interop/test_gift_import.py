"""GIFT import: each case in tests/data/gift/ with its expected parse written by hand.

The expectations follow Moodle's importer (question/format/gift/format.php): per-answer
feedback after '#', general feedback after '####', '%n%' weights (negative too), the
true/false rule that the first feedback is for a wrong answer, min..max stored as
midpoint and half-width, escapes, [format] prefixes, comments with [tag:] and [id:].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ketatraining.interop.gift import import_gift, parse_gift
from ketatraining.interop.yaml_writer import (
    TODO_EXPLANATION,
    TODO_FEEDBACK,
    TODO_FEEDBACK_CORRECT,
    TODO_FEEDBACK_INCORRECT,
    TODO_OBJECTIVE,
    TODO_REFERENCE,
)
from ketatraining.quiz.model import Quiz

DATA = Path(__file__).resolve().parents[1] / "data" / "gift"
FILLED = {"references": [TODO_REFERENCE], "objective": TODO_OBJECTIVE, "points": 1}


def load(name: str, **kwargs: Any) -> Any:
    path = DATA / f"{name}.gift"
    return import_gift(path.read_text(encoding="utf-8"), quiz_id=name, path=str(path),
                       **kwargs)


def questions(name: str) -> list[dict[str, Any]]:
    result = load(name)
    assert result.errors == [], [p.format() for p in result.problems]
    Quiz.model_validate(result.data)  # every import is a structurally valid quiz
    return result.data["questions"]


def test_single_choice_with_feedback_formats_and_general_feedback() -> None:
    assert questions("single") == [{
        "id": "Colours",
        "type": "single_choice",
        "prompt": "Which colour lies between orange and green in the spectrum?",
        "options": [
            {"id": "a", "text": "yellow", "correct": True, "feedback": "right; good!"},
            # [html] feedback is kept as HTML, which Markdown accepts
            {"id": "b", "text": "red", "correct": False,
             "feedback": "<b>wrong</b>, it's yellow"},
            # [plain] text is escaped so Markdown shows it literally; the feedback
            # without a prefix keeps the question's (default) format
            {"id": "c", "text": "blue\\_sky", "correct": False,
             "feedback": "wrong, it's *yellow*"},
        ],
        "explanation": "Yellow sits between orange and green.",
        **FILLED,
    }]


def test_multi_response_weights_tags_and_idnumber() -> None:
    first, thirds = questions("multi")
    assert first == {
        "id": "colours-multi",  # from [id:...]
        "type": "multiple_choice",
        "prompt": "Which of these are colours of the rainbow?",
        "options": [
            {"id": "a", "text": "yellow", "correct": True, "feedback": "right", "weight": 50.0},
            {"id": "b", "text": "black", "correct": False, "feedback": "not in the rainbow",
             "weight": -100.0},
            {"id": "c", "text": "green", "correct": True, "feedback": "right", "weight": 50.0},
            {"id": "d", "text": "white", "correct": False, "feedback": "not in the rainbow",
             "weight": -33.5},
            {"id": "e", "text": "grey", "correct": False, "feedback": TODO_FEEDBACK,
             "weight": 0.0},
        ],
        "explanation": TODO_EXPLANATION,
        **FILLED,
        "tags": ["spectrum", "colour theory"],
    }
    assert [o["weight"] for o in thirds["options"]] == [33.33333, 33.33333, 33.33334, -100.0]
    assert thirds["options"][3]["feedback"] == "four is 2 × 2"
    assert thirds["id"] == "Thirds"


def test_true_false_feedback_order_follows_moodle() -> None:
    tf1, tf2, tf3 = questions("truefalse")
    assert tf1 == {
        "id": "TF1",
        "type": "true_false",
        "prompt": "42 is the Absolute Answer to everything.",
        "answer": False,
        # {FALSE#for a wrong answer (TRUE)#for the right answer (FALSE)}
        "feedback_true": "42 is the Ultimate Answer.",
        "feedback_false": "You gave the right answer.",
        "explanation": "This is a reference to a novel.",
        **FILLED,
    }
    assert (tf2["answer"], tf2["feedback_true"], tf2["feedback_false"]) == (
        True, TODO_FEEDBACK, TODO_FEEDBACK)
    # One feedback only: Moodle shows it for the wrong answer (here FALSE).
    assert (tf3["answer"], tf3["feedback_true"], tf3["feedback_false"]) == (
        True, TODO_FEEDBACK, "It does, at 1 atm.")


def test_numerical_exact_tolerance_range_and_graded_answers() -> None:
    exact, tolerance, span, graded, negative, zero = questions("numerical")
    assert exact == {
        "id": "Exact", "type": "numeric", "prompt": "In which year was Ulysses S. Grant born?",
        "value": 1822.0,  # no margin written: no tolerance key (exact)
        "feedback_correct": TODO_FEEDBACK_CORRECT,
        "feedback_incorrect": TODO_FEEDBACK_INCORRECT,
        "explanation": TODO_EXPLANATION, **FILLED,
        "tags": ["category:Numbers"],  # from $CATEGORY, reported as KI023
    }
    assert (tolerance["value"], tolerance["tolerance"]) == (3.1415, 0.0005)
    # {#3.141..3.142} is stored as midpoint +/- half-width, as Moodle does
    assert span["value"] == pytest.approx(3.1415)
    assert span["tolerance"] == pytest.approx(0.0005)
    assert graded == {
        "id": "Graded", "type": "numeric", "prompt": "When was Grant born?",
        "value": 1822.0, "tolerance": 0.0,
        "feedback_correct": "Exactly right.",
        "feedback_incorrect": "Completely wrong.",  # the ~# catch-all
        "alternatives": [{"value": 1822.0, "tolerance": 2.0, "credit": 50.0,
                          "feedback": "Within two years."}],
        "explanation": TODO_EXPLANATION, **FILLED, "tags": ["category:Numbers"],
    }
    assert (negative["value"], negative["tolerance"]) == (-18.0, 0.5)
    assert negative["explanation"] == "Adding zero changes nothing."
    assert zero["alternatives"] == [{"value": 400.0, "tolerance": 1.0, "credit": 0.0,
                                     "feedback": "That is ten times too much."}]
    assert (zero["feedback_correct"], zero["feedback_incorrect"]) == (
        "Right.", "Multiply 0.5 by 80.")


def test_escapes_and_title_become_text_and_id() -> None:
    (question,) = questions("escapes")
    assert question["id"] == "Esc-aped"  # '::Esc\:aped::' made id-safe
    assert question["prompt"] == "Is 2 = 2 {really} # ~ and a\\b ?\nNext line"
    assert question["options"] == [
        {"id": "a", "text": "yes: sure", "correct": True, "feedback": "fine = ok"},
        {"id": "b", "text": "no", "correct": False, "feedback": "nope"},
    ]


def test_formats_and_category_title() -> None:
    result = load("formats")
    assert result.data["title"] == "Safety basics"  # last part of $CATEGORY
    markdown, html, plain = result.data["questions"]
    assert (markdown["id"], markdown["prompt"]) == ("md-1", "Which is **bold**?")
    assert markdown["options"][0]["text"] == "**this**"
    assert html["prompt"] == "<p>Which <em>word</em> is emphasised?</p>"
    assert html["options"][0]["text"] == "<em>word</em>"
    assert html["explanation"] == "Look for the \\*italics\\*."  # [plain] general feedback
    assert plain["type"] == "true_false"
    assert plain["prompt"] == "Is 2 \\* 3 = 6 a \\[fact\\]?"


def test_unsupported_types_are_reported_with_lines_and_skipped() -> None:
    result = load("unsupported")
    assert [(p.code, p.severity, p.line, p.question) for p in result.problems] == [
        ("KI020", "warning", 2, "Essay"),
        ("KI020", "warning", 13, "Description"),
        # '{true}' is a short answer for Moodle too; the note says TF needs capitals
        ("KI023", "warning", 17, "Lowercase"),
    ]
    messages = [p.message for p in result.problems]
    for word in ("essay", "description"):
        assert any(word in m for m in messages), word
    assert "capitals" in result.problems[-1].message
    assert result.skipped == 2
    # matching and short answer are imported; a missing-word question of a supported
    # type is imported with a visible blank
    assert [(q["id"], q["type"]) for q in result.data["questions"]] == [
        ("Matching", "matching"), ("Short", "short_answer"), ("Missing", "single_choice"),
        ("Kept", "true_false"), ("Lowercase", "short_answer")]
    assert result.data["questions"][2]["prompt"] == "Ketamine is _____ at clinical doses."


def test_strict_turns_unsupported_types_into_errors() -> None:
    result = load("unsupported", strict=True)
    assert result.data is None
    assert len(result.errors) == 2
    assert all(p.code == "KI020" for p in result.errors)


def test_malformed_blocks_give_line_and_reason() -> None:
    result = load("malformed")
    assert result.data is None
    found = [(p.code, p.line) for p in result.problems]
    assert found == [("KI010", 3), ("KI011", 5), ("KI012", 7), ("KI012", 9),
                     ("KI013", 11), ("KI013", 13)]
    text = {p.line: p.message for p in result.problems}
    assert "closing '}' is missing" in text[3]
    assert "'forty' is not a number" in text[7]
    assert "2 fully right answers" in text[11]
    assert "add up to 70%" in text[13]
    assert all(p.hint for p in result.problems)


@pytest.mark.parametrize(
    ("gift", "kind"),
    [
        ("Q {}", "essay"),
        ("Q {=a -> b =c -> d}", "match"),
        ("Q {=yes =oui}", "shortanswer"),
        ("Q {#5}", "numerical"),
        ("Q {~a =b}", "multichoice"),
        ("Q {T}", "truefalse"),
        ("Q {FALSE#fb}", "truefalse"),
        ("Just text", "description"),
        ("Q {~a =b} more text", "multichoice"),
        ("$CATEGORY: a/b", "category"),
    ],
)
def test_type_inference_in_moodles_order(gift: str, kind: str) -> None:
    (question,) = parse_gift(gift).questions
    assert question.kind == kind


def test_multichoice_without_equals_is_multi_response() -> None:
    (question,) = parse_gift("Q {~%100%a ~b}").questions
    assert question.single is False
    (question,) = parse_gift("Q {=a ~%50%b ~c}").questions
    assert question.single is True
    assert [a.weight for a in question.answers] == [100, 50, 0]


def test_partial_credit_in_single_choice_is_kept_as_the_options_weight() -> None:
    result = import_gift("::P:: Q {=a ~%50%b ~c}", quiz_id="p")
    (question,) = result.data["questions"]
    assert [(o["correct"], o.get("weight")) for o in question["options"]] == [
        (True, None), (False, 50), (False, None)]
    assert result.problems == []


def test_comment_only_blocks_windows_line_ends_and_bom_are_ignored() -> None:
    text = "\ufeff// just a comment\r\n\r\n::A:: Q?{T}\r\n"
    result = import_gift(text, quiz_id="w")
    assert [q["id"] for q in result.data["questions"]] == ["A"]
    assert result.problems == []


def test_duplicate_titles_get_unique_ids() -> None:
    result = import_gift("::Same:: A?{T}\n\n::Same:: B?{F}\n\nC?{T}", quiz_id="dup")
    assert [q["id"] for q in result.data["questions"]] == ["Same", "Same-2", "dup-3"]


def test_a_file_without_usable_questions_is_an_error() -> None:
    result = import_gift("// nothing\n\n::E:: Essay {}", quiz_id="x")
    assert result.data is None
    assert sorted(p.code for p in result.problems) == ["KI020", "KI022"]


def test_numeric_weight_out_of_range_and_missing_full_credit() -> None:
    result = import_gift("Q {#=%50%3}", quiz_id="x")
    assert [p.code for p in result.problems] == ["KI013"]
    assert "full marks" in result.problems[0].message
