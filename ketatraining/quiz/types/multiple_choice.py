"""multiple_choice: select all that apply; partial credit with penalties, clamped at 0.

Without weights: fraction = right ticks / right options - wrong ticks / wrong options,
so ticking everything scores 0. With weights (percent per option, negative for a
penalty, as Moodle's GIFT): fraction = sum of ticked weights / 100. Both clamped to [0, 1].
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import JSON, Grade, Reporter, clamp
from ketatraining.quiz.types.choice import ChoiceBase, ChoiceType, Option, weighted_options

Ticks = tuple[str, ...]
"""The ticked option ids, each once, in the question's option order (unknown ids last)."""


class MultipleChoice(ChoiceBase):
    """Select all that apply; partial credit with penalties, clamped at 0."""

    type: Literal["multiple_choice"]
    options: list[Option] = Field(description="At least two options, one or more correct.")


class MultipleChoiceType(ChoiceType[MultipleChoice, Ticks]):
    name = "multiple_choice"
    control = "checkbox"
    model = MultipleChoice
    kind = "select all that apply"
    codes: ClassVar[dict[str, str]] = {
        "KQ204": "A multiple_choice question has no correct option.",
        "KQ213": "Option weights of a multiple_choice question are inconsistent.",
        "KQ216": "An option's weight contradicts whether it is marked correct.",
    }

    def check_choice(self, question: Mapping[str, Any], loc: tuple[Any, ...],
                     report: Reporter, correct: int, weights: list[float | None]) -> None:
        where = (*loc, "options")
        if correct == 0:
            report.add("KQ204", "No option is marked correct.", where,
                       hint="Mark the right options with 'correct: true'.")
        given = [w for w in weights if w is not None]
        if not given:
            return
        _check_weight_signs(question, loc, report)
        positive = sum(w for w in given if w > 0)
        if len(given) != len(weights):
            report.add("KQ213", "Some options have a weight and others do not.", where,
                       hint="Give every option a weight, or none (then the default rule "
                       "applies).")
        elif abs(positive - 100) > 0.01:
            report.add("KQ213", f"The positive weights add up to {positive:g}%, not 100%.",
                       where, hint="Make the weights of the correct options add up to 100.")
        elif any(w < -100 or w > 100 for w in given):
            report.add("KQ213", "A weight is outside -100..100.", where,
                       hint="Weights are percentages between -100 and 100.")

    def decode(self, question: MultipleChoice, raw: object) -> Ticks | None:
        if not isinstance(raw, (list, tuple, set, frozenset)):
            return None
        ticked = dict.fromkeys(r for r in raw if isinstance(r, str))
        known = [o.id for o in question.options if o.id in ticked]  # in option order
        return (*known, *(r for r in ticked if r not in known))

    def encode(self, question: MultipleChoice, response: Ticks) -> JSON:
        return list(response)

    def mark(self, question: MultipleChoice, response: Ticks | None) -> Grade:
        ticked = set(response or ())
        options = question.options
        if any(o.weight is not None for o in options):
            fraction = sum((o.weight or 0.0) for o in options if o.id in ticked) / 100.0
        else:
            right = [o for o in options if o.correct]
            wrong = [o for o in options if not o.correct]
            fraction = sum(o.id in ticked for o in right) / len(right) if right else 0.0
            if wrong:
                fraction -= sum(o.id in ticked for o in wrong) / len(wrong)
        feedback = tuple((o.id, o.feedback) for o in options if o.id in ticked)
        return Grade(question.points * clamp(fraction), question.points, feedback)

    def key(self, question: MultipleChoice) -> Ticks:
        return tuple(o.id for o in question.options if o.correct)

    def valid(self, question: MultipleChoice, response: Ticks) -> bool:
        return bool(response) and set(response) <= self.ids(question)

    def chosen(self, question: MultipleChoice, response: Ticks) -> set[str]:
        return set(response)

    def response_text(self, question: MultipleChoice, response: Ticks) -> str:
        return ";".join(response)

    def xapi_response(self, question: MultipleChoice, response: Ticks) -> str:
        return "[,]".join(response)

    def simulate(self, question: MultipleChoice, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> Ticks:
        if rng.random() < p_right(0.0):
            return tuple(sorted(self.key(question)))
        return tuple(sorted(o.id for o in question.options
                            if rng.random() < (0.6 if o.correct or o.id == attractive
                                               else 0.12)))


def _check_weight_signs(question: Mapping[str, Any], loc: tuple[Any, ...],
                        report: Reporter) -> None:
    """KQ216: a weight must agree with 'correct', or the feedback contradicts the mark.

    A ticked option with a positive weight earns marks, so the learner is told "not
    right" yet scored as right; a correct option with a zero or negative weight is shown
    as right and earns nothing or costs marks.
    """
    for option, weight, oid, where in weighted_options(question, loc):
        correct = option.get("correct") is True
        if weight > 0 and not correct:
            report.add("KQ216", f"Option {oid} has weight {weight:g} but is not marked "
                       "correct: learners who tick it are told it is wrong yet get "
                       f"{weight:g}% of the points.", where,
                       hint="Add 'correct: true' if ticking it is right, or give it a weight "
                       "of 0 or less (a penalty) if it is wrong.")
        elif weight <= 0 and correct:
            report.add("KQ216", f"Option {oid} is marked correct but has weight {weight:g}: "
                       "learners who tick it are told it is right yet earn nothing"
                       f"{' and lose marks' if weight < 0 else ''}.", where,
                       hint="Give it a positive weight (the correct options' weights add up "
                       "to 100), or remove 'correct: true' if it is wrong.")


TYPE = MultipleChoiceType()
