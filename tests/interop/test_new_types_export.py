"""matching, short_answer and ordering in every export: xAPI (validated by ralph), CSV,
GIFT (ordering in qtype_ordering's syntax) and item analysis."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import yaml
from ralph.models.xapi.base.statements import BaseXapiStatement

from ketatraining.analysis.item_analysis import analyse
from ketatraining.analysis.marks import marks_from_store
from ketatraining.cli import main
from ketatraining.interop.csv_export import write_csv
from ketatraining.interop.gift import export_gift
from ketatraining.interop.xapi import build_statements
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.store import open_store
from ketatraining.quiz.grading import grade
from ketatraining.quiz.model import Quiz

T0 = datetime(2026, 2, 2, 9, tzinfo=UTC)
COMMON = {"explanation": "E", "objective": "o"}
QUIZ = Quiz.model_validate({
    "schema_version": 1, "id": "new", "title": "New types", "topic": "risks", "pass_mark": 50,
    "questions": [
        {"id": "m", "type": "matching", "prompt": "Match", **COMMON,
         "items": [{"id": "a", "text": "A", "answer": "x"}, {"id": "b", "text": "B",
                                                             "answer": "y"}],
         "answers": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"},
                     {"id": "z", "text": "Z"}],
         "feedback_correct": "Yes", "feedback_incorrect": "No"},
        {"id": "s", "type": "short_answer", "prompt": "Name it", **COMMON,
         "answers": [{"text": "dissociation", "feedback": "Yes"},
                     {"text": "detach*", "credit": 50, "feedback": "Half"}],
         "feedback_incorrect": "No"},
        {"id": "o", "type": "ordering", "prompt": "Order", **COMMON,
         "scoring": "relative_to_next",
         "steps": [{"id": "s1", "text": "One"}, {"id": "s2", "text": "Two"},
                   {"id": "s3", "text": "Three"}],
         "feedback_correct": "Yes", "feedback_incorrect": "No"},
    ]})
RESPONSES: dict[str, list[Any]] = {
    "m": [{"a": "x", "b": "y"}, {"a": "x", "b": "z"}, {"a": "y", "b": "x"}, {"a": "x", "b": "y"}],
    "s": ["Dissociation", "detached", "no idea", "dissociation"],
    "o": [["s1", "s2", "s3"], ["s2", "s3", "s1"], ["s3", "s2", "s1"], ["s1", "s2", "s3"]],
}


def records() -> tuple[list[AttemptRecord], list[Submission]]:
    attempts, submissions = [], []
    for n in range(4):
        learner = f"l{n}"
        total = 0.0
        for question in QUIZ.questions:
            response = RESPONSES[question.id][n]
            result = grade(question, response)
            total += result.score
            submissions.append(Submission(
                f"{learner}-{question.id}", learner, QUIZ.id, question.id, 1, response,
                result.score, result.max_score, result.correct, 20.0,
                T0 + timedelta(minutes=n)))
        attempts.append(AttemptRecord(learner, QUIZ.id, 1, T0, T0 + timedelta(minutes=5),
                                      total, QUIZ.max_score, QUIZ.pass_mark,
                                      total >= 1.5))
    return attempts, submissions


def test_xapi_interaction_types_and_patterns_are_valid() -> None:
    attempts, submissions = records()
    statements = build_statements(attempts, submissions, {QUIZ.id: QUIZ})
    for statement in statements:
        BaseXapiStatement(**statement)
    answered = {s["object"]["id"].rsplit("/", 1)[-1]: s for s in statements
                if s["verb"]["id"].endswith("answered") and s["actor"]["account"]["name"] == "l1"}
    matching = answered["m"]["object"]["definition"]
    assert matching["interactionType"] == "matching"
    assert matching["correctResponsesPattern"] == ["a[.]x[,]b[.]y"]
    assert [t["id"] for t in matching["target"]] == ["x", "y", "z"]
    assert answered["m"]["result"]["response"] == "a[.]x[,]b[.]z"
    fill = answered["s"]["object"]["definition"]
    assert fill["interactionType"] == "fill-in"
    assert fill["correctResponsesPattern"] == ["{case_matters=false}dissociation"]
    assert answered["s"]["result"]["response"] == "detached"
    sequence = answered["o"]["object"]["definition"]
    assert sequence["interactionType"] == "sequencing"
    assert sequence["correctResponsesPattern"] == ["s1[,]s2[,]s3"]
    assert answered["o"]["result"]["response"] == "s2[,]s3[,]s1"


def test_csv_writes_each_response_through_its_type() -> None:
    attempts, submissions = records()
    buffer = io.StringIO()
    write_csv(buffer, attempts, submissions, {QUIZ.id: QUIZ})
    rows = {(r["learner_id"], r["question_id"]): r for r in csv.DictReader(io.StringIO(
        buffer.getvalue()))}
    assert rows[("l1", "m")]["response"] == "a=x;b=z"
    assert rows[("l1", "m")]["options"] == "a:x=1;a:y=0;a:z=0;b:x=0;b:y=0;b:z=1"
    assert rows[("l1", "s")]["response"] == "detached"
    assert rows[("l1", "s")]["options"] == "answer-1=0;answer-2=1;other=0"
    assert rows[("l1", "o")]["response"] == "s2;s3;s1"
    assert rows[("l1", "o")]["score"] == "0.5"


def test_item_analysis_counts_what_learners_chose(tmp_path: Any) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    attempts, submissions = records()
    store.import_history(attempts, submissions)
    table = marks_from_store(store, QUIZ)
    assert table.marks.shape == (4, 3) and not np.isnan(table.marks).any()
    counts = {o.option: o.count for o in table.options["m"]}
    assert (counts["a:x"], counts["b:y"], counts["b:z"], counts["a:y"]) == (3, 2, 1, 1)
    assert {o.option: o.count for o in table.options["s"]} == {
        "answer-1": 2, "answer-2": 1, "other": 1}
    assert {o.option: o.count for o in table.options["o"]} == {"s1": 2, "s2": 3, "s3": 2}
    stats = analyse(table)
    facility = {q.id: q.facility for q in stats.questions}
    assert facility["m"] == pytest.approx((1 + 0.5 + 0 + 1) / 4)


def test_gift_writes_matching_short_answer_and_ordering() -> None:
    text = export_gift(QUIZ)
    assert "\t=A -> X\n\t=B -> Y\n\t= -> Z" in text
    assert "\t=%100%dissociation#Yes\n\t=%50%detach*#Half" in text
    # qtype_ordering's import_from_gift(): '>count select layout grading show numbering'
    assert ("::o::[markdown]Order{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW none\n"
            "\tOne\n\tTwo\n\tThree\n\t####") in text


def test_export_gift_warns_that_ordering_needs_moodle_4_4(
        tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.yaml"
    data = QUIZ.model_dump(mode="json", exclude_none=True)
    for question in data["questions"]:  # keys of the course's catalogue, next to no file
        question.update(objective="nb00-course-scope", tags=["non-clinical"])
    path.write_text(yaml.safe_dump(data))
    assert main(["export", "gift", str(path), "--out", str(tmp_path / "new.gift")]) == 0
    said = capsys.readouterr().out
    assert "warning KE002 [question o] Ordering is a core Moodle question type from Moodle 4.4" in said


def test_moodle_xml_writes_the_new_types_and_jupyterquiz_says_what_it_leaves_out() -> None:
    from xml.etree import ElementTree as ET

    from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
    from ketatraining.interop.moodle_xml_export import moodle_xml_export

    text, problems = moodle_xml_export(QUIZ)
    root = ET.fromstring(text)
    kinds = [q.get("type") for q in root.iter("question") if q.get("type") != "category"]
    assert kinds == ["matching", "shortanswer", "ordering"]
    matching = next(q for q in root.iter("question") if q.get("type") == "matching")
    pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in matching.iter("subquestion")]
    assert pairs == [("A", "X"), ("B", "Y"), ("", "Z")]
    assert [p.code for p in problems] == ["KE002"]  # ordering: core from Moodle 4.4 only
    items, problems = jupyterquiz_export(QUIZ)
    # jupyterquiz has 'string' questions: the short answer is kept, its wildcard reported
    assert [item["type"] for item in json.loads(items)] == ["string"]
    assert sorted(p.question for p in problems if p.question) == ["m", "o", "s"]
