"""The quiz widget: one anywidget per quiz, real form controls, the key kept in the kernel.

The front-end (``static/quiz.js`` and ``static/quiz.css``, shipped in the package; no build
step, no CDN) renders each question as a ``<fieldset>`` with a ``<legend>`` and native
inputs, from the *public* view only (:class:`QuestionView`: prompt, option texts and ids).
A Check sends the response and the front-end's time on task to the kernel; this class
calls :meth:`Assessment.submit` and only then puts the returned :class:`Checked` (feedback
and explanation) into the synced state. So no trait, message or DOM node carries a key,
feedback or explanation before Check.

Notebook check cells answer a quiz in the kernel with :meth:`QuizWidget.answer` inside
``checks.unseen_widgets()``, so their feedback never reaches the page either. A learner
with the kernel and the quiz files can of course read the key: the protection is against
answers in the page and in saved notebooks, not against the learner's own code.
"""

from __future__ import annotations

import logging
import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ketatraining.assessment.choose import open_assessment
from ketatraining.assessment.local import LocalAssessment
from ketatraining.assessment.protocol import (
    JSON,
    Assessment,
    AssessmentError,
    AttemptState,
    Checked,
    QuestionView,
    SaveState,
    SaveStatus,
)
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.model import Quiz
from ketatraining.widgets import wording
from ketatraining.widgets.messages import message_widget

log = logging.getLogger("ketatraining")
STATIC = Path(__file__).resolve().parent / "static"
_MAX_SECONDS = 7 * 24 * 3600.0
"""Longer than a week on one question is not a measurement; it is not recorded as one."""


def _seconds(value: Any) -> float | None:
    """A time measured by the front-end, or None when it is not a plausible one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and 0 <= seconds <= _MAX_SECONDS else None


def save_text(status: SaveStatus, answered: int) -> str:
    """What the page says about saving; never advises an action the page does not allow."""
    if status.state is SaveState.OFF:
        return status.message or wording.PRACTICE
    if status.state is SaveState.PENDING:
        return status.message or wording.PENDING
    return wording.SAVED_SO_FAR if answered else wording.SAVED_ON_CHECK


@dataclass
class QuestionState:
    """One question as the kernel knows it: its public view and, once checked, the result."""

    view: QuestionView
    checked: Checked | None = None
    message: str = ""
    """The last refusal ("Please choose an answer first.") or error for this question."""

    @property
    def question_id(self) -> str:
        return self.view.id

    @property
    def feedback(self) -> str:
        return self.checked.feedback_html if self.checked else ""

    @property
    def explanation(self) -> str:
        return self.checked.explanation_html if self.checked else ""


class QuizWidget(anywidget.AnyWidget):
    """A whole quiz: questions, running score, pass/fail at the end and a reshuffling retry."""

    _esm = STATIC / "quiz.js"
    _css = STATIC / "quiz.css"

    texts = traitlets.Dict().tag(sync=True)
    quiz = traitlets.Dict().tag(sync=True)
    intro = traitlets.Unicode("").tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    """A sentence shown above the questions instead of them (e.g. all attempts used)."""
    questions: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    checked = traitlets.Dict().tag(sync=True)
    """question id -> Checked.to_dict(), filled only after the assessment stored it."""
    messages = traitlets.Dict().tag(sync=True)
    """question id -> {"kind", "text", "n"}: refusals and errors for that question."""
    save = traitlets.Dict().tag(sync=True)
    score = traitlets.Unicode("").tag(sync=True)
    result = traitlets.Unicode("").tag(sync=True)
    finished = traitlets.Bool(False).tag(sync=True)
    round = traitlets.Int(0).tag(sync=True)

    def __init__(self, quiz: Quiz | str, *, assessment: Assessment | None = None,
                 store: ProgressStore | None = None, learner_id: str | None = None,
                 not_saved_reason: str | None = None,
                 references: Mapping[str, Reference] | None = None,
                 seed: int | None = None) -> None:
        if assessment is None:
            assessment = LocalAssessment(store, learner_id=learner_id,
                                         not_saved_reason=not_saved_reason,
                                         references=references)
        if isinstance(quiz, Quiz):
            if not isinstance(assessment, LocalAssessment):
                msg = "a Quiz object needs the local assessment; pass its id instead"
                raise TypeError(msg)
            quiz_id = assessment.add_quiz(quiz)
        else:
            quiz_id = quiz
        self.assessment = assessment
        self.quiz_id = quiz_id
        self.attempt_id: str | None = None
        self.states: list[QuestionState] = []
        self._random = random.Random(seed)
        self._messages = 0
        self._touched = False
        self._shown: tuple[Any, ...] = ()
        self._seed = 0
        self._replaced_round: int | None = None
        """The round a page request replaced: its Checks still count (the page may have
        been answered before the kernel heard of the request)."""
        super().__init__()
        self.add_class("kt-quiz-widget")
        self.texts = {
            "check": wording.CHECK, "checking": wording.CHECKING, "retry": wording.RETRY,
            "question": wording.QUESTION_OF, "your_answer": wording.YOUR_ANSWER,
            "number_placeholder": wording.NUMBER_PLACEHOLDER, "choose": wording.CHOOSE_OPTION,
            "move_up": wording.MOVE_UP, "move_down": wording.MOVE_DOWN,
            "moved": wording.MOVED, "unexpected_page": wording.UNEXPECTED_PAGE,
        }
        self.on_msg(self._on_page_message)
        self._new_round()
        listen = getattr(assessment, "on_save_status", None)
        if callable(listen):  # "not saved yet" turns into "saved" without another Check
            listen(self._show_save)
        from ketatraining.widgets import live

        # A preheated Voila kernel ran this before the learner asked for the page: reopen
        # the attempt from the store as it is when the page is handed over.
        live.on_page_request(self._reopen)

    def __repr__(self) -> str:
        return f"QuizWidget(quiz={self.quiz_id!r})"

    # -- rounds ----------------------------------------------------------------------
    def _new_round(self) -> None:
        self._seed = self._random.randrange(2**31)
        self._show(self._start())

    def _start(self) -> AttemptState:
        # The shown round's seed: asked again (on a page request) with nothing changed in
        # the store, the assessment rebuilds the very round on the page (same draw, order).
        return self.assessment.start(self.quiz_id, seed=self._seed)

    def _show(self, state: AttemptState) -> None:
        self._shown = _stored_part(state)
        self.attempt_id = state.attempt_id
        self.quiz = state.quiz.to_dict()
        self.intro = wording.intro(state.quiz.pass_mark, state.quiz.question_count,
                                   state.quiz.max_attempts, state.attempts_used)
        if state.attempts_used and not state.answered:
            self.intro = " ".join(filter(None, [self.intro, self._earlier_result()]))
        resumed = {checked.question_id: checked for checked in state.answered}
        self.states = [QuestionState(view, resumed.get(view.id)) for view in state.questions]
        self.notice = state.blocked or ""
        with self.hold_sync():
            self.checked = {qid: checked.to_dict() for qid, checked in resumed.items()}
            self.messages = {}
            self.result = ""
            self.finished = False
            self.questions = [view.to_dict() for view in state.questions]
            self._show_save(state.save)
            self._update_score()
            self.round += 1
        if self.states and all(s.checked is not None for s in self.states):
            self._finish(None)  # every answer was in, but the attempt was never closed

    def _earlier_result(self) -> str:
        """The learner's best finished attempt at this quiz, or nothing if there is none."""
        try:
            rows = [r for r in self.assessment.my_results() if r.quiz_id == self.quiz_id]
        except AssessmentError:
            return ""  # the page still works; the overview shows the results
        row = rows[0] if rows else None
        if row is None or not row.finished or row.best_percent is None:
            return ""
        return wording.earlier_result(row.best_percent, bool(row.passed), row.pass_mark)

    def _reopen(self) -> None:
        """Show the store as it is now, if nothing was asked of this widget yet.

        The page may already be on screen when Voila's page request reaches the kernel, so
        the questions are redrawn only when the store changed since the preheat; a Check
        sent from the replaced round is still accepted (``_replaced_round``).
        """
        from ketatraining.widgets import live

        again = live.page_requests() > 1  # a kernel given back: its page is opened anew
        if self._touched and not again:
            return
        state = self._start()
        if _stored_part(state) == self._shown and not (again and self._touched):
            return
        self._replaced_round = self.round
        self._touched = False
        self._show(state)

    def _show_save(self, status: SaveStatus) -> None:
        answered = sum(s.checked is not None for s in self.states)
        self.save = {"state": status.state.value, "text": save_text(status, answered)}

    def _update_score(self) -> None:
        if not self.states:
            self.score = ""
            return
        done = [s.checked for s in self.states if s.checked is not None]
        self.score = wording.running_score(sum(c.score for c in done),
                                           float(self.quiz.get("max_score", 0)), len(done),
                                           len(self.states))

    # -- checking --------------------------------------------------------------------
    def view(self, question_id: str) -> QuestionState:
        for state in self.states:
            if state.question_id == question_id:
                return state
        msg = f"no question '{question_id}' in this round"
        raise KeyError(msg)

    def answer(self, question_id: str, response: JSON, *, seconds: float | None = None,
               attempt_seconds: float | None = None) -> QuestionState:
        """Answer and Check one question from the kernel, as a learner would in the page.

        ``response`` is the seam's JSON for the type (``"b"``, ``["a", "c"]``, ``True``,
        ``40``); a number may also be given as the typed text (``"40.5"``).
        """
        state = self.view(question_id)
        self._touched = True
        if state.checked is not None:
            return state
        try:
            checked = self.assessment.submit(self.quiz_id, self.attempt_id, question_id,
                                             response, seconds=seconds)
        except AssessmentError as error:
            self._say(state, "notice", str(error))
            return state
        state.checked, state.message = checked, ""
        self.attempt_id = checked.attempt_id or self.attempt_id
        with self.hold_sync():
            self.checked = {**self.checked, question_id: checked.to_dict()}
            self.messages = {k: v for k, v in self.messages.items() if k != question_id}
            self._show_save(checked.save)
            self._update_score()
        if all(s.checked is not None for s in self.states):
            self._finish(attempt_seconds)
        return state

    def _finish(self, seconds: float | None) -> None:
        outcome = self.assessment.finish(self.quiz_id, self.attempt_id, seconds=seconds)
        with self.hold_sync():
            self.result = wording.final_result(outcome.percent, outcome.score,
                                               outcome.max_score, outcome.pass_mark,
                                               outcome.passed)
            self._show_save(outcome.save)
            self.finished = True
        from ketatraining.widgets import live

        live.refresh()  # progress shown elsewhere on the page follows the new result

    def retry(self) -> None:
        """Start a new attempt (reshuffled when the quiz shuffles); only after finishing."""
        if self.finished:
            self._replaced_round = None  # a Check from the finished round must not count
            self._new_round()

    def _say(self, state: QuestionState, kind: str, text: str) -> None:
        state.message = text
        self._messages += 1
        self.messages = {**self.messages,
                         state.question_id: {"kind": kind, "text": text, "n": self._messages}}

    # -- messages from the page ----------------------------------------------------------
    def _current(self, round_: Any) -> bool:
        return round_ == self.round or (round_ is not None and round_ == self._replaced_round)

    def _on_page_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        question_id = content.get("question_id")
        try:
            if content.get("type") == "retry":
                self.retry()
            elif content.get("type") == "check" and self._current(content.get("round")):
                if self.round != content.get("round") and not any(
                        s.question_id == question_id for s in self.states):
                    self.notice = wording.QUIZ_UPDATED  # the new round lacks that question
                    return
                self.answer(str(question_id), content.get("response"),
                            seconds=_seconds(content.get("seconds")),
                            attempt_seconds=_seconds(content.get("attempt_seconds")))
        except Exception:
            code = uuid.uuid4().hex[:6].upper()
            log.exception("ketatraining quiz widget error %s", code)
            text = wording.UNEXPECTED.format(code=code)
            known = [s for s in self.states if s.question_id == question_id]
            if known:
                self._say(known[0], "error", text)
            else:
                self.notice = text


def _stored_part(state: AttemptState) -> tuple[Any, ...]:
    """What a page shows of an attempt that comes from the store (not the new draw)."""
    return (state.attempt_id, state.attempts_used, state.blocked,
            tuple((c.question_id, c.score, c.verdict) for c in state.answered))


def make_quiz(name: str, *, store: ProgressStore | None = None, learner_id: str | None = None,
              seed: int | None = None) -> widgets.Widget:
    """A QuizWidget for a quiz id or path, or a readable error box if it cannot load."""
    assessment = open_assessment(store=store, learner_id=learner_id)
    try:
        assessment.quiz_view(name)
    except AssessmentError as error:
        return message_widget("error", str(error), error.details)
    return QuizWidget(name, assessment=assessment, seed=seed)


def show_quiz(name: str, **options: Any) -> None:
    """Display a quiz from quizzes/ by its id, e.g. ``show_quiz("mechanism")``."""
    from IPython.display import display

    display(make_quiz(name, **options))
