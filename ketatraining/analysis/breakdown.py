"""Response breakdown for free-entry questions (numeric, short answer): what learners typed.

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
from ketatraining.quiz.types.numeric import Numeric, within
from ketatraining.quiz.types.short_answer import ShortAnswer, ShortAnswerType, normalise

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


def _number_text(value: float) -> str:
    return f"{value:g}"


def _numeric_match(question: Numeric, value: float) -> str:
    if within(value, question.value, question.tolerance, question.relative_tolerance):
        return f"the value {_number_text(question.value)}"
    best = None
    for alternative in question.alternatives:
        if within(value, alternative.value, alternative.tolerance, None) and (
                best is None or alternative.credit > best.credit):
            best = alternative
    if best is not None:
        return f"alternative {_number_text(best.value)} ({best.credit:g}% credit)"
    return "nothing"


def _short_match(question: ShortAnswer, text: str) -> str:
    definition = get_type(question)
    assert isinstance(definition, ShortAnswerType)
    index = definition.best(question, text)
    if index is None:
        return "nothing"
    accepted = question.answers[index]
    return f"accepted answer '{accepted.text}' ({accepted.credit:g}% credit)"


def supports(question: AnyQuestion) -> bool:
    return isinstance(question, (Numeric, ShortAnswer))


def breakdown(question: AnyQuestion, responses: Iterable[object]) -> tuple[AnswerCount, ...]:
    """The distinct answers to a numeric or short-answer question, most frequent first."""
    if not supports(question):
        return ()
    definition = get_type(question)
    groups: Counter[str] = Counter()
    example: dict[str, object] = {}
    for raw in responses:
        decoded = definition.decode(question, raw)
        if decoded is None:
            key = "(no answer)"
        elif isinstance(question, Numeric):
            key = _number_text(float(decoded))
        else:
            assert isinstance(question, ShortAnswer)
            key = normalise(str(decoded), question.case_sensitive)
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
            matched = (_numeric_match(question, float(decoded))  # type: ignore[arg-type]
                       if isinstance(question, Numeric)
                       else _short_match(question, str(decoded)))  # type: ignore[arg-type]
        rows.append(AnswerCount(key, count, count / total, credit, matched))
    return tuple(rows)
