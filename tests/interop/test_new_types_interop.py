"""matching, short_answer and ordering in every format that can express them.

Round trips (export, then import) give back the same question in Moodle XML and QTI
(all three), GIFT (all three; ordering in qtype_ordering's syntax) and
jupyterquiz (short answer; matching and ordering left out with KE002). Files written
the way Moodle and other QTI tools write them import with the right keys.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from interop.test_moodle_xml_export import check_moodle_requirements
from ketatraining.interop.gift import gift_export, import_gift
from ketatraining.interop.jupyterquiz import import_jupyterquiz
from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
from ketatraining.interop.moodle_xml import import_moodle_xml
from ketatraining.interop.moodle_xml_export import moodle_xml_export
from ketatraining.interop.qti import write_qti_package
from ketatraining.interop.qti_import import import_qti
from ketatraining.quiz.grading import grade
from ketatraining.quiz.model import QUESTION_TYPES, Quiz

pytestmark = pytest.mark.skipif(
    not {"matching", "short_answer", "ordering"} <= set(QUESTION_TYPES),
    reason="the new question types are not in this version")

DATA = Path(__file__).resolve().parents[1] / "data"
COMMON = {"explanation": "Why.", "objective": "o", "references": ["r"]}
QUIZ = Quiz.model_validate({
    "schema_version": 1, "id": "new", "title": "New types", "topic": "risks", "pass_mark": 50,
    "shuffle": True, "questions": [
        {"id": "m", "type": "matching", "prompt": "Match each drug with its class.", **COMMON,
         "points": 2,
         "items": [{"id": "k", "text": "ketamine", "answer": "nmda"},
                   {"id": "s", "text": "sertraline", "answer": "ssri"},
                   {"id": "p", "text": "*paroxetine*", "answer": "ssri"}],
         "answers": [{"id": "gaba", "text": "GABA agonist"},
                     {"id": "nmda", "text": "NMDA antagonist"},
                     {"id": "ssri", "text": "SSRI (*selective*)"}],
         "feedback_correct": "All right.", "feedback_incorrect": "Check the classes."},
        {"id": "sa", "type": "short_answer", "prompt": "Which receptor?", **COMMON,
         "answers": [{"text": "NMDA", "feedback": "Right."},
                     {"text": "N-methyl*", "credit": 50, "feedback": "Say NMDA."},
                     {"text": "a \\* star"}],
         "case_sensitive": True, "feedback_incorrect": "It is NMDA."},
        {"id": "o", "type": "ordering", "prompt": "Put the steps in order.", **COMMON,
         "scoring": "relative_to_next",
         "steps": [{"id": "s1", "text": "Measure **blood pressure**"},
                   {"id": "s2", "text": "Give the dose"},
                   {"id": "s3", "text": "Monitor until discharge"}],
         "feedback_correct": "Right order.", "feedback_incorrect": "Measure first."},
    ]})
RESPONSES: dict[str, list[Any]] = {
    "m": [{"k": "nmda", "s": "ssri", "p": "ssri"}, {"k": "gaba", "s": "ssri", "p": "nmda"},
          {}, {"k": "ssri"}],
    "sa": ["NMDA", "nmda", "N-methyl-D-aspartate", "a * star", "a \\* star", "no"],
    "o": [["s1", "s2", "s3"], ["s2", "s3", "s1"], ["s3", "s2", "s1"], ["s1", "s3", "s2"]],
}


def qti_bytes(quiz: Quiz, tmp_path: Path) -> bytes:
    target = tmp_path / "new.zip"
    write_qti_package(quiz, target)
    return target.read_bytes()


def same_scores(before: Any, after: Any) -> None:
    for response in RESPONSES[before.id]:
        assert grade(after, response).score == pytest.approx(grade(before, response).score), (
            before.id, response)


def test_moodle_xml_round_trip_is_exact() -> None:
    xml, problems = moodle_xml_export(QUIZ)
    check_moodle_requirements(xml)
    # Moodle's matching answers are plain text: the emphasis is reported; ordering is
    # core only from Moodle 4.4; Moodle keeps the inner spaces of 'a \\* star' (KE005)
    assert [(p.code, p.question) for p in problems] == [("KE002", "m"), ("KE005", "sa"),
                                                        ("KE002", "o")]
    result = import_moodle_xml(xml, quiz_id="new")
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data) == QUIZ


def test_moodle_xml_without_our_comments_scores_the_same() -> None:
    xml = re.sub(r"<!--.*?-->", "", moodle_xml_export(QUIZ)[0], flags=re.DOTALL)
    result = import_moodle_xml(xml, quiz_id="new")
    assert result.errors == []
    imported = Quiz.model_validate(result.data)
    for before, after in zip(QUIZ.questions, imported.questions, strict=True):
        assert after.type == before.type
        if before.id != "m":  # matching ids are made up again; the pairs are checked below
            same_scores(before, after)
    matching = imported.questions[0]
    assert [(i.text, next(a.text for a in matching.answers if a.id == i.answer))
            for i in matching.items] == [("ketamine", "NMDA antagonist"),
                                         ("sertraline", "SSRI (selective)"),
                                         ("<em>paroxetine</em>", "SSRI (selective)")]


def test_qti_round_trip_is_exact_and_keys_survive_without_comments(tmp_path: Path) -> None:
    data = qti_bytes(QUIZ, tmp_path)
    result = import_qti(data, quiz_id="new")
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data) == QUIZ
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, re.sub(r"<!--.*?-->", "", source.read(name).decode(),
                                          flags=re.DOTALL))
    bare = import_qti(buffer.getvalue(), quiz_id="new")
    assert bare.errors == []
    for before, after in zip(QUIZ.questions, Quiz.model_validate(bare.data).questions,
                             strict=True):
        assert after.type == before.type
        same_scores(before, after)


def test_gift_keeps_matching_short_answer_and_ordering() -> None:
    text, problems = gift_export(QUIZ)
    # Markdown in a matching answer or an ordering step shows as plain text in Moodle;
    # m's 2 points and sa's case sensitivity do not reach Moodle; ordering needs Moodle
    # 4.4 (qtype_ordering); Moodle keeps the inner spaces of 'a \\* star' (KE005)
    assert sorted((p.code, p.question) for p in problems) == [
        ("KE002", "m"), ("KE002", "m"), ("KE002", "o"), ("KE002", "o"), ("KE002", "sa"),
        ("KE005", "sa")]
    assert "'Measure **blood pressure**' keeps its markup" in " ".join(
        p.message for p in problems)
    result = import_gift(text, quiz_id="new")
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data).questions == QUIZ.questions


def test_jupyterquiz_keeps_short_answer_and_reports_the_rest() -> None:
    text, problems = jupyterquiz_export(QUIZ)
    messages = [p.message for p in problems]
    assert any("no matching questions" in m for m in messages)
    assert any("no ordering questions" in m for m in messages)
    assert any("'N-methyl*' with a '*' wildcard" in m for m in messages)
    result = import_jupyterquiz(text, quiz_id="new")
    assert result.problems == [], [p.format() for p in result.problems]
    assert Quiz.model_validate(result.data).questions == [QUIZ.questions[1]]


def test_moodle_files_of_the_new_types_import_with_their_keys() -> None:
    path = DATA / "moodle_xml" / "new-types.xml"
    result = import_moodle_xml(path.read_text(encoding="utf-8"), quiz_id="n", path=str(path))
    matching, short, ordering, subset = result.data["questions"]
    assert matching["points"] == 2
    answers = {a["id"]: a["text"] for a in matching["answers"]}
    assert [(i["text"], answers[i["answer"]]) for i in matching["items"]] == [
        ("ketamine", "NMDA antagonist"), ("sertraline", "SSRI"), ("paroxetine", "SSRI")]
    assert "GABA agonist" in answers.values()  # the distractor
    assert (matching["feedback_correct"], matching["feedback_incorrect"]) == (
        "All pairs are right.", "Check the classes again.")
    assert short["answers"] == [{"text": "NMDA", "credit": 100, "feedback": "Right."},
                                {"text": "N-methyl*", "credit": 50, "feedback": "Say NMDA."}]
    assert (short["case_sensitive"], short["feedback_incorrect"]) == (
        False, "It is the NMDA receptor.")  # Moodle's '*' catch-all
    assert [s["text"] for s in ordering["steps"]] == [
        "Measure blood pressure", "Give the dose", "Monitor until discharge"]
    assert ordering["scoring"] == "relative_to_next"
    assert subset["scoring"] == "all_or_nothing"
    (lost,) = [p for p in result.problems if p.code == "KI021"]
    assert lost.question == "Longest subset" and "LONGEST_ORDERED_SUBSET" in lost.message
    for question in Quiz.model_validate(result.data).questions:
        assert question.type in {"matching", "short_answer", "ordering"}


@pytest.mark.parametrize(("name", "kind"), [("match", "matching"), ("order", "ordering")])
def test_other_tools_qti_match_and_order(name: str, kind: str) -> None:
    path = DATA / "qti" / f"{name}.xml"
    result = import_qti(path.read_bytes(), quiz_id="q", path=str(path))
    assert result.errors == [], [p.format() for p in result.problems]
    (question,) = result.data["questions"]
    assert question["type"] == kind
    if kind == "matching":
        assert [(i["id"], i["answer"]) for i in question["items"]] == [("K", "NMDA"),
                                                                       ("S", "SSRI")]
        assert len(question["answers"]) == 3
    else:
        assert [s["id"] for s in question["steps"]] == ["S1", "S2", "S3"]
        assert question["scoring"] == "all_or_nothing"


def test_gift_matching_and_short_answer_as_moodle_writes_them() -> None:
    gift = ("::Pairs:: Match them. {\n=ketamine -> NMDA antagonist\n=sertraline -> SSRI\n"
            "= -> GABA agonist\n}\n\n::Short:: Which receptor? {=NMDA#Right. =%50%N-methyl*}")
    result = import_gift(gift, quiz_id="g")
    assert [p.code for p in result.problems] == []
    pairs, short = result.data["questions"]
    answers = {a["id"]: a["text"] for a in pairs["answers"]}
    assert [answers[i["answer"]] for i in pairs["items"]] == ["NMDA antagonist", "SSRI"]
    assert sorted(answers.values()) == ["GABA agonist", "NMDA antagonist", "SSRI"]
    assert short["answers"] == [{"text": "NMDA", "credit": 100, "feedback": "Right."},
                                {"text": "N-methyl*", "credit": 50}]
    Quiz.model_validate(result.data)


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_qti_short_answer_keeps_its_case_rule_and_letters(case_sensitive: bool,
                                                             tmp_path: Path) -> None:
    """qti-pattern-match for exact and wildcard answers alike: the case rule is read from the
    pattern ([Dd] pairs, or plain letters), with and without our comments; the answer's
    letters keep the case the trainer wrote."""
    quiz = Quiz.model_validate({**QUIZ.model_dump(), "questions": [{
        **QUIZ.questions[1].model_dump(), "case_sensitive": case_sensitive,
        "answers": [{"text": "Dissociat*"}, {"text": "NMDA  block", "credit": 50}]}]})
    data = qti_bytes(quiz, tmp_path)
    assert Quiz.model_validate(import_qti(data, quiz_id="new").data) == quiz
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, re.sub(r"<!--.*?-->", "", source.read(name).decode(),
                                          flags=re.DOTALL))
    (bare,) = import_qti(buffer.getvalue(), quiz_id="new").data["questions"]
    # [Dd] pairs (the written letter first) or plain letters: the answer as written
    assert (bare["answers"], bare["case_sensitive"]) == ([
        {"text": "Dissociat*", "credit": 100}, {"text": "NMDA block", "credit": 50}],
        case_sensitive)
