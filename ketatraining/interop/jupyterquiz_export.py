"""Write a quiz as jupyterquiz JSON (jmshea/jupyterquiz), ready for ``display_quiz``.

jupyterquiz shows ``multiple_choice`` (one right answer), ``many_choice`` (select all)
and ``numeric`` questions with per-answer feedback; texts are HTML. Our types map as:
single choice and true/false -> ``multiple_choice``, multiple choice -> ``many_choice``,
numeric -> ``numeric`` (an exact ``value``, or a ``range``; jupyterquiz's ranges leave
out their upper end, so the upper end written is the next number above ours and the
accepted numbers are exactly the same), alternatives as further answers, the wrong-answer
feedback as ``default``.

jupyterquiz has no scores, no explanation and no units, so what it cannot carry is
reported (KE002) and kept, with our ids and Markdown, in a ``"ketatraining"`` key on each
question, which jupyterquiz ignores and ``import jupyterquiz`` reads back.
"""

from __future__ import annotations

import json
import math
from typing import Any, assert_never

from ketatraining.interop.common import pool_losses
from ketatraining.quiz.model import (
    AnyQuestion,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Quiz,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from ketatraining.quiz.problems import Problem

__all__ = ["META_KEY", "export_jupyterquiz", "jupyterquiz_export"]

META_KEY = "ketatraining"


def _html(markdown: str, *, inline: bool = False) -> str:
    from ketatraining.text import markdown_to_html

    return markdown_to_html(markdown, inline=inline)


class _Writer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def note(self, question: str, message: str, hint: str) -> None:
        self.problems.append(Problem("KE002", message, self.path, question=question, hint=hint,
                                     severity="warning"))

    def question(self, question: AnyQuestion) -> dict[str, Any] | None:
        item: dict[str, Any] = {"question": _html(question.prompt)}
        match question:
            case TrueFalse():
                item["type"] = "multiple_choice"
                item["answers"] = self.choices(question)
            case SingleChoice() | MultipleChoice():
                single = isinstance(question, SingleChoice)
                item["type"] = "multiple_choice" if single else "many_choice"
                item["answers"] = self.choices(question)
                if any(o.weight for o in question.options if not (single and o.correct)):
                    self.note(question.id, "jupyterquiz has no option weights: a learner "
                              "sees right or wrong per answer, not the partial credit.",
                              "Nothing to do; the weights stay in the 'ketatraining' key.")
            case Numeric():
                item["type"] = "numeric"
                item["answers"] = self.numeric(question)
            case ShortAnswer():
                from ketatraining.quiz.types.short_answer import has_wildcard

                if all(has_wildcard(a.text) for a in question.answers if a.credit >= 100):
                    self.note(question.id, "jupyterquiz compares text exactly and every "
                              f"fully right answer of '{question.id}' has a '*' wildcard: "
                              "the question is left out.", "List a right spelling without "
                              "'*', or export the quiz as QTI or Moodle XML to keep it.")
                    return None
                item["type"] = "string"
                item["answers"] = self.text_answers(question)
            case Matching() | Ordering():
                self.note(question.id, f"jupyterquiz has no {question.type} questions: "
                          f"'{question.id}' is left out.", "Export the quiz as QTI or Moodle "
                          "XML to keep it.")
                return None
            case _:
                assert_never(question)
        item[META_KEY] = question.model_dump(mode="json", exclude_defaults=False)
        return item

    def choices(self, question: SingleChoice | MultipleChoice | TrueFalse) -> list[dict[str,
                                                                                      Any]]:
        if isinstance(question, TrueFalse):
            return [{"answer": "True", "correct": question.answer,
                     "feedback": _html(question.feedback_true)},
                    {"answer": "False", "correct": not question.answer,
                     "feedback": _html(question.feedback_false)}]
        return [{"answer": _html(o.text, inline=True), "correct": o.correct,
                 "feedback": _html(o.feedback)} for o in question.options]

    def numeric(self, question: Numeric) -> list[dict[str, Any]]:
        tolerance = question.tolerance or 0.0
        if question.relative_tolerance is not None:
            tolerance = max(tolerance, question.relative_tolerance * abs(question.value))
        answers = [self.number(question.value, tolerance, True, question.feedback_correct)]
        for alternative in question.alternatives:
            right = alternative.credit >= 100
            if 0 < alternative.credit < 100:
                self.note(question.id, f"jupyterquiz has no partial credit: the answer "
                          f"{alternative.value:g} (worth {alternative.credit:g}%) is shown as "
                          "wrong.", "Nothing to do; the credit stays in the 'ketatraining' "
                          "key.")
            answers.append(self.number(alternative.value, alternative.tolerance, right,
                                       alternative.feedback))
        answers.append({"type": "default", "feedback": _html(question.feedback_incorrect)})
        if question.units:
            self.note(question.id, f"jupyterquiz shows no unit next to the box; the unit "
                      f"'{question.units}' is left out.", "Say the unit in the question.")
        return answers

    def text_answers(self, question: ShortAnswer) -> list[dict[str, Any]]:
        """jupyterquiz 'string': exact text (case as asked), no wildcard, no partial credit."""
        from ketatraining.quiz.types.short_answer import has_wildcard, literal

        answers: list[dict[str, Any]] = []
        for answer in question.answers:
            if has_wildcard(answer.text):
                self.note(question.id, f"jupyterquiz compares text exactly: the accepted "
                          f"answer '{answer.text}' with a '*' wildcard is left out.",
                          "List the spellings you accept without '*'.")
                continue
            if 0 < answer.credit < 100:
                self.note(question.id, f"jupyterquiz has no partial credit: '{answer.text}' "
                          f"(worth {answer.credit:g}%) is shown as wrong.", "Nothing to do; "
                          "the credit stays in the 'ketatraining' key.")
            entry: dict[str, Any] = {"answer": literal(answer.text),
                                     "correct": answer.credit >= 100,
                                     "match_case": question.case_sensitive}
            if answer.feedback:
                entry["feedback"] = _html(answer.feedback)
            answers.append(entry)
        answers.append({"type": "default", "feedback": _html(question.feedback_incorrect)})
        return answers

    @staticmethod
    def number(value: float, tolerance: float, correct: bool,
               feedback: str | None) -> dict[str, Any]:
        answer: dict[str, Any]
        if tolerance:
            # jupyterquiz accepts low <= x < high: the next float above value + tolerance
            # as high accepts exactly the numbers the course accepts, up to value + tolerance
            answer = {"type": "range",
                      "range": [value - tolerance, math.nextafter(value + tolerance, math.inf)]}
        else:
            answer = {"type": "value", "value": value}
        answer["correct"] = correct
        if feedback:
            answer["feedback"] = _html(feedback)
        return answer


def jupyterquiz_export(quiz: Quiz, *, path: str = "<json>",
                       round_weights: bool = False) -> tuple[str, list[Problem]]:
    """The JSON text (a list of questions) and what jupyterquiz cannot carry (KE002)."""
    del round_weights  # jupyterquiz has no weights to round
    writer = _Writer(path)
    items = [item for item in (writer.question(q) for q in quiz.questions) if item is not None]
    if items:
        settings: dict[str, Any] = {"id": quiz.id, "title": quiz.title, "topic": quiz.topic,
                                    "pass_mark": quiz.pass_mark, "shuffle": quiz.shuffle}
        if quiz.description is not None:
            settings["description"] = quiz.description
        if quiz.max_attempts is not None:
            settings["max_attempts"] = quiz.max_attempts
        items[0][META_KEY] = {**items[0][META_KEY], "quiz": settings}
    writer.problems.insert(0, Problem(
        "KE002", "jupyterquiz has no scores, pass mark, attempt limit, explanations or "
        "references: learners see each answer's feedback only.", path,
        hint="Nothing to do; they stay in each question's 'ketatraining' key, and "
        "'ketatraining import jupyterquiz' reads them back.", severity="warning"))
    problems = pool_losses(quiz, path, "jupyterquiz") + writer.problems
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n", problems


def export_jupyterquiz(quiz: Quiz) -> str:
    """The quiz as jupyterquiz JSON text."""
    return jupyterquiz_export(quiz)[0]
