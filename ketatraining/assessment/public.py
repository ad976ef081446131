"""The course server's use of the local implementation's pure core.

The service grades, labels and explains with exactly the functions ``LocalAssessment``
uses (``local.question_label``, ``local.public_data``, ``local._decode``,
``feedback.feedback_html``/``explanation_html``/``verdict``, ``quiz.grading.grade``), so
a quiz looks, grades and explains the same in a learner's kernel and on the hub. What
this module adds is what a stateless server needs: a shuffle that any replica can
rebuild from the learner, quiz and attempt number. Nothing returned by
:func:`quiz_view` or :func:`question_views` carries a key, feedback or explanation;
:func:`checked` builds the graded answer only once the caller has stored it.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping
from typing import Any

from ketatraining.assessment.feedback import explanation_html, feedback_html, verdict
from ketatraining.assessment.local import _decode, quiz_view_of
from ketatraining.assessment.local import question_views as local_question_views
from ketatraining.assessment.protocol import (
    JSON,
    Checked,
    QuestionView,
    QuizView,
    SaveStatus,
)
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.grading import Grade, grade
from ketatraining.quiz.model import Question, Quiz


def quiz_view(quiz: Quiz) -> QuizView:
    """Title, pass mark and attempts: what a learner is told before starting."""
    return quiz_view_of(quiz)


def attempt_rng(learner_id: str, quiz_id: str, attempt: int) -> random.Random:
    """The same shuffle for the same learner's attempt on every replica and after restarts."""
    key = f"{learner_id}\x1f{quiz_id}\x1f{attempt}".encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


def question_views(quiz: Quiz, rng: random.Random | None = None) -> tuple[QuestionView, ...]:
    """The public questions in display order, built as ``LocalAssessment.start`` does
    (``quiz``: the attempt's quiz, i.e. only its drawn questions for a quiz with pools)."""
    return local_question_views(quiz, rng or random.Random(0))


def decode(question: Question, response: JSON) -> Any:
    """The response as the grader takes it; blank or foreign answers are refused (a
    sentence), exactly as in the learner's kernel."""
    return _decode(question, response)


def grade_response(question: Question, value: Any) -> Grade:
    return grade(question, value)


class Rendered:
    """Feedback and explanation HTML, rendered once per question and answer.

    Markdown rendering is most of a request's work on the server; the same question and
    answer always render the same HTML, so a bounded cache serves repeats.
    """

    def __init__(self, references: Mapping[str, Reference], size: int = 20_000) -> None:
        self.references, self.size = references, size
        self._explanations: dict[int, str] = {}
        self._feedback: dict[tuple[int, str, float], str] = {}

    def explanation(self, question: Question) -> str:
        key = id(question)
        if key not in self._explanations:
            self._explanations[key] = explanation_html(question, self.references)
        return self._explanations[key]

    def feedback(self, question: Question, result: Grade, value: Any) -> str:
        key = (id(question), json.dumps(value, sort_keys=True), result.score)
        text = self._feedback.get(key)
        if text is None:
            if len(self._feedback) >= self.size:
                self._feedback.clear()
            text = self._feedback[key] = feedback_html(question, result, value)
        return text


def checked(question: Question, value: Any, result: Grade, save: SaveStatus,
            attempt_id: str | None, rendered: Rendered) -> Checked:
    """The graded answer with its feedback: call only after the answer is stored."""
    kind, _ = verdict(result)
    return Checked(
        question_id=question.id, response=value, score=result.score,
        max_score=result.max_score, verdict=kind,
        feedback_html=rendered.feedback(question, result, value),
        explanation_html=rendered.explanation(question), save=save,
        attempt_id=attempt_id)
