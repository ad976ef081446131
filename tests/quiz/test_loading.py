"""Loading quizzes by id and the shipped schemas."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from ketatraining.errors import QuizInvalidError, QuizNotFoundError
from ketatraining.quiz.loading import load_quiz, validate_paths
from ketatraining.quiz.schemas import SCHEMA_FILES, schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_every_course_quiz_is_clean() -> None:
    results = validate_paths([ROOT / "quizzes"])
    problems = [p.format() for found in results.values() for p in found]
    assert problems == []
    assert len(results) >= 3


def test_load_quiz_by_id() -> None:
    quiz = load_quiz("welcome")
    assert quiz.id == "welcome"
    assert quiz.questions[0].id == "welcome-off-label"


def test_unknown_quiz_suggests_a_name() -> None:
    with pytest.raises(QuizNotFoundError, match="Did you mean 'welcome'"):
        load_quiz("welcom")


def test_invalid_quiz_lists_every_problem(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "schema_version: 1\nid: broken\ntitle: T\ntopic: risks\npass_mark: 70\n"
        "questions:\n  - id: a\n    type: true_false\n    prompt: ''\n", encoding="utf-8")
    with pytest.raises(QuizInvalidError) as caught:
        load_quiz(tmp_path / "broken.yaml")
    codes = sorted(p.code for p in caught.value.problems)
    assert "KQ104" in codes and codes.count("KQ102") >= 4  # explanation, objective, answer...
    assert str(caught.value).startswith(str(tmp_path / "broken.yaml") + ":7:5: error KQ102")


def test_shipped_schemas_are_up_to_date_and_packaged() -> None:
    for name in SCHEMA_FILES:
        shipped = resources.files("ketatraining").joinpath("schemas", name).read_text("utf-8")
        assert shipped == schema_text(name), f"run python tools/generate_schemas.py ({name})"
    quiz_schema = json.loads(schema_text("quiz.schema.json"))
    assert quiz_schema["additionalProperties"] is False
    assert set(quiz_schema["required"]) >= {"schema_version", "id", "title", "questions"}


def test_each_quiz_file_points_editors_at_the_schema() -> None:
    for path in (ROOT / "quizzes").glob("*.yaml"):
        head = path.read_text(encoding="utf-8")[:600]
        assert "yaml-language-server: $schema=../ketatraining/schemas/" in head, path.name


def test_validate_cli_is_clean_on_the_course() -> None:
    done = subprocess.run([sys.executable, "-m", "ketatraining.cli", "validate",
                           str(ROOT / "quizzes")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stdout


def test_the_course_and_its_server_load_quizzes_one_way(tmp_path: Path) -> None:
    """quiz.course is the one course-quiz loader: the learner's pages, the CLI, the
    certificate and demo-data leave a broken file out; the course server refuses to start
    on it, naming the file and the line."""
    from ketatraining.errors import KetaTrainingError
    from ketatraining.quiz.course import check_course, course_quizzes
    from ketatraining.service.main import load_keyed_quizzes

    bad = ROOT / "tests" / "data" / "bad"
    for name in ("references.yaml", "objectives.yaml", "kq240-one-step.yaml"):
        (tmp_path / name).write_text((bad / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "welcome.yaml").write_text(
        (bad / "kq240-one-step.yaml").read_text(encoding="utf-8")
        .replace("id: kq240-one-step", "id: welcome")
        .replace("steps:\n", "steps:\n      - {id: extra, text: A second step}\n", 1),
        encoding="utf-8")
    quizzes, problems = check_course(tmp_path)
    assert list(quizzes) == ["welcome"] == list(course_quizzes(tmp_path))
    assert {(p.code, Path(p.path).name) for p in problems} == {("KQ240", "kq240-one-step.yaml")}
    with pytest.raises(KetaTrainingError, match=r"kq240-one-step\.yaml:\d+.*KQ240"):
        load_keyed_quizzes(tmp_path)


def test_no_other_module_walks_the_quiz_folder() -> None:
    """A second loader would let two views disagree on which quizzes the course has."""
    found = subprocess.run(["git", "grep", "-n", "iter_quiz_files(", "--", "ketatraining"],
                           cwd=ROOT, capture_output=True, text=True, check=False).stdout
    walkers = {line.split(":", 1)[0] for line in found.splitlines()}
    # loading.py defines it and validates named files; review.py reviews named files.
    assert walkers == {"ketatraining/quiz/loading.py", "ketatraining/quiz/course.py",
                       "ketatraining/quiz/review.py"}
