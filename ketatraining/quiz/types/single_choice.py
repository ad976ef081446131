"""single_choice: exactly one option is right; all the points or none."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import JSON, Grade, Reporter
from ketatraining.quiz.types.choice import ChoiceBase, ChoiceType, Option, check_options


class SingleChoice(ChoiceBase):
    """Exactly one option is correct."""

    type: Literal["single_choice"]
    options: list[Option] = Field(description="At least two options, exactly one correct.")


class SingleChoiceType(ChoiceType[SingleChoice, str]):
    name = "single_choice"
    model = SingleChoice
    kind = "single choice"
    xapi_interaction = "choice"
    codes: ClassVar[dict[str, str]] = {
        "KQ203": "A single_choice question must have exactly one correct option.",
        "KQ303": "Option weights are given on a single_choice question and are ignored.",
    }

    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        found = check_options(question, loc, report)
        if found is None:
            return
        correct, weights = found
        if correct != 1:
            report.add("KQ203", "single_choice needs exactly one correct option; this one "
                       f"has {correct}.", (*loc, "options"),
                       hint="Mark exactly one option 'correct: true', or use type "
                       "multiple_choice.")
        if any(w is not None for w in weights):
            report.add("KQ303", "Option weights are ignored on single_choice questions.",
                       (*loc, "options"), hint="Remove the weights, or use type multiple_choice.",
                       severity="warning")

    def decode(self, question: SingleChoice, raw: object) -> str | None:
        return raw if isinstance(raw, str) else None

    def encode(self, question: SingleChoice, response: str) -> JSON:
        return response

    def mark(self, question: SingleChoice, response: str | None) -> Grade:
        right = any(o.id == response and o.correct for o in question.options)
        feedback = tuple((o.id, o.feedback) for o in question.options if o.id == response)
        return Grade(question.points if right else 0.0, question.points, feedback)

    def key(self, question: SingleChoice) -> str:
        return next(o.id for o in question.options if o.correct)

    def valid(self, question: SingleChoice, response: str) -> bool:
        return response in self.ids(question)

    def chosen(self, question: SingleChoice, response: str) -> set[str]:
        return {response}

    def response_text(self, question: SingleChoice, response: str) -> str:
        return response

    def xapi_response(self, question: SingleChoice, response: str) -> str:
        return response

    def simulate(self, question: SingleChoice, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> str:
        right = self.key(question)
        if rng.random() < p_right(1.0 / len(question.options)):
            return right
        wrong = [o.id for o in question.options if not o.correct]
        weights = [5.0 if o == attractive else 1.0 for o in wrong]
        return rng.choices(wrong, weights=weights)[0]


TYPE = SingleChoiceType()
