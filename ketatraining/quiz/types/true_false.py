"""true_false: a statement the learner marks true or false."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from ketatraining.quiz.types.base import (
    JSON,
    Answer,
    Choice,
    Grade,
    QuestionBase,
    QuestionType,
    Text,
)


class TrueFalse(QuestionBase):
    """A statement the learner marks true or false."""

    type: Literal["true_false"]
    answer: bool = Field(description="Whether the statement in the prompt is true.")
    feedback_true: Text = Field(description="Feedback for a learner who answers 'True'.")
    feedback_false: Text = Field(description="Feedback for a learner who answers 'False'.")


def _word(value: bool) -> str:
    return "true" if value else "false"


class TrueFalseType(QuestionType[TrueFalse, bool]):
    name = "true_false"
    control = "radio"
    model = TrueFalse
    kind = "true or false"
    xapi_interaction = "true-false"
    statement = True

    def decode(self, question: TrueFalse, raw: object) -> bool | None:
        return raw if isinstance(raw, bool) else None

    def accept(self, question: TrueFalse, raw: object) -> bool | None:
        if isinstance(raw, str):  # the ids of the public options
            return {"true": True, "false": False}.get(raw)
        return self.decode(question, raw)

    def encode(self, question: TrueFalse, response: bool) -> JSON:
        return response

    def mark(self, question: TrueFalse, response: bool | None) -> Grade:
        if response is None:
            return Grade(0.0, question.points)
        text = question.feedback_true if response else question.feedback_false
        score = question.points if response == question.answer else 0.0
        return Grade(score, question.points, (("answer", text),))

    def key(self, question: TrueFalse) -> bool:
        return question.answer

    def solution(self, question: TrueFalse) -> str:
        return f"The statement is {_word(question.answer)}."

    def public_data(self, question: TrueFalse,
                    rng: random.Random | None = None) -> dict[str, Any]:
        return {"options": [{"id": "true", "html": "True"}, {"id": "false", "html": "False"}]}

    def choices(self, question: TrueFalse) -> list[Choice]:
        return [Choice("true", "True", question.answer),
                Choice("false", "False", not question.answer)]

    def chosen(self, question: TrueFalse, response: bool) -> set[str]:
        return {_word(response)}

    def answers(self, question: TrueFalse) -> list[Answer]:
        return [Answer(question.answer, "True", question.feedback_true),
                Answer(not question.answer, "False", question.feedback_false)]

    def response_text(self, question: TrueFalse, response: bool) -> str:
        return _word(response)

    def xapi_definition(self, question: TrueFalse) -> dict[str, Any]:
        return {"correctResponsesPattern": [_word(question.answer)]}

    def xapi_response(self, question: TrueFalse, response: bool) -> str:
        return _word(response)

    def simulate(self, question: TrueFalse, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> bool:
        return question.answer if rng.random() < p_right(0.5) else not question.answer


TYPE = TrueFalseType()
