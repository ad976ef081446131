"""Property tests: any input is a quiz or coded problems; any response scores in range."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import load_catalog
from ketatraining.quiz.model import MultipleChoice, Numeric, Quiz, SingleChoice, TrueFalse
from ketatraining.quiz.problems import CODES
from ketatraining.quiz.validation import check_quiz
from ketatraining.quiz.yamlsource import read_yaml

DATA = Path(__file__).resolve().parents[1] / "data"
CATALOG = load_catalog(DATA / "bad")
VALID = yaml.safe_load((DATA / "bad" / "kq203-two-correct-options.yaml").read_text())
VALID["questions"][0]["options"][1].pop("correct", None)
# KT_HYPOTHESIS_EXAMPLES=5000 for a deeper search (e.g. nightly); 300 keeps make test quick.
SETTINGS = settings(max_examples=int(os.environ.get("KT_HYPOTHESIS_EXAMPLES", "300")),
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def read_and_check(raw: bytes) -> tuple[Quiz | None, list[Any]]:
    """The whole reading pipeline, as the loader runs it; must never raise."""
    document, problems = read_yaml(raw, "prop.yaml")
    if document is None:
        return None, problems
    quiz, found = check_quiz(document, "prop.yaml", references=CATALOG.references,
                             objectives=CATALOG.objectives)
    if any(p.severity == "error" for p in problems):  # e.g. KQ017: no quiz, as check_file
        quiz = None
    return quiz, problems + found


def assert_quiz_or_coded_problems(raw: bytes) -> None:
    quiz, problems = read_and_check(raw)
    for problem in problems:
        assert problem.code in CODES
        assert problem.message
        assert problem.path == "prop.yaml"
        assert problem.line is None or problem.line >= 1
        assert problem.column is None or problem.column >= 1
    errors = [p for p in problems if p.severity == "error"]
    if quiz is None:
        assert errors, "no quiz must mean at least one coded error"
    else:
        assert isinstance(quiz, Quiz)
        assert errors == []
        assert quiz.questions
        assert math.isfinite(quiz.max_score)
        assert quiz.max_score > 0


# -- inputs ------------------------------------------------------------------------------
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["", "single_choice", "numeric", "true_false",
                                           "multiple_choice", "q1", "a", "ref1", "obj1"]))
plain_data = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(
            ["id", "type", "options", "questions", "correct", "points", "value", "tolerance",
             "weight", "answer", "prompt", "schema_version"])), children, max_size=6),
    ),
    max_leaves=25,
)
YAML_BITS = ["- ", ": ", "\n", "  ", "{", "}", "[", "]", ",", "&a ", "*a", "!!str ", "!x ",
             "'", '"', "#", "---\n", "...\n", "? ", "|\n", ">\n", "%YAML 1.2\n", "\t", "id",
             "questions", "schema_version: 1\n", "\ufeff", "\r\n", "\u202e", "\x00", "<<: "]


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes(raw: bytes) -> None:
    assert_quiz_or_coded_problems(raw)


@SETTINGS
@given(st.text(max_size=1000))
def test_any_text(text: str) -> None:
    assert_quiz_or_coded_problems(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.lists(st.sampled_from(YAML_BITS) | st.text(max_size=5), max_size=80))
def test_yaml_shaped_noise(parts: list[str]) -> None:
    assert_quiz_or_coded_problems("".join(parts).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(plain_data)
def test_any_yaml_data(data: Any) -> None:
    assert_quiz_or_coded_problems(yaml.safe_dump(data, allow_unicode=True).encode())


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


ALL_PATHS = [p for p in _paths(VALID) if p]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), plain_data | st.just("<delete>")),
                min_size=1, max_size=4))
def test_a_valid_quiz_with_random_damage(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    import copy

    data = copy.deepcopy(VALID)
    for path, value in edits:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            if value == "<delete>":
                del target[path[-1]]
            else:
                target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    assert_quiz_or_coded_problems(yaml.safe_dump(data, allow_unicode=True).encode())


def test_the_undamaged_quiz_is_valid() -> None:
    """The base of the damage test is itself a valid quiz (so damage is what fails)."""
    quiz, problems = read_and_check(yaml.safe_dump(VALID).encode())
    assert quiz is not None
    assert problems == []


# -- grading -----------------------------------------------------------------------------
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
points = st.floats(min_value=0.01, max_value=1000, allow_nan=False, allow_infinity=False)
ids = st.sampled_from(["a", "b", "c", "d", "e"])
COMMON = {"prompt": "P", "explanation": "E", "objective": "obj1", "references": ["ref1"]}


@st.composite
def choice_questions(draw: st.DrawFn) -> SingleChoice | MultipleChoice:
    option_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    weighted = draw(st.booleans())
    options = [{"id": i, "text": i, "feedback": "f", "correct": draw(st.booleans()),
                **({"weight": draw(st.floats(-1000, 1000))} if weighted else {})}
               for i in option_ids]
    kind = draw(st.sampled_from(["single_choice", "multiple_choice"]))
    model = SingleChoice if kind == "single_choice" else MultipleChoice
    return model.model_validate({"id": "q", "type": kind, "options": options,
                                 "points": draw(points), **COMMON})


@st.composite
def numeric_questions(draw: st.DrawFn) -> Numeric:
    alternatives = [{"value": draw(finite), "tolerance": draw(finite),
                     "credit": draw(st.floats(-500, 500))}
                    for _ in range(draw(st.integers(0, 3)))]
    return Numeric.model_validate({
        "id": "q", "type": "numeric", "value": draw(finite),
        "tolerance": draw(st.none() | finite), "relative_tolerance": draw(st.none() | finite),
        "feedback_correct": "y", "feedback_incorrect": "n", "alternatives": alternatives,
        "points": draw(points), **COMMON})


true_false = st.builds(lambda answer, p: TrueFalse.model_validate({
    "id": "q", "type": "true_false", "answer": answer, "feedback_true": "t",
    "feedback_false": "f", "points": p, **COMMON}), st.booleans(), points)

responses = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5), ids, st.lists(ids, max_size=8), st.sets(ids),
    st.lists(st.text(max_size=3), max_size=5), st.frozensets(ids),
)


@SETTINGS
@given(st.one_of(choice_questions(), numeric_questions(), true_false), responses)
def test_grading_stays_within_0_and_points(question: Any, response: Any) -> None:
    result = grade(question, response)
    assert 0.0 <= result.score <= question.points
    assert result.max_score == question.points
    assert 0.0 <= result.fraction <= 1.0


@SETTINGS
@given(choice_questions())
def test_ticking_nothing_or_everything_never_beats_the_right_answer(question: Any) -> None:
    right = [o.id for o in question.options if o.correct]
    assume(right)
    if isinstance(question, MultipleChoice) and all(o.weight is None for o in question.options):
        best = grade(question, right).score
        assert grade(question, [o.id for o in question.options]).score <= best
        assert grade(question, []).score == 0.0
