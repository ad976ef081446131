"""``ketatraining certificate``: a list of what is missing, or the two files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketatraining.cli import main
from ketatraining.progress.store import open_store
from tests.certificate.conftest import finish


def test_not_passed_gets_what_is_missing_and_no_files(
        course_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "records"
    assert main(["certificate", "--learner", "ann", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No completion record for 'ann' yet" in err
    assert "Final check" in err and "name for the record is not set" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_name_is_stored_once_and_files_are_written(
        course_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store() as store:
        finish(store, "ann", "final", percent=100)
    out = tmp_path / "records"
    assert main(["certificate", "--learner", "ann", "--name", " Dr  Ann Example ",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Dr Ann Example" in printed and "claims no continuing-education credit" in printed
    with open_store() as store:
        assert store.display_name("ann") == "Dr Ann Example"
    # A second run needs no --name: it was stored.
    assert main(["certificate", "--learner", "ann", "--out", str(out)]) == 0
    files = sorted(p.suffix for p in out.iterdir())
    assert files == [".html", ".json", ".pdf"]
    # Made on a laptop: the record says plainly that it is self-reported and unsigned,
    # and it never verifies.
    record = next(out.glob("*.json"))
    assert '"signed":false' in record.read_text()
    assert "Self-reported and unsigned" in next(out.glob("*.html")).read_text()
    from ketatraining.certificate.signed import RecordError, verify

    with pytest.raises(RecordError, match="Self-reported"):
        verify(record.read_bytes(), [])


def test_db_option_points_at_another_store(course_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    with open_store(url) as store:
        store.set_display_name("bo", "Bo")
        finish(store, "bo", "final", percent=100)
    assert main(["certificate", "--learner", "bo", "--out", str(tmp_path)]) == 1
    capsys.readouterr()
    assert main(["certificate", "--learner", "bo", "--db", url, "--out", str(tmp_path)]) == 0


def test_bad_name_is_a_usage_error(course_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["certificate", "--learner", "ann", "--name", "   "]) == 2
    assert "name is empty" in capsys.readouterr().err


def test_check_course_lists_unset_statements(course_dir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["certificate", "--check-course"]) == 0
    printed = capsys.readouterr().out
    assert "accreditation_statement" in printed and "Test course" in printed
