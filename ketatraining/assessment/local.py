"""Grading in the learner's own kernel, answers kept in the :class:`ProgressStore`.

This is today's behaviour on a laptop, behind the :class:`Assessment` seam:

- the quiz (with its key) stays in this object; the front-end gets only
  :class:`QuestionView` (the public view) until an answer is checked;
- a new attempt is stored with its first answer, so opening a page never uses one up;
- :meth:`LocalAssessment.submit` keeps the graded answer in the outbox
  (``progress/outbox.py``, a small fsynced file in the learner's data folder) before it
  returns the feedback, then writes it to the store: ``save`` is ``saved`` only once the
  store committed it, ``pending`` while a temporary fault (locked, server restarting,
  "too many at once", disk full) keeps it in the outbox, where a background thread
  retries until the store has it; a fault that clears heals by itself;
- an attempt left open (a kernel killed mid-quiz) is resumed by :meth:`start`, with its
  answers, rather than using up one of ``max_attempts``;
- without a usable store it runs in practice mode (``SaveState.OFF`` and the reason):
  answers are graded and explained, nothing is recorded.
"""

from __future__ import annotations

import contextlib
import html
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ketatraining.assessment import wording
from ketatraining.assessment.feedback import explanation_html, feedback_html, verdict
from ketatraining.assessment.protocol import (
    JSON,
    SYNTHETIC_PREFIX,
    AssessmentError,
    AttemptState,
    Checked,
    Outcome,
    QuestionView,
    QuizView,
    SaveState,
    SaveStatus,
)
from ketatraining.errors import QuizError, StoreError
from ketatraining.progress.outbox import Outbox, Pending, answer_item, finish_item, outbox_path
from ketatraining.progress.records import Submission, current_learner, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id, shown_url
from ketatraining.progress.summary import QuizResult, load_results
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.draw import (
    asked_count,
    asked_quiz,
    draw_ids,
    most_points,
    new_seed,
    seed_for,
)
from ketatraining.quiz.grading import AttemptScore, Grade, grade, score_quiz
from ketatraining.quiz.model import Question, Quiz
from ketatraining.quiz.types import get_type
from ketatraining.quiz.versions import grading_hash
from ketatraining.text import markdown_to_html, plain_text

__all__ = ["LocalAssessment", "open_assessment", "public_data", "question_label",
           "question_views", "quiz_view_of"]


def _fields(item: Pending) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def _reason(text: str) -> str:
    """A store error's sentence as a clause inside another sentence."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


_LABEL_LIMIT = 200
FOREGROUND_BUDGET_SECONDS = 5.0
"""How long a Check waits for a locked store before it shows the feedback with "not saved
yet" (the answer is already in the outbox; the background retry takes over)."""
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
"""Seconds between background retries of the outbox (the last one repeats)."""
_log = logging.getLogger(__name__)


def question_label(question: Question, number: int, total: int) -> str:
    """Short plain text naming a question for assistive technology ("Question 2 of 4: ...").

    For a long case vignette only the sentence that asks is kept, so the name stays short
    to listen to; the full prompt is still read as the group's content.
    """
    text = " ".join(html.unescape(plain_text(question.prompt)).split())
    if not get_type(question).statement:
        asking = [s for s in re.split(r"(?<=[.?!])\s+", text) if s.endswith("?")]
        text = asking[-1] if asking else text
    if len(text) > _LABEL_LIMIT:
        text = text[: _LABEL_LIMIT - 1].rstrip() + "…"
    return f"Question {number} of {total}: {text}"


def public_data(question: Question, order: list[str] | None = None) -> dict[str, Any]:
    """The type's public fields (what ``QuestionView.data`` holds): never a key.

    ``order`` is this attempt's display order of options; the type's own definition
    (``quiz/types/``) builds the rest and always shuffles matching answers and steps.
    """
    data = get_type(question).public_data(question)
    if order and "options" in data:
        by_id = {o["id"]: o for o in data["options"]}
        data["options"] = [by_id[i] for i in order if i in by_id]
    return data


def _shuffled_ids(question: Question, rng: random.Random, shuffle: bool) -> list[str] | None:
    options = get_type(question).option_choices(question)
    if not options:
        return None
    ids = [o.id for o in options]
    if shuffle:
        rng.shuffle(ids)
    return ids


def question_views(quiz: Quiz, rng: random.Random) -> tuple[QuestionView, ...]:
    """The public questions of an attempt in display order (the kernel and the course
    server both build them here). ``quiz``: the attempt's quiz (``asked_quiz``)."""
    questions = list(quiz.questions)
    if quiz.shuffle:
        rng.shuffle(questions)
    return tuple(
        QuestionView(
            id=question.id, type=question.type, number=number,
            prompt_html=markdown_to_html(question.prompt),
            label=question_label(question, number, len(questions)), points=question.points,
            data=public_data(question, _shuffled_ids(question, rng, quiz.shuffle)),
            control=get_type(question).control)
        for number, question in enumerate(questions, start=1))


def quiz_view_of(quiz: Quiz) -> QuizView:
    """Title, pass mark and attempts. For a quiz with pools before the draw: the number of
    questions every attempt asks and the most points a draw can have; for an attempt's
    quiz (``asked_quiz``) its own questions and points."""
    return QuizView(
        id=quiz.id, title=quiz.title,
        description_html=markdown_to_html(quiz.description) if quiz.description else "",
        pass_mark=quiz.pass_mark, max_attempts=quiz.max_attempts,
        question_count=asked_count(quiz), max_score=most_points(quiz))


_REFUSALS = {"option": wording.NOT_AN_OPTION, "number": wording.NOT_A_NUMBER,
             "match": wording.MATCH_EVERY_ITEM, "text": wording.TEXT_TOO_LONG}
_BLANK = {"number": wording.NOT_A_NUMBER, "text": wording.TYPE_FIRST}
"""What a blank answer is told: a box to type in is not a choice to make."""


def _decode(question: Question, response: JSON) -> Any:
    """The response as the store keeps it; a blank or foreign answer is refused."""
    kind = get_type(question)
    if response is None or response == [] or response == {} or (
            isinstance(response, str) and not response.strip()):
        raise AssessmentError(_BLANK.get(kind.refusal, wording.CHOOSE_FIRST))
    accepted = kind.accept(question, response)
    if accepted is None or not kind.valid(question, accepted):
        raise AssessmentError(_REFUSALS.get(kind.refusal, wording.NOT_AN_OPTION))
    return kind.encode(question, accepted)


@dataclass(frozen=True)
class StoreOpener:
    """A store that could not be opened when the kernel started, for a fault that may
    clear (locked, its server down or restarting, its folder not there yet): answers wait
    in its outbox, and the store is opened again before each write and by the
    background retry, until it opens or turns out to be unusable for good."""

    url: str

    @property
    def display_url(self) -> str:
        return shown_url(self.url)

    def open(self) -> ProgressStore:
        return ProgressStore(self.url, retry_budget=FOREGROUND_BUDGET_SECONDS)


@dataclass
class _Round:
    """One attempt being answered: in memory until its first answer is stored."""

    quiz: Quiz
    """The attempt's quiz: for a quiz with pools, only the drawn questions."""
    order: list[str]
    attempt: int | None = None
    draw_seed: int | None = None
    drawn: tuple[str, ...] | None = None
    """The drawn question ids (a quiz with pools), stored with the attempt; None: all."""
    grades: dict[str, Grade] = field(default_factory=dict)
    last_check: float = field(default_factory=time.monotonic)
    finished: bool = False
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Names the attempt in the outbox before the store has given it a number."""


class LocalAssessment:
    """In-kernel grading with the progress store (or practice mode without one)."""

    def __init__(self, store: ProgressStore | None = None, *, learner_id: str | None = None,
                 not_saved_reason: str | None = None,
                 references: Mapping[str, Reference] | None = None,
                 outbox: Outbox | None = None, reopen: StoreOpener | None = None,
                 owns_store: bool = False) -> None:
        """``outbox``: where graded answers wait for the store (default: one file per store
        and learner in the learner's data folder, or $KETATRAINING_OUTBOX_DIR).
        ``reopen`` (without ``store``): a store that could not be opened yet, with
        ``not_saved_reason`` saying why; it is opened as soon as it can be.
        ``owns_store``: :meth:`close` closes ``store`` too (it was opened for this object);
        a store opened from ``reopen`` is always closed by :meth:`close`."""
        self._owns_store = owns_store or reopen is not None
        self._clock: Callable[[], datetime] = utcnow
        self._store = store
        self._learner = learner_id or current_learner()
        self._references = references
        self._quizzes: dict[str, Quiz] = {}
        self._rounds: dict[str, _Round] = {}
        self._save = SaveStatus(SaveState.SAVED)
        self._lock = threading.RLock()
        self._listeners: list[Callable[[SaveStatus], None]] = []
        self._retrying: threading.Thread | None = None
        self._closed = threading.Event()
        self._outbox: Outbox | None = None
        self._pending_count = 0
        self._opener: StoreOpener | None = None
        if store is None and reopen is not None:
            self._opener = reopen
            self._save = SaveStatus(SaveState.PENDING, wording.WAITING.format(
                reason=_reason(not_saved_reason or "it cannot be opened yet")))
            self._use_outbox(outbox or Outbox(outbox_path(reopen.display_url, self._learner)))
            if self._outbox is None:  # nowhere to keep answers: practice, as before
                self._opener = None
                self._practice(not_saved_reason or "it cannot be opened yet")
            return
        if store is None:
            self._store = None
            self._save = SaveStatus(SaveState.OFF, wording.NOT_SAVED.format(
                reason=not_saved_reason) if not_saved_reason else wording.PRACTICE)
            return
        if store.retry_budget is None:
            store.retry_budget = FOREGROUND_BUDGET_SECONDS
        self._use_outbox(outbox or Outbox(outbox_path(store.display_url, self._learner)))

    def _use_outbox(self, outbox: Outbox) -> None:
        self._outbox = outbox
        try:
            if outbox.items() or self._opener is not None:
                # left by a kernel that was killed or lost its store; or a store to open
                self._retry_in_background()
        except OSError as error:
            _log.warning("outbox %s cannot be used: %s", outbox.path, error)
            self._outbox = None

    def _connect(self) -> StoreError | None:
        """Open a store that could not be opened before; the error while it still cannot
        be (a lasting one switches to practice, as for an open store)."""
        if self._store is not None or self._opener is None:
            return None
        try:
            store = self._opener.open()
        except StoreError as error:
            if not error.temporary:
                self._opener = None
                self._practice(str(error))
            return error
        self._opener = None
        self._store = store
        return None

    def _saving(self) -> bool:
        """Whether answers are being saved: to an open store, or waiting for one."""
        return self._store is not None or self._opener is not None

    # -- set-up ---------------------------------------------------------------------
    @property
    def learner_id(self) -> str:
        return self._learner

    def add_quiz(self, quiz: Quiz) -> str:
        """Make an already loaded quiz available by its id (tests, trainer previews)."""
        self._quizzes[quiz.id] = quiz
        return quiz.id

    def as_synthetic(self, learner_id: str,
                     clock: Callable[[], datetime]) -> LocalAssessment:
        """``SyntheticCohorts``: the same store and quizzes for a synthetic learner whose
        records carry ``clock()``'s times (``demo-data``). Its answers are written
        straight to the store (no outbox file for a synthetic learner)."""
        if not learner_id.startswith(SYNTHETIC_PREFIX):
            msg = f"A synthetic learner's id starts with '{SYNTHETIC_PREFIX}' ({learner_id})."
            raise AssessmentError(msg)
        if self._store is None:
            msg = "Synthetic learners need a progress store; this assessment has none."
            raise AssessmentError(msg)
        synthetic = LocalAssessment(self._store, learner_id=learner_id,
                                    references=self._references)
        synthetic._outbox = None
        synthetic._clock = clock
        synthetic._quizzes = self._quizzes
        return synthetic

    def _quiz(self, name: str) -> Quiz:
        if name in self._quizzes:
            return self._quizzes[name]
        from ketatraining.quiz.loading import load_quiz

        try:
            quiz = load_quiz(name)
        except QuizError as error:
            problems = [p.format() for p in getattr(error, "problems", [])
                        if p.severity == "error"]
            details = tuple(problems[:10]) or (str(error),)
            raise AssessmentError(wording.QUIZ_LOAD_FAILED, details) from error
        self._quizzes[name] = self._quizzes[quiz.id] = quiz
        return quiz

    def _refs(self) -> Mapping[str, Reference]:
        if self._references is None:
            from ketatraining.quiz.loading import load_references

            try:
                self._references = load_references()
            except QuizError:
                self._references = {}
        return self._references

    def _practice(self, reason: str) -> None:
        if getattr(self, "_owns_store", False) and self._store is not None:
            self._store.close()  # not left for the garbage collector (an open connection)
        self._store = None
        self._save = SaveStatus(SaveState.OFF, wording.NOT_SAVED.format(reason=reason))

    def _round(self, quiz_id: str, attempt_id: str | None) -> _Round:
        current = self._rounds.get(self._quiz(quiz_id).id)
        if current is None or current.finished or (
                attempt_id is not None and str(current.attempt) != attempt_id):
            raise AssessmentError(wording.NOT_OPEN)
        return current

    # -- the seam ---------------------------------------------------------------------
    def quiz_view(self, quiz_id: str) -> QuizView:
        return quiz_view_of(self._quiz(quiz_id))

    def _stored_attempts(self, quiz_id: str) -> list[Any]:
        if self._store is None:
            return []
        try:
            return self._store.attempts(self._learner, quiz_id)
        except StoreError as error:
            if error.temporary and self._outbox is not None:
                self._set_status(self._pending_status(str(error), 0))
            else:
                self._practice(str(error))
            return []

    def start(self, quiz_id: str, *, seed: int | None = None) -> AttemptState:
        quiz = self._quiz(quiz_id)
        view = self.quiz_view(quiz_id)
        if self._saving() and self._outbox is not None:
            with self._lock:
                self._set_status(self._status(self._flush()))
        attempts = self._stored_attempts(quiz.id)
        used = len(attempts)
        resumed = self._open_round(quiz, attempts)
        if resumed is None and quiz.max_attempts is not None and self._store is not None \
                and used >= quiz.max_attempts:
            self._rounds.pop(quiz.id, None)
            return AttemptState(quiz=view, attempt_id=None, questions=(), attempts_used=used,
                                blocked=wording.NO_MORE_ATTEMPTS.format(limit=quiz.max_attempts),
                                save=self._save)
        rng = random.Random(seed)
        if resumed is None:
            current = _Round(quiz=quiz, order=[])
            answered: list[Checked] = []
            if quiz.pools:  # a new draw; stored with the attempt's first answer
                current.draw_seed = seed if seed is not None else new_seed()
                current.drawn = draw_ids(quiz, current.draw_seed)
        else:
            current, answered = resumed
        current.quiz = asked_quiz(quiz, current.drawn)
        views = question_views(current.quiz, rng)
        current.order = [v.id for v in views]
        self._rounds[quiz.id] = current
        return AttemptState(
            quiz=quiz_view_of(current.quiz),
            attempt_id=None if current.attempt is None else str(current.attempt),
            questions=views, answered=tuple(answered), attempts_used=used,
            save=self._save, drawn=current.drawn or (), draw_seed=current.draw_seed)

    def _open_round(self, quiz: Quiz, attempts: list[Any]) -> tuple[_Round, list[Checked]] | None:
        """The attempt a killed kernel left open, with its answers, to resume.

        It is the newest unfinished attempt in the store, or one the outbox still holds
        (its answers not yet written); an attempt whose finish is pending stays closed.
        """
        pending = self._outbox.items() if self._outbox is not None else []
        pending = [p for p in pending if p.quiz_id == quiz.id and p.learner_id == self._learner]
        finished_rounds = {p.round for p in pending if p.kind == "finish"}
        finished_numbers = {p.attempt for p in pending if p.kind == "finish"}
        current: _Round | None = None
        open_rounds = [p.round for p in pending if p.round not in finished_rounds]
        if open_rounds:
            key = open_rounds[-1]
            number = next((p.attempt for p in pending if p.round == key and p.attempt), None)
            current = _Round(quiz=quiz, order=[], attempt=number, key=key)
            draw = next((p.draw() for p in pending if p.round == key and p.draw()), {})
            stored = [a for a in attempts if number is not None and a.attempt == number]
            if not draw and stored and stored[0].drawn is not None:
                draw = {"draw_seed": stored[0].draw_seed, "drawn": stored[0].drawn}
            if draw:
                current.draw_seed, current.drawn = draw["draw_seed"], tuple(draw["drawn"])
        else:
            unfinished = [a for a in attempts
                          if a.finished_at is None and a.attempt not in finished_numbers]
            if unfinished:
                current = _Round(quiz=quiz, order=[], attempt=unfinished[-1].attempt,
                                 draw_seed=unfinished[-1].draw_seed,
                                 drawn=unfinished[-1].drawn)
        if current is None:
            return None
        if quiz.pools and current.drawn is None:  # opened before the quiz had pools
            # The same draw on every resume, and the one the course server gives this
            # attempt (seed_for its number); an attempt only the outbox holds yet is named
            # by its round, and its attempt is opened with this draw (see _flush).
            current.draw_seed = seed_for(self._learner, quiz.id, current.attempt
                                         if current.attempt is not None else current.key)
            current.drawn = draw_ids(quiz, current.draw_seed)
            self._store_late_draw(quiz, current)
        responses: dict[str, tuple[Any, SaveStatus]] = {}
        if current.attempt is not None and self._store is not None:
            try:
                for saved in self._store.responses(self._learner, quiz.id):
                    if saved.attempt == current.attempt:
                        responses.setdefault(saved.question_id, (
                            saved.response, SaveStatus(SaveState.SAVED, wording.SAVED)))
            except StoreError:
                pass  # the answers in the outbox are still shown
        for item in pending:
            if item.kind == "answer" and (item.round == current.key or (
                    current.attempt is not None and item.attempt == current.attempt)):
                responses.setdefault(item.data["question_id"], (
                    item.data["response"], self._save))
        answered = []
        for question_id, (response, save) in responses.items():
            try:
                question = quiz.question(question_id)
            except KeyError:
                continue  # the quiz changed since: that question is gone
            result = grade(question, response)
            current.grades[question_id] = result
            answered.append(self._checked(question, response, result, save, current))
        return current, answered

    def _store_late_draw(self, quiz: Quiz, current: _Round) -> None:
        """Keep the draw just made for a stored attempt that had none, so the results,
        stats, regrade and the completion record see the questions it asks (and its
        percent their points). If the store cannot take it now, the draw is the same
        next time (seed_for) and is stored then."""
        if current.attempt is None or current.drawn is None or current.draw_seed is None \
                or self._store is None:
            return
        try:
            self._store.record_draw(self._learner, quiz.id, current.attempt,
                                    draw_seed=current.draw_seed, drawn=current.drawn,
                                    max_score=asked_quiz(quiz, current.drawn).max_score)
        except StoreError as error:
            _log.info("draw of attempt %s not stored yet: %s", current.attempt, error)

    def _checked(self, question: Question, value: Any, result: Grade, save: SaveStatus,
                 current: _Round) -> Checked:
        kind, _ = verdict(result)
        return Checked(
            question_id=question.id, response=value,
            score=result.score, max_score=result.max_score, verdict=kind,
            feedback_html=feedback_html(question, result, value),
            explanation_html=explanation_html(question, self._refs()), save=save,
            attempt_id=None if current.attempt is None else str(current.attempt))

    def submit(self, quiz_id: str, attempt_id: str | None, question_id: str,
               response: JSON, *, seconds: float | None = None) -> Checked:
        current = self._round(quiz_id, attempt_id)
        quiz = current.quiz
        if question_id not in current.order:
            msg = f"This quiz has no question '{question_id}'."
            raise AssessmentError(msg)
        if question_id in current.grades:
            raise AssessmentError(wording.ALREADY_CHECKED)
        question = quiz.question(question_id)
        value = _decode(question, response)
        result = grade(question, value)
        now = time.monotonic()
        spent = seconds if seconds is not None and seconds >= 0 else now - current.last_check
        current.last_check = now
        save = self._store_answer(current, question_id, value, result, spent)
        current.grades[question_id] = result
        return self._checked(question, value, result, save, current)

    def _store_answer(self, current: _Round, question_id: str, value: Any, result: Grade,
                      seconds: float) -> SaveStatus:
        if not self._saving():
            return self._save
        quiz = current.quiz
        submission = Submission(
            submission_id=new_submission_id(), learner_id=self._learner, quiz_id=quiz.id,
            question_id=question_id, attempt=current.attempt or 0, response=value,
            score=result.score, max_score=result.max_score, correct=result.correct,
            duration_seconds=round(seconds, 3), submitted_at=self._clock(),
            question_hash=grading_hash(quiz.question(question_id)))
        item = answer_item(submission, round_key=current.key, attempt=current.attempt,
                           max_score=quiz.max_score, pass_mark=quiz.pass_mark,
                           draw_seed=current.draw_seed,
                           drawn=None if current.drawn is None else list(current.drawn))
        return self._write(item, current)

    def _write(self, item: Pending, current: _Round) -> SaveStatus:
        """Keep ``item`` in the outbox, then write everything pending; this item's state."""
        with self._lock:
            if not self._keep(item):
                return self._write_directly(item, current)
            error = self._flush()
            status = self._status(error)
            self._set_status(status)
        if status.state is SaveState.SAVED:
            return SaveStatus(SaveState.SAVED, wording.SAVED)
        if status.state is SaveState.OFF and error is not None:
            return SaveStatus(SaveState.OFF, wording.SAVE_FAILED.format(reason=str(error))
                              + wording.KEPT)
        return status

    def _keep(self, item: Pending) -> bool:
        if self._outbox is None:
            return False
        try:
            self._outbox.add(item)
        except OSError as error:  # e.g. the data folder's disk is full too
            _log.warning("outbox %s cannot be written: %s", self._outbox.path, error)
            return False
        return True

    def _write_directly(self, item: Pending, current: _Round) -> SaveStatus:
        """Without an outbox: the store's answer is the only one (saved, or not saved)."""
        if self._store is None:  # still waiting for it, and the outbox cannot be written
            return SaveStatus(SaveState.OFF, wording.SAVE_FAILED.format(
                reason=_reason(self._save.message)))
        try:
            if current.attempt is None:
                current.attempt = self._store.start_attempt(
                    self._learner, item.quiz_id, max_score=item.max_score,
                    pass_mark=item.pass_mark, started_at=self._started(item), **item.draw())
            self._apply(item, current.attempt)
        except StoreError as error:
            self._practice(str(error))
            return SaveStatus(SaveState.OFF, wording.SAVE_FAILED.format(reason=str(error)))
        self._save = SaveStatus(SaveState.SAVED, wording.SAVED)
        return self._save

    def _started(self, item: Pending) -> datetime | None:
        """When a synthetic learner's attempt began: before its first answer's time."""
        if self._clock is utcnow or item.kind != "answer":
            return None
        answered = datetime.fromisoformat(str(item.data["submitted_at"]))
        return answered - timedelta(seconds=float(item.data.get("duration_seconds") or 0))

    def _apply(self, item: Pending, attempt: int) -> None:
        assert self._store is not None
        if item.kind == "answer":
            self._store.record(Pending(**{**_fields(item), "attempt": attempt}).submission())
            return
        data = item.data
        self._store.finish_attempt(
            item.learner_id, item.quiz_id, attempt, score=float(data["score"]),
            passed=bool(data["passed"]), finished_at=datetime.fromisoformat(data["finished_at"]),
            started_at=datetime.fromisoformat(data["started_at"]) if data["started_at"] else None)

    # -- the outbox: write what is pending, retry in the background ---------------------
    def _flush(self) -> StoreError | None:
        """Write every pending item, oldest first; the error that stopped it, if any."""
        if self._outbox is None:
            return None
        waiting = self._connect()
        if self._store is None:
            with contextlib.suppress(OSError):
                self._pending_count = len(self._outbox.items())
            return waiting
        done: set[str] = set()
        attempts: dict[str, int] = {}
        error: StoreError | None = None
        try:
            items = self._outbox.items()
            draws = self._round_draws(items)
            for item in items:
                number = item.attempt or attempts.get(item.round)
                if number is None:
                    opened = {"max_score": item.max_score, **draws.get(item.round, {})}
                    number = self._store.start_attempt(
                        item.learner_id, item.quiz_id, pass_mark=item.pass_mark, **opened)
                    attempts[item.round] = number
                    self._outbox.update(done, attempts)  # never open a round's attempt twice
                    done = set()
                self._apply(item, number)
                done.add(item.id)
        except StoreError as caught:
            error = caught
        except OSError as caught:  # the outbox file itself: keep what the store has
            _log.warning("outbox %s: %s", self._outbox.path, caught)
        finally:
            try:
                left = self._outbox.update(done, attempts)
            except OSError:
                left = []
            self._pending_count = len(left)
            for current in self._rounds.values():
                if current.attempt is None and current.key in attempts:
                    current.attempt = attempts[current.key]
        if error is not None and not error.temporary:
            self._practice(str(error))
        return error

    def _round_draws(self, items: list[Pending]) -> dict[str, dict[str, Any]]:
        """The draw (and maximum score) each round's attempt is opened with: the first
        draw its items carry. A round whose first answer came before its quiz had pools
        carries none in that answer; a later one, or the round resumed in this kernel,
        has the draw shown."""
        draws = {c.key: {"draw_seed": c.draw_seed, "drawn": list(c.drawn),
                         "max_score": c.quiz.max_score}
                 for c in self._rounds.values() if c.attempt is None and c.drawn is not None}
        for item in items:
            if item.draw():
                draws.setdefault(item.round, {**item.draw(), "max_score": item.max_score})
        return draws

    def _status(self, error: StoreError | None) -> SaveStatus:
        """The state after a flush: saved, pending (retrying) or off."""
        count = self._pending_count
        if not self._saving():
            return self._save  # practice: _practice() said why
        if self._store is None:  # still waiting for the store to open
            self._retry_in_background()
            reason = str(error) if error is not None else "it cannot be opened yet"
            if count == 0:
                return SaveStatus(SaveState.PENDING, wording.WAITING.format(
                    reason=_reason(reason)))
            return self._pending_status(reason, count)
        if count == 0:
            return SaveStatus(SaveState.SAVED, wording.ALL_SAVED)
        self._retry_in_background()
        reason = str(error) if error is not None else "it is busy"
        return self._pending_status(reason, count)

    def _pending_status(self, reason: str, count: int) -> SaveStatus:
        answers = "your answer is" if count <= 1 else f"{count} answers are"
        return SaveStatus(SaveState.PENDING, wording.PENDING.format(
            count=answers, reason=_reason(reason)))

    def _set_status(self, status: SaveStatus) -> None:
        changed = status != self._save
        self._save = status
        if changed:
            for listener in list(self._listeners):
                try:
                    listener(status)
                except Exception:  # noqa: BLE001 - a front-end's callback must not stop the retry
                    _log.exception("save-status listener failed")

    def _retry_in_background(self) -> None:
        if self._retrying is not None and self._retrying.is_alive():
            return
        self._retrying = threading.Thread(target=self._retry_loop, daemon=True,
                                          name="ketatraining-outbox")
        self._retrying.start()

    def _retry_loop(self) -> None:
        for attempt in range(10**9):
            if self._closed.wait(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]):
                return
            with self._lock:
                if not self._saving() or self._outbox is None:
                    return
                error = self._flush()
                count = self._pending_count
                if not self._saving() or (count == 0 and self._store is not None):
                    self._set_status(self._status(error))
                    return
                if self._store is None:  # not open yet
                    self._set_status(self._status(error))
                    continue
                reason = str(error) if error is not None else "it is busy"
                self._set_status(self._pending_status(reason, count))

    def on_save_status(self, callback: Callable[[SaveStatus], None]) -> None:
        """Call ``callback(status)`` whenever the save state changes (it may run on the
        background retry thread): e.g. "not saved yet" turning into "saved"."""
        self._listeners.append(callback)

    def close(self) -> None:
        """Stop the background retry (what is pending stays in the outbox for next time),
        and close the store if this object opened it."""
        self._closed.set()
        with self._lock:
            if self._owns_store and self._store is not None:
                self._store.close()

    def finish(self, quiz_id: str, attempt_id: str | None, *,
               seconds: float | None = None) -> Outcome:
        """Close the attempt; ``seconds`` is the front-end's time from first question shown."""
        current = self._round(quiz_id, attempt_id)
        quiz = current.quiz
        missing = [q for q in current.order if q not in current.grades]
        if missing:
            raise AssessmentError(wording.NOT_FINISHED.format(missing=len(missing)))
        result = self._regraded_total(current,
                                      score_quiz(quiz, [current.grades[q] for q in current.order]))
        current.finished = True
        if self._saving() and (current.attempt is not None or current.grades):
            finished = self._clock()
            started = finished - timedelta(seconds=seconds) if seconds else None
            item = finish_item(round_key=current.key, learner_id=self._learner,
                               quiz_id=quiz.id, attempt=current.attempt,
                               max_score=result.max_score, pass_mark=quiz.pass_mark,
                               score=result.score, passed=result.passed,
                               finished_at=finished, started_at=started)
            self._write(item, current)
        return Outcome(attempt_id=None if current.attempt is None else str(current.attempt),
                       score=result.score, max_score=result.max_score, percent=result.percent,
                       pass_mark=result.pass_mark, passed=result.passed, save=self._save)

    def _regraded_total(self, current: _Round, marked: AttemptScore) -> AttemptScore:
        """The total with the current score of each answer a trainer regraded while this
        attempt was open (``ketatraining regrade``): this kernel graded it with the key it
        loaded, the store holds the fixed mark, and results, the completion record and
        the course server all count the fixed one."""
        if current.attempt is None or self._store is None:
            return marked
        try:
            stored = [a for a in self._store.responses(self._learner, current.quiz.id)
                      if a.attempt == current.attempt and a.regraded]
        except StoreError:
            return marked  # the store is not there now: the kernel's own marks
        latest = {a.question_id: a for a in stored}  # the newest answer per question
        score, top = marked.score, marked.max_score
        for question_id, answer in latest.items():
            mine = current.grades.get(question_id)
            if mine is not None and question_id in current.order:
                score += answer.score - mine.score
                top += answer.max_score - mine.max_score
        return AttemptScore(score, top, marked.pass_mark)

    def save_status(self) -> SaveStatus:
        return self._save

    def my_results(self) -> list[QuizResult]:
        if self._store is None:
            return []
        try:
            return load_results(self._store, self._learner, quizzes=self._quizzes)
        except StoreError as error:
            raise AssessmentError(str(error)) from error


def open_assessment(*, store: ProgressStore | None = None,
                    learner_id: str | None = None) -> LocalAssessment:
    """The assessment a quiz widget uses: the default store, or practice mode with the reason.

    (The hub engineer's ``assessment.hub`` will be chosen here when a service is configured.)
    """
    reason = None
    reopen = None
    owned = store is None
    if store is None:
        from ketatraining.progress.store import default_url

        opener = StoreOpener(default_url())
        try:
            store = opener.open()
        except StoreError as error:
            reason = str(error)
            if error.temporary:  # locked, server down, folder not there yet: heal later
                reopen = opener
    return LocalAssessment(store, learner_id=learner_id, not_saved_reason=reason,
                           reopen=reopen, owns_store=owned)
