"""Temporary faults heal, and "saved" means committed.

Found by an independent fault harness: a store locked past the retry budget, a
PostgreSQL restart (tests/progress/test_healing.py) and "too many at once" when an
attempt opens each switched the quiz to practice mode for good (0 rows saved after the
fault cleared), with advice to press a button that was already disabled; a kill -9
during the commit left a learner who had seen their graded answer with nothing stored;
an attempt left open by a killed kernel used up ``max_attempts``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from retrying import quick_retries, wait_for

from ketatraining.assessment import SaveState, SaveStatus
from ketatraining.assessment.local import LocalAssessment
from ketatraining.errors import StoreBusyError, StoreUnavailableError
from ketatraining.progress.outbox import Outbox, outbox_path
from ketatraining.progress.store import ProgressStore

ANSWERS = (("welcome-off-label", False), ("welcome-dose", 40),
           ("welcome-largest-trial", "b"), ("welcome-how-to", ["a"]))


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_retries(monkeypatch)


def assert_no_advice(status: SaveStatus) -> None:
    """Never advise what the page does not allow (the Check button is disabled)."""
    text = status.message.lower()
    assert "press" not in text and "button" not in text and "try again" not in text


def test_a_store_locked_past_the_retry_budget_heals_by_itself(isolated_store: str) -> None:
    store = ProgressStore(isolated_store)
    assessment = LocalAssessment(store, learner_id="ann")
    seen: list[SaveState] = []
    assessment.on_save_status(lambda status: seen.append(status.state))
    assessment.start("welcome")
    holder = sqlite3.connect(store.sqlite_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the lock
    try:
        first = assessment.submit("welcome", None, "welcome-off-label", False)
        second = assessment.submit("welcome", None, "welcome-dose", 40)  # still a quiz
    finally:
        locked_for = time.monotonic()
    assert first.verdict == "correct" and "Why" in first.explanation_html
    for checked in (first, second):
        assert checked.save.state is SaveState.PENDING
        assert "Not saved yet" in checked.save.message
        assert "saved automatically" in checked.save.message
        assert_no_advice(checked.save)
    assert "2 answers are kept" in second.save.message
    assert assessment.save_status().state is SaveState.PENDING
    time.sleep(0.5)  # retries go on while it stays locked
    holder.execute("ROLLBACK")
    holder.close()
    wait_for(lambda: assessment.save_status().state is SaveState.SAVED)
    assert time.monotonic() - locked_for < 20
    saved = store.responses("ann", "welcome")
    assert sorted(s.question_id for s in saved) == ["welcome-dose", "welcome-off-label"]
    assert {s.attempt for s in saved} == {1}
    assert len(store.attempts("ann")) == 1
    assert seen[-1] is SaveState.SAVED and SaveState.PENDING in seen
    third = assessment.submit("welcome", "1", "welcome-largest-trial", "b")
    assert third.save.state is SaveState.SAVED and third.attempt_id == "1"
    assessment.close()


def test_too_many_at_once_on_attempt_start_heals(isolated_store: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore(isolated_store)
    real = store.start_attempt
    refusals = [3]

    def start_attempt(*args: Any, **kwargs: Any) -> int:
        if refusals[0]:
            refusals[0] -= 1
            msg = "Could not open a new attempt (too many at once)."
            raise StoreBusyError(msg)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "start_attempt", start_attempt)
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    checked = assessment.submit("welcome", None, "welcome-off-label", False)
    assert checked.save.state is SaveState.PENDING
    assert "too many at once" in checked.save.message
    assert_no_advice(checked.save)
    wait_for(lambda: assessment.save_status().state is SaveState.SAVED)
    (saved,) = store.responses("ann")
    assert saved.attempt == 1
    assert [a.attempt for a in store.attempts("ann")] == [1]
    later = assessment.submit("welcome", None, "welcome-dose", 40)
    assert later.save.state is SaveState.SAVED and later.attempt_id == "1"
    assessment.close()


def test_saved_only_after_the_commit_and_the_outbox_first(isolated_store: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore(isolated_store)
    outbox = Outbox(outbox_path(store.display_url, "ann"))
    order: list[str] = []
    real = store.record

    def record(submission: Any) -> None:
        assert [i.id for i in outbox.items()] == [submission.submission_id]  # kept first
        order.append("record")
        real(submission)
        order.append("committed")

    monkeypatch.setattr(store, "record", record)
    assessment = LocalAssessment(store, learner_id="ann", outbox=outbox)
    assessment.start("welcome")
    checked = assessment.submit("welcome", None, "welcome-off-label", False)
    assert order == ["record", "committed"]
    assert checked.save == SaveStatus(SaveState.SAVED, "Your answer is saved.")
    assert outbox.items() == []  # it left the outbox only once the store had it


KILLED_KERNEL = textwrap.dedent("""
    import os, signal, sys
    from ketatraining.assessment.local import LocalAssessment
    from ketatraining.progress.store import ProgressStore

    store = ProgressStore(sys.argv[1])
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    assessment.submit("welcome", None, "welcome-off-label", False)  # saved
    def die(submission):  # kill -9 in the middle of the commit
        os.kill(os.getpid(), signal.SIGKILL)
    store.record = die
    assessment.submit("welcome", None, "welcome-dose", 40)
""")


def test_a_kernel_killed_during_the_commit_loses_no_graded_answer(isolated_store: str,
                                                                  tmp_path: Path) -> None:
    script = tmp_path / "kernel.py"
    script.write_text(KILLED_KERNEL, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), isolated_store], capture_output=True,
                         text=True, timeout=120, env=os.environ.copy(), check=False)
    assert run.returncode == -9, run.stderr
    store = ProgressStore(isolated_store)
    assert [s.question_id for s in store.responses("ann")] == ["welcome-off-label"]
    # The next kernel of the same learner writes it and resumes the attempt.
    assessment = LocalAssessment(store, learner_id="ann")
    state = assessment.start("welcome")
    saved = store.responses("ann")
    assert sorted(s.question_id for s in saved) == ["welcome-dose", "welcome-off-label"]
    assert {s.attempt for s in saved} == {1}
    assert state.attempt_id == "1"
    assert {c.question_id for c in state.answered} == {"welcome-off-label", "welcome-dose"}
    assessment.close()


def test_an_attempt_left_open_by_a_killed_kernel_is_resumed_not_counted(
        isolated_store: str, tmp_path: Path) -> None:
    from ketatraining.quiz.loading import load_quiz

    text = (Path(__file__).resolve().parents[2] / "quizzes/welcome.yaml").read_text("utf-8")
    (tmp_path / "welcome.yaml").write_text(text.replace("shuffle: false", "max_attempts: 1"),
                                           encoding="utf-8")
    quiz = load_quiz(tmp_path / "welcome.yaml")
    store = ProgressStore(isolated_store)
    first = LocalAssessment(store, learner_id="cy")
    first.add_quiz(quiz)
    first.start("welcome")
    first.submit("welcome", None, "welcome-off-label", False)
    first.close()  # the kernel restarts: nothing of `first` survives but the store
    second = LocalAssessment(store, learner_id="cy")
    second.add_quiz(quiz)
    state = second.start("welcome")
    assert state.blocked is None, "an unfinished attempt must not use up max_attempts"
    assert state.attempt_id == "1" and state.attempts_used == 1
    (answered,) = state.answered
    assert answered.question_id == "welcome-off-label" and answered.verdict == "correct"
    assert answered.save.state is SaveState.SAVED and "Why" in answered.explanation_html
    for qid, response in ANSWERS[1:]:
        second.submit("welcome", state.attempt_id, qid, response)
    outcome = second.finish("welcome", state.attempt_id)
    assert outcome.passed and outcome.attempt_id == "1"
    assert [(a.attempt, a.finished_at is not None) for a in store.attempts("cy")] == [(1, True)]
    assert len(store.responses("cy")) == 4
    assert second.start("welcome").blocked == "You have used all 1 attempts at this quiz."


def test_a_lasting_fault_turns_saving_off_but_keeps_the_answer_for_next_time(
        isolated_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore(isolated_store)
    real = store.start_attempt

    def read_only(*_args: Any, **_kwargs: Any) -> int:
        msg = f"The progress store {store.display_url} cannot be used: it is read-only."
        raise StoreUnavailableError(msg)

    monkeypatch.setattr(store, "start_attempt", read_only)
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    checked = assessment.submit("welcome", None, "welcome-off-label", False)
    assert checked.save.state is SaveState.OFF
    assert "could not be saved" in checked.save.message and "read-only" in checked.save.message
    assert "kept on this computer" in checked.save.message
    assert_no_advice(checked.save)
    assert store.responses("ann") == []
    monkeypatch.setattr(store, "start_attempt", real)  # the administrator fixed it
    later = LocalAssessment(store, learner_id="ann")
    later.start("welcome")
    wait_for(lambda: len(store.responses("ann")) == 1)
    later.close()


def test_finish_while_the_store_is_locked_is_written_later(isolated_store: str) -> None:
    store = ProgressStore(isolated_store)
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    for qid, response in ANSWERS:
        assessment.submit("welcome", None, qid, response)
    holder = sqlite3.connect(store.sqlite_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    outcome = assessment.finish("welcome", None)
    assert outcome.passed and outcome.save.state is SaveState.PENDING
    assert_no_advice(outcome.save)
    holder.execute("ROLLBACK")
    holder.close()
    wait_for(lambda: assessment.save_status().state is SaveState.SAVED)
    (attempt,) = store.attempts("ann")
    assert attempt.finished_at is not None and attempt.passed
    assessment.close()
