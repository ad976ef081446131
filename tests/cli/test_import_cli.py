"""``ketatraining import gift|moodle-xml|qti|jupyterquiz``: files written, problems with lines, exit codes,
and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketatraining.cli import main
from ketatraining.interop.gift import export_gift
from ketatraining.quiz.loading import check_file, load_quiz

DATA = Path(__file__).resolve().parents[1] / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse: --help and usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def test_gift_import_writes_a_quiz_that_validates(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    out = tmp_path / "numbers-bank.yaml"
    code, stdout, stderr = run(capsys, "import", "gift", str(DATA / "gift" / "numerical.gift"),
                               "--out", str(out))
    assert code == 0, stderr
    assert stderr == []
    assert " warning KI023 " in stdout[0]  # $CATEGORY became a tag and the title
    assert stdout[1] == f"Wrote {out}: 6 question(s), 25 TODO marker(s) to replace."
    assert "validate" in stdout[2]
    quiz, problems = check_file(out)
    assert quiz is not None and quiz.id == "numbers-bank" and quiz.title == "Numbers"
    assert {p.code for p in problems} == {"KQ301"}  # TODOs are warnings, not errors
    assert len(problems) == 25  # 6 x (reference, objective), 5 explanations, 8 feedbacks
    assert out.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_unsupported_types_are_listed_and_skipped(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    out = tmp_path / "mixed.yaml"
    source = DATA / "gift" / "unsupported.gift"
    code, stdout, stderr = run(capsys, "import", "gift", str(source), "--out", str(out))
    assert (code, stderr) == (0, [])
    warnings = [line for line in stdout if " warning KI020 " in line]
    assert [w.split(": warning")[0] for w in warnings] == [
        f"{source}:{n}" for n in (2, 13)]
    assert "5 question(s) (2 skipped)" in stdout[-2]
    assert check_file(out)[0] is not None


def test_strict_refuses_and_writes_nothing(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    out = tmp_path / "mixed.yaml"
    code, stdout, stderr = run(capsys, "import", "gift", str(DATA / "gift" / "unsupported.gift"),
                               "--out", str(out), "--strict")
    assert code == 1
    assert [line.split(" ")[2] for line in stdout] == ["KI023"]  # a note, never refused
    assert sum(" error KI020 " in line for line in stderr) == 2
    assert stderr[-1].endswith("2 problem(s) in "
                               f"'{DATA / 'gift' / 'unsupported.gift'}'; nothing was written.")
    assert not out.exists()


def test_malformed_gift_gives_lines_not_a_traceback(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    source = DATA / "gift" / "malformed.gift"
    code, stdout, stderr = run(capsys, "import", "gift", str(source), "--out",
                               str(tmp_path / "bad.yaml"))
    assert (code, stdout) == (1, [])
    assert [line.split(": error")[0] for line in stderr[:-1]] == [
        f"{source}:{n}" for n in (3, 5, 7, 9, 11, 13)]
    assert all(" Fix: " in line for line in stderr[:-1])
    assert list(tmp_path.iterdir()) == []


def test_exported_bank_imports_back_with_no_todo(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    quiz = load_quiz("welcome")
    source = tmp_path / "welcome.gift"
    source.write_text(export_gift(quiz), encoding="utf-8")
    out = tmp_path / "welcome.yaml"
    code, stdout, _ = run(capsys, "import", "gift", str(source), "--out", str(out))
    assert code == 0
    assert stdout == [f"Wrote {out}: 4 question(s), 0 TODO marker(s) to replace."]
    imported, problems = check_file(out)
    assert problems == []
    assert imported is not None and imported.title == quiz.title
    assert [q.id for q in imported.questions] == [q.id for q in quiz.questions]


def test_existing_output_needs_force(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    out = tmp_path / "tf.yaml"
    out.write_text("keep me", encoding="utf-8")
    source = str(DATA / "gift" / "truefalse.gift")
    code, stdout, stderr = run(capsys, "import", "gift", source, "--out", str(out))
    assert (code, stdout) == (1, [])
    assert stderr == [(f"ketatraining import gift: '{out}' already exists; add --force to "
                       "replace it, or choose another --out.")]
    assert out.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run(capsys, "import", "gift", source, "--out", str(out), "--force")
    assert code == 0
    assert check_file(out)[0] is not None


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("bank.txt", "--out must name a .yaml file"),
        ("-bad name.yaml", "cannot be a quiz id"),
        ("missing-folder/x.yaml", "does not exist; create it"),
    ],
)
def test_bad_output_names_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           out: str, message: str) -> None:
    code, stdout, stderr = run(capsys, "import", "gift", str(DATA / "gift" / "single.gift"),
                               "--out", str(tmp_path / out))
    assert (code, stdout, len(stderr)) == (2, [], 1)
    assert message in stderr[0]


def test_missing_input_and_missing_format(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    code, _, stderr = run(capsys, "import", "gift", str(tmp_path / "nope.gift"), "--out",
                          str(tmp_path / "x.yaml"))
    assert code == 2
    assert stderr == [f"ketatraining import gift: '{tmp_path / 'nope.gift'}' does not exist."]
    code, _, stderr = run(capsys, "import")
    assert code == 2
    assert any("gift" in line for line in stderr)


def test_non_utf8_input_names_the_line(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    source = tmp_path / "latin1.gift"
    source.write_bytes("::A:: ok?{T}\n\n::B:: caf\u00e9?{T}\n".encode("latin-1"))
    code, stdout, stderr = run(capsys, "import", "gift", str(source), "--out",
                               str(tmp_path / "x.yaml"))
    assert (code, stdout) == (1, [])
    assert stderr[0].startswith(f"{source}:3:")
    assert "KQ003" in stderr[0] and "UTF-8" in stderr[0]


def test_jupyterquiz_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "basics.yaml"
    source = DATA / "jupyterquiz" / "questions.json"
    code, stdout, stderr = run(capsys, "import", "jupyterquiz", str(source), "--out", str(out),
                               "--title", "Notebook basics")
    assert code == 0, stderr
    assert stdout[0].startswith(f"{source}: warning KI021 [question #3, field $[2].answers[0]]")
    assert stdout[3].startswith(f"Wrote {out}: 6 question(s), ")  # 'string' is short_answer
    quiz, _ = check_file(out)
    assert quiz is not None and quiz.title == "Notebook basics"


def test_broken_json_gives_line_and_column(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    source = DATA / "jupyterquiz" / "broken.json"
    code, _, stderr = run(capsys, "import", "jupyterquiz", str(source), "--out",
                          str(tmp_path / "x.yaml"))
    assert code == 1
    assert stderr[0].startswith(f"{source}:5:")
    assert "KI030" in stderr[0]


@pytest.mark.parametrize("source_format", ["gift", "moodle-xml", "qti", "jupyterquiz"])
def test_help_has_examples(capsys: pytest.CaptureFixture[str], source_format: str) -> None:
    code, stdout, _ = run(capsys, "import", source_format, "--help")
    assert code == 0
    assert "examples:" in stdout
    assert any(f"ketatraining import {source_format} " in line for line in stdout)


def test_moodle_xml_import_reports_losses_and_strict_refuses(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "types.yaml"
    source = DATA / "moodle_xml" / "types.xml"
    code, stdout, stderr = run(capsys, "import", "moodle-xml", str(source), "--out", str(out))
    assert (code, stderr) == (0, [])
    assert [line.split(" ")[2] for line in stdout[:6]] == [
        "KI023", "KI020", "KI020", "KI020", "KI021", "KI021"]
    assert stdout[6].startswith(f"Wrote {out}: 4 question(s) (3 skipped), ")
    assert check_file(out)[0] is not None
    strict = tmp_path / "strict.yaml"
    code, _, stderr = run(capsys, "import", "moodle-xml", str(source), "--out", str(strict),
                          "--strict")
    assert code == 1 and not strict.exists()
    assert stderr[-1].endswith("5 problem(s) in "
                               f"'{source}'; nothing was written.")


def test_qti_import_of_an_exported_package(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    package = tmp_path / "risks.zip"
    code, _, stderr = run(capsys, "export", "qti", "risks", "--out", str(package))
    assert code == 0, stderr
    out = tmp_path / "risks.yaml"
    code, _stdout, stderr = run(capsys, "import", "qti", str(package), "--out", str(out))
    assert (code, stderr) == (0, []), stderr
    quiz, problems = check_file(out)
    assert quiz is not None and [q.id for q in quiz.questions] == [
        q.id for q in load_quiz("risks").questions]
    assert not [p for p in problems if p.severity == "error"]
