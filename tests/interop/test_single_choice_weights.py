"""Partial credit on a single-answer question, as Moodle keeps it, in every format.

Moodle's own example (issue 16): ``{~wrong answer ~%50%half credit answer =full credit
answer}`` is a single-answer question whose middle answer earns half the mark. The
course keeps the 50% as the option's ``weight``; each format writes and reads it back
(GIFT ``%50%``, Moodle XML ``fraction``, QTI ``qti-mapping`` + ``qti-map-response``),
jupyterquiz reports what it cannot show, and weights Moodle cannot express are refused
with the nearest grades (or rounded on request).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketatraining.assessment.feedback import feedback_html, verdict
from ketatraining.interop.common import ExportRefused
from ketatraining.interop.gift import export_gift, gift_export, import_gift
from ketatraining.interop.jupyterquiz import import_jupyterquiz
from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
from ketatraining.interop.moodle_xml import import_moodle_xml
from ketatraining.interop.moodle_xml_export import export_moodle_xml, moodle_xml_export
from ketatraining.interop.qti import write_qti_package
from ketatraining.interop.qti_import import import_qti
from ketatraining.quiz.grading import grade
from ketatraining.quiz.model import Quiz

MOODLE_EXAMPLE = ("::Partial:: What is the answer? "
                  "{~wrong answer ~%50%half credit answer =full credit answer}")
BASE = {"explanation": "Why.", "references": ["r"], "objective": "o"}


def quiz_with(weights: list[float | None], points: float = 2.0) -> Quiz:
    """Option a is correct; b and c carry ``weights``."""
    options: list[dict[str, Any]] = [{"id": "a", "text": "Right", "correct": True,
                                      "feedback": "Yes."}]
    for oid, weight in zip("bc", weights, strict=True):
        option: dict[str, Any] = {"id": oid, "text": f"Option {oid}", "feedback": "Hm."}
        if weight is not None:
            option["weight"] = weight
        options.append(option)
    return Quiz.model_validate({
        "schema_version": 1, "id": "w", "title": "W", "topic": "risks", "pass_mark": 50,
        "questions": [{"id": "s", "type": "single_choice", "prompt": "Which?", **BASE,
                       "points": points, "options": options}]})


def scores(quiz: Quiz) -> list[float]:
    (question,) = quiz.questions
    return [grade(question, o.id).score for o in question.options]


def test_moodles_example_keeps_the_half_credit() -> None:
    result = import_gift(MOODLE_EXAMPLE, quiz_id="p")
    assert result.problems == [], [p.format() for p in result.problems]
    quiz = Quiz.model_validate(result.data)
    (question,) = quiz.questions
    assert question.type == "single_choice"
    assert [(o.text, o.correct, o.weight) for o in question.options] == [
        ("wrong answer", False, None), ("half credit answer", False, 50.0),
        ("full credit answer", True, None)]
    assert scores(quiz) == [0.0, 0.5, 1.0]
    assert verdict(grade(question, question.options[1].id))[0] == "partly"


def test_grading_is_weight_times_points_and_never_outside_zero_and_points() -> None:
    assert scores(quiz_with([25, None])) == [2.0, 0.5, 0.0]
    (question,) = quiz_with([-50, 50]).questions  # a negative weight scores 0
    assert [grade(question, r).score for r in ("a", "b", "c", "x", None, ["a"])] == [
        2.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def test_the_learner_reads_partly_correct_and_the_option_partly_right() -> None:
    (question,) = quiz_with([50, None]).questions
    html = feedback_html(question, grade(question, "b"), "b")
    assert "◐ Partly correct." in html and "1 of 2 points" in html
    assert "◐ partly right (50% of the points) (your choice)" in html
    assert "✗ not right:" in html  # option c, no credit


def test_item_analysis_counts_the_options_and_labels_the_partial_credit() -> None:
    from ketatraining.quiz.types import get_type

    (question,) = quiz_with([50, -10]).questions
    assert [(c.id, c.label, c.correct) for c in get_type(question).choices(question)] == [
        ("a", "Right", True), ("b", "Option b (partial credit: 50%)", False),
        ("c", "Option c", False)]


@pytest.mark.parametrize("weights", [[50, None], [33.33333, 10], [-50, 20]])
def test_gift_and_moodle_xml_round_trips_keep_the_weights(weights: list[float | None]) -> None:
    quiz = quiz_with(weights)
    gift = export_gift(quiz)
    assert f"~%{weights[0]:.10g}%Option b" in gift, gift
    for text, reader in ((gift, import_gift), (export_moodle_xml(quiz), import_moodle_xml)):
        result = reader(text, quiz_id="w")
        assert result.problems == [], [p.format() for p in result.problems]
        assert Quiz.model_validate(result.data) == quiz
    bare = re.sub(r"<!--.*?-->", "", export_moodle_xml(quiz), flags=re.DOTALL)
    fractions = [a.get("fraction") for a in ET.fromstring(bare).iter("answer")]
    assert fractions == ["100", f"{weights[0]:.10g}", f"{weights[1] or 0:.10g}"]
    assert scores(Quiz.model_validate(import_moodle_xml(bare, quiz_id="w").data)) == scores(
        quiz)


def test_moodle_xml_single_answer_with_partial_fraction_imports_with_the_weight() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Partial</text></name>
    <questiontext format="html"><text>What is the answer?</text></questiontext>
    <single>true</single>
    <answer fraction="0"><text>wrong answer</text></answer>
    <answer fraction="50"><text>half credit answer</text></answer>
    <answer fraction="100"><text>full credit answer</text></answer>
  </question>
</quiz>"""
    result = import_moodle_xml(xml, quiz_id="p")
    assert [p.code for p in result.problems if p.code == "KI021"] == []
    quiz = Quiz.model_validate(result.data)
    assert [o.weight for o in quiz.questions[0].options] == [None, 50.0, None]
    assert scores(quiz) == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(("refuses", "exporter"), [(export_gift, gift_export),
                                                   (export_moodle_xml, moodle_xml_export)])
def test_a_weight_moodle_cannot_express_is_refused_then_rounded(refuses: Any,
                                                                exporter: Any) -> None:
    quiz = quiz_with([35, None])
    with pytest.raises(ExportRefused) as refused:
        refuses(quiz)
    (problem,) = [p for p in refused.value.problems if p.code == "KE001"]
    assert (problem.code, problem.question) == ("KE001", "s")
    assert "option 'b'" in problem.message and "40% or 33.33333%" in problem.message
    text, problems = exporter(quiz, round_weights=True)
    assert [(p.code, p.severity) for p in problems if p.code == "KE001"] == [
        ("KE001", "warning")]
    assert "33.33333" in text


def _package(quiz: Quiz, tmp_path: Path, *, comments: bool) -> bytes:
    target = tmp_path / "w.zip"
    write_qti_package(quiz, target)
    if comments:
        return target.read_bytes()
    source = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, re.sub(r"<!--.*?-->", "", source.read(name).decode(),
                                          flags=re.DOTALL))
    return buffer.getvalue()


def test_qti_maps_the_partial_credit_and_reads_it_back(tmp_path: Path) -> None:
    quiz = quiz_with([50, None])
    data = _package(quiz, tmp_path, comments=True)
    archive = zipfile.ZipFile(io.BytesIO(data))
    (item,) = [n for n in archive.namelist() if n.startswith("items/")]
    root = ET.fromstring(archive.read(item))
    ns = {"q": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"}
    entries = {e.get("map-key"): e.get("mapped-value")
               for e in root.iterfind(".//q:qti-map-entry", ns)}
    assert list(entries.values()) == ["2", "1", "0"]
    assert root.find(".//q:qti-map-response", ns) is not None
    # the item's own response processing, run by the suite's QTI interpreter, marks each
    # choice as the course does (the full 2 points, the half 1, the wrong 0, none 0)
    from interop.test_qti import check_element, score

    check_element(root)
    marks = {c.get("identifier"): score(root, c.get("identifier"))[0]
             for c in root.iterfind(".//q:qti-simple-choice", ns)}
    assert {key.removeprefix("choice-"): mark for key, mark in marks.items()} == {
        "a": 2.0, "b": 1.0, "c": 0.0}
    assert score(root, None)[0] == 0.0
    assert Quiz.model_validate(import_qti(data, quiz_id="w").data) == quiz
    bare = Quiz.model_validate(import_qti(_package(quiz, tmp_path, comments=False),
                                          quiz_id="w").data)
    assert bare.questions[0].type == "single_choice" and scores(bare) == scores(quiz)


def test_jupyterquiz_reports_the_partial_credit_and_keeps_it_in_its_key() -> None:
    quiz = quiz_with([50, None])
    text, problems = jupyterquiz_export(quiz)
    assert [p.question for p in problems if "no option weights" in p.message] == ["s"]
    assert Quiz.model_validate(import_jupyterquiz(text, quiz_id="w").data) == quiz
    unweighted = quiz_with([None, None])
    assert not [p for p in jupyterquiz_export(unweighted)[1] if "weights" in p.message]


@settings(max_examples=200, deadline=None)
@given(weights=st.lists(st.one_of(st.none(), st.floats(-100, 99.999, allow_nan=False)),
                        min_size=2, max_size=2),
       points=st.sampled_from([0.5, 1.0, 3.0]), response=st.sampled_from(["a", "b", "c", "z"]))
def test_any_valid_weights_score_within_zero_and_points(weights: list[float | None],
                                                        points: float, response: str) -> None:
    (question,) = quiz_with(weights, points).questions
    score = grade(question, response).score
    assert 0 <= score <= points
    chosen = {"a": 100.0, "b": weights[0] or 0.0, "c": weights[1] or 0.0}.get(response, 0.0)
    assert score == pytest.approx(points * max(0.0, chosen) / 100)


PENALTY_GIFT = "\n\n::Penalty:: Which is right? {~%-50%costly wrong answer ~wrong =right}\n"
PENALTY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Penalty</text></name>
    <questiontext format="html"><text>Which is right?</text></questiontext>
    <single>true</single>
    <answer fraction="-50"><text>costly wrong answer</text></answer>
    <answer fraction="0"><text>wrong</text></answer>
    <answer fraction="100"><text>right</text></answer>
  </question>
</quiz>"""


@pytest.mark.parametrize("source", ["gift", "moodle_xml"])
def test_a_single_answer_penalty_is_reported_because_the_course_scores_it_zero(
        source: str) -> None:
    # Moodle takes half the mark away for the costly answer; the course cannot (a
    # single-answer question never goes below 0), so the import says so, and --strict refuses.
    def run(strict: bool) -> Any:
        if source == "gift":
            return import_gift(PENALTY_GIFT, quiz_id="p", path="p.gift", strict=strict)
        return import_moodle_xml(PENALTY_XML, quiz_id="p", path="p.xml", strict=strict)

    result = run(strict=False)
    lost = [p for p in result.problems if p.code == "KI021"]
    assert len(lost) == 1 and lost[0].severity == "warning"
    assert "takes away 50% of the mark" in lost[0].message and lost[0].question
    if source == "gift":
        assert lost[0].line == 3
    quiz = Quiz.model_validate(result.data)
    assert scores(quiz) == [0.0, 0.0, 1.0]
    refused = run(strict=True)
    assert refused.data is None
    assert [p.severity for p in refused.problems if p.code == "KI021"] == ["error"]


def test_partial_credit_through_the_seam_into_the_store_csv_and_xapi(
        isolated_store: str) -> None:
    # the learner's 'partly' verdict, the stored mark, and both results exports agree
    import csv

    from ketatraining.assessment.local import LocalAssessment
    from ketatraining.interop.csv_export import write_csv
    from ketatraining.interop.xapi import build_statements
    from ketatraining.progress.store import ProgressStore

    quiz = quiz_with([50, None])
    store = ProgressStore(isolated_store)
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.add_quiz(quiz)
    assessment.start("w")
    checked = assessment.submit("w", None, "s", "b")
    assert checked.verdict == "partly" and "1 of 2 points" in checked.feedback_html
    assessment.finish("w", None)
    submissions, attempts = store.responses("ann", "w"), store.attempts("ann", "w")
    assert [(s.score, s.max_score) for s in submissions] == [(1.0, 2.0)]
    out = io.StringIO()
    write_csv(out, attempts, submissions, {"w": quiz})
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["score"], row["max_score"], row["fraction"], row["correct"]) == (
        "1", "2", "0.5", "false")
    assert row["attempt_percent"] == "50" and row["attempt_passed"] == "true"
    answered = next(s for s in build_statements(attempts, submissions, {"w": quiz})
                    if s["verb"]["id"].endswith("/answered"))
    assert answered["result"]["score"] == {"raw": 1.0, "min": 0.0, "max": 2.0, "scaled": 0.5}
    assert answered["result"]["success"] is False
    assert answered["object"]["definition"]["correctResponsesPattern"] == ["a"]
