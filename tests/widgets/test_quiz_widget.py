"""The quiz widget in the kernel: send the page's messages, answer, assert the synced state.

The tests that take the ``learner`` fixture (tests/widgets/conftest.py) run twice: with the
local implementation of the seam and with the hub one (a real JupyterHub and course
server); the others test what only the local path has (its store, its own failures).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from ketatraining.assessment import SaveState
from ketatraining.errors import StoreUnavailableError
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.loading import load_quiz
from ketatraining.widgets.quiz import QuizWidget, make_quiz

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(isolated_store: str) -> ProgressStore:
    return ProgressStore(isolated_store)


def synced(widget: QuizWidget) -> str:
    """Everything the front end receives about this widget, as one JSON string."""
    return json.dumps(widget.get_state(), default=str, ensure_ascii=False)


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


def page_check(widget: QuizWidget, question_id: str, response: Any, **extra: Any) -> None:
    """What the front-end sends when the learner presses Check."""
    message = {"type": "check", "round": widget.round, "question_id": question_id,
               "response": response, **extra}
    widget._on_page_message(widget, message, [])


def test_right_and_wrong_answers_show_feedback_explanation_and_sources(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    view = quiz.answer("welcome-largest-trial", "b")
    assert "✓ Correct." in view.feedback and "1 of 1 point" in view.feedback
    assert "your choice" in view.feedback
    assert "Neither the PCL-5 nor the CAPS-5" in view.feedback  # per-option feedback
    assert "Why" in view.explanation
    assert "Abdallah CG" in view.explanation  # formatted reference, not a key
    assert "doi:10.1038/s41386-022-01266-9" in view.explanation
    wrong = quiz.answer("welcome-off-label", True)
    assert "✗ Not correct." in wrong.feedback and "The statement is false." in wrong.feedback
    assert "1 of 4 points (2 of 4 questions answered)" in quiz.score
    assert set(quiz.checked) == {"welcome-largest-trial", "welcome-off-label"}
    again = quiz.answer("welcome-largest-trial", "a")  # one answer per attempt
    assert again.checked is not None and again.checked.response == "b"


def test_the_page_check_message_grades_and_records_the_front_ends_time(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    page_check(quiz, "welcome-dose", "40.5", seconds=12.25, attempt_seconds=12.5)
    assert quiz.checked["welcome-dose"]["verdict"] == "correct"
    assert "Right: 0.5 mg/kg × 80 kg = 40 mg." in quiz.checked["welcome-dose"]["feedback_html"]
    (saved,) = learner.responses()
    assert saved.response == 40.5 and saved.duration_seconds == 12.25
    assert quiz.save["state"] == "saved" and "Saved" in quiz.save["text"]


def test_a_stale_or_strange_message_changes_nothing(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    quiz._on_page_message(quiz, {"type": "check", "round": quiz.round - 1,
                                 "question_id": "welcome-dose", "response": "40"}, [])
    quiz._on_page_message(quiz, "not a dict", [])
    page_check(quiz, "welcome-dose", "40", seconds="soon")  # a bad time is not recorded as one
    assert list(quiz.checked) == ["welcome-dose"]
    (saved,) = learner.responses()
    assert 0 <= saved.duration_seconds < 5


def test_blank_or_invalid_answers_are_not_graded(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    blank = quiz.answer("welcome-largest-trial", None)
    assert blank.message == "Please choose an answer first." and blank.checked is None
    assert quiz.messages["welcome-largest-trial"]["text"] == "Please choose an answer first."
    typo = quiz.answer("welcome-dose", "forty")
    assert "Please type a number" in typo.message
    page_check(quiz, "welcome-how-to", [])
    assert quiz.messages["welcome-how-to"]["text"] == "Please choose an answer first."
    assert learner.responses() == [] and quiz.checked == {}
    first = quiz.messages["welcome-largest-trial"]["n"]
    quiz.answer("welcome-largest-trial", None)  # said again: announced again
    assert quiz.messages["welcome-largest-trial"]["n"] > first


def test_finishing_records_everything_and_reports_pass(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    assert not quiz.finished
    quiz.answer("welcome-off-label", False, seconds=20)
    quiz.answer("welcome-dose", "39.5", seconds=30)
    quiz.answer("welcome-largest-trial", "a", seconds=40)
    page_check(quiz, "welcome-how-to", ["a", "b"], seconds=50, attempt_seconds=300)
    assert "You scored 75% (3 of 4 points). The pass mark is 50%. ✓ Passed." in quiz.result
    assert quiz.finished
    saved = learner.responses("welcome")
    assert [s.question_id for s in saved] == [
        "welcome-off-label", "welcome-dose", "welcome-largest-trial", "welcome-how-to"]
    assert [s.response for s in saved] == [False, 39.5, "a", ["a", "b"]]
    assert [s.score for s in saved] == [1, 1, 0, 1]
    assert [s.duration_seconds for s in saved] == [20, 30, 40, 50]  # per question, not summed
    (attempt,) = learner.attempts("welcome")
    assert attempt.passed and attempt.score == 3 and attempt.finished_at is not None
    assert attempt.duration_seconds == pytest.approx(300, abs=1)  # first shown to finish


def answer_everything_wrongly(quiz: QuizWidget) -> None:
    model = load_quiz("welcome")
    for state in quiz.states:
        question = model.question(state.question_id)
        if question.type == "true_false":
            response: Any = not question.answer
        elif question.type == "numeric":
            response = -1e9
        elif question.type == "single_choice":
            response = next(o.id for o in question.options if not o.correct)
        else:
            response = [o.id for o in question.options]  # everything ticked scores 0
        quiz.answer(question.id, response)


def test_failing_and_retry_starts_a_new_reshuffled_attempt(learner: Any) -> None:
    quiz = learner.widget("welcome-retry", seed=3)  # welcome with shuffle: true
    orders = set()
    for number in range(4):
        quiz.retry()  # before finishing, a retry does nothing
        assert quiz.round == number + 1
        answer_everything_wrongly(quiz)
        assert "✗ Not passed yet." in quiz.result
        orders.add(json.dumps([(q["id"], q["data"]) for q in quiz.questions]))
        quiz._on_page_message(quiz, {"type": "retry"}, [])
        assert quiz.result == "" and "0 of 4 questions answered" in quiz.score
        assert quiz.checked == {} and not quiz.finished
    assert [a.attempt for a in learner.attempts()] == [1, 2, 3, 4]
    assert all(a.passed is False for a in learner.attempts())
    assert len(orders) > 1  # the retry reshuffles questions and options


def test_max_attempts_is_enforced(learner: Any) -> None:
    quiz = learner.widget("welcome-once")  # welcome with max_attempts: 1
    for state in list(quiz.states):
        quiz.answer(state.question_id, {"true_false": True, "numeric": "1",
                                        "single_choice": "a", "multiple_choice": ["a"]}
                    [state.view.type])
    quiz.retry()
    assert quiz.notice == "You have used all 1 attempts at this quiz."
    assert quiz.questions == [] and quiz.states == []
    again = learner.widget("welcome-once")  # a new kernel or tab: still used up
    assert again.notice == "You have used all 1 attempts at this quiz." and again.states == []
    assert [a.attempt for a in learner.attempts()] == [1]


def test_no_answer_key_reaches_the_browser_before_checking(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    states = synced(quiz)
    for text in answer_revealing_texts("welcome"):
        assert json.dumps(text, ensure_ascii=False)[1:-1] not in states
    assert '"correct"' not in states and '"feedback' not in states
    assert '"explanation' not in states
    quiz.answer("welcome-largest-trial", "b")  # after checking, that question's key is shown
    after = synced(quiz)
    assert "Neither the PCL-5" in after
    assert "Right. Any use of ketamine" not in after  # but no other question's


def test_the_front_end_is_shipped_in_the_package_and_loads_nothing_from_the_network() -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=None)
    state = quiz.get_state()
    assert "export default" in state["_esm"] and ".kt-fieldset" in state["_css"]
    for source in (state["_esm"], state["_css"]):
        assert "http://" not in source and "https://" not in source
        assert "import " not in source.split("export default")[0].replace("// ", "")
    assert repr(quiz) == "QuizWidget(quiz='welcome')"


def test_saved_notebook_carries_no_widget_state_or_answer_key() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert "widgets" not in notebook["metadata"], path.name
    saved = (ROOT / "notebooks/00-welcome.ipynb").read_text(encoding="utf-8")
    for text in answer_revealing_texts("welcome"):
        assert json.dumps(text)[1:-1] not in saved


def test_broken_quiz_shows_a_readable_box_not_a_traceback(tmp_path: Path) -> None:
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
    # a damaged file stays unusable (a missing folder is waited for instead:
    # tests/assessment/test_heal_at_start.py)
    damaged = tmp_path / "p.db"
    damaged.write_text("not a database\n" * 100)
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{damaged}")
    quiz = make_quiz("welcome")
    assert isinstance(quiz, QuizWidget)
    assert quiz.assessment.save_status().state is SaveState.OFF
    assert quiz.save["state"] == "off"
    assert "not being saved" in quiz.save["text"] and "damaged" in quiz.save["text"]
    view = quiz.answer("welcome-off-label", False)
    assert "✓ Correct." in view.feedback  # practice still works


def test_store_failure_during_a_quiz_is_explained(store: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann")

    def fail(*_args: object, **_kwargs: object) -> None:
        msg = "The progress store x cannot be used: it is read-only."
        raise StoreUnavailableError(msg)

    monkeypatch.setattr(store, "start_attempt", fail)
    view = quiz.answer("welcome-off-label", False)
    assert "could not be saved" in quiz.save["text"] and quiz.save["state"] == "off"
    assert "✓ Correct." in view.feedback


def test_an_unexpected_error_is_a_message_with_a_code_not_a_traceback(
        store: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from ketatraining.assessment import local

    def broken(*_args: object) -> None:
        msg = "a bug"
        raise RuntimeError(msg)

    monkeypatch.setattr(local, "grade", broken)
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann")
    page_check(quiz, "welcome-off-label", False)
    text = quiz.messages["welcome-off-label"]["text"]
    assert "Something went wrong while checking this answer (code " in text
    assert quiz.messages["welcome-off-label"]["kind"] == "error"
    assert "Traceback" not in text and "a bug" not in text
    assert "RuntimeError: a bug" in caplog.text  # the details go to the log for the trainer


def test_an_open_attempt_is_shown_with_its_answers_when_the_page_opens_again(
        learner: Any) -> None:
    first = learner.widget(seed=1)
    first.answer("welcome-off-label", True, seconds=5)
    again = learner.widget(seed=1)  # a new kernel: the attempt comes from the store
    assert list(again.checked) == ["welcome-off-label"]
    assert "✗ Not correct." in again.view("welcome-off-label").feedback
    assert "0 of 4 points (1 of 4 questions answered)" in again.score
    again.answer("welcome-dose", 40)
    assert [a.attempt for a in learner.attempts()] == [1]  # the same attempt goes on
    assert [s.question_id for s in learner.responses()] == ["welcome-off-label", "welcome-dose"]


def test_a_page_opened_after_a_finished_attempt_says_how_it_went(learner: Any) -> None:
    """A reload right after finishing shows a new attempt: it says the last one was kept."""
    quiz = learner.widget(seed=1)
    assert "taken this quiz before" not in quiz.intro
    quiz.answer("welcome-off-label", False)
    quiz.answer("welcome-dose", 40)
    quiz.answer("welcome-largest-trial", "a")
    quiz.answer("welcome-how-to", ["a"])
    assert quiz.finished
    again = learner.widget(seed=1)
    assert "You have taken this quiz before: best score" in again.intro
    assert "The questions below start a new attempt." in again.intro
    assert again.checked == {}


def _page_request() -> None:
    from ketatraining.widgets import live

    for ref in live._page_hooks:
        hook = ref()
        if hook is not None:
            hook()  # what Voila's page request triggers


def test_a_preheated_kernel_reopens_the_attempt_when_the_page_is_requested(
        learner: Any, preheated: None) -> None:
    ahead = learner.widget(seed=1)
    assert ahead.checked == {}
    learner.widget().answer("welcome-dose", 40)  # meanwhile, in another tab
    _page_request()
    assert list(ahead.checked) == ["welcome-dose"]




def test_a_kernel_given_back_for_a_reload_shows_the_store_as_it_is_now(
        learner: Any, preheated: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app gives a left page's kernel back to the page's pool (a reload opens at once):
    at its next page request the quiz is drawn from the store again, even though the
    learner used it on the page before (a fresh kernel would show the same)."""
    from ketatraining.widgets import live

    quiz = learner.widget(seed=1)
    monkeypatch.setattr(live, "_requests", 1)
    _page_request()  # the first page
    quiz.answer("welcome-off-label", False)
    learner.widget().answer("welcome-dose", 40)  # meanwhile, in another tab
    _page_request()  # the same page asks again while it is open: the learner's page stays
    assert list(quiz.checked) == ["welcome-off-label"]
    monkeypatch.setattr(live, "_requests", 2)  # the page was left and opened again
    _page_request()
    assert sorted(quiz.checked) == ["welcome-dose", "welcome-off-label"]
    assert "2 of 4 questions answered" in quiz.score


def test_a_page_request_redraws_nothing_when_the_store_did_not_change(
        learner: Any, preheated: None) -> None:
    """The page may already be on screen (and answered) when the request reaches the kernel:
    a redraw would wipe the learner's choice, so it happens only when the store changed."""
    ahead = learner.widget(seed=1)
    shown = (ahead.round, ahead.questions)
    _page_request()
    assert (ahead.round, ahead.questions) == shown


def test_a_check_from_the_round_a_page_request_replaced_still_counts(
        learner: Any, preheated: None) -> None:
    ahead = learner.widget(seed=1)
    drawn = ahead.round
    learner.widget().answer("welcome-dose", 40)  # meanwhile, in another tab
    _page_request()
    assert ahead.round != drawn and list(ahead.checked) == ["welcome-dose"]
    ahead._on_page_message(ahead, {"type": "check", "round": drawn,
                                   "question_id": "welcome-off-label", "response": False}, [])
    assert "✓ Correct." in ahead.view("welcome-off-label").feedback
    assert [s.question_id for s in learner.responses()] == ["welcome-dose", "welcome-off-label"]


def test_a_check_for_a_question_the_redrawn_round_lacks_asks_to_answer_again(
        store: Any, preheated: None) -> None:
    pooled = load_quiz(ROOT / "tests/data/pools/pooled.yaml")
    ahead = QuizWidget(pooled, store=store, learner_id="pia", seed=5)
    drawn, stale = ahead.round, [q["id"] for q in ahead.questions]
    for seed in range(50):  # another tab opens an attempt whose draw differs
        other = QuizWidget(pooled, store=store, learner_id="pia", seed=seed)
        missing = set(stale) - {q["id"] for q in other.questions}
        if missing:
            other.answer("intro", True)
            break
    else:
        pytest.fail("no seed drew other questions")
    _page_request()
    gone = min(missing)
    ahead._on_page_message(ahead, {"type": "check", "round": drawn, "question_id": gone,
                                   "response": True}, [])
    assert "Please answer the question again" in ahead.notice
    assert [s.question_id for s in store.responses("pia", "pooled")] == ["intro"]


def test_a_page_request_with_nothing_new_keeps_the_assessment_on_the_shown_draw(
        store: Any, preheated: None) -> None:
    """The page keeps its questions, so the assessment must keep the same draw: asking it
    again with another seed would have the learner's answers refused or stored wrongly."""
    pooled = load_quiz(ROOT / "tests/data/pools/pooled.yaml")
    ahead = QuizWidget(pooled, store=store, learner_id="pia", seed=5)
    shown = [q["id"] for q in ahead.questions]
    _page_request()
    assert [q["id"] for q in ahead.questions] == shown
    right = {"intro": True, "bp1": True, "bp2": False, "bp3": True, "d1": 10, "d2": 20}
    for question_id in shown:
        ahead._on_page_message(ahead, {"type": "check", "round": ahead.round,
                                       "question_id": question_id,
                                       "response": right[question_id]}, [])
    assert set(ahead.checked) == set(shown) and ahead.finished
    assert [a.drawn for a in store.attempts("pia", "pooled")] == [tuple(shown)]


def test_a_check_from_a_finished_round_does_not_count_after_retry(learner: Any) -> None:
    quiz = learner.widget(seed=1)
    any_answer = {"true_false": True, "numeric": 40, "single_choice": "a",
                  "multiple_choice": ["a"]}
    for question in quiz.questions:
        page_check(quiz, question["id"], any_answer[question["type"]])
    assert quiz.finished
    finished = quiz.round
    quiz._on_page_message(quiz, {"type": "retry"}, [])
    quiz._on_page_message(quiz, {"type": "check", "round": finished,
                                 "question_id": "welcome-off-label", "response": False}, [])
    assert quiz.checked == {}


def test_a_quiz_with_pools_shows_only_the_drawn_questions(store: Any) -> None:
    """Pools (tests/data/pools/pooled.yaml): 'intro', 2 of 3 bp questions, 1 of d1/d2."""
    pooled = load_quiz(ROOT / "tests/data/pools/pooled.yaml")
    right = {"intro": True, "bp1": True, "bp2": False, "bp3": True, "d1": 10, "d2": 20}
    quiz = QuizWidget(pooled, store=store, learner_id="pia", seed=5)
    draws: list[tuple[str, ...]] = []
    for _ in range(3):  # max_attempts: 3
        shown = [q["id"] for q in quiz.questions]
        assert len(shown) == 4 and shown[0] == "intro"
        assert len([i for i in shown if i.startswith("bp")]) == 2
        assert "0 of 4 questions answered" in quiz.score
        for question_id in shown:
            quiz.answer(question_id, right[question_id])
        assert "(5 of 5 points)" in quiz.result and quiz.finished
        draws.append(tuple(shown))
        quiz._on_page_message(quiz, {"type": "retry"}, [])
    assert [a.drawn for a in store.attempts("pia", "pooled")] == draws  # kept per attempt
    assert len(set(draws)) > 1, "each attempt draws again"


def test_scores_are_read_with_at_most_two_decimals() -> None:
    """Partial credit of a third of a point made "2.08333 of 13 points" (look A2)."""
    from ketatraining.assessment.wording import points
    from ketatraining.widgets.wording import final_result, running_score

    assert running_score(25 / 12, 13, 13, 13) == (
        "Score so far: 2.08 of 13 points (13 of 13 questions answered).")
    assert final_result(16.0, 25 / 12, 13, 70, False).startswith(
        "You scored 16% (2.08 of 13 points).")
    assert points(1 / 3) == "0.33 points" and points(1) == "1 point"
    assert points(0.5) == "0.5 points"
