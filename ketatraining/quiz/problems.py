"""Problems found in a quiz file, each with a stable code, a place and a fix.

Codes are stable so trainers and docs can refer to them; quizzes/README.md lists
them all (a test checks that every code here is documented there). Codes of one
question type's rules are defined with that type (``quiz/types/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ketatraining.quiz.types import type_codes

Severity = Literal["error", "warning"]

MAX_PROBLEMS = 200
"""Problems listed per file; beyond this a hostile or garbled file would take minutes."""

_GENERAL: dict[str, str] = {
    # Reading the file
    "KQ001": "The file cannot be read.",
    "KQ002": "The file is larger than the size limit.",
    "KQ003": "The file is not valid UTF-8 text.",
    "KQ004": "The file contains control characters or binary data.",
    "KQ005": "The file contains invisible text-direction characters.",
    # YAML
    "KQ010": "YAML syntax error.",
    "KQ011": "A key appears twice in the same mapping.",
    "KQ012": "YAML tags (such as !!python/object) are not allowed.",
    "KQ013": "YAML anchors and aliases (& and *) are not allowed.",
    "KQ014": "The file is nested too deeply.",
    "KQ015": "The file is empty or is not a mapping of keys to values.",
    "KQ016": "A mapping or list holds too many entries.",
    "KQ017": "A number is too large (more than 10^15 in size, in any YAML form).",
    # Structure
    "KQ101": "Unknown key.",
    "KQ102": "A required field is missing.",
    "KQ103": "A field has the wrong type.",
    "KQ104": "A text field is empty.",
    "KQ105": "A field has a value that is not allowed.",
    "KQ110": "Unknown schema_version.",
    # Content rules
    "KQ201": "Two questions share an id.",
    "KQ206": "Unknown reference key.",
    "KQ207": "Unknown learning objective key.",
    "KQ209": "A quiz needs at least one question.",
    "KQ210": "pass_mark must be between 0 and 100.",
    "KQ211": "points must be greater than 0.",
    "KQ212": "max_attempts must be at least 1.",
    "KQ214": "The quiz id does not match the file name.",
    "KQ215": "The bibliography or objectives file has a problem.",
    "KQ250": "A pool holds fewer questions than it draws.",
    "KQ251": "A pool names a tag, objective or question that no question of the quiz has.",
    "KQ252": "A pool must draw at least 1 question.",
    "KQ253": "A question is in two pools.",
    "KQ254": "A pool must name its questions by exactly one of tag, objective or questions.",
    # Warnings
    "KQ301": "A TODO marker is left in the quiz.",
    "KQ302": "A question has no reference.",
    "KQ304": "A character looks like an ordinary one but is not (invisible or look-alike).",
    "KQ305": "HTML in a text will be removed before learners see it.",
    "KQ306": "A learning objective is assessed by fewer than two quiz items.",
    "KQ307": "The questions of a pool carry different points.",
    "KQ308": "A pool draws every question it holds (nothing is random).",
    # Item-writing review (ketatraining review, validate --review): warnings
    "KQ401": "The right option is the longest one.",
    "KQ402": "Across the quiz, the right option is the longest far more often than chance.",
    "KQ403": "An option is 'all of the above' or 'none of the above'.",
    "KQ404": "The question is worded negatively without emphasis.",
    "KQ405": "Absolute words (always, never, only) appear only in wrong options.",
    "KQ406": "Words of the question reappear only in the right option.",
    "KQ407": "Two options are the same or nearly the same.",
    "KQ408": "Across the quiz, the right option sits in one position far more often than chance.",
}
CODES: dict[str, str] = dict(sorted({**_GENERAL, **type_codes()}.items()))
"""Every code: the general ones above and each question type's own (quiz/types/)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: where it is, what is wrong, and how to fix it."""

    code: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    question: str | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """One line for terminals and notebooks, e.g.

        ``quizzes/x.yaml:12:7: error KQ203 [question q1, field options] ... Fix: ...``
        """
        context = []
        if self.question:
            context.append(f"question {self.question}")
        if self.field:
            context.append(f"field {self.field}")
        where = f" [{', '.join(context)}]" if context else ""
        fix = f" Fix: {self.hint}" if self.hint else ""
        return f"{self.location()}: {self.severity} {self.code}{where} {self.message}{fix}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "question": self.question,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }
