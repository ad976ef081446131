"""The quiz file format (schema version 1) as pydantic models.

These models are the single source of truth: the loader validates against them and
the JSON Schema shipped in ``ketatraining/schemas/`` is generated from them.
Structural rules (types, required and unknown keys) live here; rules that relate
several fields (exactly one correct option, unique ids, known references) live in
``validation.py`` so that every problem in a file can be reported at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

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

QUESTION_TYPES = ("single_choice", "multiple_choice", "true_false", "numeric")
DIFFICULTIES = ("easy", "medium", "hard")

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Ids are stable keys stored with every attempt: letters, digits, '-', '_', '.'."""


def _not_blank(value: str) -> str:
    if not value.strip():
        kind, message = "empty_text", "this text is empty"
        raise PydanticCustomError(kind, message)
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]


class _Strict(BaseModel):
    # allow_inf_nan=False: ".inf" points or a ".nan" value would break every score.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Option(_Strict):
    """One answer option of a choice question."""

    id: Id = Field(description="Stable id, unique within the question (e.g. 'a').")
    text: Text = Field(description="The option as the learner sees it (Markdown).")
    correct: bool = Field(default=False, description="Whether ticking this option is right.")
    feedback: Text = Field(description="Shown next to this option after the learner checks.")
    weight: float | None = Field(
        default=None,
        description=(
            "multiple_choice only, optional: percent of the question's points this option "
            "is worth when ticked (negative for a penalty). Without weights the default "
            "rule applies (see quizzes/README.md)."
        ),
    )


class _Question(_Strict):
    id: Id = Field(description="Stable id, unique within the quiz.")
    prompt: Text = Field(description="The question (Markdown).")
    explanation: Text = Field(description="Shown after answering: why the answer is right.")
    references: list[str] = Field(
        default_factory=list,
        description="Keys into quizzes/references.yaml (the one bibliography).",
    )
    objective: str = Field(description="Key into quizzes/objectives.yaml.")
    difficulty: Literal["easy", "medium", "hard"] | None = None
    tags: list[str] = Field(default_factory=list)
    points: float = Field(default=1.0, description="Marks for a fully correct answer (> 0).")


class SingleChoice(_Question):
    """Exactly one option is correct."""

    type: Literal["single_choice"]
    options: list[Option] = Field(description="At least two options, exactly one correct.")


class MultipleChoice(_Question):
    """Select all that apply; partial credit with penalties, clamped at 0."""

    type: Literal["multiple_choice"]
    options: list[Option] = Field(description="At least two options, one or more correct.")


class TrueFalse(_Question):
    """A statement the learner marks true or false."""

    type: Literal["true_false"]
    answer: bool = Field(description="Whether the statement in the prompt is true.")
    feedback_true: Text = Field(description="Feedback for a learner who answers 'True'.")
    feedback_false: Text = Field(description="Feedback for a learner who answers 'False'.")


class NumericAlternative(_Strict):
    """A further accepted value that earns part of the points (e.g. from GIFT imports)."""

    value: float
    tolerance: float = 0.0
    credit: float = Field(description="Percent of the points this answer earns (0-100).")
    feedback: Text | None = None


class Numeric(_Question):
    """A number, accepted within a tolerance; bounds are inclusive."""

    type: Literal["numeric"]
    value: float = Field(description="The correct value.")
    units: str | None = Field(default=None, description="Shown next to the input, e.g. 'mg'.")
    tolerance: float | None = Field(
        default=None, description="Absolute tolerance: accept |answer - value| <= tolerance."
    )
    relative_tolerance: float | None = Field(
        default=None,
        description="Relative tolerance as a fraction: accept |answer - value| <= r * |value|.",
    )
    feedback_correct: Text = Field(description="Feedback when the answer is accepted.")
    feedback_incorrect: Text = Field(description="Feedback when it is not.")
    alternatives: list[NumericAlternative] = Field(
        default_factory=list, description="Other accepted values with partial credit."
    )


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Numeric, Field(discriminator="type")
]
ChoiceQuestion = SingleChoice | MultipleChoice


class Quiz(_Strict):
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

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        msg = f"quiz '{self.id}' has no question '{question_id}'"
        raise KeyError(msg)
