"""Moodle XML export: what Moodle's importer requires, exact round trips, and weights.

``check_moodle_requirements`` encodes what ``question/format/xml/format.php`` reads
and what Moodle then refuses when it saves the questions: a name for every question
(xmlimportnoname), known text formats, fractions from the grade list
(invalidgradequestion), one 100% answer for a single-answer question (fractionsnomax),
positive fractions adding up to 100% for a multiple-answer one (fractionsaddwrong),
numerical answers that are numbers or '*', a first unit with multiplier 1, and
idnumbers unique within a category.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from ketatraining.interop.common import ExportRefused, words
from ketatraining.interop.moodle_grades import is_moodle_grade
from ketatraining.interop.moodle_xml import import_moodle_xml
from ketatraining.interop.moodle_xml_export import export_moodle_xml, moodle_xml_export
from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import check_file
from ketatraining.quiz.model import Quiz
from tests.interop.banks import BANK_IDS, BANKS, responses, same_answer

FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def text_of(element: ET.Element | None) -> str:
    assert element is not None
    inner = element.find("text")
    assert inner is not None, f"<{element.tag}> has no <text>"
    return (inner.text or "").strip()


def check_moodle_requirements(xml: str) -> None:
    root = ET.fromstring(xml)
    assert root.tag == "quiz"
    idnumbers: set[str] = set()
    for question in root.iter("question"):
        kind = question.get("type")
        assert kind in {"category", "multichoice", "truefalse", "numerical", "matching",
                        "shortanswer", "ordering"}, kind
        if kind == "category":
            assert text_of(question.find("category")).startswith("$course$/")
            idnumbers = set()
            continue
        assert text_of(question.find("name")), "xmlimportnoname"
        for field in question.iter():
            if "format" in field.attrib:
                assert field.get("format") in FORMATS, field.get("format")
        grade_field = question.find("defaultgrade")
        assert grade_field is not None and float(grade_field.text or "") > 0
        assert 0 <= float(question.findtext("penalty") or "0") <= 1
        idnumber = (question.findtext("idnumber") or "").strip()
        assert idnumber not in idnumbers, f"duplicate idnumber {idnumber}"
        idnumbers.add(idnumber)
        answers = question.findall("answer")
        fractions = [float(a.get("fraction", "0")) for a in answers]
        if kind == "ordering":  # qtype_ordering keeps each step's position in 'fraction'
            assert fractions == list(range(1, len(answers) + 1))
            assert question.findtext("gradingtype") in {"ALL_OR_NOTHING",
                                                        "RELATIVE_NEXT_EXCLUDE_LAST"}
            assert question.findtext("selecttype") == "ALL"
            continue
        assert all(is_moodle_grade(f) for f in fractions), ("invalidgradequestion", fractions)
        if kind == "matching":  # qtype_match: at least 2 questions and 3 answers
            subs = question.findall("subquestion")
            assert sum(bool(text_of(q)) for q in subs) >= 2
            assert len({text_of(q.find("answer")) for q in subs}) >= 3
        if kind == "shortanswer":
            assert question.findtext("usecase") in {"0", "1"}
            assert 100 in fractions
        if kind == "multichoice":
            assert len(answers) >= 2
            if question.findtext("single") == "true":
                assert max(fractions) == 100, "fractionsnomax"
            else:
                assert round(sum(f for f in fractions if f > 0), 2) == pytest.approx(
                    100, abs=0.01), "fractionsaddwrong"
        elif kind == "truefalse":
            assert sorted(text_of(a) for a in answers) == ["false", "true"]
            assert sorted(fractions) == [0, 100]
        elif kind == "numerical":
            for answer in answers:
                value = text_of(answer)
                assert value == "*" or NUMBER.match(value), value
                assert float(answer.findtext("tolerance") or "0") >= 0
            assert 100 in fractions
            units = question.findall("units/unit")
            if units:
                assert float(units[0].findtext("multiplier") or "") == 1


def load_bank(path: Path) -> Quiz:
    quiz, _ = check_file(path)
    assert quiz is not None
    return quiz


def without_comments(xml: str) -> str:
    return re.sub(r"<!--.*?-->", "", xml, flags=re.DOTALL)


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_every_bank_meets_moodles_import_rules(path: Path) -> None:
    xml, problems = moodle_xml_export(load_bank(path))
    assert [p for p in problems if p.severity == "error"] == []
    check_moodle_requirements(xml)


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_round_trip_of_every_bank_gives_back_the_same_quiz(path: Path) -> None:
    quiz = load_bank(path)
    result = import_moodle_xml(export_moodle_xml(quiz), quiz_id=quiz.id)
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data) == quiz


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_as_moodle_keeps_it_texts_marks_and_scores_survive(path: Path) -> None:
    quiz = load_bank(path)
    result = import_moodle_xml(without_comments(export_moodle_xml(quiz)), quiz_id=quiz.id)
    assert result.errors == [], [p.format() for p in result.problems]
    imported = Quiz.model_validate(result.data)
    for before, after in zip(quiz.questions, imported.questions, strict=True):
        assert (after.id, after.type, after.points, after.tags[:len(before.tags)]) == (
            before.id, before.type, before.points, before.tags)
        assert words(after.prompt) == words(before.prompt)
        assert words(after.explanation) == words(before.explanation)
        for response in responses(before):  # Moodle keeps no option or item ids
            assert grade(after, same_answer(before, after, response)).score == pytest.approx(
                grade(before, response).score, abs=1e-4), (before.id, response)


BASE = {"explanation": "Why.", "references": [], "objective": "o"}


def quiz_with(*questions: dict[str, Any]) -> Quiz:
    return Quiz.model_validate({"schema_version": 1, "id": "m", "title": "M", "topic": "risks",
                                "pass_mark": 50, "questions": list(questions)})


def weighted(weights: list[float]) -> dict[str, Any]:
    return {"id": "w1", "type": "multiple_choice", "prompt": "Which?", **BASE,
            "options": [{"id": c, "text": c, "correct": w > 0, "feedback": "f", "weight": w}
                        for c, w in zip("abc", weights, strict=True)]}


def test_weights_moodle_cannot_express_are_refused_then_rounded_on_request() -> None:
    quiz = quiz_with(weighted([65, 35, -15]))
    with pytest.raises(ExportRefused) as refused:
        export_moodle_xml(quiz)
    assert [(p.code, p.question) for p in refused.value.problems] == [("KE001", "w1")] * 3
    assert "66.66667% or 60%" in refused.value.problems[0].message
    xml, problems = moodle_xml_export(quiz, round_weights=True)
    assert [(p.code, p.severity) for p in problems] == [("KE001", "warning")] * 3
    check_moodle_requirements(xml)
    fractions = [a.get("fraction") for a in ET.fromstring(xml).iter("answer")]
    assert fractions == ["66.66667", "33.33333", "-14.28571"]


def test_relative_tolerance_becomes_absolute_with_a_note_and_comes_back_exactly() -> None:
    quiz = quiz_with({"id": "n", "type": "numeric", "prompt": "Dose?", "value": 35.0,
                      "units": "mg", "relative_tolerance": 0.02, "feedback_correct": "y",
                      "feedback_incorrect": "n", "alternatives": [
                          {"value": 350.0, "credit": 0, "feedback": "Ten times."}], **BASE})
    xml, problems = moodle_xml_export(quiz)
    assert [p.code for p in problems] == ["KE002"]
    root = ET.fromstring(xml)
    assert [a.findtext("tolerance") for a in root.iter("answer")] == ["0.7", "0", "0"]
    assert root.find(".//unit/unit_name").text == "mg"
    check_moodle_requirements(xml)
    assert Quiz.model_validate(import_moodle_xml(xml, quiz_id="m").data) == quiz


def test_text_is_html_a_moodle_bank_shows_as_the_course_does() -> None:
    quiz = quiz_with({"id": "t", "type": "true_false", "prompt": "Is **this** <script>x</script>"
                      " true?", "answer": True, "feedback_true": "Yes", "feedback_false": "No",
                      **BASE})
    root = ET.fromstring(export_moodle_xml(quiz))
    question = next(q for q in root.iter("question") if q.get("type") == "truefalse")
    text = question.find("questiontext/text").text
    assert "<strong>this</strong>" in text and "<script>" not in text
