"""LocalAssessment without any widget: grading in the kernel, the store, practice mode."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ketatraining.assessment import Assessment, AssessmentError, SaveState
from ketatraining.assessment.local import LocalAssessment, open_assessment
from ketatraining.errors import StoreUnavailableError
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.loading import load_quiz

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(isolated_store: str) -> ProgressStore:
    return ProgressStore(isolated_store)


def revealing_texts(quiz_id: str) -> list[str]:
    texts: list[str] = []
    for question in load_quiz(quiz_id).questions:
        texts.append(question.explanation)
        for name in ("feedback_true", "feedback_false", "feedback_correct", "feedback_incorrect"):
            if hasattr(question, name):
                texts.append(getattr(question, name))
        texts.extend(option.feedback for option in getattr(question, "options", []))
    return texts


def test_it_is_an_assessment() -> None:
    assert isinstance(LocalAssessment(None), Assessment)


def test_the_public_view_carries_no_key_feedback_or_explanation(store: ProgressStore) -> None:
    state = LocalAssessment(store, learner_id="ann").start("welcome", seed=1)
    text = json.dumps(state.to_dict())
    for secret in revealing_texts("welcome"):
        assert json.dumps(secret)[1:-1] not in text
    assert '"correct"' not in text and '"answer"' not in text and '"value"' not in text
    assert [q.type for q in state.questions] == [
        "true_false", "numeric", "single_choice", "multiple_choice"]
    assert state.questions[1].data == {"units": "mg"}
    assert state.questions[0].data["options"][0] == {"id": "true", "html": "True"}
    assert state.questions[2].label == "Question 3 of 4: What did it find for PTSD symptoms?"
    assert state.quiz.question_count == 4 and state.quiz.pass_mark == 50


def test_opening_a_page_never_uses_an_attempt(store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    for _ in range(3):
        state = assessment.start("welcome")
        assert state.attempt_id is None
    assert store.attempts("ann") == []


def test_an_attempt_is_stored_with_its_first_answer(store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    checked = assessment.submit("welcome", None, "welcome-off-label", False, seconds=12.5)
    assert checked.attempt_id == "1" and checked.save.state is SaveState.SAVED
    assert checked.verdict == "correct" and "✓ Correct." in checked.feedback_html
    assert "Why" in checked.explanation_html and "off-label" in checked.explanation_html
    (saved,) = store.responses("ann", "welcome")
    assert saved.response is False and saved.duration_seconds == 12.5 and saved.attempt == 1
    (attempt,) = store.attempts("ann", "welcome")
    assert attempt.finished_at is None


def test_feedback_for_each_type(store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    right = assessment.submit("welcome", None, "welcome-largest-trial", "b")
    assert "1 of 1 point." in right.feedback_html and "your choice" in right.feedback_html
    assert "Neither the PCL-5 nor the CAPS-5" in right.feedback_html
    assert "doi:10.1038/s41386-022-01266-9" in right.explanation_html
    partly = assessment.submit("welcome", "1", "welcome-how-to", ["a"])
    assert partly.verdict == "partly" and "0.5 of 1 point" in partly.feedback_html
    wrong = assessment.submit("welcome", "1", "welcome-dose", 41)
    assert wrong.verdict == "incorrect" and "Expected: 40 mg." in wrong.feedback_html
    false = assessment.submit("welcome", "1", "welcome-off-label", True)
    assert "The statement is false." in false.feedback_html


def test_blank_foreign_and_repeated_answers_are_refused(store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    for response, sentence in ((None, "choose an answer"), ("z", "not one of"),
                               (["a", "zz"], "not one of")):
        qid = "welcome-how-to" if isinstance(response, list) else "welcome-largest-trial"
        with pytest.raises(AssessmentError, match=sentence):
            assessment.submit("welcome", None, qid, response)
    with pytest.raises(AssessmentError, match="type a number"):
        assessment.submit("welcome", None, "welcome-dose", "forty")
    assert store.responses() == [] and store.attempts() == []
    assessment.submit("welcome", None, "welcome-dose", 40)
    with pytest.raises(AssessmentError, match="already checked"):
        assessment.submit("welcome", "1", "welcome-dose", 40)
    with pytest.raises(AssessmentError, match="no longer open"):
        assessment.submit("welcome", "7", "welcome-off-label", False)


def test_finish_derives_score_and_pass_and_records_the_time_on_the_attempt(
        store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    with pytest.raises(AssessmentError, match="4 still open"):
        assessment.finish("welcome", None)
    attempt_id = None
    for qid, response in (("welcome-off-label", False), ("welcome-dose", 39.5),
                          ("welcome-largest-trial", "a"), ("welcome-how-to", ["a", "b"])):
        attempt_id = assessment.submit("welcome", attempt_id, qid, response,
                                       seconds=30).attempt_id
    outcome = assessment.finish("welcome", "1", seconds=600)
    assert outcome.percent == 75 and outcome.passed and outcome.save.state is SaveState.SAVED
    (attempt,) = store.attempts("ann", "welcome")
    assert attempt.passed and attempt.score == 3
    assert attempt.duration_seconds == pytest.approx(600, abs=1)
    assert [s.duration_seconds for s in store.responses("ann")] == [30, 30, 30, 30]
    (summary,) = assessment.my_results()
    assert summary.quiz_id == "welcome" and summary.time_spent_seconds == pytest.approx(600, abs=1)
    with pytest.raises(AssessmentError, match="no longer open"):
        assessment.submit("welcome", "1", "welcome-dose", 40)


def test_without_front_end_timing_each_question_counts_from_the_previous_check(
        store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    assessment.submit("welcome", None, "welcome-off-label", False)
    assessment.submit("welcome", "1", "welcome-dose", 40)
    _first, second = store.responses("ann")
    assert 0 <= second.duration_seconds < 5  # not cumulative from page render


def test_max_attempts_blocks_a_new_attempt(store: ProgressStore, tmp_path: Path) -> None:
    text = (ROOT / "quizzes/welcome.yaml").read_text(encoding="utf-8")
    (tmp_path / "welcome.yaml").write_text(text.replace("shuffle: false", "max_attempts: 1"),
                                           encoding="utf-8")
    assessment = LocalAssessment(store, learner_id="cy")
    assessment.add_quiz(load_quiz(tmp_path / "welcome.yaml"))
    state = assessment.start("welcome")
    assert state.blocked is None
    for qid, response in (("welcome-off-label", False), ("welcome-dose", 40),
                          ("welcome-largest-trial", "b"), ("welcome-how-to", ["a"])):
        assessment.submit("welcome", None, qid, response)
    assessment.finish("welcome", None)
    blocked = assessment.start("welcome")
    assert blocked.blocked == "You have used all 1 attempts at this quiz."
    assert blocked.questions == ()


def test_shuffle_changes_question_and_option_order_by_seed(tmp_path: Path) -> None:
    text = (ROOT / "quizzes/welcome.yaml").read_text(encoding="utf-8")
    (tmp_path / "welcome.yaml").write_text(text.replace("shuffle: false", "shuffle: true"),
                                           encoding="utf-8")
    assessment = LocalAssessment(None)
    assessment.add_quiz(load_quiz(tmp_path / "welcome.yaml"))
    orders = set()
    for seed in range(6):
        state = assessment.start("welcome", seed=seed)
        orders.add(tuple(q.id for q in state.questions) + tuple(
            o["id"] for q in state.questions for o in q.data.get("options", [])))
        assert state == assessment.start("welcome", seed=seed)
    assert len(orders) > 1


def test_practice_mode_when_the_store_cannot_be_opened(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    # (a missing folder, a locked store or a server that is down wait for the store
    # instead: tests/assessment/test_heal_at_start.py)
    damaged = tmp_path / "p.db"
    damaged.write_text("not a database\n" * 100)
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{damaged}")
    assessment = open_assessment(learner_id="ann")
    state = assessment.start("welcome")
    assert state.save.state is SaveState.OFF and "damaged" in state.save.message
    assert "not being saved" in state.save.message
    checked = assessment.submit("welcome", None, "welcome-off-label", False)
    assert checked.verdict == "correct" and checked.save.state is SaveState.OFF
    assert checked.attempt_id is None
    assert assessment.my_results() == []


def test_a_store_failure_mid_quiz_says_it_was_not_saved_and_turns_saving_off(
        store: ProgressStore, monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")

    def fail(*_args: object, **_kwargs: object) -> Any:
        msg = "The progress store x cannot be used: it is read-only."
        raise StoreUnavailableError(msg)

    monkeypatch.setattr(store, "start_attempt", fail)
    checked = assessment.submit("welcome", None, "welcome-off-label", False)
    assert checked.verdict == "correct"
    assert checked.save.state is SaveState.OFF and "could not be saved" in checked.save.message
    assert assessment.save_status().state is SaveState.OFF


def test_checked_comes_only_after_the_write(store: ProgressStore,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    seen: list[int] = []
    original = store.record

    def record(submission: Any) -> None:
        original(submission)
        seen.append(len(store.responses("ann")))

    monkeypatch.setattr(store, "record", record)
    checked = assessment.submit("welcome", None, "welcome-dose", 40)
    assert seen == [1] and checked.save.state is SaveState.SAVED


def test_a_broken_quiz_is_one_sentence_with_the_details(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("schema_version: 1\nid: broken\ntitle: [\n",
                                          encoding="utf-8")
    with pytest.raises(AssessmentError, match="could not be loaded") as caught:
        LocalAssessment(None).start(str(tmp_path / "broken.yaml"))
    details = caught.value.details
    assert any("KQ010" in d and "broken.yaml:4" in d for d in details)


def test_trainer_markdown_is_sanitized_in_everything_returned(tmp_path: Path) -> None:
    text = (ROOT / "quizzes/welcome.yaml").read_text(encoding="utf-8")
    hostile = text.replace(
        "**True or false?**",
        "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) a -> b & c")
    (tmp_path / "welcome.yaml").write_text(hostile, encoding="utf-8")
    assessment = LocalAssessment(None)
    assessment.add_quiz(load_quiz(tmp_path / "welcome.yaml"))
    state = assessment.start("welcome")
    checked = assessment.submit("welcome", None, "welcome-off-label", False)
    html = json.dumps(state.to_dict()) + json.dumps(checked.to_dict())
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html
    assert "a -&gt; b &amp; c" in state.questions[0].prompt_html  # escaped once, not twice
    assert "&amp;gt;" not in html
    assert "a -> b & c Ketamine" in state.questions[0].label  # plain text for the name


def test_finish_keeps_started_at_when_no_time_is_given(store: ProgressStore) -> None:
    assessment = LocalAssessment(store, learner_id="ann")
    assessment.start("welcome")
    for qid, response in (("welcome-off-label", False), ("welcome-dose", 40),
                          ("welcome-largest-trial", "b"), ("welcome-how-to", ["a"])):
        assessment.submit("welcome", None if qid == "welcome-off-label" else "1", qid, response)
    assessment.finish("welcome", "1")
    (attempt,) = store.attempts("ann")
    assert attempt.duration_seconds is not None
    assert timedelta(seconds=attempt.duration_seconds) < timedelta(seconds=30)
