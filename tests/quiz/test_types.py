"""The question-type registry: every type is complete, and consumers go through it."""

from __future__ import annotations

import json
import random
import subprocess
import typing
from pathlib import Path

import pytest

from ketatraining.quiz.loading import load_quiz
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.problems import CODES
from ketatraining.quiz.types import QUESTION_TYPES, TYPES, AnyQuestion, get_type

ROOT = Path(__file__).resolve().parents[2]
COURSE = [load_quiz(p) for p in sorted((ROOT / "quizzes").glob("*.yaml"))
          if p.name not in ("references.yaml", "objectives.yaml")]
QUESTIONS = {q.type: q for quiz in COURSE for q in quiz.questions}


def test_the_union_and_the_registry_list_the_same_types() -> None:
    models = typing.get_args(AnyQuestion)
    assert [TYPES[name].model for name in QUESTION_TYPES] == list(models)
    tags = [Quiz.model_fields["questions"].annotation]
    assert tags  # Quiz.questions is the tagged union of exactly these models
    for name, definition in TYPES.items():
        assert definition.name == name
        assert definition.model.model_fields["type"].annotation == typing.Literal[name]
        assert set(definition.codes) <= set(CODES)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_the_key_scores_full_marks_and_survives_the_codec(name: str) -> None:
    question = QUESTIONS[name]
    definition = get_type(question)
    stored = json.loads(json.dumps(definition.encode(question, definition.key(question))))
    assert definition.decode(question, stored) == definition.key(question)
    assert definition.grade(question, stored).correct
    assert definition.grade(question, None).score == 0


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_public_data_is_json_and_carries_no_key_or_feedback(name: str) -> None:
    question = QUESTIONS[name]
    data = get_type(question).public_data(question, random.Random(1))
    text = json.dumps(data)

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value).union(*(keys(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(*(keys(v) for v in value))
        return set()

    assert keys(data) <= {"options", "id", "html", "units", "items", "answers", "steps"}
    assert json.dumps(question.explanation)[1:-1] not in text


def test_public_data_shapes_are_the_shared_contract() -> None:
    tf = QUESTIONS["true_false"]
    assert get_type(tf).public_data(tf) == {"options": [
        {"id": "true", "html": "True"}, {"id": "false", "html": "False"}]}
    numeric = QUESTIONS["numeric"]
    assert get_type(numeric).public_data(numeric) == {"units": numeric.units}
    for name in ("single_choice", "multiple_choice"):
        question = QUESTIONS[name]
        data = get_type(question).public_data(question)
        assert [o["id"] for o in data["options"]] == [o.id for o in question.options]
        assert all(set(o) == {"id", "html"} for o in data["options"])
        shuffled = get_type(question).public_data(question, random.Random(3))
        assert sorted(o["id"] for o in shuffled["options"]) == sorted(
            o.id for o in question.options)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_a_response_for_another_type_scores_zero_and_never_raises(name: str) -> None:
    question: AnyQuestion = QUESTIONS[name]
    definition = get_type(question)
    for other in QUESTIONS.values():
        if other.type == question.type:
            continue
        foreign = get_type(other).encode(other, get_type(other).key(other))
        result = definition.grade(question, foreign)
        assert 0 <= result.score <= question.points
    for junk in ({"a": 1}, [1, 2], "", float("nan"), float("inf"), -1, True, None):
        assert 0 <= definition.grade(question, junk).score <= question.points


TYPE_NAMES = "|".join(TYPES)
CLASSES = "SingleChoice|MultipleChoice|TrueFalse|Numeric|Matching|ShortAnswer|Ordering"


def _git_grep(pattern: str) -> list[str]:
    found = subprocess.run(["git", "grep", "-nP", pattern, "--", "ketatraining"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout
    return [line for line in found.splitlines()
            if not line.startswith("ketatraining/quiz/types/")]


def test_no_consumer_switches_on_the_question_classes() -> None:
    """isinstance chains silently fall through; use get_type or a match + assert_never."""
    allowed = (
        # a choice type's own helper, narrowing within a match arm that ends in assert_never:
        "ketatraining/interop/gift.py", "ketatraining/interop/qti.py",
        "ketatraining/interop/moodle_xml_export.py", "ketatraining/interop/jupyterquiz_export.py",
        # item-writing rules that only concern choice questions (filters, not switches):
        "ketatraining/quiz/review.py",
    )
    found = _git_grep(rf"isinstance\([^)]*\b({CLASSES})\b")
    assert [line for line in found if not line.startswith(allowed)] == []
    # nor by what a question happens to have: getattr(question, "options", ...) is the same
    assert _git_grep(r"(getattr|hasattr)\((question|q)\b") == []


def test_no_consumer_switches_on_the_type_name() -> None:
    """``question.type == "numeric"`` is the same silent fall-through, spelled as a string."""
    allowed = (
        # importers reading another program's file (or our own export's metadata in it):
        "ketatraining/interop/common.py", "ketatraining/interop/jupyterquiz.py",
        "ketatraining/interop/gift.py",  # GIFT's own kinds ('ordering', 'match', ...)
    )
    found = _git_grep(rf"""(type|kind)\b["'\])]* *(==|!=|in) *[(\[{{]?["']({TYPE_NAMES})["']""")
    assert [line for line in found if not line.startswith(allowed)] == []


def test_mypy_names_a_missing_branch_in_a_match_over_question_types(tmp_path: Path) -> None:
    """The promise behind 'match ... case _: assert_never(question)': adding a type to
    AnyQuestion makes every such match that lacks its branch a type error."""
    api = pytest.importorskip("mypy.api")
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import assert_never\n"
        "from ketatraining.quiz.types import AnyQuestion, MultipleChoice, SingleChoice\n"
        "from ketatraining.quiz.types import TrueFalse\n\n"
        "def kind(question: AnyQuestion) -> str:\n"
        "    match question:\n"
        "        case SingleChoice() | MultipleChoice():\n"
        "            return 'choice'\n"
        "        case TrueFalse():\n"
        "            return 'tf'\n"
        "        case _:\n"
        "            assert_never(question)\n", encoding="utf-8")
    # make mypy has filled the project's cache, so this takes a second there.
    out, _, status = api.run([str(probe), "--follow-imports=silent", "--config-file=/dev/null",
                              f"--cache-dir={ROOT / '.mypy_cache'}"])
    assert status == 1
    assert '"assert_never" has incompatible type "Numeric' in out


def _front_end_controls() -> set[str]:
    """The controls ``quiz.js`` draws: the ``case`` labels of its ``controlsFor``."""
    import re

    script = (ROOT / "ketatraining" / "widgets" / "static" / "quiz.js").read_text()
    body = script[script.index("function controlsFor"):script.index("default:", script.index(
        "function controlsFor"))]
    return set(re.findall(r'case "([a-z_]+)":', body))


def test_every_type_names_a_control_the_page_draws() -> None:
    # A type whose control quiz.js does not draw would show learners its name, not a form.
    drawn = _front_end_controls()
    assert drawn >= {"radio", "checkbox", "number", "text", "matching", "ordering"}
    for name, definition in TYPES.items():
        assert definition.control in drawn, (name, definition.control)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_the_public_view_names_the_types_control(name: str) -> None:
    from ketatraining.assessment.local import question_views
    from ketatraining.assessment.wire import question_view

    question = QUESTIONS[name]
    quiz = next(q for q in COURSE if question in q.questions)
    view = next(v for v in question_views(quiz, random.Random(1)) if v.id == question.id)
    assert view.control == get_type(question).control
    # The wire keeps it, and a service that predates the field still decodes.
    assert question_view(view.to_dict()) == view
    legacy = {k: v for k, v in view.to_dict().items() if k != "control"}
    assert question_view(legacy).control == ""
