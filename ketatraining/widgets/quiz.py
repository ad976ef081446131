"""The quiz widget: stock ipywidgets, answer keys kept in the kernel.

Nothing the browser receives before the learner checks an answer says which option
is right: options are sent as (text, option id) pairs, feedback and explanation
widgets stay empty until the Check button is pressed, and the Quiz object (with the
key) is a plain Python attribute, never a synced trait. Notebook check cells that answer
a quiz in the kernel build their widgets inside ``checks.unseen_widgets()``, so their
feedback never reaches the page either (tests/widgets/test_check_cells_leak_nothing.py).
A learner with the kernel and the quiz files can of course read the key: the protection
is against answers in the page and in saved notebooks, not against the learner's own code.
"""

from __future__ import annotations

import html
import math
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from ketatraining.assessment.feedback import explanation_html, feedback_html
from ketatraining.errors import QuizError, StoreError
from ketatraining.progress.records import Submission, current_learner, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.grading import Grade, Response, grade, score_quiz
from ketatraining.quiz.model import (
    MultipleChoice,
    Numeric,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from ketatraining.quiz.types import get_type
from ketatraining.quiz.versions import grading_hash
from ketatraining.text import markdown_to_html, plain_text
from ketatraining.widgets import wording
from ketatraining.widgets.messages import friendly, message_html, message_widget


def _html(value: str = "", css: str | None = None) -> widgets.HTML:
    box = widgets.HTML(value)
    if css:
        box.add_class(css)
    return box


def parse_number(text: str) -> float | None:
    """A typed number, or None when it is not one (commas as thousands are refused)."""
    cleaned = text.strip().replace("\u2212", "-")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


ANSWER_LABEL = "Your answer:"
_LABEL_LIMIT = 300
_VISUALLY_HIDDEN = (
    "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0"
)


def question_label(question: Question, prompt_text: str, number: int, total: int) -> str:
    """The words a screen reader says before each option: the question, then 'Answer:'.

    For a long case vignette only the sentence that asks (the last one ending in '?') is
    repeated, so every option stays short to listen to; true/false keeps the statement.
    """
    text = " ".join(prompt_text.split())
    if not isinstance(question, TrueFalse):
        asking = [s for s in re.split(r"(?<=[.?!])\s+", text) if s.endswith("?")]
        text = asking[-1] if asking else text
    if len(text) > _LABEL_LIMIT:
        text = text[: _LABEL_LIMIT - 1].rstrip() + "…"
    return f"Question {number} of {total}: {text} Answer:"


def _css_string(text: str) -> str:
    """A CSS string literal; everything but letters, digits and spaces is hex-escaped.

    Each escape ends with one space, which CSS consumes as the escape's terminator.
    """
    return '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x} "
                         for ch in text) + '"'


def accessible_names(scope: str, label: str) -> str:
    """A <style> that prefixes each input's label with visually hidden question text.

    Stock ipywidgets cannot set aria attributes, and RadioButtons have no fieldset or
    legend; but CSS generated content (::before) is part of a label's accessible name
    (W3C accname), in JupyterLab and Voila alike, and needs no JavaScript. The answer
    key is not involved: only the question's own words are repeated.
    """
    selectors = ", ".join(f".{scope} {target}::before" for target in (
        ".widget-radio-box > label", "label.widget-label-basic", ".kt-number label.widget-label",
    ))
    return (f"<style>{selectors} {{content: {_css_string(label + ' ')};"
            f"{_VISUALLY_HIDDEN}}}</style>")


class QuestionView(widgets.VBox):
    """One question: prompt, input, Check button, then feedback and explanation."""

    def __init__(self, question: Question, number: int, total: int, *,
                 option_order: list[str], references: Mapping[str, Reference],
                 on_checked: Callable[[QuestionView, Grade, Response], None]) -> None:
        self.question = question
        self._references = references
        self._on_checked = on_checked
        self.started = time.monotonic()
        self.grade: Grade | None = None
        self.unsupported = False
        heading = (
            f'<div class="kt-prompt" role="heading" aria-level="3"><strong>Question {number} '
            f"of {total}</strong></div>{markdown_to_html(question.prompt)}"
        )
        self.label = plain_text(question.prompt)
        # Every input's accessible name starts with the question (see accessible_names).
        self.scope = f"kt-q-{uuid.uuid4().hex[:10]}"
        names = accessible_names(self.scope, question_label(question, self.label, number, total))
        self.prompt = _html(names + heading, "kt-question-prompt")
        self.input = self._make_input(option_order)
        self.check = widgets.Button(description=wording.CHECK, button_style="",
                                    tooltip=f"{wording.CHECK}: question {number}")
        self.check.add_class("kt-check")
        self.check.on_click(self._checked)
        self.message = _html("", "kt-message-area")
        self.feedback = _html("", "kt-feedback")
        self.explanation = _html("", "kt-explanation")
        super().__init__([self.prompt, self.input, self.check, self.message, self.feedback,
                          self.explanation])
        self.add_class("kt-question")
        self.add_class(f"kt-type-{question.type}")
        self.add_class(self.scope)

    # -- input ---------------------------------------------------------------------
    def _make_input(self, order: list[str]) -> widgets.Widget:
        question = self.question
        aria = f"Answer to: {self.label}"
        match question:
            case SingleChoice() | MultipleChoice():
                by_id = {o.id: o for o in question.options}
                options = [by_id[i] for i in order]
                if isinstance(question, SingleChoice):
                    radio = widgets.RadioButtons(
                        options=[(plain_text(o.text), o.id) for o in options], value=None,
                        description="", tooltip=aria, layout=widgets.Layout(width="auto"))
                    radio.add_class("kt-options")
                    return radio
                boxes = []
                for option in options:
                    box = widgets.Checkbox(value=False, description=plain_text(option.text),
                                           indent=False, tooltip=aria,
                                           layout=widgets.Layout(width="auto"))
                    box.add_class("kt-option")
                    box.option_id = option.id  # plain attribute: stays in the kernel
                    boxes.append(box)
                group = widgets.VBox(boxes)
                group.add_class("kt-options")
                return group
            case TrueFalse():
                radio = widgets.RadioButtons(options=[("True", True), ("False", False)],
                                             value=None, description="", tooltip=aria)
                radio.add_class("kt-options")
                return radio
            case Numeric():
                entry = widgets.Text(placeholder=wording.NUMBER_PLACEHOLDER,
                                     description=ANSWER_LABEL, tooltip=aria,
                                     continuous_update=False,
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="18em"))
                entry.add_class("kt-number")
                units = widgets.Label(question.units or "")
                row = widgets.HBox([entry, units])
                row.add_class("kt-options")
                row.entry = entry
                return row
            case _:
                # This older view draws only the first four types; the quiz component
                # draws every type from QuestionView.data.
                self.unsupported = True
                return _html(message_html("notice", wording.TYPE_NOT_SHOWN), "kt-options")

    def response(self) -> tuple[Response, str | None]:
        """The learner's answer, or (None, reason) when there is none yet."""
        question = self.question
        if getattr(self, "unsupported", False):
            return None, wording.TYPE_NOT_SHOWN
        if isinstance(question, MultipleChoice):
            ticked = [box.option_id for box in self.input.children if box.value]
            return (ticked, None) if ticked else (None, wording.CHOOSE_FIRST)
        if isinstance(question, Numeric):
            text = self.input.entry.value
            value = parse_number(text)
            if value is None:
                return None, wording.NOT_A_NUMBER
            return value, None
        value = self.input.value
        return (value, None) if value is not None else (None, wording.CHOOSE_FIRST)

    def set_response(self, response: Response) -> None:
        """Fill the input programmatically (tests and notebook checks)."""
        question = self.question
        if getattr(self, "unsupported", False):
            return
        decoded = get_type(question).decode(question, response)
        if isinstance(question, MultipleChoice):
            chosen = set(decoded or ())
            for box in self.input.children:
                box.value = box.option_id in chosen
        elif isinstance(question, Numeric):
            self.input.entry.value = "" if response is None else str(response)
        else:
            self.input.value = decoded

    # -- checking ------------------------------------------------------------------
    @friendly(lambda self: self.message)
    def _checked(self, _button: widgets.Button | None = None) -> None:
        if self.grade is not None:
            return
        response, problem = self.response()
        if problem:
            self.message.value = message_html("notice", problem)
            return
        self.message.value = ""
        self.grade = grade(self.question, response)
        self._lock()
        self.feedback.value = feedback_html(self.question, self.grade, response)
        self.explanation.value = explanation_html(self.question, self._references)
        self._on_checked(self, self.grade, response)

    def _lock(self) -> None:
        self.check.disabled = True
        inputs = self.input.children if isinstance(self.input, widgets.Box) else [self.input]
        for item in inputs:
            item.disabled = True


class QuizWidget(widgets.VBox):
    """A whole quiz with running score, pass/fail at the end and a reshuffling retry."""

    def __init__(self, quiz: Quiz, *, store: ProgressStore | None = None,
                 learner_id: str | None = None, not_saved_reason: str | None = None,
                 references: Mapping[str, Reference] | None = None,
                 seed: int | None = None) -> None:
        self.quiz = quiz
        self.store = store
        self.learner_id = learner_id or current_learner()
        self.references = references if references is not None else _load_references()
        self._random = random.Random(seed)
        self.attempt: int | None = None
        self.views: list[QuestionView] = []
        self.title = _html(f"<h3>{html.escape(quiz.title)}</h3>"
                           + (markdown_to_html(quiz.description) if quiz.description else ""),
                           "kt-quiz-title")
        self.intro = _html("", "kt-intro")
        self.notice = _html("", "kt-notice-area")
        self.questions_box = widgets.VBox()
        self.score = _html("", "kt-score")
        self.score.add_class("kt-live")
        self.result = _html("", "kt-result")
        self.retry = widgets.Button(description=wording.RETRY, disabled=True)
        self.retry.add_class("kt-retry")
        self.retry.on_click(self._retry)
        super().__init__([self.title, self.intro, self.notice, self.questions_box, self.score,
                          self.result, self.retry])
        self.add_class("kt-quiz")
        if not_saved_reason:
            self._practice(not_saved_reason)
        self._new_round()

    # -- state -----------------------------------------------------------------------
    def _attempts_used(self) -> int:
        if self.store is None:
            return 0
        try:
            return len(self.store.attempts(self.learner_id, self.quiz.id))
        except StoreError as error:
            self._practice(str(error))
            return 0

    def _practice(self, reason: str) -> None:
        self.store = None
        self.notice.value = message_html("notice", wording.NOT_SAVED.format(reason=reason))

    def _new_round(self) -> None:
        quiz = self.quiz
        used = self._attempts_used()
        self.intro.value = f"<p>{html.escape(wording.intro(quiz.pass_mark, len(quiz.questions), quiz.max_attempts, used))}</p>"
        self.attempt = None
        self.result.value = ""
        self.retry.disabled = True
        if quiz.max_attempts is not None and self.store is not None and used >= quiz.max_attempts:
            self.questions_box.children = [message_widget(
                "info", wording.NO_MORE_ATTEMPTS.format(limit=quiz.max_attempts))]
            self.views = []
            self.score.value = ""
            return
        questions = list(quiz.questions)
        if quiz.shuffle:
            self._random.shuffle(questions)
        self.views = []
        for number, question in enumerate(questions, start=1):
            order = [o.id for o in getattr(question, "options", [])]
            if quiz.shuffle:
                self._random.shuffle(order)
            self.views.append(QuestionView(question, number, len(questions), option_order=order,
                                           references=self.references,
                                           on_checked=self._question_checked))
        self.questions_box.children = self.views
        self._update_score()

    def _update_score(self) -> None:
        graded = [v.grade for v in self.views if v.grade is not None]
        self.score.value = "<p>" + wording.running_score(
            sum(g.score for g in graded), self.quiz.max_score, len(graded), len(self.views)
        ) + "</p>"

    # -- callbacks -----------------------------------------------------------------
    def _question_checked(self, view: QuestionView, result: Grade, response: Response) -> None:
        self._save_answer(view, result, response)
        self._update_score()
        if all(v.grade is not None for v in self.views):
            self._finish()

    def _save_answer(self, view: QuestionView, result: Grade, response: Response) -> None:
        if self.store is None:
            return
        try:
            if self.attempt is None:
                self.attempt = self.store.start_attempt(
                    self.learner_id, self.quiz.id, max_score=self.quiz.max_score,
                    pass_mark=self.quiz.pass_mark)
            self.store.record(Submission(
                submission_id=new_submission_id(), learner_id=self.learner_id,
                quiz_id=self.quiz.id, question_id=view.question.id, attempt=self.attempt,
                response=response, score=result.score, max_score=result.max_score,
                correct=result.correct,
                duration_seconds=round(time.monotonic() - view.started, 3),
                submitted_at=utcnow(), question_hash=grading_hash(view.question)))
        except StoreError as error:
            view.message.value = message_html("notice", wording.SAVE_FAILED.format(
                reason=str(error)))
            self._practice(str(error))

    def _finish(self) -> None:
        outcome = score_quiz(self.quiz, [v.grade for v in self.views if v.grade is not None])
        self.result.value = "<p><strong>" + html.escape(wording.final_result(
            outcome.percent, outcome.score, outcome.max_score, outcome.pass_mark,
            outcome.passed)) + "</strong></p>"
        if self.store is not None and self.attempt is not None:
            try:
                self.store.finish_attempt(self.learner_id, self.quiz.id, self.attempt,
                                          score=outcome.score, passed=outcome.passed)
            except StoreError as error:
                self._practice(str(error))
            from ketatraining.widgets import live

            live.refresh()  # progress shown elsewhere on the page follows the new result
        self.retry.disabled = False

    @friendly(lambda self: self.result)
    def _retry(self, _button: widgets.Button | None = None) -> None:
        self._new_round()

    # -- conveniences for tests and notebook checks --------------------------------
    def view(self, question_id: str) -> QuestionView:
        for view in self.views:
            if view.question.id == question_id:
                return view
        msg = f"no question '{question_id}' in this round"
        raise KeyError(msg)

    def answer(self, question_id: str, response: Response) -> QuestionView:
        """Set an answer and press Check, as a learner would."""
        view = self.view(question_id)
        view.set_response(response)
        view.check.click()
        return view


def _load_references() -> dict[str, Reference]:
    from ketatraining.quiz.loading import load_references

    return load_references()


def make_quiz(name: str, *, store: ProgressStore | None = None, learner_id: str | None = None,
              seed: int | None = None) -> widgets.Widget:
    """A QuizWidget for a quiz id or path, or a readable error box if it cannot load."""
    from ketatraining.progress.store import open_store
    from ketatraining.quiz.loading import load_quiz

    try:
        quiz = load_quiz(name)
    except QuizError as error:
        problems = [p.format() for p in getattr(error, "problems", []) if p.severity == "error"]
        details = problems[:10] or [str(error)]
        return message_widget("error", wording.QUIZ_LOAD_FAILED, details)
    reason = None
    if store is None:
        try:
            store = open_store()
        except StoreError as error:
            reason = str(error)
    return QuizWidget(quiz, store=store, learner_id=learner_id, not_saved_reason=reason,
                      seed=seed)


def show_quiz(name: str, **options: Any) -> None:
    """Display a quiz from quizzes/ by its id, e.g. ``show_quiz("mechanism")``."""
    from IPython.display import display

    display(make_quiz(name, **options))
