"""What Moodle does differently, reported on both Moodle exports (GIFT, Moodle XML).

From Moodle's code: the matching edit form (edit_match_form.php, validation) needs at
least 2 sub-questions and 3 answers, although the importers accept fewer; short-answer
marking (compare_string_with_wildcard) trims the typed text but keeps its inner spaces.
"""

from __future__ import annotations

from typing import Any

import pytest

from ketatraining.interop.gift import gift_export
from ketatraining.interop.moodle_xml_export import moodle_xml_export
from ketatraining.quiz.grading import grade
from ketatraining.quiz.model import Quiz

BASE = {"explanation": "Why.", "references": ["r"], "objective": "o"}
EXPORTS = [gift_export, moodle_xml_export]


def quiz_of(question: dict[str, Any]) -> Quiz:
    return Quiz.model_validate({"schema_version": 1, "id": "m", "title": "M", "topic": "risks",
                                "pass_mark": 50, "questions": [{**BASE, **question}]})


def matching(answers: int) -> Quiz:
    return quiz_of({"id": "pairs", "type": "matching", "prompt": "Match.",
                    "items": [{"id": "k", "text": "ketamine", "answer": "a1"},
                              {"id": "s", "text": "sertraline", "answer": "a2"}],
                    "answers": [{"id": f"a{n}", "text": f"class {n}"}
                                for n in range(1, answers + 1)],
                    "feedback_correct": "Yes.", "feedback_incorrect": "No."})


@pytest.mark.parametrize("export", EXPORTS)
def test_a_matching_question_moodles_edit_form_would_refuse_is_reported(export: Any) -> None:
    _, problems = export(matching(2))  # 2 items, no extra wrong answer: 2 rows
    (problem,) = [p for p in problems if p.code == "KE004"]
    assert (problem.question, problem.severity) == ("pairs", "warning")
    assert "2 items and 2 answer row(s)" in problem.message
    assert "extra wrong answer" in (problem.hint or "")
    _, problems = export(matching(3))  # a distractor makes the third row
    assert [p for p in problems if p.code == "KE004"] == []


def short(text: str) -> Quiz:
    return quiz_of({"id": "sa", "type": "short_answer", "prompt": "Which receptor?",
                    "answers": [{"text": text}], "feedback_incorrect": "No."})


@pytest.mark.parametrize("export", EXPORTS)
def test_inner_spaces_moodle_compares_exactly_are_reported(export: Any) -> None:
    quiz = short("N methyl D aspartate")
    assert grade(quiz.questions[0], "N  methyl D aspartate").correct  # the course's rule
    _, problems = export(quiz)
    (problem,) = [p for p in problems if p.code == "KE005"]
    assert problem.question == "sa" and "'N methyl D aspartate'" in problem.message
    assert [p for p in export(short("NMDA*"))[1] if p.code == "KE005"] == []


def test_moodle_xml_lists_short_answers_from_the_highest_credit_so_first_match_agrees() -> None:
    """Moodle marks the first accepted answer that matches; the course the highest credit.
    'N-methyl*' (50%) written first would give 'N-methyl-D-aspartate' half marks in Moodle."""
    import re
    from xml.etree import ElementTree as ET

    from ketatraining.interop.moodle_xml import import_moodle_xml

    quiz = quiz_of({"id": "sa", "type": "short_answer", "prompt": "Which receptor?",
                    "answers": [{"text": "N-methyl*", "credit": 50},
                                {"text": "N-methyl-D-aspartate"}],
                    "feedback_incorrect": "No."})
    xml, _ = moodle_xml_export(quiz)
    written = [(a.findtext("text"), a.get("fraction"))
               for a in ET.fromstring(xml).iter("answer")]
    assert written == [("N-methyl-D-aspartate", "100"), ("N-methyl*", "50"), ("*", "0")]
    assert Quiz.model_validate(import_moodle_xml(xml, quiz_id="m").data) == quiz
    bare = re.sub(r"<!--.*?-->", "", xml, flags=re.DOTALL)
    imported = Quiz.model_validate(import_moodle_xml(bare, quiz_id="m").data).questions[0]
    for typed in ("N-methyl-D-aspartate", "N-methyl", "nmda"):
        assert grade(imported, typed).score == grade(quiz.questions[0], typed).score


def test_gift_lists_short_answers_from_the_highest_credit_and_reads_the_order_back() -> None:
    from ketatraining.interop.gift import import_gift

    quiz = quiz_of({"id": "sa", "type": "short_answer", "prompt": "Which receptor?",
                    "answers": [{"text": "N-methyl*", "credit": 50},
                                {"text": "N-methyl-D-aspartate"}],
                    "feedback_incorrect": "No."})
    text, _ = gift_export(quiz)
    assert text.index("=%100%N-methyl-D-aspartate") < text.index("=%50%N-methyl*")
    assert Quiz.model_validate(import_gift(text, quiz_id="m").data) == quiz


def test_a_foreign_short_answer_whose_credit_moodle_marks_first_is_reported() -> None:
    """Written by hand in Moodle's order: the 50% wildcard comes first and matches the
    full name, so Moodle gives it half marks; the course gives 100% and says so."""
    from ketatraining.interop.gift import import_gift
    from ketatraining.interop.moodle_xml import import_moodle_xml

    gift = "::R:: Which receptor? {=%50%N-methyl* =N-methyl-D-aspartate}"
    xml = """<quiz><question type="shortanswer"><name><text>R</text></name>
<questiontext format="html"><text>Which receptor?</text></questiontext>
<answer fraction="50"><text>N-methyl*</text></answer>
<answer fraction="100"><text>N-methyl-D-aspartate</text></answer>
</question></quiz>"""
    for result in (import_gift(gift, quiz_id="m"), import_moodle_xml(xml, quiz_id="m")):
        (note,) = [p for p in result.problems if p.code == "KI023"]
        assert "'N-methyl-D-aspartate' earns 50% there" in note.message
        assert note.severity == "warning" and result.data is not None
    in_order = "::R:: Which receptor? {=N-methyl-D-aspartate =%50%N-methyl*}"
    assert import_gift(in_order, quiz_id="m").problems == []
