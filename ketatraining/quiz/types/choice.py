"""What single_choice and multiple_choice share: options, their rules and views."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from pydantic import Field

from ketatraining.quiz.types.base import (
    Answer,
    Choice,
    Id,
    OptionVerdict,
    QuestionBase,
    QuestionType,
    Reporter,
    Strict,
    Text,
    components,
    mappings,
    number,
    option_order,
    views,
)


class Option(Strict):
    """One answer option of a choice question."""

    id: Id = Field(description="Stable id, unique within the question (e.g. 'a').")
    text: Text = Field(description="The option as the learner sees it (Markdown).")
    correct: bool = Field(default=False, description="Whether ticking this option is right.")
    feedback: Text = Field(description="Shown next to this option after the learner checks.")
    weight: float | None = Field(
        default=None,
        description=(
            "Optional: percent of the question's points this option is worth when chosen. "
            "multiple_choice: negative for a penalty; without weights the default rule "
            "applies. single_choice: partial credit for a wrong-marked option (0 < weight "
            "< 100; the correct option is worth 100); options without a weight score 0 "
            "(see quizzes/README.md)."
        ),
    )


class ChoiceBase(QuestionBase):
    # Declared for the type checker only: each subclass declares ``options`` after
    # ``type``, which keeps the field order (and the JSON Schema) as it was.
    if TYPE_CHECKING:
        options: list[Option]


CODES = {
    "KQ202": "Two options of a question share an id.",
    "KQ208": "A choice question needs at least two options.",
}

C = TypeVar("C", bound=ChoiceBase)
R = TypeVar("R")


def check_options(question: Mapping[str, Any], loc: tuple[Any, ...],
                  report: Reporter) -> tuple[int, list[float | None]] | None:
    """KQ208 and KQ202; returns (number marked correct, weights) for the type's rules."""
    options = question.get("options")
    if not isinstance(options, list):
        return None
    if len(options) < 2:
        report.add("KQ208", f"The question has {len(options)} option(s).", (*loc, "options"),
                   hint="Give at least two options.")
    seen: set[str] = set()
    correct = 0
    weights: list[float | None] = []
    for index, option in mappings(options):
        oid = option.get("id")
        if isinstance(oid, str):
            if oid in seen:
                report.add("KQ202", f"Option id '{oid}' is used twice.",
                           (*loc, "options", index, "id"),
                           hint="Give each option its own id (a, b, c, ...).")
            seen.add(oid)
        if option.get("correct") is True:
            correct += 1
        weights.append(number(option.get("weight")))
    return correct, weights


class Weighted(NamedTuple):
    """An option of the raw question data that has a numeric weight."""

    option: Mapping[str, Any]
    weight: float
    name: str
    """The option's id, or '#n' (its position) when it has none, for the report."""
    where: tuple[Any, ...]
    """The location of its weight, for the report."""


def weighted_options(question: Mapping[str, Any], loc: tuple[Any, ...]) -> Iterator[Weighted]:
    """The options that carry a weight, for each type's own weight rules (KQ216, KQ217)."""
    for index, option in mappings(question.get("options")):
        weight = number(option.get("weight"))
        if weight is not None:
            yield Weighted(option, weight, option.get("id", f"#{index + 1}"),
                           (*loc, "options", index, "weight"))


class ChoiceType(QuestionType[C, R], Generic[C, R]):
    """Rules and views shared by both choice types."""

    xapi_interaction = "choice"

    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        found = check_options(question, loc, report)
        if found is not None:
            self.check_choice(question, loc, report, *found)

    def check_choice(self, question: Mapping[str, Any], loc: tuple[Any, ...],
                     report: Reporter, correct: int, weights: list[float | None]) -> None:
        """The type's own rules, given how many options are correct and their weights."""

    def public_data(self, question: C, rng: random.Random | None = None) -> dict[str, Any]:
        order = option_order([o.id for o in question.options], rng)
        return {"options": views(question.options, order)}

    def ids(self, question: C) -> set[str]:
        return {o.id for o in question.options}

    def choices(self, question: C) -> list[Choice]:
        return [Choice(o.id, o.text, o.correct) for o in question.options]

    def option_choices(self, question: C) -> list[Choice]:
        return [Choice(o.id, o.text, o.correct) for o in question.options]

    def partial(self, option: Option) -> float | None:
        """Percent of the points a wrong-marked option earns, shown after Check (None:
        the option is right or wrong, nothing between)."""
        return None

    def option_verdicts(self, question: C, response: R | None) -> list[OptionVerdict]:
        picked = set() if response is None else self.chosen(question, response)
        return [OptionVerdict(o.text, o.feedback, o.correct, o.id in picked, self.partial(o))
                for o in question.options]

    def answers(self, question: C) -> list[Answer]:
        return [Answer(o.correct, o.text, o.feedback) for o in question.options]

    def xapi_definition(self, question: C) -> dict[str, Any]:
        definition: dict[str, Any] = {"choices": components(question.options)}
        right = [o.id for o in question.options if o.correct]
        if right:
            definition["correctResponsesPattern"] = ["[,]".join(right)]
        return definition
