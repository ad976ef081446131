"""``ketatraining export gift|qti|moodle-xml|jupyterquiz QUIZ --out FILE``: weights Moodle
cannot express are refused with the question and the nearest grades (or rounded with
--round-weights), a missing folder is named, and nothing is half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ketatraining.cli import main
from tests.interop.banks import carried

QUIZ_DIR = Path(__file__).resolve().parents[2] / "quizzes"
FORMATS = ["gift", "qti", "moodle-xml", "jupyterquiz"]
LABELS = {"gift": "GIFT (Moodle)", "moodle-xml": "Moodle XML"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def weighted_bank(tmp_path: Path, weights: list[int]) -> Path:
    folder = tmp_path / "quizzes"
    shutil.copytree(QUIZ_DIR, folder)
    path = folder / "risks.yaml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("  - id: risks-guide-omits\n", 1)
    block, tail = rest.split("\n\n", 1)
    lines = block.split("\n")
    out, index = [], 0
    for line in lines:
        out.append(line)
        if line.startswith("      - id: "):
            out.append(f"        weight: {weights[index]}")
            index += 1
    path.write_text(head + "  - id: risks-guide-omits\n" + "\n".join(out) + "\n\n" + tail,
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["gift", "moodle-xml"])
def test_weights_moodle_refuses_are_refused_with_nearest_grades(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str) -> None:
    bank = weighted_bank(tmp_path, [35, 35, 15, -100, 15])  # option d is the wrong one
    out = tmp_path / f"risks.{target}"
    code, stdout, stderr = run(capsys, "export", target, str(bank), "--out", str(out))
    assert code == 1 and not out.exists()
    # only notes (e.g. KE002 on the bank's ordering item) on stdout; nothing written
    assert [line for line in stdout if " warning KE002 " not in line] == []
    assert sum(" error KE001 [question risks-guide-omits] " in line for line in stderr) == 4
    assert "nearest are 40% or 33.33333%" in stderr[0]
    assert stderr[-1].endswith("nothing was written.")
    code, stdout, stderr = run(capsys, "export", target, str(bank), "--out", str(out),
                               "--round-weights")
    assert (code, stderr) == (0, [])
    assert sum(" warning KE001 " in line for line in stdout) == 4
    assert stdout[-1] == f"Wrote {out}: quiz 'risks' as {LABELS[target]}."


@pytest.mark.parametrize("target", FORMATS)
def test_missing_output_folder_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        target: str) -> None:
    out = tmp_path / "missing" / "risks.out"
    code, _, stderr = run(capsys, "export", target, "risks", "--out", str(out))
    assert code == 1
    assert stderr == [(f"ketatraining: cannot write '{out}': the folder '{out.parent}' does not "
                      "exist (KE003); create it or choose another --out.")]


@pytest.mark.parametrize("target", FORMATS)
def test_every_bank_exports(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                            target: str) -> None:
    for bank in sorted(QUIZ_DIR.glob("*.yaml")):
        if bank.stem in ("references", "objectives"):
            continue
        out = tmp_path / f"{bank.stem}.{target}"
        code, _, stderr = run(capsys, "export", target, bank.stem, "--out", str(out))
        assert (code, stderr) == (0, []), bank
        assert out.stat().st_size > 0


@pytest.mark.parametrize("target", ["moodle-xml", "jupyterquiz"])
def test_help_lists_the_new_formats_with_examples(capsys: pytest.CaptureFixture[str],
                                                  target: str) -> None:
    code, stdout, _ = run(capsys, "export", "--help")
    assert code == 0
    assert any(line.strip().startswith(f"ketatraining export {target} ") for line in stdout)


def test_export_then_import_through_the_cli_gives_the_same_quiz(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from ketatraining.quiz.loading import check_file, load_quiz

    original = load_quiz("risks")
    for target, source in (("moodle-xml", "moodle-xml"), ("jupyterquiz", "jupyterquiz"),
                           ("qti", "qti"), ("gift", "gift")):
        exported = tmp_path / f"risks-{target}.out"
        assert run(capsys, "export", target, "risks", "--out", str(exported))[0] == 0
        back = tmp_path / f"risks-{target}.yaml"
        code, _, stderr = run(capsys, "import", source, str(exported), "--out", str(back))
        assert (code, stderr) == (0, []), (target, stderr)
        quiz, _ = check_file(back)
        assert quiz is not None
        fmt = target.replace("-", "_")  # what the format cannot carry is left out
        assert quiz.model_copy(update={"id": "risks"}) == carried(original, fmt), target
