"""The trainer's guide documents every problem code and its example is a valid quiz."""

from __future__ import annotations

import re
import shutil
import typing
from pathlib import Path

from pydantic import BaseModel

from ketatraining.quiz.loading import check_file
from ketatraining.quiz.problems import CODES

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "quizzes" / "README.md").read_text(encoding="utf-8")


def test_every_problem_code_is_documented() -> None:
    documented = set(re.findall(r"^\| (KQ\d{3}) \|", GUIDE, flags=re.MULTILINE))
    assert documented == set(CODES)


def test_the_complete_example_is_a_valid_quiz(tmp_path: Path) -> None:
    example = GUIDE.split("## A complete example", 1)[1].split("```yaml\n", 1)[1]
    example = example.split("```", 1)[0]
    for name in ("references.yaml", "objectives.yaml"):
        shutil.copy(ROOT / "quizzes" / name, tmp_path / name)
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    quiz, problems = check_file(tmp_path / "example.yaml")
    assert problems == []
    assert quiz is not None and [q.type for q in quiz.questions] == [
        "single_choice", "multiple_choice", "true_false", "numeric"]


def test_quiz_level_todo_markers_are_warnings(tmp_path: Path) -> None:
    example = GUIDE.split("## A complete example", 1)[1].split("```yaml\n", 1)[1]
    example = example.split("```", 1)[0].replace("title: An example quiz",
                                                 "title: 'TODO: give the quiz a title'")
    for name in ("references.yaml", "objectives.yaml"):
        shutil.copy(ROOT / "quizzes" / name, tmp_path / name)
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    quiz, problems = check_file(tmp_path / "example.yaml")
    assert quiz is not None  # warnings do not stop a quiz from loading
    assert [(p.code, p.severity, p.field) for p in problems] == [("KQ301", "warning", "title")]


def _section(title: str) -> str:
    return GUIDE.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_every_field_is_documented() -> None:
    from ketatraining.quiz.catalog import Objective, Reference
    from ketatraining.quiz.model import Pool, Quiz
    from ketatraining.quiz.types.base import QuestionBase
    from ketatraining.quiz.types.choice import Option
    from ketatraining.quiz.types.numeric import Numeric, NumericAlternative
    from ketatraining.quiz.types.true_false import TrueFalse

    text = _section("Every field")
    for model in (Quiz, QuestionBase, Option, TrueFalse, Numeric, NumericAlternative,
                  Reference, Objective, Pool):
        missing = [name for name in model.model_fields if f"`{name}`" not in text]
        assert not missing, f"{model.__name__}: {missing}"


def test_the_weight_and_alternatives_examples_are_valid(tmp_path: Path) -> None:
    from ketatraining.quiz.grading import grade

    blocks = _section("Every field").split("```yaml\n")[1:]
    questions = "".join(block.split("```", 1)[0] for block in blocks)
    assert "weight:" in questions and "alternatives:" in questions
    for name in ("references.yaml", "objectives.yaml"):
        shutil.copy(ROOT / "quizzes" / name, tmp_path / name)
    (tmp_path / "fields.yaml").write_text(
        "schema_version: 1\nid: fields\ntitle: Fields\ntopic: risks\npass_mark: 50\n"
        "questions:\n" + questions, encoding="utf-8")
    quiz, problems = check_file(tmp_path / "fields.yaml")
    assert problems == [] and quiz is not None
    weights = quiz.question("bp-monitoring-weights")
    assert grade(weights, ["a", "b"]).score == 1.0
    assert grade(weights, ["a", "b", "c"]).score == 0.5
    dose = quiz.question("dose-with-alternatives")
    assert (grade(dose, 3.5).score, grade(dose, 35).score) == (0.0, 1.0)


def test_the_notebook_section_uses_the_public_api() -> None:
    import ketatraining

    code = _section("Try your quiz in a notebook")
    assert "from ketatraining import load_quiz, open_store, show_quiz, validate_paths" in code
    for name in ("load_quiz", "open_store", "show_quiz", "validate_paths"):
        assert callable(getattr(ketatraining, name))
    import inspect

    from ketatraining.widgets.quiz import make_quiz

    assert {"store", "learner_id"} <= set(inspect.signature(make_quiz).parameters)


def test_the_notebook_section_runs_as_written(tmp_path: Path, monkeypatch: typing.Any,
                                             capsys: typing.Any) -> None:
    """A trainer pastes the section's cells into a course notebook, with a quiz
    quizzes/bp-check.yaml holding the questions of "Every field": they run and print."""
    blocks = _section("Every field").split("```yaml\n")[1:]
    questions = "".join(block.split("```", 1)[0] for block in blocks)
    folder, notebooks = tmp_path / "quizzes", tmp_path / "notebooks"
    folder.mkdir()
    notebooks.mkdir()
    for name in ("references.yaml", "objectives.yaml"):
        shutil.copy(ROOT / "quizzes" / name, folder / name)
    (folder / "bp-check.yaml").write_text(
        "schema_version: 1\nid: bp-check\ntitle: BP check\ntopic: risks\npass_mark: 50\n"
        "questions:\n" + questions, encoding="utf-8")
    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(folder))
    monkeypatch.chdir(notebooks)  # where a course notebook runs
    cells = [block.split("```", 1)[0]
             for block in _section("Try your quiz in a notebook").split("```python\n")[1:]]
    assert len(cells) == 2
    namespace: dict[str, object] = {}
    for cell in cells:
        exec(compile(cell, "README cell", "exec"), namespace)  # noqa: S102 - our own docs
    shown = capsys.readouterr().out.splitlines()
    assert "BP check 3 questions, 3.0 points" in shown  # validate_paths printed nothing
    assert not any("KQ" in line for line in shown)
    assert shown[-1] == "0.0 1.0"


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and the models of its fields (options, items, steps, ...), recursively."""
    found = [model]
    for field in model.model_fields.values():
        for kind in (field.annotation, *typing.get_args(field.annotation)):
            for inner in (kind, *typing.get_args(kind)):
                if isinstance(inner, type) and issubclass(inner, BaseModel) \
                        and inner not in found:
                    found += [m for m in _models(inner) if m not in found]
    return found


def test_every_registered_type_and_its_fields_are_in_the_guide() -> None:
    """A type added to the registry (CONTRIBUTING.md) is not done until the trainer's
    guide names it and every field a trainer writes for it."""
    from ketatraining.quiz.types import TYPES
    from ketatraining.quiz.types.base import QuestionBase

    shared = set(QuestionBase.model_fields)
    for name, definition in TYPES.items():
        assert f"`{name}`" in GUIDE, f"quizzes/README.md does not name the type {name}"
        for model in _models(definition.model):
            missing = [field for field in model.model_fields if field not in shared
                       and f"`{field}`" not in GUIDE and f"{field}:" not in GUIDE]
            assert not missing, f"{name} ({model.__name__}): {missing}"
