"""A store that cannot be opened when the kernel starts heals later.

Before: a store locked at kernel start, or whose folder was not there yet (a share not
mounted, a folder the administrator creates), left the whole session in practice mode:
the answers were graded and then dropped, even after the store could be opened. Now
they wait in the outbox, the store is opened again by the background retry, and every
answer is written once; the page says "not saved yet" until then, and "saved" after.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from retrying import quick_retries, wait_for

from ketatraining.assessment import SaveState, SaveStatus
from ketatraining.assessment.local import LocalAssessment, open_assessment
from ketatraining.progress.outbox import Outbox, outbox_path
from ketatraining.progress.store import ProgressStore


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_retries(monkeypatch)


def assert_waiting(status: SaveStatus) -> None:
    assert status.state is SaveState.PENDING
    assert status.message.startswith("Not saved yet")
    assert "saved automatically" in status.message
    assert "\n" not in status.message
    text = status.message.lower()
    assert "press" not in text and "button" not in text and "try again" not in text


def _answer_two(assessment: LocalAssessment) -> None:
    assessment.start("welcome")
    first = assessment.submit("welcome", None, "welcome-off-label", False)
    second = assessment.submit("welcome", None, "welcome-dose", 40)
    assert first.verdict == "correct" and "Why" in first.explanation_html  # still a quiz
    for checked in (first, second):
        assert_waiting(checked.save)
    assert "2 answers are kept" in second.save.message


def _assert_stored_once(url: str, learner: str) -> None:
    with ProgressStore(url) as store:
        saved = store.responses(learner, "welcome")
        assert sorted(s.question_id for s in saved) == ["welcome-dose", "welcome-off-label"]
        assert {s.attempt for s in saved} == {1}
        assert [a.attempt for a in store.attempts(learner)] == [1]
    assert Outbox(outbox_path(url, learner)).items() == []


def test_a_store_folder_missing_at_start_heals_when_it_appears(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "share"
    url = f"sqlite:///{folder / 'progress.db'}"
    monkeypatch.setenv("KETATRAINING_DB", url)  # a configured store: its folder is not made
    monkeypatch.setenv("KETATRAINING_OUTBOX_DIR", str(tmp_path / "outbox"))
    assessment = open_assessment(learner_id="ann")
    seen: list[SaveState] = []
    assessment.on_save_status(lambda status: seen.append(status.state))
    assert_waiting(assessment.save_status())
    assert "does not exist" in assessment.save_status().message
    _answer_two(assessment)
    time.sleep(0.4)  # the background retry finds it still missing: nothing changes
    assert assessment.save_status().state is SaveState.PENDING
    folder.mkdir()  # the share is mounted
    wait_for(lambda: assessment.save_status().state is SaveState.SAVED)
    assert seen[-1] is SaveState.SAVED
    third = assessment.submit("welcome", "1", "welcome-largest-trial", "b")
    assert third.save.state is SaveState.SAVED and third.attempt_id == "1"
    assessment.close()
    with ProgressStore(url) as store:
        assert len(store.responses("ann")) == 3


def test_a_store_locked_at_start_heals_when_the_lock_clears(
        isolated_store: str, tmp_path: Path) -> None:
    with ProgressStore(isolated_store) as store:
        path = store.sqlite_path
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the store at kernel start
    try:
        assessment = open_assessment(learner_id="ann")
        assert_waiting(assessment.save_status())
        assert "busy" in assessment.save_status().message
        _answer_two(assessment)
        time.sleep(0.4)
        assert assessment.save_status().state is SaveState.PENDING
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    wait_for(lambda: assessment.save_status().state is SaveState.SAVED)
    assessment.close()
    _assert_stored_once(isolated_store, "ann")
    # a new kernel finds nothing left to write, and stores nothing twice
    again = open_assessment(learner_id="ann")
    again.start("welcome")
    assert again.save_status().state is SaveState.SAVED
    again.close()
    _assert_stored_once(isolated_store, "ann")


def test_a_lasting_fault_at_start_is_practice_not_waiting(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = tmp_path / "progress.db"
    damaged.write_text("not a database\n" * 100)
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{damaged}")
    monkeypatch.setenv("KETATRAINING_OUTBOX_DIR", str(tmp_path / "outbox"))
    assessment = open_assessment(learner_id="ann")
    assert assessment.save_status().state is SaveState.OFF
    assert "not being saved" in assessment.save_status().message


def test_the_quiz_page_shows_saved_once_a_late_store_opens(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketatraining.widgets.quiz import QuizWidget, make_quiz

    folder = tmp_path / "share"
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{folder / 'progress.db'}")
    monkeypatch.setenv("KETATRAINING_OUTBOX_DIR", str(tmp_path / "outbox"))
    widget = make_quiz("welcome", learner_id="ann", seed=1)
    assert isinstance(widget, QuizWidget)
    assert widget.save["state"] == "pending"
    assert widget.save["text"].startswith("Not saved yet")
    widget.answer("welcome-dose", 40)
    assert widget.save["state"] == "pending"
    folder.mkdir()
    wait_for(lambda: widget.save["state"] == "saved")  # no further Check needed
    assert widget.assessment.save_status().state is SaveState.SAVED
    widget.assessment.close()  # type: ignore[attr-defined]
