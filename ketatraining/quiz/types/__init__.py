"""The registry of question types: one module per type, listed once here.

Everything that depends on a question's type asks its definition::

    from ketatraining.quiz.types import get_type
    get_type(question).grade(question, response)

To add a type, write ``quiz/types/<name>.py`` (a model and a :class:`QuestionType`
subclass; see CONTRIBUTING.md) and add it to ``Question`` and ``_MODULES`` below; mypy
then points at every ``match`` over ``Question`` (GIFT, QTI) that lacks its branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from ketatraining.quiz.types import (
    matching,
    multiple_choice,
    numeric,
    ordering,
    short_answer,
    single_choice,
    true_false,
)
from ketatraining.quiz.types.base import Answer, Choice, Grade, QuestionType
from ketatraining.quiz.types.matching import Matching
from ketatraining.quiz.types.multiple_choice import MultipleChoice
from ketatraining.quiz.types.numeric import Numeric
from ketatraining.quiz.types.ordering import Ordering
from ketatraining.quiz.types.short_answer import ShortAnswer
from ketatraining.quiz.types.single_choice import SingleChoice
from ketatraining.quiz.types.true_false import TrueFalse

__all__ = [
    "QUESTION_TYPES",
    "TYPES",
    "Answer",
    "AnyQuestion",
    "Choice",
    "Grade",
    "Matching",
    "MultipleChoice",
    "Numeric",
    "Ordering",
    "Question",
    "QuestionType",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "get_type",
    "type_codes",
    "type_named",
]

AnyQuestion = (SingleChoice | MultipleChoice | TrueFalse | Numeric | Matching | ShortAnswer
               | Ordering)
"""Every question model: ``match`` on it and end with ``assert_never``."""
Question = Annotated[AnyQuestion, Field(discriminator="type")]
"""The pydantic field type of ``Quiz.questions`` (tagged by ``type:``)."""

_MODULES = (single_choice, multiple_choice, true_false, numeric, matching, short_answer,
            ordering)
TYPES: Mapping[str, QuestionType[Any, Any]] = {m.TYPE.name: m.TYPE for m in _MODULES}
"""Type name (the ``type:`` value) -> its definition, in documentation order."""
QUESTION_TYPES = tuple(TYPES)


def get_type(question: AnyQuestion) -> QuestionType[Any, Any]:
    """The definition of ``question``'s type."""
    return TYPES[question.type]


def type_named(name: object) -> QuestionType[Any, Any] | None:
    """The definition for a ``type:`` value read from a file, or None if unknown."""
    return TYPES.get(name) if isinstance(name, str) else None


def type_codes() -> dict[str, str]:
    """The problem codes of every type's content rules."""
    from ketatraining.quiz.types import choice

    codes = dict(choice.CODES)
    for definition in TYPES.values():
        codes.update(definition.codes)
    return codes
