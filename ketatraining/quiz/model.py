"""The quiz file format (schema version 1) as pydantic models.

These models are the single source of truth: the loader validates against them and
the JSON Schema shipped in ``ketatraining/schemas/`` is generated from them.
Structural rules (types, required and unknown keys) live in the models; rules that
relate several fields live in each question type's ``check`` (``quiz/types/``) and in
``validation.py``, so that every problem in a file can be reported at once. The
question models are defined one per module in ``quiz/types/`` and re-exported here.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ketatraining.quiz.types import (
    QUESTION_TYPES,
    AnyQuestion,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from ketatraining.quiz.types.base import ID_PATTERN, Id, QuestionBase, Strict, Text
from ketatraining.quiz.types.choice import Option
from ketatraining.quiz.types.numeric import NumericAlternative

__all__ = [
    "DIFFICULTIES",
    "ID_PATTERN",
    "KNOWN_TOPICS",
    "QUESTION_TYPES",
    "SCHEMA_VERSION",
    "AnyQuestion",
    "ChoiceQuestion",
    "Id",
    "Matching",
    "MultipleChoice",
    "Numeric",
    "NumericAlternative",
    "Option",
    "Ordering",
    "Pool",
    "Question",
    "QuestionBase",
    "Quiz",
    "ShortAnswer",
    "SingleChoice",
    "Strict",
    "Text",
    "TrueFalse",
]

SCHEMA_VERSION = 1
"""The quiz file format version this package reads and writes."""

KNOWN_TOPICS = (
    "mechanism",
    "benefits",
    "risks",
    "contraindications",
    "ptsd",
    "treatments",
    "assessment",
)
"""Topics the course uses; a trainer may also use a topic of their own."""

DIFFICULTIES = ("easy", "medium", "hard")
ChoiceQuestion = SingleChoice | MultipleChoice
_Strict = Strict  # the name catalog.py used before the types moved


class Pool(Strict):
    """Draw ``draw`` questions at random, per attempt, from the questions this pool names.

    Exactly one of ``tag``, ``objective`` or ``questions`` says which questions belong
    to it (validation checks this, and that the pool has at least ``draw`` questions).
    """

    tag: str | None = Field(default=None, description="Every question with this tag.")
    objective: str | None = Field(
        default=None, description="Every question assessing this objective.")
    questions: list[Id] | None = Field(default=None, description="These question ids.")
    draw: int = Field(description="How many of the pool's questions each attempt asks (>= 1).")

    def members(self, questions: list[Question]) -> list[str]:
        """The ids of the questions in this pool, in the quiz file's order."""
        if self.questions is not None:
            named = set(self.questions)
            return [q.id for q in questions if q.id in named]
        if self.tag is not None:
            return [q.id for q in questions if self.tag in q.tags]
        if self.objective is not None:
            return [q.id for q in questions if q.objective == self.objective]
        return []

    def describe(self) -> str:
        if self.questions is not None:
            return f"the pool of questions {', '.join(self.questions)}"
        if self.tag is not None:
            return f"the pool of questions tagged '{self.tag}'"
        return f"the pool of questions for objective '{self.objective}'"


class Quiz(Strict):
    """One quiz file."""

    schema_version: int = Field(description=f"Format version; this release reads {SCHEMA_VERSION}.")
    id: Id = Field(description="Stable quiz id; also the name show_quiz() takes.")
    title: Text
    description: str | None = None
    topic: Annotated[str, Field(pattern=ID_PATTERN)] = Field(
        description=f"One of {', '.join(KNOWN_TOPICS)}, or a trainer's own topic."
    )
    pass_mark: float = Field(description="Percent needed to pass, shown before starting (0-100).")
    max_attempts: int | None = Field(default=None, description="Omit for unlimited attempts.")
    shuffle: bool = Field(
        default=False, description="Shuffle question and option order on every attempt."
    )
    questions: list[Question] = Field(description="At least one question.")
    pools: list[Pool] = Field(
        default_factory=list,
        description="Random draws: each attempt asks the questions outside every pool "
        "plus `draw` questions picked at random from each pool.")

    @property
    def max_score(self) -> float:
        """All questions' points; for a quiz with pools, of the drawn attempt's quiz
        (``quiz.draw.asked_quiz``) since this one still holds the whole bank."""
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> AnyQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        msg = f"quiz '{self.id}' has no question '{question_id}'"
        raise KeyError(msg)
