"""matching, short_answer and ordering: their rules, edge cases and properties."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ketatraining.quiz.loading import check_file
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.types import TYPES, AnyQuestion, get_type, short_answer
from ketatraining.quiz.types.short_answer import wildcard_match

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
COMMON = {"explanation": "Why.", "references": ["ref1"], "objective": "obj1"}
MATCHING: dict[str, Any] = {
    "id": "m", "type": "matching", "prompt": "Match.", "points": 3,
    "items": [{"id": "a", "text": "A", "answer": "x"}, {"id": "b", "text": "B", "answer": "y"},
              {"id": "c", "text": "C", "answer": "x"}],
    "answers": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}],
    "feedback_correct": "All right.", "feedback_incorrect": "Not all.", **COMMON}
SHORT: dict[str, Any] = {
    "id": "s", "type": "short_answer", "prompt": "Name it.", "points": 2,
    "answers": [{"text": "dissociat*", "feedback": "Yes."},
                {"text": "detach*", "credit": 50, "feedback": "Close."},
                {"text": "out of body", "credit": 25, "feedback": "A description."}],
    "feedback_incorrect": "Dissociation.", **COMMON}
ORDERING: dict[str, Any] = {
    "id": "o", "type": "ordering", "prompt": "Order.", "points": 4,
    "steps": [{"id": f"s{n}", "text": f"Step {n}"} for n in range(1, 6)],
    "feedback_correct": "Right.", "feedback_incorrect": "Not that order.", **COMMON}


def quiz(*questions: dict[str, Any]) -> Quiz:
    return Quiz.model_validate({"schema_version": 1, "id": "t", "title": "T", "topic": "risks",
                                "pass_mark": 70, "questions": list(questions)})


def question(data: dict[str, Any], **changes: Any) -> AnyQuestion:
    return quiz({**data, **changes}).questions[0]


def check(tmp_path: Path, body: dict[str, Any]) -> list[tuple[str, str | None]]:
    for name in ("references.yaml", "objectives.yaml"):
        (tmp_path / name).write_text((BAD / name).read_text())
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"schema_version": 1, "id": "t", "title": "T",
                                    "topic": "risks", "pass_mark": 70,
                                    "questions": [body]}))
    return [(p.code, p.field) for p in check_file(path)[1]]


# -- matching -------------------------------------------------------------------------------
def test_matching_partial_credit_per_right_pair() -> None:
    q = question(MATCHING)
    t = get_type(q)
    assert t.grade(q, {"a": "x", "b": "y", "c": "x"}).score == 3
    assert t.grade(q, {"a": "x", "b": "x", "c": "z"}).score == pytest.approx(1)
    assert t.grade(q, {"a": "y", "b": "x", "c": "y"}).score == 0
    half = t.grade(q, {"a": "x", "b": "y"})  # one item left out
    assert half.score == pytest.approx(2) and half.feedback == (("answer", "Not all."),)
    assert t.grade(q, {"a": "x", "b": "y", "c": "x", "zz": "x"}).correct  # extra keys ignored


def test_an_unused_answer_is_an_allowed_distractor(tmp_path: Path) -> None:
    assert check(tmp_path, MATCHING) == []


def test_an_item_without_its_answer_key_is_an_error(tmp_path: Path) -> None:
    items = [{"id": "a", "text": "A"}, *MATCHING["items"][1:]]
    assert ("KQ102", "items[1].answer") in check(tmp_path, {**MATCHING, "items": items})


def test_matching_public_data_shuffles_answers_and_hides_the_pairs() -> None:
    q = question(MATCHING)
    data = get_type(q).public_data(q)
    assert [i["id"] for i in data["items"]] == ["a", "b", "c"]
    assert sorted(a["id"] for a in data["answers"]) == ["x", "y", "z"]
    assert "answer" not in json.dumps(data["items"])
    assert get_type(q).valid(q, {"a": "x", "b": "y", "c": "z"})
    assert not get_type(q).valid(q, {"a": "x", "b": "y"})
    assert not get_type(q).valid(q, {"a": "x", "b": "y", "c": "nope"})


# -- short answer ---------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "score"), [
    ("dissociation", 2), ("  DISSOCIATIVE\tstate ", 2), ("Dissociat", 2),
    ("detached", 1), ("out   of\nbody", 0.5), ("out of body experience", 0),
    ("", 0), ("   ", 0), ("association", 0), ("x" * 501, 0),
])
def test_short_answer_rules(typed: str, score: float) -> None:
    q = question(SHORT)
    assert get_type(q).grade(q, typed).score == pytest.approx(score)


def test_short_answer_case_sensitive_and_literal_star() -> None:
    q = question(SHORT, case_sensitive=True,
                 answers=[{"text": "NMDA", "feedback": "Yes."},
                          {"text": "5\\*", "credit": 40, "feedback": "Star."}])
    t = get_type(q)
    assert t.grade(q, "NMDA").correct
    assert t.grade(q, "nmda").score == 0
    assert t.grade(q, "5*").score == pytest.approx(0.8)
    assert t.grade(q, "55").score == 0


def test_the_best_matching_answer_counts_with_its_feedback() -> None:
    q = question(SHORT, answers=[{"text": "d*", "credit": 30, "feedback": "Vague."},
                                 {"text": "dissociation", "feedback": "Exact."}])
    result = get_type(q).grade(q, "Dissociation")
    assert result.correct and result.feedback == (("answer", "Exact."),)


def test_the_solution_shows_an_answer_a_learner_could_type() -> None:
    """Not a wildcard pattern's bare literal ('dissociat' read like the course's typo)."""
    pattern = question(SHORT)
    assert get_type(pattern).solution(pattern) == (
        "An accepted answer: dissociat… (where … stands for any letters).")
    plain = question(SHORT, answers=[{"text": "dissociat*", "feedback": "Yes."},
                                     {"text": " dissociation ", "feedback": "Yes."}])
    assert get_type(plain).solution(plain) == "An accepted answer: dissociation."


def test_a_blank_typed_answer_is_asked_to_be_typed_not_chosen() -> None:
    from ketatraining.assessment.local import _decode
    from ketatraining.assessment.protocol import AssessmentError

    for blank in ("", "   ", None):
        with pytest.raises(AssessmentError, match=r"^Please type an answer first\.$"):
            _decode(question(SHORT), blank)
    with pytest.raises(AssessmentError, match="at most 500 characters"):
        _decode(question(SHORT), "x" * 501)
    with pytest.raises(AssessmentError, match="Please choose an answer for every item"):
        _decode(question(MATCHING), {"a": "x"})


class CountingText(str):
    """A typed answer that counts how often the matcher reads one of its characters."""

    reads = 0

    def __getitem__(self, index: Any) -> str:
        CountingText.reads += 1
        return str.__getitem__(self, index)


def test_the_wildcard_matcher_is_not_exponential() -> None:
    # A backtracking regex takes hours on this pattern and text; the matcher reads at most
    # one character per (pattern position, text position): a bound, not a timing.
    pattern, text = "a*" * 30 + "b", CountingText("a" * 500)
    CountingText.reads = 0
    assert not wildcard_match(pattern, text)
    assert 0 < CountingText.reads <= (len(pattern) + 1) * (len(text) + 1)
    assert wildcard_match("*a*b*", "xxaxxbxx")
    assert not wildcard_match("a*b", "ab c")
    source = Path(short_answer.__file__).read_text(encoding="utf-8")
    assert "import re" not in source  # no regular expressions from trainers, ever


# -- ordering -------------------------------------------------------------------------------
def test_ordering_all_or_nothing() -> None:
    q = question(ORDERING)
    t = get_type(q)
    right = ["s1", "s2", "s3", "s4", "s5"]
    assert t.grade(q, right).score == 4
    assert t.grade(q, ["s2", "s1", "s3", "s4", "s5"]).score == 0


@pytest.mark.parametrize(("order", "marks"), [
    (["s1", "s2", "s3", "s4", "s5"], 4),
    (["s2", "s1", "s3", "s4", "s5"], 2),  # s3-s4 and s4-s5 still follow each other
    (["s5", "s1", "s2", "s3", "s4"], 3),  # Moodle: the last step has no 'next'
    (["s5", "s4", "s3", "s2", "s1"], 0),
    (["s1", "s2", "s3", "s4"], 0),        # not an arrangement of all the steps
    (["s1", "s1", "s2", "s3", "s4"], 0),
])
def test_ordering_relative_to_the_next_step(order: list[str], marks: int) -> None:
    q = question(ORDERING, scoring="relative_to_next")
    assert get_type(q).grade(q, order).score == pytest.approx(4 * marks / 4)


def test_ordering_is_never_shown_in_the_right_order() -> None:
    q = question(ORDERING, steps=ORDERING["steps"][:2])
    for seed in range(20):
        data = get_type(q).public_data(q, random.Random(seed))
        assert [s["id"] for s in data["steps"]] == ["s2", "s1"]


def test_an_unknown_scoring_rule_is_coded(tmp_path: Path) -> None:
    assert ("KQ105", "scoring") in check(tmp_path, {**ORDERING, "scoring": "partial"})


# -- every type, every response -------------------------------------------------------------
JSONS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=6),
    max_leaves=20)
ALL = [question(MATCHING), question(SHORT), question(ORDERING),
       question(ORDERING, scoring="relative_to_next")]
ALL += [q for path in sorted((Path(__file__).resolve().parents[2] / "quizzes").glob("*.yaml"))
        if path.name not in ("references.yaml", "objectives.yaml")
        for q in (check_file(path)[0] or quiz(MATCHING)).questions]
KEYS = [get_type(q).encode(q, get_type(q).key(q)) for q in ALL]


def test_every_registered_type_is_exercised() -> None:
    assert {q.type for q in ALL} == set(TYPES)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL), JSONS | st.sampled_from(KEYS))
def test_grade_stays_within_zero_and_the_points(q: AnyQuestion, response: object) -> None:
    result = get_type(q).grade(q, response)
    assert math.isfinite(result.score)
    assert 0 <= result.score <= q.points
    assert result.max_score == q.points
