"""single_choice: exactly one option is right; all the points or none, unless options
carry weights (Moodle's partial credit on a single-answer question, e.g. GIFT
``{~wrong ~%50%half =right}``): choosing a weighted option earns that percent of the
points, clamped to [0, points]; the correct option is always worth 100%."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import JSON, Choice, Grade, Reporter, clamp
from ketatraining.quiz.types.choice import ChoiceBase, ChoiceType, Option, weighted_options


class SingleChoice(ChoiceBase):
    """Exactly one option is correct."""

    type: Literal["single_choice"]
    options: list[Option] = Field(description="At least two options, exactly one correct.")


class SingleChoiceType(ChoiceType[SingleChoice, str]):
    name = "single_choice"
    control = "radio"
    model = SingleChoice
    kind = "single choice"
    codes: ClassVar[dict[str, str]] = {
        "KQ203": "A single_choice question must have exactly one correct option.",
        "KQ217": "Option weights of a single_choice question are inconsistent.",
    }

    def check_choice(self, question: Mapping[str, Any], loc: tuple[Any, ...],
                     report: Reporter, correct: int, weights: list[float | None]) -> None:
        if correct != 1:
            report.add("KQ203", "single_choice needs exactly one correct option; this one "
                       f"has {correct}.", (*loc, "options"),
                       hint="Mark exactly one option 'correct: true', or use type "
                       "multiple_choice.")
        _check_weights(question, loc, report)

    def decode(self, question: SingleChoice, raw: object) -> str | None:
        return raw if isinstance(raw, str) else None

    def encode(self, question: SingleChoice, response: str) -> JSON:
        return response

    def mark(self, question: SingleChoice, response: str | None) -> Grade:
        chosen = [o for o in question.options if o.id == response]
        fraction = sum(credit(o) for o in chosen[:1])
        feedback = tuple((o.id, o.feedback) for o in chosen)
        return Grade(question.points * clamp(fraction), question.points, feedback)

    def choices(self, question: SingleChoice) -> list[Choice]:
        """Item analysis counts a partial-credit option as a distractor; its label says
        the credit, so a popular 'distractor' worth half is read as such."""
        return [Choice(o.id, o.text if o.correct or not o.weight or o.weight < 0
                       else f"{o.text} (partial credit: {o.weight:g}%)", o.correct)
                for o in question.options]

    def partial(self, option: Option) -> float | None:
        return option.weight if not option.correct and (option.weight or 0) > 0 else None

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


def credit(option: Option) -> float:
    """The fraction of the points choosing ``option`` earns (before clamping)."""
    if option.correct:
        return 1.0
    return (option.weight or 0.0) / 100.0


def _check_weights(question: Mapping[str, Any], loc: tuple[Any, ...],
                   report: Reporter) -> None:
    """KQ217: the correct option is worth 100%, a wrong-marked one less, within -100..100.

    A wrong-marked option at 100% would be scored right while the learner is told it is
    wrong; a correct option below 100% would be shown right and scored partly; a negative
    weight acts as 0, since a question never takes marks away.
    """
    for option, weight, oid, where in weighted_options(question, loc):
        if weight < -100 or weight > 100:
            report.add("KQ217", f"Option {oid} has weight {weight:g}, outside -100..100.",
                       where, hint="Weights are percentages of the points: give a partial "
                       "credit between 0 and 100.")
        elif option.get("correct") is True:
            if weight != 100:
                report.add("KQ217", f"Option {oid} is marked correct but has weight "
                           f"{weight:g}: the correct option of a single_choice question is "
                           "worth all the points.", where, hint="Remove its weight (or write "
                           "100); give partial credit to a wrong-marked option instead.")
        elif weight >= 100:
            report.add("KQ217", f"Option {oid} has weight {weight:g} but is not marked "
                       "correct: learners who choose it are told it is wrong yet get all "
                       "the points.", where, hint="Mark it 'correct: true' (and the other "
                       "option not), or give it a partial credit below 100.")
        elif weight < 0:
            report.add("KQ217", f"Option {oid} has weight {weight:g}: a single_choice "
                       "question never takes marks away, so it scores 0 like an option "
                       "without a weight.", where, hint="Remove the weight, or give a "
                       "partial credit between 0 and 100.", severity="warning")


TYPE = SingleChoiceType()
