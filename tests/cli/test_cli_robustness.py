"""The command line under bad conditions: one clear message, the right exit code, no traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketatraining.cli import main
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz import loading

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
GOOD = (BAD / "kq203-two-correct-options.yaml").read_text().replace(
    "        text: That one\n        correct: true\n", "        text: That one\n")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ketatraining.cli", *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, **(env or {})})


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == code, output
    return output


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "quizzes"
    folder.mkdir()
    for name in ("references.yaml", "objectives.yaml"):
        (folder / name).write_bytes((BAD / name).read_bytes())
    for stem in ("good-one", "good-two"):
        (folder / f"{stem}.yaml").write_text(GOOD.replace("kq203-two-correct-options", stem))
    for name in ("kq203-two-correct-options.yaml", "kq012-python-object-tag.yaml",
                 "kq003-latin1-bytes.yaml"):
        (folder / name).write_bytes((BAD / name).read_bytes())
    (folder / "notes.txt").write_text("not a quiz, not checked")
    return folder


# -- validate --------------------------------------------------------------------------
def test_a_missing_file_is_one_sentence_and_a_usage_error(tmp_path: Path) -> None:
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert_clean_failure(result, 2)
    assert result.stderr.strip() == f"ketatraining validate: '{tmp_path / 'nope.yaml'}' does not exist."


def test_a_folder_of_good_and_bad_files_reports_only_the_bad_ones(mixed_folder: Path) -> None:
    result = cli("validate", str(mixed_folder))
    assert_clean_failure(result, 1)
    named = {Path(line.split(":", 1)[0]).name for line in result.stdout.splitlines()}
    assert named == {"kq203-two-correct-options.yaml", "kq012-python-object-tag.yaml",
                     "kq003-latin1-bytes.yaml"}
    assert "7 file(s) checked: 3 error(s), 0 warning(s) in 3 file(s)." in result.stderr


def test_good_files_alone_are_clean(mixed_folder: Path) -> None:
    result = cli("validate", str(mixed_folder / "good-one.yaml"), str(mixed_folder / "good-two.yaml"))
    assert_clean_failure(result, 0)


@pytest.fixture
def vanishing(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Delete every second quiz file after it is listed and before it is read."""
    gone: list[Path] = []
    listing = loading.iter_quiz_files

    def iterate(paths: object) -> Iterator[Path]:
        for number, path in enumerate(listing(paths)):  # type: ignore[arg-type]
            if number % 2 and path.name not in loading.CATALOG_FILES:
                path.unlink()
                gone.append(path)
            yield path

    monkeypatch.setattr(loading, "iter_quiz_files", iterate)
    return gone


def test_a_file_that_vanishes_mid_run_is_reported_not_crashed(
        mixed_folder: Path, vanishing: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(mixed_folder)])
    out, err = capsys.readouterr()
    assert vanishing, "the fixture must really delete files"
    assert code == 1
    assert "Traceback" not in out + err
    for path in vanishing:
        assert f"{path}: error KQ001 The file does not exist (or was removed while reading)." \
            in out


@pytest.mark.parametrize("layout", ["empty-folder", "folder-named-like-a-quiz", "only-text"])
def test_a_folder_without_quizzes_is_not_called_clean(tmp_path: Path, layout: str) -> None:
    target = tmp_path / ("odd.yaml" if layout == "folder-named-like-a-quiz" else "quizzes")
    target.mkdir()
    if layout == "only-text":
        (target / "notes.txt").write_text("no quiz here")
    result = cli("validate", str(target))
    assert_clean_failure(result, 2)
    assert result.stderr.strip() == (f"ketatraining validate: no quiz files (.yaml, .yml) "
                                     f"found in '{target}'.")
    assert "clean" not in result.stdout


def test_a_dangling_link_named_on_the_command_line(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "target.yaml")
    result = cli("validate", str(link))
    assert_clean_failure(result, 2)
    assert "does not exist" in result.stderr


def test_interrupted_with_ctrl_c_says_so(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    def interrupt(_paths: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(loading, "validate_paths", interrupt)
    assert main(["validate", str(BAD / "kq203-two-correct-options.yaml")]) == 130
    assert capsys.readouterr().err == "ketatraining: interrupted.\n"


# -- commands that open the progress store ------------------------------------------------
def _bad_urls(tmp_path: Path) -> dict[str, tuple[str, str]]:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_text("not a database\n" * 100)
    newer = tmp_path / "newer.db"
    with ProgressStore(f"sqlite:///{newer}"):
        pass
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE kt_meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    return {
        "unreachable": ("postgresql+psycopg://kt:s3cret@127.0.0.1:1/course?connect_timeout=3",
                        "the database server cannot be reached"),
        "missing-folder": (f"sqlite:///{tmp_path / 'gone' / 'p.db'}", "does not exist"),
        "corrupt": (f"sqlite:///{corrupt}", "damaged"),
        "newer": (f"sqlite:///{newer}", "newer ketatraining"),
        "unsupported": ("mysql://kt:s3cret@db/course", "unsupported database"),
    }


COMMANDS = {
    "results": ["results"],
    "certificate": ["certificate", "--learner", "ada"],
}


@pytest.mark.parametrize("kind", ["unreachable", "missing-folder", "corrupt", "newer",
                                  "unsupported"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_store_that_cannot_be_used_is_one_sentence(command: str, kind: str,
                                                     tmp_path: Path) -> None:
    url, reason = _bad_urls(tmp_path)[kind]
    for how in ("--db", "KETATRAINING_DB"):
        if how == "--db":
            result = cli(*COMMANDS[command], "--db", url)
        else:
            result = cli(*COMMANDS[command], env={"KETATRAINING_DB": url})
        assert_clean_failure(result, 1)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("ketatraining: ")
        assert reason in lines[0]
        assert "s3cret" not in result.stdout + result.stderr
