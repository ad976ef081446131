"""From a keyed quiz to what may cross the seam: public views before, grades after.

Pure functions of the quiz model and the grading rules, shared by every implementation
of the seam (the service grades with exactly these), so that a quiz looks and grades the
same in a learner's kernel and on the hub. Nothing returned by :func:`quiz_view` or
:func:`question_views` carries a key, feedback or explanation; :func:`checked` builds
the graded answer only once the caller has stored it.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from ketatraining.assessment.protocol import (
    JSON,
    Checked,
    QuestionView,
    QuizView,
    SaveStatus,
)
from ketatraining.quiz.grading import Grade, grade
from ketatraining.quiz.model import MultipleChoice, Numeric, Question, Quiz, SingleChoice, TrueFalse
from ketatraining.text import markdown_to_html, plain_text

TRUE_FALSE_OPTIONS = [{"id": "true", "html": "True"}, {"id": "false", "html": "False"}]


def quiz_view(quiz: Quiz) -> QuizView:
    """Title, pass mark and attempts: what a learner is told before starting."""
    return QuizView(
        id=quiz.id, title=quiz.title,
        description_html=markdown_to_html(quiz.description) if quiz.description else "",
        pass_mark=quiz.pass_mark, max_attempts=quiz.max_attempts,
        question_count=len(quiz.questions), max_score=quiz.max_score)


def attempt_rng(learner_id: str, quiz_id: str, attempt: int, seed: int | None = None) -> random.Random:
    """The same shuffle for the same learner's attempt on every replica and after restarts."""
    key = f"{learner_id}\x1f{quiz_id}\x1f{attempt}\x1f{seed}".encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


def _public_data(question: Question, rng: random.Random | None) -> dict[str, Any]:
    if isinstance(question, (SingleChoice, MultipleChoice)):
        options = [{"id": o.id, "html": markdown_to_html(o.text, inline=True)}
                   for o in question.options]
        if rng is not None:
            rng.shuffle(options)
        return {"options": options}
    if isinstance(question, TrueFalse):
        return {"options": [dict(o) for o in TRUE_FALSE_OPTIONS]}
    if isinstance(question, Numeric):
        return {"units": question.units}
    return {}


def question_views(quiz: Quiz, rng: random.Random | None = None) -> tuple[QuestionView, ...]:
    """The public questions in display order (shuffled with ``rng`` when the quiz says so)."""
    questions = list(quiz.questions)
    shuffle = rng if quiz.shuffle else None
    if shuffle is not None:
        shuffle.shuffle(questions)
    return tuple(
        QuestionView(id=q.id, type=q.type, number=n,
                     prompt_html=markdown_to_html(q.prompt), label=_label(n, q),
                     points=q.points, data=_public_data(q, shuffle))
        for n, q in enumerate(questions, start=1))


def _label(number: int, question: Question) -> str:
    text = plain_text(question.prompt)
    short = text if len(text) <= 80 else text[:77].rstrip() + "..."
    return f"Question {number}: {short}"


def verdict(result: Grade) -> str:
    if result.correct:
        return "correct"
    return "partly" if result.score > 0 else "incorrect"


def checked(question: Question, response: JSON, result: Grade, save: SaveStatus,
            attempt_id: str | None) -> Checked:
    """The graded answer with its feedback: call only after the answer is stored."""
    feedback = "".join(
        f'<p data-option="{option}">{markdown_to_html(text, inline=True)}</p>'
        for option, text in result.feedback)
    return Checked(
        question_id=question.id, response=response, score=result.score,
        max_score=result.max_score, verdict=verdict(result), feedback_html=feedback,
        explanation_html=markdown_to_html(question.explanation), save=save,
        attempt_id=attempt_id)


def grade_response(question: Question, response: JSON) -> Grade:
    """The mark for a JSON response (malformed responses score 0, never raise)."""
    if isinstance(question, TrueFalse) and isinstance(response, str):
        response = {"true": True, "false": False}.get(response, response)
    return grade(question, response)
