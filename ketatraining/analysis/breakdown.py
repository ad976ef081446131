"""Response breakdown for typed-answer questions (numeric, short answer): what learners typed.

Choice questions have an option table; a number or a short text has none, so a decimal
slip (3.5 for 35) that an ``alternatives`` entry targets stays invisible in the marks
alone. This groups the counted attempts' answers by value and says which accepted value
or alternative each matched, most frequent first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ketatraining.quiz.model import AnyQuestion
from ketatraining.quiz.types import get_type

NO_ANSWER = "(no answer)"
"""The group of counted attempts that left the question blank."""
TOP = 8
"""Answers listed per question; the rest are summed as 'other answers'."""


@dataclass(frozen=True)
class AnswerCount:
    """One distinct answer and how often the counted attempts gave it."""

    answer: str
    count: int
    rate: float
    credit: float
    """The mark it earned, as a fraction of the points (0..1)."""
    matched: str
    """'the value 40', 'alternative 4 (50% credit)', "accepted answer 'x'", or 'nothing'."""


def supports(question: AnyQuestion) -> bool:
    """Whether learners type the answer (the type's ``typed``): no option table to count."""
    return get_type(question).typed


def breakdown(question: AnyQuestion, responses: Iterable[object]) -> tuple[AnswerCount, ...]:
    """The distinct answers to a typed-answer question, most frequent first.

    The type groups them (``typed_key``: a number as written, a text as compared) and
    says what each matched (``matched``).
    """
    definition = get_type(question)
    if not definition.typed:
        return ()
    groups: Counter[str] = Counter()
    example: dict[str, object] = {}
    for raw in responses:
        decoded = definition.decode(question, raw)
        key = NO_ANSWER if decoded is None else definition.typed_key(question, decoded)
        groups[key] += 1
        example.setdefault(key, decoded)
    total = sum(groups.values())
    rows = []
    for key, count in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]:
        decoded = example[key]
        if decoded is None:
            matched, credit = "nothing", 0.0
        else:
            credit = definition.mark(question, decoded).fraction
            matched = definition.matched(question, decoded)
        rows.append(AnswerCount(key, count, count / total, credit, matched))
    return tuple(rows)
