"""numeric: a number, accepted within a tolerance; bounds are inclusive.

Accepted when |answer - value| <= tolerance, or <= relative_tolerance * |value|; a tiny
1e-9 allowance absorbs binary rounding (so 40.5 is accepted for 40 +/- 0.5 and 0.4 for
0.3 +/- 0.1). Without any tolerance the answer must equal the value. Alternatives earn
their credit when matched (the best one counts).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import (
    JSON,
    Answer,
    Grade,
    QuestionBase,
    QuestionType,
    Reporter,
    Strict,
    Text,
    clamp,
    decimal,
    mappings,
    number,
)

ROUNDING = 1e-9


class NumericAlternative(Strict):
    """A further accepted value that earns part of the points (e.g. from GIFT imports)."""

    value: float
    tolerance: float = 0.0
    credit: float = Field(description="Percent of the points this answer earns (0-100).")
    feedback: Text | None = None


class Numeric(QuestionBase):
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


def within(answer: float, target: float, absolute: float | None, relative: float | None) -> bool:
    """Whether ``answer`` is within the inclusive tolerance of ``target``."""
    if not math.isfinite(answer):
        return False
    distance = abs(answer - target)
    allowance = ROUNDING * max(1.0, abs(target))
    if absolute is None and relative is None:
        return distance <= allowance
    if absolute is not None and distance <= absolute + allowance:
        return True
    return relative is not None and distance <= relative * abs(target) + allowance


def parse_number(text: str) -> float | None:
    """A typed number, or None when it is not one (commas as thousands are refused)."""
    cleaned = text.strip().replace("\u2212", "-")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def best_alternative(question: Numeric, answer: float) -> NumericAlternative | None:
    """The alternative with the highest credit that ``answer`` is within, if any."""
    best = None
    for alternative in question.alternatives:
        if within(answer, alternative.value, alternative.tolerance, None) and (
                best is None or alternative.credit > best.credit):
            best = alternative
    return best


def _accepted(question: Numeric, answer: float) -> bool:
    return within(answer, question.value, question.tolerance, question.relative_tolerance)


class NumericType(QuestionType[Numeric, float]):
    name = "numeric"
    control = "number"
    model = Numeric
    kind = "number"
    xapi_interaction = "numeric"
    refusal = "number"
    typed = True
    codes: ClassVar[dict[str, str]] = {"KQ205": "A tolerance is negative."}

    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        for key in ("tolerance", "relative_tolerance"):
            value = number(question.get(key))
            if value is not None and (value < 0 or math.isnan(value)):
                report.add("KQ205", f"{key} is {question[key]}; it cannot be negative.",
                           (*loc, key),
                           hint="Give the allowed distance from the value as a positive number.")
        for index, alternative in mappings(question.get("alternatives")):
            where = (*loc, "alternatives", index)
            tolerance = number(alternative.get("tolerance"))
            if tolerance is not None and tolerance < 0:
                report.add("KQ205", f"tolerance is {alternative['tolerance']}; it cannot be "
                           "negative.", (*where, "tolerance"), hint="Give a positive number.")
            credit = number(alternative.get("credit"))
            if credit is not None and not 0 <= credit <= 100:
                report.add("KQ105", f"credit is {alternative['credit']}.", (*where, "credit"),
                           hint="Give a percentage between 0 and 100.")

    def decode(self, question: Numeric, raw: object) -> float | None:
        return number(raw)

    def accept(self, question: Numeric, raw: object) -> float | None:
        """A number, or the text a learner typed ("40.5"; "forty" is refused)."""
        return parse_number(raw) if isinstance(raw, str) else self.decode(question, raw)

    def encode(self, question: Numeric, response: float) -> JSON:
        return response

    def mark(self, question: Numeric, response: float | None) -> Grade:
        points = question.points
        wrong = Grade(0.0, points, (("answer", question.feedback_incorrect),))
        if response is None:
            return wrong
        if _accepted(question, response):
            return Grade(points, points, (("answer", question.feedback_correct),))
        best = best_alternative(question, response)
        if best is None:
            return wrong
        text = best.feedback or question.feedback_incorrect
        return Grade(points * clamp(best.credit / 100.0), points, (("answer", text),))

    def key(self, question: Numeric) -> float:
        return question.value

    def valid(self, question: Numeric, response: float) -> bool:
        return math.isfinite(response)

    def solution(self, question: Numeric) -> str:
        units = f" {question.units}" if question.units else ""
        return f"Expected: {question.value:g}{units}."

    def public_data(self, question: Numeric, rng: random.Random | None = None) -> dict[str, Any]:
        return {"units": question.units}

    def answers(self, question: Numeric) -> list[Answer]:
        rule = f"{question.value:g}"
        if question.tolerance:
            rule += f" ± {question.tolerance:g}"
        if question.relative_tolerance:
            rule += f" (± {100 * question.relative_tolerance:g} %)"
        if question.units:
            rule += f" {question.units}"
        lines = [Answer(True, rule, question.feedback_correct)]
        lines += [Answer(False, f"{a.value:g} ± {a.tolerance:g} ({a.credit:g} % credit)",
                         a.feedback or question.feedback_incorrect)
                  for a in question.alternatives]
        lines.append(Answer(False, "any other number", question.feedback_incorrect))
        return lines

    def response_text(self, question: Numeric, response: float) -> str:
        return decimal(response)

    def typed_key(self, question: Numeric, response: float) -> str:
        return f"{response:g}"

    def matched(self, question: Numeric, response: float) -> str:
        if _accepted(question, response):
            return f"the value {question.value:g}"
        best = best_alternative(question, response)
        if best is not None:
            return f"alternative {best.value:g} ({best.credit:g}% credit)"
        return "nothing"

    def xapi_definition(self, question: Numeric) -> dict[str, Any]:
        spread = max(question.tolerance or 0.0,
                     (question.relative_tolerance or 0.0) * abs(question.value))
        pattern = (f"{decimal(question.value - spread)}[:]{decimal(question.value + spread)}"
                   if spread else decimal(question.value))
        return {"correctResponsesPattern": [pattern]}

    def xapi_response(self, question: Numeric, response: float) -> str:
        return decimal(response)

    def simulate(self, question: Numeric, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> float:
        if rng.random() < p_right(0.0):
            return question.value
        if question.alternatives and rng.random() < 0.4:
            return rng.choice(question.alternatives).value
        slip = rng.choice((10.0, 0.1, 2.0, 0.5))
        return round(question.value * slip, 3) if question.value else rng.choice((1.0, -1.0))


TYPE = NumericType()
