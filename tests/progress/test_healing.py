"""A PostgreSQL restart mid-session heals by itself (the answers wait in the outbox).

Found by an independent fault harness: after the server restarted, the quiz had switched
to practice mode for good and the next answers were not saved (0 rows).
"""

from __future__ import annotations

import time

import pytest

from ketatraining.assessment import SaveState
from ketatraining.assessment import local as local_module
from ketatraining.assessment.local import LocalAssessment
from ketatraining.progress.store import ProgressStore

pytestmark = pytest.mark.postgres


def test_a_postgresql_restart_mid_quiz_heals_and_saves_every_answer(
        own_postgres_server: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_module, "FOREGROUND_BUDGET_SECONDS", 0.3)
    monkeypatch.setattr(local_module, "RETRY_DELAYS", (0.2, 0.5))
    server = own_postgres_server
    url = server.new_database()  # type: ignore[attr-defined]
    store = ProgressStore(url)
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    first = assessment.submit("welcome", None, "welcome-off-label", False)
    assert first.save.state is SaveState.SAVED
    server.stop()  # type: ignore[attr-defined]  # an immediate stop: a crash
    try:
        during = assessment.submit("welcome", "1", "welcome-dose", 40)
        assert during.verdict == "correct"
        assert during.save.state is SaveState.PENDING
        assert "cannot be reached" in during.save.message
        assert "press" not in during.save.message.lower()
        also = assessment.submit("welcome", "1", "welcome-largest-trial", "b")
        assert also.save.state is SaveState.PENDING  # still a quiz, not practice mode
        time.sleep(1.0)
    finally:
        server.start()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while assessment.save_status().state is not SaveState.SAVED:
        assert time.monotonic() < deadline, assessment.save_status()
        time.sleep(0.1)
    after = assessment.submit("welcome", "1", "welcome-how-to", ["a"])
    assert after.save.state is SaveState.SAVED
    saved = store.responses("ann")
    assert sorted(s.question_id for s in saved) == sorted(
        ["welcome-off-label", "welcome-dose", "welcome-largest-trial", "welcome-how-to"])
    assert {s.attempt for s in saved} == {1}
    assert assessment.finish("welcome", "1").save.state is SaveState.SAVED
    assessment.close()
    store.close()


def test_a_postgresql_server_down_at_kernel_start_heals_when_it_is_up(
        own_postgres_server: object, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from ketatraining.assessment.local import open_assessment
    from ketatraining.progress.outbox import Outbox, outbox_path
    from ketatraining.progress.store import shown_url

    monkeypatch.setattr(local_module, "FOREGROUND_BUDGET_SECONDS", 0.3)
    monkeypatch.setattr(local_module, "RETRY_DELAYS", (0.2, 0.5))
    server = own_postgres_server
    url = server.new_database()  # type: ignore[attr-defined]
    monkeypatch.setenv("KETATRAINING_DB", url)
    server.stop()  # type: ignore[attr-defined]  # down when the learner's kernel starts
    try:
        assessment = open_assessment(learner_id="ann")
        status = assessment.save_status()
        assert status.state is SaveState.PENDING, status
        assert "cannot be reached" in status.message
        assessment.start("welcome")
        during = assessment.submit("welcome", None, "welcome-dose", 40)
        assert during.verdict == "correct" and during.save.state is SaveState.PENDING
        time.sleep(0.5)
    finally:
        server.start()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while assessment.save_status().state is not SaveState.SAVED:
        assert time.monotonic() < deadline, assessment.save_status()
        time.sleep(0.1)
    after = assessment.submit("welcome", "1", "welcome-off-label", False)
    assert after.save.state is SaveState.SAVED
    assessment.close()
    with ProgressStore(url) as store:
        saved = store.responses("ann")
        assert sorted(s.question_id for s in saved) == ["welcome-dose", "welcome-off-label"]
        assert {s.attempt for s in saved} == {1}
        assert [a.attempt for a in store.attempts("ann")] == [1]
    assert Outbox(outbox_path(shown_url(url), "ann")).items() == []
