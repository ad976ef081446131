"""Every YAML number form gives a valid quiz or coded problems, never a traceback.

Found by an independent fault harness: ``pass_mark: 1`` + 309 zeros raised OverflowError
in the validator, ``schema_version: 0x`` + 4,000 ``f`` raised ValueError while the KQ110
message was formatted. Each form below goes through ``ketatraining validate`` (the CLI,
as a trainer runs it) and through ``load_quiz`` (what ``make_quiz`` calls in a notebook).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ketatraining.errors import QuizInvalidError
from ketatraining.quiz.loading import check_file, load_quiz
from ketatraining.quiz.problems import CODES
from ketatraining.quiz.yamlsource import MAX_NUMBER, TooLarge, resolve_plain

ROOT = Path(__file__).resolve().parents[2]
WELCOME = (ROOT / "quizzes" / "welcome.yaml").read_text(encoding="utf-8")

HUGE = "1" + "0" * 309
HEX = "0x" + "f" * 4000
# (field line to replace in welcome.yaml, the new value, the codes expected; None = valid)
CASES: list[tuple[str, str, set[str] | None]] = [
    ("pass_mark: 50", f"pass_mark: {HUGE}", {"KQ017"}),
    ("pass_mark: 50", f"pass_mark: -{HUGE}", {"KQ017"}),
    ("pass_mark: 50", "pass_mark: 1" + "0" * 5000, {"KQ017"}),  # past int()'s 4,300 digits
    ("pass_mark: 50", f"pass_mark: {HEX}", {"KQ017"}),
    ("pass_mark: 50", "pass_mark: 0o" + "7" * 3000, {"KQ017"}),
    ("pass_mark: 50", "pass_mark: 1e999", {"KQ017"}),
    ("pass_mark: 50", "pass_mark: -1.5e400", {"KQ017"}),
    ("pass_mark: 50", "pass_mark: 2e15", {"KQ017"}),
    ("pass_mark: 50", "pass_mark: .inf", {"KQ103", "KQ210"}),  # explicit: not finite
    ("pass_mark: 50", "pass_mark: -.inf", {"KQ103", "KQ210"}),
    ("pass_mark: 50", "pass_mark: .nan", {"KQ103", "KQ210"}),
    ("pass_mark: 50", "pass_mark: 0b110010", {"KQ103"}),  # YAML 1.2 has no binary: text
    ("pass_mark: 50", "pass_mark: 1:30", {"KQ103"}),  # sexagesimal in YAML 1.1 only: text
    ("pass_mark: 50", "pass_mark: 1_000", {"KQ103"}),
    ("pass_mark: 50", "pass_mark: 0x32", None),  # 50 in hex
    ("pass_mark: 50", "pass_mark: 0o62", None),  # 50 in octal
    ("pass_mark: 50", "pass_mark: 5e1", None),
    ("pass_mark: 50", "pass_mark: 1e2", None),
    ("pass_mark: 50", "pass_mark: 1e-300", None),
    ("pass_mark: 50", "pass_mark: 0x64", None),
    ("pass_mark: 50", "pass_mark: 0x65", {"KQ210"}),  # 101
    ("pass_mark: 50", "pass_mark: 1e3", {"KQ210"}),
    ("pass_mark: 50", f"pass_mark: {MAX_NUMBER}", {"KQ210"}),  # the largest allowed number
    ("schema_version: 1", f"schema_version: {HEX}", {"KQ017"}),
    ("schema_version: 1", f"schema_version: {HUGE}", {"KQ017"}),
    ("schema_version: 1", "schema_version: 0x2", {"KQ110"}),
    ("schema_version: 1", "schema_version: 1e999", {"KQ017"}),
    ("schema_version: 1", "schema_version: 0x1", None),
]
POINTS = "    objective: nb00-course-scope"


def _write(tmp_path: Path, old: str, new: str) -> Path:
    assert old in WELCOME
    path = tmp_path / "welcome.yaml"
    path.write_text(WELCOME.replace(old, new, 1), encoding="utf-8")
    return path


def _codes(path: Path) -> set[str] | None:
    quiz, problems = check_file(path)
    assert all(p.code in CODES for p in problems)
    for problem in problems:
        assert len(problem.format()) < 600  # a 4,000-digit number is never printed in full
    errors = {p.code for p in problems if p.severity == "error"}
    return None if quiz is not None else errors


@pytest.mark.parametrize(("old", "new", "expected"), CASES,
                         ids=[f"{new[:30]}" for _, new, _ in CASES])
def test_every_number_form_is_a_valid_quiz_or_coded_problems(
        tmp_path: Path, old: str, new: str, expected: set[str] | None) -> None:
    path = _write(tmp_path, old, new)
    assert _codes(path) == expected
    if expected is None:
        load_quiz(path)
    else:
        with pytest.raises(QuizInvalidError) as raised:  # make_quiz shows these problems
            load_quiz(path)
        assert {p.code for p in raised.value.problems} >= expected


@pytest.mark.parametrize("key", ["points", "tolerance", "weight", "credit", "value"])
@pytest.mark.parametrize("number", [HUGE, HEX, "1e999", f"-{HUGE}"])
def test_huge_numbers_anywhere_in_a_question_are_kq017(tmp_path: Path, key: str,
                                                       number: str) -> None:
    path = _write(tmp_path, POINTS, f"{POINTS}\n    {key}: {number}")
    quiz, problems = check_file(path)
    assert quiz is None
    codes = {p.code for p in problems if p.severity == "error"}
    assert "KQ017" in codes
    (kq017,) = [p for p in problems if p.code == "KQ017"]
    assert kq017.line is not None
    assert "too large" in kq017.message
    assert "quotes if it is text" in (kq017.hint or "")


def test_the_too_large_message_shortens_the_number(tmp_path: Path) -> None:
    path = _write(tmp_path, "schema_version: 1", f"schema_version: {HEX}")
    _, problems = check_file(path)
    (problem,) = problems
    assert problem.code == "KQ017"
    assert problem.line == 3
    assert "0xffffffffff…ffff (4,002 characters)" in problem.message


@pytest.mark.parametrize("text", [HUGE, HEX, "1e999", "-1e400", "0o" + "7" * 100,
                                  "1" + "0" * 16, "0x" + "f" * 14])
def test_resolve_plain_keeps_too_large_literals_as_text(text: str) -> None:
    value = resolve_plain(text)
    assert isinstance(value, TooLarge)
    assert value == text


@pytest.mark.parametrize(("text", "value"), [
    ("0x10", 16), ("0o17", 15), ("-12", -12), ("+7", 7), ("1e3", 1000.0),
    (str(MAX_NUMBER), MAX_NUMBER), (f"-{MAX_NUMBER}", -MAX_NUMBER), ("0" * 40 + "5", 5),
    ("0b101", "0b101"), ("1:30", "1:30"), ("1_000", "1_000"), ("-0x10", "-0x10"),
])
def test_resolve_plain_reads_yaml_1_2_numbers(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert not isinstance(resolve_plain(text), TooLarge)


@pytest.mark.parametrize("new", [f"pass_mark: {HUGE}", f"schema_version: {HEX}".replace(
    "schema_version", "pass_mark")])
def test_ketatraining_validate_reports_a_code_not_a_traceback(tmp_path: Path, new: str) -> None:
    path = _write(tmp_path, "pass_mark: 50", new)
    run = subprocess.run([sys.executable, "-m", "ketatraining.cli", "validate", str(path)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert "KQ017" in run.stdout + run.stderr
