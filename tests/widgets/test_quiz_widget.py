"""The quiz widget in the kernel: set values, click, assert what the learner sees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from ketatraining.errors import StoreUnavailableError
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.loading import load_quiz
from ketatraining.widgets.quiz import QuizWidget, make_quiz

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(isolated_store: str) -> ProgressStore:
    return ProgressStore(isolated_store)


def descendants(widget: widgets.Widget) -> list[widgets.Widget]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found.extend(descendants(child))
    return found


def all_states(widget: widgets.Widget) -> str:
    """Everything the front end receives about these widgets, as one JSON string."""
    return json.dumps([w.get_state() for w in descendants(widget)], default=str)


def answer_revealing_texts(quiz_id: str) -> list[str]:
    quiz = load_quiz(quiz_id)
    texts: list[str] = []
    for question in quiz.questions:
        texts.append(question.explanation)
        for name in ("feedback_true", "feedback_false", "feedback_correct", "feedback_incorrect"):
            if hasattr(question, name):
                texts.append(getattr(question, name))
        texts.extend(option.feedback for option in getattr(question, "options", []))
    return texts


def test_right_and_wrong_answers_show_feedback_explanation_and_sources(store: Any) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann", seed=1)
    view = quiz.answer("welcome-largest-trial", "b")
    assert "✓ Correct." in view.feedback.value
    assert "1 of 1 point" in view.feedback.value
    assert "your choice" in view.feedback.value
    assert "Neither the PCL-5 nor the CAPS-5" in view.feedback.value  # per-option feedback
    assert "Why" in view.explanation.value
    assert "Abdallah CG" in view.explanation.value  # formatted reference, not a key
    assert "doi:10.1038/s41386-022-01266-9" in view.explanation.value
    wrong = quiz.answer("welcome-off-label", True)
    assert "✗ Not correct." in wrong.feedback.value
    assert "The statement is false." in wrong.feedback.value
    assert "1 of 4 points (2 of 4 questions answered)" in quiz.score.value
    assert view.check.disabled and view.input.disabled  # one answer per attempt


def test_multiple_choice_partial_credit_is_reported(store: Any) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann", seed=1)
    view = quiz.answer("welcome-how-to", ["a"])
    assert "◐ Partly correct." in view.feedback.value
    assert "0.5 of 1 point" in view.feedback.value


def test_blank_or_invalid_answers_are_not_graded(store: Any) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann", seed=1)
    blank = quiz.answer("welcome-largest-trial", None)
    assert "Please choose an answer first." in blank.message.value
    assert blank.grade is None and not blank.check.disabled
    typo = quiz.answer("welcome-dose", "forty")
    assert "Please type a number" in typo.message.value
    assert store.responses() == []


def test_finishing_records_everything_and_reports_pass(store: Any) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann", seed=1)
    assert quiz.retry.disabled
    quiz.answer("welcome-off-label", False)
    quiz.answer("welcome-dose", "39.5")
    quiz.answer("welcome-largest-trial", "a")
    quiz.answer("welcome-how-to", ["a", "b"])
    assert "You scored 75% (3 of 4 points). The pass mark is 50%. ✓ Passed." in quiz.result.value
    assert not quiz.retry.disabled
    saved = store.responses("ann", "welcome")
    assert [s.question_id for s in saved] == [
        "welcome-off-label", "welcome-dose", "welcome-largest-trial", "welcome-how-to"]
    assert [s.response for s in saved] == [False, 39.5, "a", ["a", "b"]]
    assert [s.score for s in saved] == [1, 1, 0, 1]
    assert all(s.attempt == 1 and s.duration_seconds >= 0 for s in saved)
    (attempt,) = store.attempts("ann", "welcome")
    assert attempt.passed and attempt.score == 3 and attempt.finished_at is not None


WRONG = {"true_false": None, "numeric": "-1", "single_choice": None, "multiple_choice": None}


def answer_everything_wrongly(quiz: QuizWidget) -> None:
    for view in quiz.views:
        question = view.question
        if question.type == "true_false":
            response: Any = not question.answer
        elif question.type == "numeric":
            response = -1e9
        elif question.type == "single_choice":
            response = next(o.id for o in question.options if not o.correct)
        else:
            response = [o.id for o in question.options]  # everything ticked scores 0
        quiz.answer(question.id, response)


def test_failing_and_retry_starts_a_new_reshuffled_attempt(store: Any, tmp_path: Path) -> None:
    text = (ROOT / "quizzes/welcome.yaml").read_text(encoding="utf-8")
    (tmp_path / "welcome.yaml").write_text(text.replace("shuffle: false", "shuffle: true"),
                                           encoding="utf-8")
    quiz = QuizWidget(load_quiz(tmp_path / "welcome.yaml"), store=store, learner_id="bob",
                      seed=3)
    orders = set()
    for _ in range(4):
        answer_everything_wrongly(quiz)
        assert "✗ Not passed yet." in quiz.result.value
        orders.add(tuple(v.question.id for v in quiz.views)
                   + tuple(str(v.input.options) for v in quiz.views
                           if isinstance(v.input, widgets.RadioButtons)))
        quiz.retry.click()
        assert quiz.result.value == "" and "0 of 4 questions answered" in quiz.score.value
    assert [a.attempt for a in store.attempts("bob")] == [1, 2, 3, 4]
    assert all(a.passed is False for a in store.attempts("bob"))
    assert len(orders) > 1  # the retry reshuffles questions and options


def test_max_attempts_is_enforced(store: Any, tmp_path: Path) -> None:
    text = (ROOT / "quizzes/welcome.yaml").read_text(encoding="utf-8")
    (tmp_path / "welcome.yaml").write_text(text.replace("shuffle: false", "max_attempts: 1"),
                                           encoding="utf-8")
    quiz_model = load_quiz(tmp_path / "welcome.yaml")
    quiz = QuizWidget(quiz_model, store=store, learner_id="cy")
    for view in list(quiz.views):
        quiz.answer(view.question.id, {"true_false": True, "numeric": "1",
                                       "single_choice": "a", "multiple_choice": ["a"]}
                    [view.question.type])
    quiz.retry.click()
    assert "You have used all 1 attempts" in quiz.questions_box.children[0].value


def test_no_answer_key_reaches_the_browser_before_checking(store: Any) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann", seed=1)
    states = all_states(quiz)
    for text in answer_revealing_texts("welcome"):
        assert json.dumps(text)[1:-1] not in states
    assert '"correct"' not in states and "welcome-largest-trial" not in states
    quiz.answer("welcome-largest-trial", "b")  # after checking, that question's key is shown
    assert "Neither the PCL-5" in all_states(quiz)


def test_saved_notebook_carries_no_widget_state_or_answer_key() -> None:
    path = ROOT / "notebooks/00-welcome.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"]
    saved = path.read_text(encoding="utf-8")
    for text in answer_revealing_texts("welcome"):
        assert json.dumps(text)[1:-1] not in saved


def test_trainer_markdown_is_sanitized(tmp_path: Path, store: Any) -> None:
    text = (ROOT / "quizzes/welcome.yaml").read_text(encoding="utf-8")
    hostile = text.replace(
        "**True or false?**",
        "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))")
    (tmp_path / "welcome.yaml").write_text(hostile, encoding="utf-8")
    quiz = QuizWidget(load_quiz(tmp_path / "welcome.yaml"), store=store, learner_id="ann")
    view = quiz.answer("welcome-off-label", False)
    html = all_states(quiz) + view.prompt.value
    assert "<script" not in html
    assert "onerror" not in html
    assert 'href="javascript' not in html  # the link is left as inert text


def test_broken_quiz_shows_a_readable_box_not_a_traceback(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.yaml").write_text("schema_version: 1\nid: broken\ntitle: [\n",
                                          encoding="utf-8")
    box = make_quiz(str(tmp_path / "broken.yaml"))
    assert isinstance(box, widgets.HTML)
    assert "This quiz could not be loaded" in box.value and "KQ010" in box.value
    assert "broken.yaml:4" in box.value and "Traceback" not in box.value
    missing = make_quiz("no-such-quiz")
    assert "No quiz called" in missing.value


def test_unusable_store_falls_back_to_practice_with_a_notice(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{tmp_path}/missing/folder/p.db")
    quiz = make_quiz("welcome")
    assert isinstance(quiz, QuizWidget) and quiz.store is None
    assert "not being saved" in quiz.notice.value and "does not exist" in quiz.notice.value
    view = quiz.answer("welcome-off-label", False)
    assert "✓ Correct." in view.feedback.value  # practice still works


def test_store_failure_during_a_quiz_is_explained(store: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann")

    def fail(*_args: object, **_kwargs: object) -> None:
        msg = "The progress store x cannot be used: it is read-only."
        raise StoreUnavailableError(msg)

    monkeypatch.setattr(store, "start_attempt", fail)
    view = quiz.answer("welcome-off-label", False)
    assert "could not be saved" in view.message.value
    assert "not being saved" in quiz.notice.value
    assert "✓ Correct." in view.feedback.value


def test_an_unexpected_error_is_a_message_with_a_code_not_a_traceback(
        store: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import ketatraining.widgets.quiz as quiz_module

    def broken(*_args: object) -> None:
        msg = "a bug"
        raise RuntimeError(msg)

    monkeypatch.setattr(quiz_module, "grade", broken)
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann")
    view = quiz.answer("welcome-off-label", False)
    assert "Something went wrong while checking this answer (code " in view.message.value
    assert "Traceback" not in view.message.value and "a bug" not in view.message.value
    assert "RuntimeError: a bug" in caplog.text  # the details go to the log for the trainer
