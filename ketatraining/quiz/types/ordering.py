"""ordering: put the steps in the right order (e.g. a monitoring sequence).

``scoring`` chooses the rule (quizzes/README.md):

- ``all_or_nothing`` (the default): all the points for the exact order, none otherwise;
- ``relative_to_next``: Moodle's "relative to the next item (excluding last)": one mark
  for each step the learner placed directly before the step that truly follows it;
  points x marks / (steps - 1).

A response that is not an arrangement of exactly the question's steps scores 0. The
learner never sees the steps in the right order.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import (
    JSON,
    Answer,
    Choice,
    Entry,
    Grade,
    QuestionBase,
    QuestionType,
    Reporter,
    Text,
    components,
    part_grade,
    unique_entries,
    views,
)

Order = tuple[str, ...]
"""Step ids in the learner's order, as stored: ``["step3", "step1", ...]``."""


class Step(Entry):
    """One step; the list gives the right order."""


class Ordering(QuestionBase):
    """Put the steps in order; scoring all-or-nothing or relative to the next step."""

    type: Literal["ordering"]
    steps: list[Step] = Field(description="At least two steps, in the right order.")
    scoring: Literal["all_or_nothing", "relative_to_next"] = Field(
        default="all_or_nothing",
        description="all_or_nothing, or relative_to_next (Moodle's partial credit).")
    feedback_correct: Text = Field(description="Feedback for the right order.")
    feedback_incorrect: Text = Field(description="Feedback for any other order.")


class OrderingType(QuestionType[Ordering, Order]):
    name = "ordering"
    control = "ordering"
    model = Ordering
    kind = "put in order"
    xapi_interaction = "sequencing"
    codes: ClassVar[dict[str, str]] = {
        "KQ240": "An ordering question needs at least two steps.",
        "KQ241": "Two steps of an ordering question share an id.",
        "KQ242": "Two steps of an ordering question have the same text.",
    }

    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        steps = question.get("steps")
        if not isinstance(steps, list):
            return
        if len(steps) < 2:
            report.add("KQ240", f"The question has {len(steps)} step(s).", (*loc, "steps"),
                       hint="Give at least two steps, listed in the right order.")
        unique_entries(steps, (*loc, "steps"), report, ids=set(), noun="steps",
                       id_code="KQ241", text_code="KQ242",
                       text_hint="A learner cannot order two identical steps: reword one.")

    def decode(self, question: Ordering, raw: object) -> Order | None:
        if not isinstance(raw, (list, tuple)) or not all(isinstance(r, str) for r in raw):
            return None
        return tuple(raw)

    def encode(self, question: Ordering, response: Order) -> JSON:
        return list(response)

    def valid(self, question: Ordering, response: Order) -> bool:
        return sorted(response) == sorted(s.id for s in question.steps)

    def mark(self, question: Ordering, response: Order | None) -> Grade:
        right = self.key(question)
        if response is None or not self.valid(question, response) or len(right) < 2:
            return part_grade(question, 0.0, right=False)
        if question.scoring == "all_or_nothing":
            fraction = 1.0 if response == right else 0.0
        else:
            follows = dict(itertools.pairwise(right))
            marks = sum(follows.get(a) == b for a, b in itertools.pairwise(response))
            fraction = marks / (len(right) - 1)
        return part_grade(question, fraction, response == right)

    def key(self, question: Ordering) -> Order:
        return tuple(s.id for s in question.steps)

    def solution(self, question: Ordering) -> str:
        return "The right order: " + "; ".join(
            f"({n}) {s.text}" for n, s in enumerate(question.steps, start=1)) + "."

    def public_data(self, question: Ordering, rng: random.Random | None = None) -> dict[str, Any]:
        order = list(question.steps)
        (rng or random.Random(question.id)).shuffle(order)
        if len(order) > 1 and order == list(question.steps):
            order = order[1:] + order[:1]  # never show the answer
        return {"steps": views(order)}

    def choices(self, question: Ordering) -> list[Choice]:
        return [Choice(s.id, f"{s.text} (in place {n})", True)
                for n, s in enumerate(question.steps, start=1)]

    def chosen(self, question: Ordering, response: Order) -> set[str]:
        """The steps the learner put in their right place."""
        return {a for a, b in zip(response, self.key(question), strict=False) if a == b}

    def answers(self, question: Ordering) -> list[Answer]:
        rule = ("all or nothing" if question.scoring == "all_or_nothing"
                else "partial credit relative to the next step")
        lines = [Answer(True, f"Step {n}: {s.text}", "")
                 for n, s in enumerate(question.steps, start=1)]
        lines.append(Answer(True, f"this order ({rule})", question.feedback_correct))
        lines.append(Answer(False, "any other order", question.feedback_incorrect))
        return lines

    def response_text(self, question: Ordering, response: Order) -> str:
        return ";".join(response)

    def xapi_definition(self, question: Ordering) -> dict[str, Any]:
        return {"choices": components(question.steps),
                "correctResponsesPattern": ["[,]".join(self.key(question))]}

    def xapi_response(self, question: Ordering, response: Order) -> str:
        return "[,]".join(response)

    def simulate(self, question: Ordering, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> Order:
        right = list(self.key(question))
        if rng.random() < p_right(0.0):
            return tuple(right)
        if len(right) > 1:
            i = rng.randrange(len(right) - 1)
            right[i], right[i + 1] = right[i + 1], right[i]  # the usual slip: two swapped
        return tuple(right)


TYPE = OrderingType()
