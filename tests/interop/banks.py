"""What the per-bank round trips share: the banks, the answers worth grading for every
question type, and which questions a format cannot carry.

A round trip checks exactly what the format CAN carry (the bank without the questions
listed by :func:`left_out`) and that each question left out is reported with KE002, so a
bank item of a type a format lacks fails no test but is never dropped silently.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ketatraining.quiz.loading import CATALOG_FILES, check_file
from ketatraining.quiz.model import AnyQuestion, Quiz
from ketatraining.quiz.problems import Problem
from ketatraining.quiz.types.short_answer import has_wildcard, literal

QUIZ_DIR = Path(__file__).resolve().parents[2] / "quizzes"
BANKS = sorted(p for p in QUIZ_DIR.glob("*.yaml") if p.name not in CATALOG_FILES)
BANK_IDS = [p.stem for p in BANKS]

CANNOT: dict[str, tuple[str, ...]] = {
    "gift": (),  # ordering: qtype_ordering's GIFT syntax (Moodle 4.4+)
    "jupyterquiz": ("matching", "ordering"),  # jupyterquiz has neither
    "moodle_xml": (),
    "qti": (),
}
"""Question types each format has no way to express (the specification of the tests)."""


def load_bank(path: Path) -> Quiz:
    quiz, problems = check_file(path)
    assert quiz is not None, [p.format() for p in problems]
    return quiz


def left_out(quiz: Quiz, fmt: str) -> list[str]:
    """Ids of the questions ``fmt`` cannot carry, in quiz order."""
    ids = []
    for question in quiz.questions:
        if question.type in CANNOT[fmt]:
            ids.append(question.id)
        elif fmt == "jupyterquiz" and question.type == "short_answer" and all(
                has_wildcard(a.text) for a in question.answers if a.credit >= 100):
            ids.append(question.id)  # jupyterquiz compares exact text: no '*'
    return ids


def carried(quiz: Quiz, fmt: str) -> Quiz:
    """The quiz as ``fmt`` can carry it: the questions it cannot express removed."""
    gone = set(left_out(quiz, fmt))
    return quiz.model_copy(update={"questions": [q for q in quiz.questions
                                                 if q.id not in gone]})


def assert_left_out_reported(problems: Sequence[Problem], quiz: Quiz, fmt: str) -> None:
    """Every question ``fmt`` cannot carry has its KE002 warning, and no other question is
    said to be left out."""
    reported = [p.question for p in problems
                if p.code == "KE002" and "left out" in p.message and p.question in {
                    q.id for q in quiz.questions} and f"'{p.question}'" in p.message]
    assert reported == left_out(quiz, fmt), [p.format() for p in problems]
    assert all(p.severity == "warning" for p in problems if p.question in reported)


def responses(question: AnyQuestion) -> list[Any]:
    """Every answer whose mark matters, in the question's own ids (None: no answer)."""
    found: list[Any] = [None]
    match question.type:
        case "single_choice":
            found += [o.id for o in question.options]
        case "multiple_choice":
            ids = [o.id for o in question.options]
            found += [list(c) for n in range(len(ids) + 1)
                      for c in itertools.combinations(ids, n)]
        case "true_false":
            found += [True, False]
        case "numeric":
            width = max(question.tolerance or 0,
                        (question.relative_tolerance or 0) * abs(question.value))
            targets = [(question.value, width)] + [(a.value, a.tolerance)
                                                   for a in question.alternatives]
            for value, tolerance in targets:
                found += [value + d for d in (0, 0.99 * tolerance, -0.99 * tolerance,
                                              1.5 * tolerance + 1, -(1.5 * tolerance + 1))]
        case "matching":
            key = {i.id: i.answer for i in question.items}
            found += [{}, key]
            for item, answer in itertools.product(question.items, question.answers):
                found.append({**key, item.id: answer.id})
        case "short_answer":
            for answer in question.answers:
                shown = literal(answer.text)
                filled = "".join(t if t is not None else "xyz" for t in _tokens(answer.text))
                found += [shown, filled, shown.upper(), shown.lower(), f"  {shown} ",
                          shown.replace(" ", "  ")]
            found += ["", "a wrong answer"]
        case "ordering":
            steps = [s.id for s in question.steps]
            found += [steps, steps[::-1], steps[1:] + steps[:1]]
            for i in range(len(steps) - 1):
                swapped = list(steps)
                swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
                found.append(swapped)
        case other:
            pytest.fail(f"no answers to grade for type {other}: add it to banks.responses")
    return found


def _tokens(pattern: str) -> list[str | None]:
    from ketatraining.quiz.types.short_answer import tokens

    return list(tokens(pattern))


def same_answer(before: AnyQuestion, after: AnyQuestion, response: Any) -> Any:
    """``response`` (in ``before``'s ids) in ``after``'s ids, matched by position: an
    import without our metadata may name options, items and steps differently."""
    def rename(old: Sequence[Any], new: Sequence[Any]) -> dict[str, str]:
        return {a.id: b.id for a, b in zip(old, new, strict=True)}

    if response is None:
        return None
    match before.type:
        case "single_choice":
            return rename(before.options, after.options)[response]
        case "multiple_choice":
            ids = rename(before.options, after.options)
            return [ids[r] for r in response]
        case "matching":
            items = rename(before.items, after.items)
            answers = rename(before.answers, after.answers)
            return {items[i]: answers[a] for i, a in response.items()}
        case "ordering":
            steps = rename(before.steps, after.steps)
            return [steps[s] for s in response]
    return response
