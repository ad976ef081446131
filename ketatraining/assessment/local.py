"""Grading in the learner's own kernel, answers kept in the :class:`ProgressStore`.

This is today's behaviour on a laptop, behind the :class:`Assessment` seam:

- the quiz (with its key) stays in this object; the front-end gets only
  :class:`QuestionView` (the public view) until an answer is checked;
- a new attempt is stored with its first answer, so opening a page never uses one up;
- :meth:`LocalAssessment.submit` returns :class:`Checked` (with the feedback) only after
  the answer was committed, or says plainly that it was not saved;
- without a usable store it runs in practice mode (``SaveState.OFF`` and the reason):
  answers are graded and explained, nothing is recorded.
"""

from __future__ import annotations

import html
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ketatraining.assessment import wording
from ketatraining.assessment.feedback import explanation_html, feedback_html, verdict
from ketatraining.assessment.protocol import (
    JSON,
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
from ketatraining.progress.records import Submission, current_learner, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id
from ketatraining.progress.summary import QuizSummary, summarise
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.grading import Grade, grade, score_quiz
from ketatraining.quiz.model import Question, Quiz
from ketatraining.text import markdown_to_html, plain_text

__all__ = ["LocalAssessment", "open_assessment", "public_data", "question_label"]

_LABEL_LIMIT = 200


def question_label(question: Question, number: int, total: int) -> str:
    """Short plain text naming a question for assistive technology ("Question 2 of 4: ...").

    For a long case vignette only the sentence that asks is kept, so the name stays short
    to listen to; the full prompt is still read as the group's content.
    """
    text = " ".join(html.unescape(plain_text(question.prompt)).split())
    if question.type != "true_false":
        asking = [s for s in re.split(r"(?<=[.?!])\s+", text) if s.endswith("?")]
        text = asking[-1] if asking else text
    if len(text) > _LABEL_LIMIT:
        text = text[: _LABEL_LIMIT - 1].rstrip() + "…"
    return f"Question {number} of {total}: {text}"


def public_data(question: Question, order: list[str] | None = None) -> dict[str, Any]:
    """The type's public fields (what ``QuestionView.data`` holds): never a key.

    ``order`` is this attempt's display order of options (or steps).
    """
    return _public_data_fallback(question, order)


def _public_data_fallback(question: Question, order: list[str] | None) -> dict[str, Any]:
    kind = question.type
    if kind in ("single_choice", "multiple_choice"):
        by_id = {o.id: o for o in question.options}  # type: ignore[union-attr]
        ids = order or list(by_id)
        return {"options": [{"id": i, "html": markdown_to_html(by_id[i].text, inline=True)}
                            for i in ids]}
    if kind == "true_false":
        return {"options": [{"id": "true", "html": "True"}, {"id": "false", "html": "False"}]}
    if kind == "numeric":
        return {"units": question.units}  # type: ignore[union-attr]
    msg = f"no public view for question type '{kind}'"
    raise AssessmentError(msg)


def _shuffled_ids(question: Question, rng: random.Random, shuffle: bool) -> list[str] | None:
    options = getattr(question, "options", None)
    if options is None:
        return None
    ids = [o.id for o in options]
    if shuffle:
        rng.shuffle(ids)
    return ids


def _decode(question: Question, response: JSON) -> Any:
    """The response as the grader takes it; a blank or foreign answer is refused."""
    kind = question.type
    if response is None or response == "" or response == []:
        raise AssessmentError(wording.CHOOSE_FIRST)
    if kind == "single_choice":
        if not isinstance(response, str) or response not in {o.id for o in question.options}:  # type: ignore[union-attr]
            raise AssessmentError(wording.NOT_AN_OPTION)
        return response
    if kind == "multiple_choice":
        ids = {o.id for o in question.options}  # type: ignore[union-attr]
        if not isinstance(response, list) or not all(isinstance(r, str) and r in ids
                                                     for r in response):
            raise AssessmentError(wording.NOT_AN_OPTION)
        return sorted(set(response), key=[o.id for o in question.options].index)  # type: ignore[union-attr]
    if kind == "true_false":
        if isinstance(response, str) and response in ("true", "false"):
            return response == "true"
        if not isinstance(response, bool):
            raise AssessmentError(wording.NOT_AN_OPTION)
        return response
    if kind == "numeric":
        if isinstance(response, bool) or not isinstance(response, (int, float)):
            raise AssessmentError(wording.NOT_A_NUMBER)
        return float(response)
    return response


@dataclass
class _Round:
    """One attempt being answered: in memory until its first answer is stored."""

    quiz: Quiz
    order: list[str]
    attempt: int | None = None
    grades: dict[str, Grade] = field(default_factory=dict)
    last_check: float = field(default_factory=time.monotonic)
    finished: bool = False


class LocalAssessment:
    """In-kernel grading with the progress store (or practice mode without one)."""

    def __init__(self, store: ProgressStore | None = None, *, learner_id: str | None = None,
                 not_saved_reason: str | None = None,
                 references: Mapping[str, Reference] | None = None) -> None:
        self._store = store
        self._learner = learner_id or current_learner()
        self._references = references
        self._quizzes: dict[str, Quiz] = {}
        self._rounds: dict[str, _Round] = {}
        self._save = SaveStatus(SaveState.SAVED)
        if store is None:
            self._store = None
            self._save = SaveStatus(SaveState.OFF, wording.NOT_SAVED.format(
                reason=not_saved_reason) if not_saved_reason else wording.PRACTICE)

    # -- set-up ---------------------------------------------------------------------
    @property
    def learner_id(self) -> str:
        return self._learner

    def add_quiz(self, quiz: Quiz) -> str:
        """Make an already loaded quiz available by its id (tests, trainer previews)."""
        self._quizzes[quiz.id] = quiz
        return quiz.id

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
        quiz = self._quiz(quiz_id)
        return QuizView(
            id=quiz.id, title=quiz.title,
            description_html=markdown_to_html(quiz.description) if quiz.description else "",
            pass_mark=quiz.pass_mark, max_attempts=quiz.max_attempts,
            question_count=len(quiz.questions), max_score=quiz.max_score)

    def _attempts_used(self, quiz_id: str) -> int:
        if self._store is None:
            return 0
        try:
            return len(self._store.attempts(self._learner, quiz_id))
        except StoreError as error:
            self._practice(str(error))
            return 0

    def start(self, quiz_id: str, *, seed: int | None = None) -> AttemptState:
        quiz = self._quiz(quiz_id)
        view = self.quiz_view(quiz_id)
        used = self._attempts_used(quiz.id)
        if quiz.max_attempts is not None and self._store is not None \
                and used >= quiz.max_attempts:
            self._rounds.pop(quiz.id, None)
            return AttemptState(quiz=view, attempt_id=None, questions=(), attempts_used=used,
                                blocked=wording.NO_MORE_ATTEMPTS.format(limit=quiz.max_attempts),
                                save=self._save)
        rng = random.Random(seed)
        questions = list(quiz.questions)
        if quiz.shuffle:
            rng.shuffle(questions)
        views = []
        for number, question in enumerate(questions, start=1):
            views.append(QuestionView(
                id=question.id, type=question.type, number=number,
                prompt_html=markdown_to_html(question.prompt),
                label=question_label(question, number, len(questions)),
                points=question.points,
                data=public_data(question, _shuffled_ids(question, rng, quiz.shuffle))))
        self._rounds[quiz.id] = _Round(quiz=quiz, order=[q.id for q in questions])
        return AttemptState(quiz=view, attempt_id=None, questions=tuple(views),
                            attempts_used=used, save=self._save)

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
        kind, _ = verdict(result)
        return Checked(
            question_id=question_id, response=value,
            score=result.score, max_score=result.max_score, verdict=kind,
            feedback_html=feedback_html(question, result, value),
            explanation_html=explanation_html(question, self._refs()), save=save,
            attempt_id=None if current.attempt is None else str(current.attempt))

    def _store_answer(self, current: _Round, question_id: str, value: Any, result: Grade,
                      seconds: float) -> SaveStatus:
        if self._store is None:
            return self._save
        quiz = current.quiz
        try:
            if current.attempt is None:
                current.attempt = self._store.start_attempt(
                    self._learner, quiz.id, max_score=quiz.max_score, pass_mark=quiz.pass_mark)
            self._store.record(Submission(
                submission_id=new_submission_id(), learner_id=self._learner, quiz_id=quiz.id,
                question_id=question_id, attempt=current.attempt, response=value,
                score=result.score, max_score=result.max_score, correct=result.correct,
                duration_seconds=round(seconds, 3), submitted_at=utcnow()))
        except StoreError as error:
            self._practice(str(error))
            return SaveStatus(SaveState.OFF, wording.SAVE_FAILED.format(reason=str(error)))
        self._save = SaveStatus(SaveState.SAVED, wording.SAVED)
        return self._save

    def finish(self, quiz_id: str, attempt_id: str | None, *,
               seconds: float | None = None) -> Outcome:
        """Close the attempt; ``seconds`` is the front-end's time from first question shown."""
        current = self._round(quiz_id, attempt_id)
        quiz = current.quiz
        missing = [q for q in current.order if q not in current.grades]
        if missing:
            raise AssessmentError(wording.NOT_FINISHED.format(missing=len(missing)))
        result = score_quiz(quiz, [current.grades[q] for q in current.order])
        current.finished = True
        if self._store is not None and current.attempt is not None:
            finished = utcnow()
            started = finished - timedelta(seconds=seconds) if seconds else None
            try:
                self._store.finish_attempt(self._learner, quiz.id, current.attempt,
                                           score=result.score, passed=result.passed,
                                           finished_at=finished, started_at=started)
            except StoreError as error:
                self._practice(str(error))
        return Outcome(attempt_id=None if current.attempt is None else str(current.attempt),
                       score=result.score, max_score=result.max_score, percent=result.percent,
                       pass_mark=result.pass_mark, passed=result.passed, save=self._save)

    def save_status(self) -> SaveStatus:
        return self._save

    def my_results(self) -> list[QuizSummary]:
        if self._store is None:
            return []
        titles = {q.id: (q.title, q.topic) for q in self._quizzes.values()}
        try:
            return summarise(self._store.attempts(self._learner), titles)
        except StoreError as error:
            raise AssessmentError(str(error)) from error


def open_assessment(*, store: ProgressStore | None = None,
                    learner_id: str | None = None) -> LocalAssessment:
    """The assessment a quiz widget uses: the default store, or practice mode with the reason.

    (The hub engineer's ``assessment.hub`` will be chosen here when a service is configured.)
    """
    reason = None
    if store is None:
        from ketatraining.progress.store import open_store

        try:
            store = open_store()
        except StoreError as error:
            reason = str(error)
    return LocalAssessment(store, learner_id=learner_id, not_saved_reason=reason)
