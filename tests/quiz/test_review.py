"""Item-writing review: every KQ4nn code has a fixture in tests/data/review/ that shows
exactly its flaw, and the checks stay quiet when the flaw is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketatraining.cli import main
from ketatraining.quiz.loading import check_file
from ketatraining.quiz.problems import CODES
from ketatraining.quiz.review import REVIEW_CODES, binomial_tail, review_paths, review_quiz
from ketatraining.quiz.yamlsource import read_yaml

REVIEW = Path(__file__).resolve().parents[1] / "data" / "review"
QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"

# file name -> [(code, line, column, question, field)], in report order
EXPECTED = {
    "kq401-longest-key.yaml": [("KQ401", 14, 9, "q1", "options[2]")],
    "kq402-longest-key-across-quiz.yaml": [
        ("KQ402", 6, 1, None, None),
        ("KQ401", 11, 9, "q1", "options[1]"),
        ("KQ401", 35, 9, "q2", "options[2]"),
        ("KQ401", 59, 9, "q3", "options[3]"),
        ("KQ401", 83, 9, "q4", "options[4]"),
        ("KQ401", 95, 9, "q5", "options[1]"),
    ],
    "kq403-none-of-the-above.yaml": [("KQ403", 18, 9, "q1", "options[3]")],
    "kq404-negative-stem.yaml": [("KQ404", 9, 5, "q1", "prompt")],
    "kq405-absolute-distractor.yaml": [("KQ405", 15, 9, "q1", "options[2]")],
    "kq406-stem-word-in-key.yaml": [("KQ406", 11, 9, "q1", "options[1]")],
    "kq407-near-duplicate-options.yaml": [("KQ407", 18, 9, "q1", "options[3]")],
    "kq408-key-always-first.yaml": [("KQ408", 6, 1, None, None)],
}


def reviewed(path: Path) -> list[tuple[object, ...]]:
    found = review_paths([path])[path]
    for problem in found:
        assert problem.severity == "warning"
        assert problem.hint and problem.message
        assert problem.code in CODES
    return [(p.code, p.line, p.column, p.question, p.field) for p in found]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_reports_exactly_its_flaw(name: str) -> None:
    path = REVIEW / name
    quiz, problems = check_file(path)
    assert quiz is not None and problems == []  # valid: only the review finds the flaw
    assert reviewed(path) == EXPECTED[name]


def test_every_review_code_has_a_fixture() -> None:
    assert {name[:5].upper() for name in EXPECTED} == set(REVIEW_CODES)
    assert set(REVIEW_CODES) <= set(CODES)


def _quiz_with(tmp_path: Path, fixture: str, old: str, new: str) -> Path:
    text = (REVIEW / fixture).read_text(encoding="utf-8")
    assert old in text
    for name in ("references.yaml", "objectives.yaml"):
        (tmp_path / name).write_text((REVIEW / name).read_text())
    path = tmp_path / fixture
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("emphasis", ["**not**", "*not*", "NOT", "<strong>not</strong>"])
def test_an_emphasised_negative_is_not_flagged(tmp_path: Path, emphasis: str) -> None:
    path = _quiz_with(tmp_path, "kq404-negative-stem.yaml", "is not a", f"is {emphasis} a")
    assert reviewed(path) == []


@pytest.mark.parametrize("phrase", ["at least", "not only"])
def test_phrases_that_are_not_negative_questions(tmp_path: Path, phrase: str) -> None:
    path = _quiz_with(tmp_path, "kq404-negative-stem.yaml", "is not a", f"is {phrase} a")
    assert reviewed(path) == []


def test_a_key_tied_for_longest_gives_nothing_away(tmp_path: Path) -> None:
    path = _quiz_with(tmp_path, "kq401-longest-key.yaml", "text: Red\n",
                      "text: A dark shade of brown\n")  # as long as the key
    assert reviewed(path) == []


def test_absolute_words_in_the_key_too_are_not_a_cue(tmp_path: Path) -> None:
    path = _quiz_with(tmp_path, "kq405-absolute-distractor.yaml", "text: Red\n",
                      "text: Red, always\n")
    assert reviewed(path) == []


def test_a_stem_word_shared_with_a_wrong_option_is_not_a_cue(tmp_path: Path) -> None:
    path = _quiz_with(tmp_path, "kq406-stem-word-in-key.yaml", "Green leaves", "Green paint")
    assert reviewed(path) == []


def test_a_quiz_pattern_luck_explains_is_not_flagged(tmp_path: Path) -> None:
    # Two of five keys first: chance gives 1.25 on average; that is no pattern.
    path = REVIEW / "kq402-longest-key-across-quiz.yaml"
    assert "KQ408" not in {row[0] for row in reviewed(path)}


def test_the_binomial_tail_is_exact() -> None:
    assert binomial_tail(7, [0.25] * 7) == pytest.approx(0.25 ** 7)
    assert binomial_tail(0, [0.3, 0.6]) == pytest.approx(1.0)
    # P(X >= 1) for p = 0.5 and 0.25: 1 - 0.5 * 0.75
    assert binomial_tail(1, [0.5, 0.25]) == pytest.approx(0.625)


def test_review_without_a_document_still_reports(tmp_path: Path) -> None:
    path = REVIEW / "kq404-negative-stem.yaml"
    quiz, _ = check_file(path)
    assert quiz is not None
    document, _ = read_yaml(path.read_bytes(), str(path))
    with_lines = review_quiz(quiz, document, str(path))
    without = review_quiz(quiz)
    assert [p.code for p in without] == [p.code for p in with_lines] == ["KQ404"]
    assert without[0].line is None


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_cli_review_lists_findings_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "review", str(REVIEW))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-1] == ("8 file(s) reviewed: 13 finding(s) (KQ401 6, KQ402 1, KQ403 1, "
                         "KQ404 1, KQ405 1, KQ406 1, KQ407 1, KQ408 1).")
    assert any("KQ404 [question q1, field prompt]" in line and "Fix:" in line
               for line in lines)
    # the quiz-wide share of keys that are the longest option, flagged or not
    assert (f"{REVIEW / 'kq402-longest-key-across-quiz.yaml'}: the right option is the "
            "longest in 5 of 5 single-choice questions (100%; chance would give about 25%) "
            "(KQ402).") in lines
    assert (f"{REVIEW / 'kq408-key-always-first.yaml'}: the right option is the longest in "
            "0 of 6 single-choice questions (0%; chance would give about 25%).") in lines
    assert run(capsys, "review", "--strict", str(REVIEW))[0] == 1


def test_cli_review_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "review", "--format", "json",
                       str(REVIEW / "kq407-near-duplicate-options.yaml"))
    data = json.loads(out)
    assert code == 0
    assert data["counts"] == {"KQ407": 1}
    assert data["problems"][0]["question"] == "q1"
    (share,) = data["longest_key"].values()
    assert (share["longest"], share["questions"], share["share"]) == (0, 1, 0.0)
    assert share["chance"] == pytest.approx(1 / 3) and share["p"] == 1.0


def test_cli_review_of_an_invalid_file_reports_its_errors(
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = REVIEW.parent / "bad" / "kq203-two-correct-options.yaml"
    code, out, _ = run(capsys, "review", str(bad))
    assert code == 1
    assert "error KQ203" in out
    assert out.splitlines()[-1].endswith(
        "1 validation error(s) stopped the review of some files: run 'ketatraining "
        "validate' first.")


def test_cli_review_of_a_missing_path(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    code, _, err = run(capsys, "review", str(tmp_path / "nope"))
    assert code == 2
    assert err.strip() == f"ketatraining review: '{tmp_path / 'nope'}' does not exist."


def test_validate_review_adds_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(REVIEW / "kq404-negative-stem.yaml")
    code, out, _ = run(capsys, "validate", path)
    assert code == 0 and "KQ404" not in out
    code, out, _ = run(capsys, "validate", "--review", path)
    assert code == 0 and "warning KQ404" in out
    assert out.splitlines()[-1] == "1 file(s) checked: 0 error(s), 1 warning(s)."
    assert run(capsys, "validate", "--review", "--strict", path)[0] == 1


def test_the_course_banks_can_be_reviewed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "review", str(QUIZZES))
    assert code == 0
    assert "error" not in out
    assert out.splitlines()[-1].startswith("9 file(s) reviewed: ")
