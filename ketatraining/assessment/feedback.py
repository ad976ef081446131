"""Feedback and explanation HTML for a checked answer, built behind the seam.

This is the only place that turns a question's key, feedback and explanation into
learner-facing HTML, and it runs only after an answer was graded: whatever front-end
shows the result (the quiz widget, the app, the hub) receives finished, sanitized HTML
and never the key itself. Trainer text goes through :func:`markdown_to_html` exactly
once; fixed sentences are escaped with :func:`html.escape` exactly once.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from typing import Any

from ketatraining.assessment import wording
from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.grading import Grade
from ketatraining.quiz.types import get_type
from ketatraining.text import markdown_to_html


def verdict(result: Grade) -> tuple[str, str]:
    """("correct" | "partly" | "incorrect", the sentence that says it)."""
    if result.correct:
        return "correct", wording.CORRECT
    if result.score > 0:
        return "partly", wording.PARTLY
    return "incorrect", wording.INCORRECT


def references_html(keys: Collection[str], references: Mapping[str, Reference]) -> str:
    """The question's sources, formatted from the one bibliography."""
    items = []
    for key in keys:
        reference = references.get(key)
        text = reference.format(references) if reference else key
        items.append(f"<li>{html.escape(text)}</li>")
    if not items:
        return ""
    return f"<p><strong>{wording.REFERENCES}:</strong></p><ol>{''.join(items)}</ol>"


def feedback_html(question: Any, result: Grade, response: Any) -> str:
    """The verdict, the points, and what the trainer wrote about this answer.

    A choice question lists every option, right or not and chosen or not (its type's
    ``option_verdicts``); other types give their feedback text and, after a wrong answer,
    the type's ``solution``.
    """
    _, sentence = verdict(result)
    total = wording.points(result.max_score)
    head = f"<p><strong>{html.escape(sentence)}</strong> {result.score:g} of {html.escape(total)}.</p>"
    lines = [head]
    definition = get_type(question)
    options = definition.option_verdicts(question, definition.decode(question, response))
    if options:
        items = []
        for option in options:
            mark = wording.RIGHT_OPTION if option.right else wording.WRONG_OPTION
            if option.partial is not None:
                mark = wording.PARTLY_RIGHT_OPTION.format(percent=f"{option.partial:g}")
            mine = f" ({wording.YOUR_CHOICE})" if option.chosen else ""
            items.append(
                f"<li><strong>{html.escape(mark + mine)}:</strong> "
                f"{markdown_to_html(option.text, inline=True)} - "
                f"{markdown_to_html(option.feedback, inline=True)}</li>")
        lines.append(f"<ul>{''.join(items)}</ul>")
        return "".join(lines)
    for _, text in result.feedback:
        lines.append(markdown_to_html(text))
    solution = None if result.correct else get_type(question).solution(question)
    if solution:  # the type says what was right (true/false, the number, the pairs ...)
        lines.append(markdown_to_html(solution))
    return "".join(lines)


def explanation_html(question: Any, references: Mapping[str, Reference]) -> str:
    """Why the answer is right, and the sources it rests on."""
    refs = references_html(list(question.references), references)
    return (f"<p><strong>{wording.EXPLANATION}:</strong></p>"
            f"{markdown_to_html(question.explanation)}{refs}")
