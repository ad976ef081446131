"""GIFT export then import gives back the quiz: for every bank in quizzes/ and for
generated quizzes full of GIFT's special characters.

Two round trips are checked. With the ``// ketatraining:`` comments the export carries,
the import equals the original (texts compared without surrounding whitespace, which
GIFT trims and Markdown ignores). Without them, as Moodle reads the file, every text
survives and every possible answer gets the same mark.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketatraining.interop.common import category_tag
from ketatraining.interop.gift import GIFT_CANNOT, export_gift, gift_export, import_gift, parse_gift
from ketatraining.interop.yaml_writer import TODO_EXPLANATION, dump_quiz_yaml
from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import CATALOG_FILES, Catalog, check_file
from ketatraining.quiz.model import MultipleChoice, Quiz, SingleChoice
from tests.interop.banks import (
    BANK_IDS,
    BANKS,
    CANNOT,
    QUIZ_DIR,
    assert_left_out_reported,
    carried,
    load_bank,
    responses,
    same_answer,
)


def strip_texts(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: strip_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_texts(v) for v in value]
    return value


def normalise(quiz: Quiz) -> Quiz:
    return Quiz.model_validate(strip_texts(quiz.model_dump()))


def round_trip(quiz: Quiz, text: str | None = None) -> Quiz:
    result = import_gift(text if text is not None else export_gift(quiz), quiz_id=quiz.id)
    assert result.errors == [], [p.format() for p in result.problems]
    assert result.problems == []
    return Quiz.model_validate(result.data)


def without_metadata(gift: str) -> str:
    return "\n".join(line for line in gift.split("\n")
                     if not line.startswith("// ketatraining"))


def test_there_are_banks_to_check() -> None:
    assert BANKS, "no quiz bank found in quizzes/"


def test_the_types_gift_leaves_out_are_the_ones_it_has_no_syntax_for() -> None:
    assert CANNOT["gift"] == GIFT_CANNOT


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_bank_round_trip_is_exact(path: Path) -> None:
    quiz = load_bank(path)
    _, problems = gift_export(quiz)
    assert_left_out_reported(problems, quiz, "gift")
    assert round_trip(quiz) == normalise(carried(quiz, "gift"))


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_bank_written_as_yaml_validates_and_reloads(path: Path, tmp_path: Path) -> None:
    quiz = load_bank(path)
    for name in CATALOG_FILES:
        shutil.copy(QUIZ_DIR / name, tmp_path / name)
    data = import_gift(export_gift(quiz), quiz_id=quiz.id).data
    target = tmp_path / f"{quiz.id}.yaml"
    target.write_text(dump_quiz_yaml(data), encoding="utf-8")
    reloaded, problems = check_file(target)
    assert [p.format() for p in problems if p.severity == "error"] == []
    assert reloaded == normalise(carried(quiz, "gift"))


def moodle_safe(tag: str) -> bool:
    """Tags a GIFT [tag:...] comment carries; others travel only in our comment."""
    return bool(tag.strip()) and tag == tag.strip() and not re.search(
        r"[<>\\\]\x00-\x1f\x7f]", tag)


def shown(option: str) -> str:
    """An option as the course shows it (inline HTML)."""
    from ketatraining.text import markdown_to_html

    return markdown_to_html(option, inline=True)


def assert_same_behaviour(original: Quiz, imported: Quiz) -> None:
    assert len(imported.questions) == len(original.questions)
    for before, after in zip(original.questions, imported.questions, strict=True):
        assert after.id == before.id
        assert after.type == before.type
        assert after.prompt == before.prompt.strip()
        assert after.explanation == before.explanation.strip()
        # the export's $CATEGORY line comes back as a category tag (KI023)
        category = parse_gift(export_gift(original)).questions[0].category or ""
        assert after.tags == [t for t in before.tags if moodle_safe(t)] + [
            category_tag(category)]
        if isinstance(before, SingleChoice | MultipleChoice):
            # an option whose Markdown reads differently as a block travels as [html]
            # (Moodle renders GIFT answers as blocks): the learner reads the same inline
            assert [(shown(o.text), o.feedback) for o in after.options] == [
                (shown(o.text.strip()), o.feedback.strip()) for o in before.options]
        for response in responses(before):
            mark_before = grade(before, response).fraction
            mark_after = grade(after, same_answer(before, after, response)).fraction
            assert mark_after == pytest.approx(mark_before, abs=1e-6), (before.id, response)


@pytest.mark.parametrize("path", BANKS, ids=BANK_IDS)
def test_bank_as_moodle_reads_it_keeps_texts_and_marks(path: Path) -> None:
    quiz = load_bank(path)
    gift = without_metadata(export_gift(quiz))
    assert "ketatraining:" not in gift
    result = import_gift(gift, quiz_id=quiz.id)
    assert result.errors == []
    imported = Quiz.model_validate(result.data)
    assert_same_behaviour(carried(quiz, "gift"), imported)
    assert imported.title == quiz.title  # from $CATEGORY


def test_unsupported_questions_next_to_an_exported_bank_are_reported() -> None:
    quiz = load_bank(BANKS[0])
    gift = export_gift(quiz)
    extra = "\n\n::Essay:: Discuss.{}\n\n::Match:: Pair them.{=a -> 1 =b -> 2}\n"
    first_extra_line = gift.count("\n") + 3
    result = import_gift(gift + extra, quiz_id=quiz.id)
    assert [(p.code, p.line, p.severity) for p in result.problems] == [
        ("KI020", first_extra_line, "warning")]  # the matching question is imported
    imported = Quiz.model_validate(result.data)
    assert imported.model_copy(update={"questions": imported.questions[:-1]}) == normalise(quiz)
    assert imported.questions[-1].type == "matching"
    strict = import_gift(gift + extra, quiz_id=quiz.id, strict=True)
    assert strict.data is None and len(strict.errors) == 1


# --- generated quizzes: every special character of GIFT in every text ---------------------

SPECIALS = "~=#{}:\\%[]*_-<>/ \n\tаé→"
text = st.text(alphabet=st.sampled_from(list("abcXYZ019") + list(SPECIALS)),
               min_size=1, max_size=25).map(str.strip).filter(bool)
ident = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,10}", fullmatch=True)
number = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3))
tags = st.lists(text, max_size=3)
common = {
    "prompt": text, "explanation": text, "tags": tags,
    "references": st.lists(ident, max_size=2),
    "objective": ident,
    "difficulty": st.sampled_from([None, "easy", "medium", "hard"]),
    "points": st.sampled_from([1.0, 2.0, 0.5]),
}


@st.composite
def choice_question(draw: Any, kind: str) -> dict[str, Any]:
    n = draw(st.integers(min_value=2, max_value=5))
    items = draw(st.lists(st.tuples(text, text), min_size=n, max_size=n))
    ids = draw(st.sampled_from([None, "custom"]))
    correct = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if kind == "single_choice":
        right = draw(st.integers(min_value=0, max_value=n - 1))
        correct = [i == right for i in range(n)]
    elif not any(correct):
        correct[0] = True
    result = []
    for index, ((text_, feedback), flag) in enumerate(zip(items, correct, strict=True)):
        option: dict[str, Any] = {"id": f"o{index}" if ids else "abcde"[index],
                                  "text": text_, "correct": flag, "feedback": feedback}
        result.append(option)
    if kind == "multiple_choice" and draw(st.booleans()):
        right = [o for o in result if o["correct"]]
        for o in result:
            o["weight"] = 100 / len(right) if o["correct"] else -draw(st.sampled_from([0, 50,
                                                                                        100]))
    return {"type": kind, "options": result}


@st.composite
def question(draw: Any, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["single_choice", "multiple_choice", "true_false", "numeric"]))
    data = {key: draw(strategy) for key, strategy in common.items()}
    data["id"] = f"q{index}"
    if kind in ("single_choice", "multiple_choice"):
        data.update(draw(choice_question(kind)))
    elif kind == "true_false":
        data.update(type="true_false", answer=draw(st.booleans()),
                    feedback_true=draw(text), feedback_false=draw(text))
    else:
        data.update(type="numeric", value=draw(number), feedback_correct=draw(text),
                    feedback_incorrect=draw(text))
        data["tolerance"] = draw(st.sampled_from([None, 0.0, 0.5, 2.0]))
        data["relative_tolerance"] = draw(st.sampled_from([None, 0.1]))
        data["units"] = draw(st.sampled_from([None, "mg", "mg/kg"]))
        data["alternatives"] = [
            {"value": draw(number), "tolerance": draw(st.sampled_from([0.0, 1.0])),
             "credit": draw(st.sampled_from([0.0, 50.0, 100.0])),
             "feedback": draw(st.one_of(st.none(), text))}
            for _ in range(draw(st.integers(min_value=0, max_value=2)))
        ]
    return {k: v for k, v in data.items() if v is not None}


@st.composite
def quizzes(draw: Any) -> Quiz:
    count = draw(st.integers(min_value=1, max_value=4))
    return Quiz.model_validate({
        "schema_version": 1, "id": "generated", "title": draw(text),
        "description": draw(st.one_of(st.none(), text)), "topic": "risks",
        "pass_mark": draw(st.sampled_from([0, 50, 70.5, 100])),
        "max_attempts": draw(st.sampled_from([None, 1, 3])), "shuffle": draw(st.booleans()),
        "questions": [draw(question(i)) for i in range(count)],
    })


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quizzes())
def test_generated_quizzes_round_trip_exactly(quiz: Quiz) -> None:
    assert round_trip(quiz) == normalise(quiz)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quizzes())
def test_generated_quizzes_as_moodle_reads_them(quiz: Quiz) -> None:
    result = import_gift(without_metadata(export_gift(quiz)), quiz_id=quiz.id)
    assert result.errors == [], [p.format() for p in result.problems]
    imported = Quiz.model_validate(result.data)
    assert_same_behaviour(carried(quiz, "gift"), imported)
    for question in imported.questions:
        assert question.explanation != TODO_EXPLANATION


def test_export_escapes_every_control_character() -> None:
    quiz = Quiz.model_validate({
        "schema_version": 1, "id": "esc", "title": "T", "topic": "risks", "pass_mark": 50,
        "questions": [{
            "id": "q1", "type": "single_choice", "prompt": "a~b=c#d{e}f:g\\h\nnext",
            "explanation": "[html]<b>x</b>", "objective": "o", "references": ["r"],
            "options": [{"id": "a", "text": "%50% of x", "correct": False, "feedback": "f"},
                        {"id": "b", "text": "y", "correct": True, "feedback": "####no"}],
        }],
    })
    gift = export_gift(quiz)
    line = next(x for x in gift.split("\n") if x.startswith("::q1::"))
    assert line == "::q1::[markdown]a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\nnext{"
    assert "\t~%0%%50% of x#f" in gift
    assert "\t=y#\\#\\#\\#\\#no" in gift
    assert "\t####[markdown][html]<b>x</b>" in gift
    assert not re.search(r"(?m)^\s*$", gift.split("\n\n")[1].strip("\n"))  # one block
    assert round_trip(quiz) == quiz


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quizzes())
def test_generated_quizzes_survive_the_yaml_writer(quiz: Quiz) -> None:
    data = import_gift(export_gift(quiz), quiz_id=quiz.id).data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{quiz.id}.yaml"
        path.write_text(dump_quiz_yaml(data), encoding="utf-8")
        reloaded, problems = check_file(path, catalog=Catalog())
    assert [p.format() for p in problems if p.severity == "error"] == []
    assert reloaded == normalise(carried(quiz, "gift"))
