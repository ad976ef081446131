"""What every importer shares: coded problems, --strict, Markdown from other formats.

Importers never raise on bad input: a problem in one question is a :class:`Problem`
with the file, line or path, a stable code and a fix, and the rest of the file is
still read. Anything the course cannot keep is reported (KI020 skipped question,
KI021 information left out), and ``strict`` turns those reports into errors so a
file that would lose anything is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from ketatraining.errors import KetaTrainingError
from ketatraining.interop.yaml_writer import (
    TODO_EXPLANATION,
    TODO_OBJECTIVE,
    TODO_REFERENCE,
    ImportResult,
)
from ketatraining.quiz.problems import Problem

if TYPE_CHECKING:
    from ketatraining.quiz.model import Quiz

__all__ = ["Collector", "Refusal", "markdown_from", "prose", "question_tail", "refuse"]

LOSS_CODES = ("KI020", "KI021")
"""Codes that mean something in the source will not be in the quiz (refused by --strict)."""


class Refusal(Exception):
    """One question (or value) cannot be imported: a code, a sentence and a fix."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def refuse(code: str, message: str, hint: str) -> NoReturn:
    raise Refusal(code, message, hint)


def prose(text: str, todo: str) -> str:
    """``text``, or the TODO marker when it is empty (validate lists every TODO)."""
    return text if text.strip() else todo


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that shows exactly the same characters."""
    escaped = re.sub(r"([\\`*_\[\]<>#|~&])", r"\\\1", text)
    return re.sub(r"(?m)^(\s*)([-+=]|\d+[.)])(\s|$)", r"\1\\\2\3", escaped)


def markdown_from(text: str, fmt: str) -> str:
    """Text in another system's format as the course's Markdown.

    HTML is valid Markdown (it is rendered, then sanitized, when shown); Moodle's
    auto-format and Markdown are read as Markdown; plain text is escaped.
    """
    if fmt in ("plain_text", "plain"):
        return escape_markdown(text)
    return text


class Collector:
    """The problems of one import, and the rule that turns them into a result."""

    def __init__(self, path: str, strict: bool) -> None:
        self.path, self.strict = path, strict
        self.problems: list[Problem] = []
        self.skipped = 0
        self.own_export = False
        """The file is one of the course's own exports: it marks as the course does."""

    def _add(self, code: str, message: str, line: int | None, question: str | None,
             hint: str, severity: str, field: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.path, line, question=question,
                                     field=field, hint=hint,
                                     severity="error" if severity == "error" else "warning"))

    def fail(self, code: str, message: str, line: int | None, question: str | None,
             hint: str, field: str | None = None) -> None:
        """An error: this question (or the file) cannot be imported."""
        self._add(code, message, line, question, hint, "error", field)

    def skip(self, message: str, line: int | None, question: str | None, hint: str,
             field: str | None = None) -> None:
        """A question left out because the course has no such type (KI020)."""
        self.skipped += 1
        action = "Refused (--strict)" if self.strict else "Skipped"
        self._add("KI020", f"{action}: {message}", line, question, hint,
                  "error" if self.strict else "warning", field)

    def lost(self, message: str, line: int | None, question: str | None, hint: str,
             field: str | None = None) -> None:
        """Something in a question the course cannot keep (KI021)."""
        prefix = "Refused (--strict): " if self.strict else ""
        self._add("KI021", prefix + message, line, question, hint,
                  "error" if self.strict else "warning", field)

    def note(self, message: str, line: int | None, hint: str,
             question: str | None = None) -> None:
        """Something kept in another form, or a guess (KI023): reported, never refused."""
        self._add("KI023", message, line, question, hint, "warning")

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def penalties(self, questions: list[dict[str, Any]]) -> None:
        """A negative weight on a single-answer option: Moodle (and QTI's mapping) takes
        marks away for choosing it, the course scores it 0 (single_choice has no
        penalty), so the imported question marks differently (KI021). Not for the course's
        own exports: their weights were the course's to begin with."""
        if self.own_export:
            return
        for question in questions:
            if question.get("type") != "single_choice":
                continue
            for option in question.get("options") or []:
                weight = option.get("weight") if isinstance(option, dict) else None
                if isinstance(weight, int | float) and weight < 0:
                    self.lost(
                        f"Option {option.get('id')} takes away {-weight:g}% of the mark in "
                        "the source; in the course a single-answer question never goes "
                        "below 0, so choosing it scores 0.", None, question.get("id"),
                        "Keep it if 0 is what you want (validate warns, KQ217), or make "
                        "the question multiple_choice, whose weights can penalise.")

    def result(self, questions: list[dict[str, Any]],
               build: Callable[[list[dict[str, Any]]], dict[str, Any]]) -> ImportResult:
        self.penalties(questions)
        if not questions and not self.has_errors:
            self._add("KI022", "The file has no question the course can import.", None, None,
                      "Check that this is the right file and format.", "error")
        data = None if self.has_errors else build(questions)
        if data is not None and self.has_errors:  # build() may report (strict notes)
            data = None
        problems = sorted(self.problems, key=lambda p: (p.line or 0, p.code))
        return ImportResult(data, problems, self.skipped)


def question_tail(question: dict[str, Any], explanation: str, meta: dict[str, Any],
                  tags: list[str], points: float) -> None:
    """The fields after the type's own: explanation, references, objective, tags, points.

    ``meta`` is what our own exports carry in comments; it wins over the TODO markers.
    """
    question["explanation"] = prose(explanation, TODO_EXPLANATION)
    references = meta.get("references")
    question["references"] = ([str(r) for r in references] if isinstance(references, list)
                              else [TODO_REFERENCE])
    objective = meta.get("objective")
    question["objective"] = objective if isinstance(objective, str) else TODO_OBJECTIVE
    if meta.get("difficulty") in ("easy", "medium", "hard"):
        question["difficulty"] = meta["difficulty"]
    meta_tags = meta.get("tags")
    chosen = [str(t) for t in meta_tags] if isinstance(meta_tags, list) else tags
    if chosen:
        question["tags"] = chosen
    meta_points = meta.get("points")
    if isinstance(meta_points, (int, float)) and not isinstance(meta_points, bool):
        points = float(meta_points)
    question["points"] = points


def category_tag(category: str) -> str:
    """Moodle's category path as a tag: '$course$/top/Safety basics' -> 'category:Safety
    basics' (the last part; '//' is an escaped '/')."""
    parts = [p for p in re.split(r"(?<!/)/(?!/)", category) if p and not p.startswith("$")]
    parts = [p for p in parts if p != "top"] or ["top"]
    return "category:" + parts[-1].replace("//", "/").strip()[:60]


EXPORT_CODES: dict[str, str] = {
    "KE001": "A weight or credit the target format cannot express (refused, or rounded "
             "with --round-weights).",
    "KE002": "Something the target format cannot carry (it travels only in our metadata).",
    "KE003": "The output cannot be written (e.g. its folder does not exist).",
    "KE004": "Moodle's edit form needs at least 2 sub-questions and 3 answers in a matching "
             "question.",
    "KE005": "Moodle compares the spaces inside a short answer exactly; the course counts "
             "a run of spaces as one.",
}
"""Problem codes of the exporters."""


def pool_losses(quiz: Quiz, path: str, target: str) -> list[Problem]:
    """KE002 for each pool: no export format carries the course's random draw, so the
    exported quiz asks every question (a trainer must set the draw up in the target)."""
    losses = []
    for pool in quiz.pools:
        members = pool.members(list(quiz.questions))
        losses.append(Problem(
            "KE002", f"{target} carries no random draw: in the course each attempt asks "
            f"{pool.draw} of the {len(members)} questions in {pool.describe()}, but the "
            f"exported quiz asks all {len(members)}.", path,
            hint="Set the random draw up in the system you import into (in Moodle: put "
            "these questions in a category or tag and add a 'random question' to the "
            "quiz), or export a copy of the quiz without 'pools'.", severity="warning"))
    return losses


class ExportRefused(KetaTrainingError):
    """The export would change the quiz's meaning; ``problems`` say where and how to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"the export was refused ({len(errors)} problem(s)): "
                         + " ".join(p.format() for p in errors))
        self.problems = problems


def check_output_folder(path: str) -> None:
    """A KetaTrainingError naming the folder when it does not exist (before any temp file)."""
    from pathlib import Path

    folder = Path(path).parent
    if not folder.is_dir():
        msg = (f"cannot write '{path}': the folder '{folder}' does not exist (KE003); "
               "create it or choose another --out.")
        raise KetaTrainingError(msg)


def words(text: str) -> str:
    """Text as a reader sees it: markup, entities and spacing ignored."""
    import html

    from ketatraining.text import plain_text

    return " ".join(html.unescape(plain_text(text)).split())


def restore(markdown: object, shown: str) -> str:
    """Our export's Markdown source for ``shown`` while it still reads the same.

    Exports render Markdown to HTML for the other system and keep the source in a
    comment; if someone edited the text there, the edit (``shown``) wins.
    """
    if isinstance(markdown, str) and markdown.strip() and words(markdown) == words(shown):
        return markdown
    return shown


def meta_comment_text(meta: dict[str, Any], prefix: str) -> str:
    """JSON for an XML comment: '--' (not allowed there) escaped inside strings."""
    import json

    text = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return f" {prefix} {text.replace('--', '-' + chr(92) + 'u002d')} "
