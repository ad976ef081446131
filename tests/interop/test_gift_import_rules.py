"""GIFT import rules from issue 16: missing-word questions, partial credit on single
answers, files without blank lines between questions, and $CATEGORY lines."""

from __future__ import annotations

import pytest

from ketatraining.interop.gift import import_gift


@pytest.mark.parametrize(
    ("gift", "kind"),
    [
        ("Grant is {~buried =entombed ~living} in Grant's tomb.", "single_choice"),
        ("Grant was born in {#1822} in Ohio.", "numeric"),
        ("Rainbows include {~%50%red ~%50%blue ~%-100%black} among others.",
         "multiple_choice"),
        ("The sun is {T} a star.", "true_false"),
    ],
)
def test_missing_word_questions_are_imported_with_a_visible_blank(gift: str,
                                                                   kind: str) -> None:
    result = import_gift(gift, quiz_id="mw")
    assert result.errors == [], [p.format() for p in result.problems]
    (question,) = result.data["questions"]
    assert question["type"] == kind
    assert question["prompt"].count("_____") == 1
    assert question["prompt"].startswith(gift.split("{")[0].strip())
    assert question["prompt"].endswith(gift.rsplit("}", 1)[1].strip())


def test_missing_word_blank_in_plain_text_is_not_escaped() -> None:
    result = import_gift("[plain]Use *this* {=a ~b} now.", quiz_id="mw")
    assert result.data["questions"][0]["prompt"] == "Use \\*this\\* _____ now."


def test_partial_credit_on_a_single_answer_is_kept_even_under_strict() -> None:
    gift = "::P:: Pick {~wrong answer ~%50%half credit answer =full credit answer}"
    for strict in (False, True):  # nothing is lost, so --strict accepts it
        result = import_gift(gift, quiz_id="p", strict=strict)
        (question,) = result.data["questions"]
        assert [o.get("weight") for o in question["options"]] == [None, 50, None]
        assert result.problems == []


def test_questions_without_blank_lines_are_split_and_reported() -> None:
    gift = ("::A:: First?{T}\n::B:: Second?{F}\n"
            "Third {~x =y}\n// [tag:t]\n::D:: Fourth {#4}\n")
    result = import_gift(gift, quiz_id="s")
    assert [q["id"] for q in result.data["questions"]] == ["A", "B", "s-3", "D"]
    assert result.data["questions"][0]["prompt"] == "First?"  # nothing merged in
    assert result.data["questions"][3]["tags"] == ["t"]  # the comment goes with the next
    (problem,) = result.problems
    assert (problem.code, problem.line, problem.severity) == ("KI014", 1, "warning")
    assert "4 questions" in problem.message and "blank line" in (problem.hint or "")


def test_a_multi_line_answer_block_is_one_question() -> None:
    gift = "::A:: Which?\n{\n=a\n~b\n}\n"
    result = import_gift(gift, quiz_id="s")
    assert len(result.data["questions"]) == 1 and result.problems == []


def test_category_becomes_a_tag_and_is_reported_not_silently_the_title() -> None:
    gift = "$CATEGORY: $course$/top/Safety basics\n\n::A:: Q?{T}\n"
    result = import_gift(gift, quiz_id="c")
    assert result.data["questions"][0]["tags"] == ["category:Safety basics"]
    (problem,) = result.problems
    assert problem.code == "KI023"
    assert "category:" in problem.message and "title 'Safety basics'" in problem.message
    titled = import_gift(gift, quiz_id="c", title="Mine")
    assert titled.data["title"] == "Mine"
    assert "title" not in titled.problems[0].message.split("questions")[-1]
