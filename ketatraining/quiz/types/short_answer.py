"""short_answer: typed text compared with the trainer's accepted answers.

Comparison rules (quizzes/README.md): both sides are Unicode-normalised (NFC), leading
and trailing whitespace is dropped and every run of inner whitespace counts as one
space; case is ignored unless ``case_sensitive: true``. ``*`` in an accepted answer
matches any run of characters, as in Moodle (``\\*`` is a literal star). Trainers never
write regular expressions (a pattern can take exponential time); the wildcard matcher
below is linear in the answer times the pattern. When several accepted answers match,
the one with the highest credit counts.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import (
    JSON,
    Answer,
    Choice,
    Grade,
    QuestionBase,
    QuestionType,
    Reporter,
    Strict,
    Text,
    clamp,
    mappings,
    number,
)

MAX_LENGTH = 500
"""Longer typed answers are refused by the seam and never match."""
OTHER = "other"
"""Item analysis: an answer that matched none of the accepted ones."""


class AcceptedAnswer(Strict):
    """One accepted answer with its credit and feedback."""

    text: Text = Field(description="The answer; '*' matches any characters, '\\*' a star.")
    credit: float = Field(default=100.0, description="Percent of the points (0-100).")
    feedback: Text | None = Field(
        default=None, description="Shown when the learner's answer matches this one.")


class ShortAnswer(QuestionBase):
    """Typed text against accepted answers, each with its own credit and feedback."""

    type: Literal["short_answer"]
    answers: list[AcceptedAnswer] = Field(
        description="Accepted answers; at least one earns full credit (100).")
    case_sensitive: bool = Field(default=False, description="Whether case must match.")
    feedback_incorrect: Text = Field(description="Feedback when no accepted answer matches.")


def normalise(text: str, case_sensitive: bool) -> str:
    """The comparison form: NFC, whitespace collapsed, casefolded unless case counts."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if case_sensitive else text.casefold()


def tokens(pattern: str) -> list[str | None]:
    """Characters of a pattern, None for a wildcard (runs of '*' count as one)."""
    tokens: list[str | None] = []
    escaped = False
    for char in pattern:
        if escaped:
            tokens.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            if not tokens or tokens[-1] is not None:
                tokens.append(None)
        else:
            tokens.append(char)
    if escaped:
        tokens.append("\\")
    return tokens


def wildcard_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` ('*' = any run), without backtracking blow-up."""
    parts = tokens(pattern)
    t = p = 0
    star = -1
    resume = 0
    while t < len(text):
        if p < len(parts) and parts[p] is not None and parts[p] == text[t]:
            t += 1
            p += 1
        elif p < len(parts) and parts[p] is None:
            star, resume = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            resume += 1
            t = resume
        else:
            return False
    while p < len(parts) and parts[p] is None:
        p += 1
    return p == len(parts)


def literal(pattern: str) -> str:
    """The shortest text a pattern accepts (its wildcards matching nothing)."""
    return "".join(t for t in tokens(pattern) if t is not None)


def has_wildcard(pattern: str) -> bool:
    return None in tokens(pattern)


class ShortAnswerType(QuestionType[ShortAnswer, str]):
    name = "short_answer"
    control = "text"
    model = ShortAnswer
    kind = "short answer"
    xapi_interaction = "fill-in"
    refusal = "text"
    typed = True
    codes: ClassVar[dict[str, str]] = {
        "KQ230": "A short_answer question has no accepted answer.",
        "KQ231": "An accepted answer is only wildcards, so it matches every answer.",
        "KQ232": "No accepted answer of a short_answer question earns full credit.",
        "KQ233": "Two accepted answers of a short_answer question are the same.",
    }

    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        answers = question.get("answers")
        if not isinstance(answers, list):
            return
        where = (*loc, "answers")
        if not answers:
            report.add("KQ230", "The question accepts no answer.", where,
                       hint="List at least one accepted answer with 'text:' and 'feedback:'.")
            return
        case = question.get("case_sensitive") is True
        seen: set[str] = set()
        full = False
        for index, answer in mappings(answers):
            text = answer.get("text")
            credit = number(answer.get("credit", 100.0))
            if credit is not None and not 0 <= credit <= 100:
                report.add("KQ105", f"credit is {answer['credit']}.", (*where, index, "credit"),
                           hint="Give a percentage between 0 and 100.")
            full = full or credit == 100
            if not isinstance(text, str) or not text.strip():
                continue
            if has_wildcard(text) and not literal(text).strip():
                report.add("KQ231", f"The accepted answer '{text.strip()}' matches every "
                           "answer, even a blank one.", (*where, index, "text"),
                           hint="Write the words the answer must contain, e.g. 'dissociat*'.")
            form = normalise(text, case)
            if form in seen:
                report.add("KQ233", f"'{text.strip()}' is accepted twice.",
                           (*where, index, "text"),
                           hint="Remove one (case and spacing do not count unless "
                           "case_sensitive is true).")
            seen.add(form)
        if not full:
            report.add("KQ232", "No accepted answer has credit 100.", where,
                       hint="Give the best answer 'credit: 100' (it is the default).")

    def decode(self, question: ShortAnswer, raw: object) -> str | None:
        return raw if isinstance(raw, str) else None

    def encode(self, question: ShortAnswer, response: str) -> JSON:
        return response

    def best(self, question: ShortAnswer, response: str | None) -> int | None:
        """Index of the accepted answer that counts for ``response``, if any."""
        if response is None or len(response) > MAX_LENGTH:
            return None
        typed = normalise(response, question.case_sensitive)
        if not typed:
            return None
        found: int | None = None
        for index, answer in enumerate(question.answers):
            pattern = normalise(answer.text, question.case_sensitive)
            if wildcard_match(pattern, typed) and (
                    found is None or answer.credit > question.answers[found].credit):
                found = index
        return found

    def mark(self, question: ShortAnswer, response: str | None) -> Grade:
        index = self.best(question, response)
        if index is None:
            return Grade(0.0, question.points, (("answer", question.feedback_incorrect),))
        answer = question.answers[index]
        said = (("answer", answer.feedback),) if answer.feedback else ()
        return Grade(question.points * clamp(answer.credit / 100), question.points, said)

    def key(self, question: ShortAnswer) -> str:
        best = max(question.answers, key=lambda a: a.credit)
        return literal(best.text)

    def valid(self, question: ShortAnswer, response: str) -> bool:
        return bool(response.strip()) and len(response) <= MAX_LENGTH

    def solution(self, question: ShortAnswer) -> str:
        """A full-credit answer as a learner would type it: one without wildcards if the
        trainer gave one, else the pattern's shape (its literal alone, 'dissociat' for
        'dissociat*', read like a typo by the course)."""
        best = max(a.credit for a in question.answers)
        full = [a for a in question.answers if a.credit == best]
        plain = next((a for a in full if not has_wildcard(a.text)), None)
        if plain is not None:
            return f"An accepted answer: {plain.text.strip()}."
        shape = "".join("…" if t is None else t for t in tokens(full[0].text)).strip()
        return f"An accepted answer: {shape} (where … stands for any letters)."

    def public_data(self, question: ShortAnswer,
                    rng: random.Random | None = None) -> dict[str, Any]:
        return {}

    def choices(self, question: ShortAnswer) -> list[Choice]:
        return [*(Choice(f"answer-{n}", a.text, a.credit == 100)
                  for n, a in enumerate(question.answers, start=1)),
                Choice(OTHER, "any other answer", False)]

    def chosen(self, question: ShortAnswer, response: str) -> set[str]:
        index = self.best(question, response)
        return {OTHER if index is None else f"answer-{index + 1}"}

    def answers(self, question: ShortAnswer) -> list[Answer]:
        case = "case must match" if question.case_sensitive else "any case"
        lines = [Answer(a.credit == 100, f"{a.text} ({a.credit:g} % credit, {case})",
                        a.feedback or "") for a in question.answers]
        lines.append(Answer(False, "any other answer", question.feedback_incorrect))
        return lines

    def response_text(self, question: ShortAnswer, response: str) -> str:
        return response

    def typed_key(self, question: ShortAnswer, response: str) -> str:
        return normalise(response, question.case_sensitive)

    def matched(self, question: ShortAnswer, response: str) -> str:
        index = self.best(question, response)
        if index is None:
            return "nothing"
        accepted = question.answers[index]
        return f"accepted answer '{accepted.text}' ({accepted.credit:g}% credit)"

    def xapi_definition(self, question: ShortAnswer) -> dict[str, Any]:
        case = "true" if question.case_sensitive else "false"
        patterns = [f"{{case_matters={case}}}{literal(a.text)}" for a in question.answers
                    if a.credit == 100 and not has_wildcard(a.text)]
        return {"correctResponsesPattern": patterns} if patterns else {}

    def xapi_response(self, question: ShortAnswer, response: str) -> str:
        return response

    def simulate(self, question: ShortAnswer, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> str:
        if rng.random() < p_right(0.0):
            return self.key(question)
        partial = [a for a in question.answers if 0 < a.credit < 100]
        if partial and rng.random() < 0.4:
            return literal(rng.choice(partial).text)
        return rng.choice(("not sure", "I don't know", "ketamine"))


TYPE = ShortAnswerType()
