"""The trainer's guide documents every problem code and its example is a valid quiz."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

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
