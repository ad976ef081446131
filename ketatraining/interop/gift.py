"""Moodle GIFT: read it as Moodle's own importer does, and write it back.

Reading follows ``question/format/gift/format.php`` (``readquestion()``) step by step,
so a file behaves here as it does in Moodle: blank lines separate questions, ``//``
lines are comments (their ``[tag:...]`` and ``[id:...]`` are kept), ``$CATEGORY:``
switches category, ``::title::``, ``[html]/[moodle]/[plain]/[markdown]`` formats,
the escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``, and the question type is inferred
from the answer block in Moodle's order. Where Moodle is lax we are stricter (a
numerical answer must be a number; weights must make sense), and every problem
names its line.

Multiple choice (single and multi-response, also missing-word), true/false, numerical,
matching, short answer and ordering (qtype_ordering's ``{>N ...}`` syntax, which Moodle
asks before inferring a type) map onto the course's types; essay and description are
reported with their line and skipped. What GIFT lacks (references, objective,
explanation, feedback) is filled with "TODO: ..." markers.

Writing (:func:`export_gift`) expresses everything GIFT can. What it cannot (the
objective, references, points, units, option ids, quiz settings) goes into
``// ketatraining: {...}`` comment lines, which Moodle ignores and this importer
reads back, so that importing an export gives back the same quiz.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, NoReturn, assert_never

from ketatraining.interop.common import (
    Collector,
    ExportRefused,
    category_tag,
    pool_losses,
    words,
)
from ketatraining.interop.moodle_grades import GradeChecker, choice_fractions
from ketatraining.interop.moodle_rules import (
    answer_rank,
    first_match_differs,
    moodle_differences,
)
from ketatraining.interop.yaml_writer import (
    TODO_EXPLANATION,
    TODO_FEEDBACK,
    TODO_FEEDBACK_CORRECT,
    TODO_FEEDBACK_INCORRECT,
    TODO_OBJECTIVE,
    TODO_REFERENCE,
    ImportResult,
    is_id,
    option_ids,
    quiz_data,
    slug,
    unique_id,
)
from ketatraining.quiz.model import (
    QUESTION_TYPES,
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

__all__ = [
    "GiftAnswer",
    "GiftQuestion",
    "export_gift",
    "import_gift",
    "parse_gift",
]

FORMATS = ("moodle", "html", "plain", "markdown")
UNSUPPORTED = {
    "description": "a description (text without an answer block)",
    "essay": "an essay question ({} with nothing inside)",
    "match": "a matching question",
    "shortanswer": "a short-answer question",
}
META_PREFIX = "// ketatraining:"
QUIZ_META_PREFIX = "// ketatraining-quiz:"

# Escapes become private-use placeholders before parsing, as Moodle's escapedchar_pre().
_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004",
            "~": "\ue005", "n": "\ue006"}
_UNESCAPE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_ESCAPE_RE = re.compile(r"\\(\\|[:#={}~n])")
_WEIGHT_RE = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_NUMBER_RE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_WS = " \t\n\r\0\x0b"  # what PHP's trim() removes
_FORMAT_PREFIX = re.compile(r"\[(moodle|html|plain|markdown)\]")
_TAG_UNSAFE = re.compile(r"[<>\\\]\x00-\x1f\x7f]")
# qtype_ordering's import_from_gift() (core since Moodle 4.4): '{>N SELECT LAYOUT GRADING
# SHOW NUMBERING' then one item per line. Its alternatives are copied as Moodle writes them
# (including its 'RELRELATIVE_...' slip: 'REL' and 'LONGEST_ORDERED_SUBSET' run together).
_ORDERING_RE = re.compile(
    r"^\s*>\s*(\d+)\s*((?:ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?)\s*"
    r"((?:HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?)\s*"
    r"((?:ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST|"
    r"RELATIVE_NEXT_INCLUDE_LAST|RELATIVE_ONE_PREVIOUS_AND_NEXT|"
    r"RELATIVE_ALL_PREVIOUS_AND_NEXT|RELATIVE_TO_CORRECT|RELATIVE|REL"
    r"LONGEST_ORDERED_SUBSET|LONGEST_CONTIGUOUS_SUBSET)?)\s*"
    r"((?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?)\s*((?:none|123|abc|ABCD|iii|IIII)?)\s*"
    r"(.*?)\s*$", re.DOTALL)
_ORDER_FIELDS = ("selectcount", "selecttype", "layouttype", "gradingtype", "showgrading",
                 "numberingstyle")
BLANK = "_____"
"""The blank of a missing-word question, as Moodle shows it."""
_BLANK_MARK = "\ue010"


# --- the parse, as Moodle sees it ---------------------------------------------------------


@dataclass
class GiftAnswer:
    """One answer of a block: text (formats and escapes resolved), weight, feedback."""

    text: str
    weight: float
    """Percent of the mark: 100 for '=', the %n% weight, else 0."""
    feedback: str = ""
    format: str = "moodle"
    value: float | None = None
    """Numerical: the value (midpoint for min..max); None for the '*' catch-all."""
    tolerance: float | None = None
    """Numerical: the margin; None when none was written ('=1822')."""


@dataclass
class GiftQuestion:
    """One question as Moodle's importer reads it, before mapping to the course's types."""

    line: int
    kind: str
    """multichoice, truefalse, numerical, essay, match, shortanswer, ordering, missingword,
    description or category."""
    name: str | None = None
    text: str = ""
    format: str = "moodle"
    single: bool = True
    answers: list[GiftAnswer] = field(default_factory=list)
    answer: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""
    general_feedback: str = ""
    wrong_feedback: str | None = None
    """Numerical: the '~#...' feedback for any other answer."""
    tags: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    """Matching: (item text, answer text); an empty item is a distractor answer."""
    steps: list[str] = field(default_factory=list)
    """Ordering: the items in the right order."""
    order_options: dict[str, str] = field(default_factory=dict)
    """Ordering: qtype_ordering's selectcount, selecttype, layouttype, gradingtype,
    showgrading and numberingstyle as written ('' when left out)."""
    missing_word: bool = False
    """Text follows the answer block: the prompt holds a visible blank (_____)."""
    idnumber: str | None = None
    category: str | None = None
    meta: dict[str, Any] | None = None
    quiz_meta: dict[str, Any] | None = None


def _trim(text: str) -> str:
    return text.strip(_WS)


def _escape_pre(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\\" if m.group(1) == "\\" else _ESCAPES[m.group(1)], text)


def _escape_post(text: str) -> str:
    for placeholder, char in _UNESCAPE.items():
        text = text.replace(placeholder, char)
    return text


def _markdown(text: str, fmt: str) -> str:
    """GIFT text in the course's Markdown: HTML is valid Markdown; plain text is escaped."""
    if fmt != "plain":
        return text
    escaped = re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)
    return re.sub(r"(?m)^(\s*)([-+]|\d+[.)])(\s)", r"\1\\\2\3", escaped)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format(): the text (unescaped, as Markdown) and its format."""
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end > 0 else ""
        if name in FORMATS:
            fmt, text = name, text[end + 1:]
    return _markdown(_trim(_escape_post(text)), fmt), fmt


def _comment_split(answer: str, default: str) -> tuple[str, str, str]:
    """Moodle's commentparser(): 'text#feedback' -> (text, feedback, text format)."""
    bits = answer.split("#", 1)
    text, fmt = _with_format(_trim(bits[0]), default)
    feedback = _with_format(_trim(bits[1]), default)[0] if len(bits) > 1 else ""
    return text, feedback, fmt


class _Failure(Exception):
    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _fail(code: str, message: str, hint: str) -> NoReturn:
    raise _Failure(code, message, hint)


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Questions as Moodle splits them: runs of non-blank lines, with the first line no."""
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if _trim(line) == "":
            if current:
                yield start, current
            current = []
        else:
            if not current:
                start = number
            current.append(line)
    if current:
        yield start, current


def _has_answer_block(lines: list[str]) -> bool:
    text = _escape_pre("\n".join(line for line in lines if not _trim(line).startswith("//")))
    start = text.find("{")
    return start >= 0 and text.find("}", start) > start


def _starts_question(line: str) -> bool:
    stripped = _trim(line)
    return (stripped.startswith(("::", "//", "$CATEGORY:"))
            or "{" in _escape_pre(stripped))


def _split_block(start: int, lines: list[str]) -> list[tuple[int, list[str]]]:
    """A block split where a new question starts after a complete answer block.

    Moodle needs a blank line between questions and would read the rest of such a
    block into the first question's text; we split it and say so (KI014).
    """
    parts: list[tuple[int, list[str]]] = [(start, [])]
    for offset, line in enumerate(lines):
        current = parts[-1][1]
        if current and _has_answer_block(current) and _starts_question(line):
            parts.append((start + offset, [line]))
        else:
            current.append(line)
    return parts


def _meta(comments: list[str], prefix: str) -> dict[str, Any] | None:
    for comment in comments:
        if comment.startswith(prefix):
            try:
                value = json.loads(comment[len(prefix):])
            except json.JSONDecodeError as error:
                _fail("KI010", f"The '{prefix[3:]}' comment is not valid JSON "
                               f"({error.msg}).", "Fix or delete the comment line.")
            if not isinstance(value, dict):
                _fail("KI010", f"The '{prefix[3:]}' comment must hold a JSON object.",
                               "Fix or delete the comment line.")
            return value
    return None


def _tags_and_id(comments: list[str]) -> tuple[list[str], str | None]:
    """[tag:...] and [id:...] in the comments, as Moodle's extract_idnumber_and_tags..."""
    joined = "\n".join(c for c in comments if not c.startswith(("// ketatraining",)))
    idnumber = None
    match = re.search(r"\[id:((?:\\]|[^\]\x00-\x1f\x7f])+)\]", joined)
    if match:
        idnumber = _trim(match.group(1)).replace("\\]", "]")
    tags = [_trim(m.group(1)).replace("\\]", "]")
            for m in re.finditer(r"\[tag:((?:\\]|[^\]<>\x00-\x1f\x7f])+)\]", joined)]
    return [t for t in tags if t], idnumber or None


def _read_block(lines: list[str], line_no: int) -> GiftQuestion | None:
    """Moodle's readquestion() for one block; None for a comment-only block."""
    comments = []
    kept = []
    first_text_line = None
    for offset, raw in enumerate(lines):
        stripped = _trim(raw)
        if stripped.startswith("//"):
            comments.append(stripped)
            kept.append(" ")
        else:
            kept.append(stripped)
            if first_text_line is None:
                first_text_line = line_no + offset
    text = _trim("\n".join(kept))
    if not text:
        return None
    line = first_text_line or line_no
    question = GiftQuestion(line=line, kind="")
    question.meta = _meta(comments, META_PREFIX)
    question.quiz_meta = _meta(comments, QUIZ_META_PREFIX)
    question.tags, question.idnumber = _tags_and_id(comments)
    text = _escape_pre(text)

    if text.startswith("$CATEGORY:"):
        question.kind = "category"
        question.category = _trim(_escape_post(text[10:]))
        return question

    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        if end >= 0:
            question.name = _trim(_escape_post(text[:end]))
            text = _trim(text[end + 2:])

    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        question.kind = "description"
        question.text, question.format = _with_format(text, "moodle")
        return question
    if start < 0 or finish < 0 or finish < start:
        if finish < 0:
            what = "the closing '}' is missing"
        elif start < 0:
            what = "the opening '{' is missing"
        else:
            what = "a '}' comes before the first '{'"
        _fail("KI010", f"Could not find a {{...}} around the answers: {what}.", "Put the answers between { and }; write \\{ or \\} for a "
                       "literal brace.")
    answer_text = _trim(text[start + 1:finish])
    if text.endswith("}"):
        question_text = text[:start] + text[finish + 1:]
    else:  # Moodle's missing-word question: the blank goes where the braces were
        question_text = text[:start] + _BLANK_MARK + text[finish + 1:]
        question.missing_word = True

    separator = answer_text.rfind("####")
    general = ""
    if separator >= 0:
        general = answer_text[separator + 4:]
        answer_text = _trim(answer_text[:separator])

    question.text, question.format = _with_format(_trim(question_text), "moodle")
    question.text = question.text.replace(_BLANK_MARK, BLANK)
    question.general_feedback = _with_format(general, question.format)[0]
    default = question.format

    ordering = _ORDERING_RE.match(answer_text)
    if ordering and not question.kind:  # Moodle asks the qtype plugins first
        question.kind = "ordering"
        question.order_options = dict(zip(_ORDER_FIELDS, ordering.groups()[:6], strict=True))
        question.steps = [_trim(_escape_post(item)) for item in
                          re.split(r"[\r\n]+", ordering.group(7)) if _trim(item)]
        return question
    if not question.kind:
        question.kind = _infer_kind(answer_text)
    if question.kind == "essay":
        return question
    if question.kind == "match":
        _read_match(question, answer_text, default)
        return question
    if question.kind == "shortanswer":
        _read_shortanswer(question, answer_text, default)
        return question
    if question.kind == "multichoice":
        _read_multichoice(question, answer_text, default)
    elif question.kind == "truefalse":
        bits = answer_text.split("#", 2)
        word = _with_format(_trim(bits[0]), default)[0]
        wrong = _with_format(_trim(bits[1]), default)[0] if len(bits) > 1 else ""
        right = _with_format(_trim(bits[2]), default)[0] if len(bits) > 2 else ""
        question.answer = word in ("T", "TRUE")
        question.feedback_true = right if question.answer else wrong
        question.feedback_false = wrong if question.answer else right
    else:
        _read_numerical(question, answer_text, default)
    return question


def _infer_kind(answer_text: str) -> str:
    if answer_text == "":
        return "essay"
    if answer_text[0] == "#":
        return "numerical"
    if "~" in answer_text:
        return "multichoice"
    if "=" in answer_text and "->" in answer_text:
        return "match"
    check = answer_text
    if answer_text.find("#") > 0:
        check = _trim(answer_text[: answer_text.find("#")])
    return "truefalse" if check in ("T", "TRUE", "F", "FALSE") else "shortanswer"


def _weight(answer: str) -> tuple[float | None, str]:
    """A leading %n% weight (Moodle's answerweightparser), and the rest of the answer."""
    if not _WEIGHT_RE.match(answer):
        return None, answer
    end = answer.index("%", 1)
    return float(answer[1:end]), answer[end + 1:]


def _read_multichoice(question: GiftQuestion, answer_text: str, default: str) -> None:
    question.single = "=" in answer_text
    parts = answer_text.replace("=", "~=").split("~")
    if parts and _trim(parts[0]) == "":
        parts = parts[1:]
    if len(parts) < 2:
        _fail("KI011", f"A multiple-choice question needs at least two answers; this "
                       f"one has {len(parts)}.", "Add answers starting with ~ (wrong) or = "
                       "(right).")
    for part in parts:
        part = _trim(part)
        if part.startswith("="):
            weight: float | None = 100.0
            part = part[1:]
        else:
            weight, part = _weight(part)
        text, feedback, fmt = _comment_split(part, default)
        question.answers.append(GiftAnswer(text, weight or 0.0, feedback, fmt))


def _read_match(question: GiftQuestion, answer_text: str, default: str) -> None:
    """Moodle's matching: '=item -> answer' per pair; '= -> answer' is a distractor."""
    parts = answer_text.split("=")
    if parts and _trim(parts[0]) == "":
        parts = parts[1:]
    if len(parts) < 2:
        _fail("KI011", f"A matching question needs at least two pairs; this one has "
                       f"{len(parts)}.", "Write each pair as =item -> answer.")
    for part in parts:
        if "->" not in part:
            _fail("KI010", f"The matching answer '{_escape_post(_trim(part))}' has no '->'.",
                           "Write each pair as =item -> answer.")
        item, answer = part.split("->", 1)
        question.pairs.append((_with_format(_trim(item), default)[0],
                               _trim(_escape_post(answer))))  # plain text in Moodle


def _read_shortanswer(question: GiftQuestion, answer_text: str, default: str) -> None:
    """Moodle's short answer: '=answer' each ('%n%' weight, '#feedback'); '*' wildcards."""
    parts = answer_text.split("=")
    if parts and _trim(parts[0]) == "":
        parts = parts[1:]
    if not parts:
        _fail("KI011", "A short-answer question needs at least one answer.",
                       "Write the accepted answers as =answer.")
    for part in parts:
        weight, part = _weight(_trim(part))
        bits = part.split("#", 1)
        text = _trim(_escape_post(bits[0]))
        feedback = _with_format(_trim(bits[1]), default)[0] if len(bits) > 1 else ""
        question.answers.append(GiftAnswer(text, 100.0 if weight is None else weight,
                                           feedback, "plain"))


def _number(text: str) -> float:
    if not _NUMBER_RE.match(text):
        shown = _escape_post(text).strip() or "(nothing)"
        _fail("KI012", f"'{shown}' is not a number.",
                       "Write numerical answers as {#value}, {#value:margin} or {#min..max}, "
                       "e.g. {#40:0.5}.")
    return float(text)


def _read_numerical(question: GiftQuestion, answer_text: str, default: str) -> None:
    answer_text = answer_text[1:]
    tilde = answer_text.find("~")
    if tilde >= 0:
        question.wrong_feedback = _comment_split(answer_text[tilde:], default)[1]
        answer_text = answer_text[:tilde]
    parts = answer_text.split("=")
    if parts and _trim(parts[0]) == "":
        parts = parts[1:]
    if not parts:
        _fail("KI013", "No answers found for this numerical question.",
                       "Write the number after the #, e.g. {#40} or {#=40:0.5 =%50%40:2}.")
    for part in parts:
        weight, part = _weight(_trim(part))
        text, feedback, _ = _comment_split(part, default)
        answer = GiftAnswer(text, 100.0 if weight is None else weight, feedback, default)
        if _trim(text) == "*":
            answer.value = None
        elif text.find("..") > 0:
            low, high = _number(text[: text.find("..")]), _number(text[text.find("..") + 2:])
            if low > high:
                _fail("KI012", f"The range {text} runs from a larger to a smaller "
                               "number.", "Write the range as min..max.")
            answer.value = (low + high) / 2
            answer.tolerance = high - answer.value
        elif text.find(":") > 0:
            answer.value = _number(text[: text.find(":")])
            answer.tolerance = _number(text[text.find(":") + 1:])
            if answer.tolerance < 0:
                _fail("KI012", f"The margin in {text} is negative.",
                               "Write the margin as a positive number, e.g. 40:0.5.")
        else:
            answer.value = _number(text)
        question.answers.append(answer)


@dataclass
class GiftParse:
    """Every block of a file, read; problems are syntax errors with their lines."""

    questions: list[GiftQuestion]
    problems: list[Problem]


def parse_gift(text: str, path: str = "<gift>") -> GiftParse:
    """Read GIFT text block by block; a bad block is reported and the rest still read."""
    questions: list[GiftQuestion] = []
    problems: list[Problem] = []
    text = text.removeprefix("\ufeff")
    category: str | None = None
    pieces: list[tuple[int, list[str]]] = []
    for line_no, lines in _blocks(text):
        parts = _split_block(line_no, lines)
        if len(parts) > 1:
            problems.append(Problem(
                "KI014", f"{len(parts)} questions are not separated by blank lines; they "
                "were read as separate questions (Moodle would merge them into one).", path,
                _text_line(lines, line_no), hint="Put a blank line between questions.",
                severity="warning"))
        pieces += parts
    for line_no, lines in pieces:
        try:
            question = _read_block(lines, line_no)
        except _Failure as failure:
            problems.append(Problem(failure.code, failure.message, path, _text_line(lines,
                                    line_no), hint=failure.hint))
            continue
        if question is None:
            continue
        if question.kind == "category":
            category = question.category
        else:
            question.category = category
        questions.append(question)
    return GiftParse(questions, problems)


def _text_line(lines: list[str], line_no: int) -> int:
    for offset, line in enumerate(lines):
        if not _trim(line).startswith("//"):
            return line_no + offset
    return line_no


# --- mapping onto the course's quiz format ------------------------------------------------


def _prose(text: str, todo: str) -> str:
    return text if _trim(text) else todo


class _Mapper:
    def __init__(self, path: str, quiz_id: str, strict: bool) -> None:
        self.path, self.quiz_id, self.strict = path, quiz_id, strict
        self.problems: list[Problem] = []
        self.taken: set[str] = set()
        self.skipped = 0
        self.own_export = False

    def problem(self, code: str, message: str, question: GiftQuestion, hint: str,
                severity: str = "error") -> None:
        self.problems.append(Problem(code, message, self.path, question.line,
                                     question=question.name or question.idnumber, hint=hint,
                                     severity="warning" if severity == "warning" else "error"))

    def question(self, gift: GiftQuestion) -> dict[str, Any] | None:
        kinds = {"match": "matching", "shortanswer": "short_answer"}
        if gift.kind in UNSUPPORTED and kinds.get(gift.kind) not in QUESTION_TYPES:
            hint = "Rewrite it as multiple choice, true/false or numerical, or remove it."
            if gift.kind == "shortanswer" and [a.text.upper() for a in gift.answers] in (
                    ["T"], ["TRUE"], ["F"], ["FALSE"]):
                hint = "True/false answers must be written in capitals: {TRUE} or {T}."
            self.skipped += 1
            action = "Refused (--strict)" if self.strict else "Skipped"
            self.problem("KI020", f"{action}: {UNSUPPORTED[gift.kind]}; the course does not "
                         "support this question type.", gift, hint,
                         "error" if self.strict else "warning")
            return None
        meta = gift.meta or {}
        base = self._base(gift, meta)
        try:
            if gift.kind == "ordering":
                body = self._ordering(gift, meta)
            elif gift.kind == "match":
                body = self._matching(gift, meta)
            elif gift.kind == "shortanswer":
                body = self._short_answer(gift, meta)
            elif gift.kind == "multichoice":
                body = self._choice(gift, meta)
            elif gift.kind == "truefalse":
                body = {
                    "type": "true_false",
                    "answer": bool(gift.answer),
                    "feedback_true": _prose(gift.feedback_true, TODO_FEEDBACK),
                    "feedback_false": _prose(gift.feedback_false, TODO_FEEDBACK),
                }
            else:
                body = self._numeric(gift, meta)
        except _Failure as failure:
            self.problem(failure.code, failure.message, gift, failure.hint)
            return None
        return self._assemble(base, body, gift, meta)

    def _base(self, gift: GiftQuestion, meta: dict[str, Any]) -> dict[str, Any]:
        wanted = meta.get("id") if isinstance(meta.get("id"), str) else None
        if not wanted and gift.idnumber:
            wanted = gift.idnumber if is_id(gift.idnumber) else slug(gift.idnumber, "")
        if not wanted and gift.name:
            wanted = slug(gift.name, "")
        if not wanted or not is_id(wanted):
            wanted = f"{self.quiz_id}-{len(self.taken) + 1}"
        return {"id": unique_id(wanted, self.taken),
                "prompt": _prose(gift.text, "TODO: write the question.")}

    def _assemble(self, base: dict[str, Any], body: dict[str, Any], gift: GiftQuestion,
                  meta: dict[str, Any]) -> dict[str, Any]:
        question: dict[str, Any] = {"id": base["id"], "type": body.pop("type"),
                                    "prompt": base["prompt"]}
        question.update(body)
        question["explanation"] = _prose(gift.general_feedback, TODO_EXPLANATION)
        references = meta.get("references")
        question["references"] = ([str(r) for r in references] if isinstance(references, list)
                                  else [TODO_REFERENCE])
        objective = meta.get("objective")
        question["objective"] = objective if isinstance(objective, str) else TODO_OBJECTIVE
        if meta.get("difficulty") in ("easy", "medium", "hard"):
            question["difficulty"] = meta["difficulty"]
        given_tags = meta.get("tags")
        tags: list[Any] = given_tags if isinstance(given_tags, list) else list(gift.tags)
        if gift.category and not self.own_export and not isinstance(given_tags, list):
            tags.append(category_tag(gift.category))
        if tags:
            question["tags"] = [str(t) for t in tags]
        points = meta.get("points")
        valid = isinstance(points, (int, float)) and not isinstance(points, bool)
        question["points"] = points if valid else 1
        return question

    def _choice(self, gift: GiftQuestion, meta: dict[str, Any]) -> dict[str, Any]:
        ids = meta.get("option_ids")
        if not (isinstance(ids, list) and len(ids) == len(gift.answers)
                and all(isinstance(i, str) for i in ids)):
            ids = option_ids(len(gift.answers))
        options = []
        sources = meta.get("option_sources")
        sources = sources if isinstance(sources, dict) else {}
        for index, (oid, answer) in enumerate(zip(ids, gift.answers, strict=True)):
            text = answer.text
            source = sources.get(str(index))
            if isinstance(source, str) and answer.format == "html" and (
                    _inline_only(source) == text.strip()):
                text = source  # our [html] option: its Markdown, unless it was edited
            options.append({
                "id": oid,
                "text": _prose(text, "TODO: write this option."),
                "correct": answer.weight > 0,
                "feedback": _prose(answer.feedback, TODO_FEEDBACK),
            })
        if gift.single:
            right = [o for o, a in zip(options, gift.answers, strict=True) if a.weight == 100]
            if len(right) != 1:
                _fail("KI013", f"This single-answer question has {len(right)} fully "
                               "right answers (=); the course needs exactly one.",
                               "Keep one '=' answer, or use ~%50% weights without any '=' "
                               "for a select-all-that-apply question.")
            for option, answer in zip(options, gift.answers, strict=True):
                option["correct"] = answer.weight == 100
                if answer.weight not in (0, 100):  # partial credit (or Moodle's penalty)
                    option["weight"] = answer.weight
            return {"type": "single_choice", "options": options}
        positive = sum(a.weight for a in gift.answers if a.weight > 0)
        if positive == 0:
            _fail("KI013", "No answer of this select-all-that-apply question has a "
                           "positive weight.", "Give the right answers weights that add up to "
                           "100, e.g. ~%50%first ~%50%second.")
        if abs(positive - 100) > 0.01:
            _fail("KI013", f"The positive weights add up to {positive:g}%, not 100%.",
                           "Make the weights of the right answers add up to 100 (Moodle "
                           "refuses such a question too).")
        if any(a.weight < -100 for a in gift.answers):
            _fail("KI013", "A weight is below -100%.",
                           "Weights are percentages between -100 and 100.")
        if meta.get("default_weights") is True:
            return {"type": "multiple_choice", "options": options}
        for option, answer in zip(options, gift.answers, strict=True):
            option["weight"] = answer.weight
        correct = meta.get("correct")
        if isinstance(correct, list) and len(correct) == len(options):
            for option, flag in zip(options, correct, strict=True):
                option["correct"] = bool(flag)
        return {"type": "multiple_choice", "options": options}

    def _matching(self, gift: GiftQuestion, meta: dict[str, Any]) -> dict[str, Any]:
        items: list[dict[str, str]] = []
        answers: list[dict[str, str]] = []
        by_text: dict[str, str] = {}
        own = isinstance(meta.get("answer_ids"), list)  # our export wrote Markdown
        for item_text, raw in gift.pairs:
            answer_text = raw if own else _markdown(raw, "plain")
            if answer_text not in by_text:
                by_text[answer_text] = f"r{len(by_text) + 1}"
                answers.append({"id": by_text[answer_text], "text": answer_text})
            if _trim(item_text):
                items.append({"id": f"i{len(items) + 1}", "text": item_text,
                              "answer": by_text[answer_text]})
        if len(items) < 2:
            _fail("KI011", f"A matching question needs at least two items; this one has "
                           f"{len(items)}.", "Write each pair as =item -> answer.")
        own_items, own_ids = meta.get("items"), meta.get("answer_ids")
        if (isinstance(own_items, list) and isinstance(own_ids, list)
                and len(own_items) == len(items) and len(own_ids) == len(answers)
                and all(isinstance(i, dict) for i in own_items)
                and all(isinstance(i, str) for i in own_ids)):
            self._own_matching(items, answers, own_items, own_ids)
        return {"type": "matching", "items": items, "answers": answers,
                "feedback_correct": _prose(str(meta.get("feedback_correct") or ""),
                                           TODO_FEEDBACK_CORRECT),
                "feedback_incorrect": _prose(str(meta.get("feedback_incorrect") or ""),
                                             TODO_FEEDBACK_INCORRECT)}

    @staticmethod
    def _own_matching(items: list[dict[str, str]], answers: list[dict[str, str]],
                      own_items: list[dict[str, Any]], own_ids: list[str]) -> None:
        """Our export's ids: answers were written used-first (by item), then distractors."""
        used = list(dict.fromkeys(i["answer"] for i in items))
        written = used + [a["id"] for a in answers if a["id"] not in used]
        own_used = list(dict.fromkeys(str(o.get("answer")) for o in own_items))
        own_written = own_used + [i for i in own_ids if i not in own_used]
        if sorted(own_written) != sorted(own_ids) or len(own_written) != len(written):
            return
        rename = dict(zip(written, own_written, strict=True))
        if any(rename[i["answer"]] != o.get("answer") for i, o in zip(items, own_items,
                                                                      strict=True)):
            return
        for item, own in zip(items, own_items, strict=True):
            item.update(id=str(own.get("id")), answer=rename[item["answer"]])
        for answer in answers:
            answer["id"] = rename[answer["id"]]
        answers.sort(key=lambda a: own_ids.index(a["id"]))

    def _ordering(self, gift: GiftQuestion, meta: dict[str, Any]) -> dict[str, Any]:
        """qtype_ordering's GIFT: the items in the right order, with its options."""
        steps = [{"id": f"s{n}", "text": text} for n, text in enumerate(gift.steps, start=1)]
        if len(steps) < 2:
            _fail("KI011", f"An ordering question needs at least two items; this one has "
                           f"{len(steps)}.", "Write one item per line after the '>' line.")
        ids = meta.get("step_ids")
        if (isinstance(ids, list) and len(ids) == len(steps)
                and all(isinstance(i, str) for i in ids)):
            for step, sid in zip(steps, ids, strict=True):
                step["id"] = sid
        options = gift.order_options
        grading = options.get("gradingtype", "").upper()
        scoring = {"ALL_OR_NOTHING": "all_or_nothing", "": "relative_to_next",
                   "RELATIVE_NEXT_EXCLUDE_LAST": "relative_to_next"}.get(grading)
        lost = "error" if self.strict else "warning"
        if scoring is None:
            scoring = "all_or_nothing"
            self.problem("KI021", f"The grading '{grading}' cannot be kept; the course grades "
                         "this order all or nothing.", gift, "Choose ALL_OR_NOTHING or "
                         "RELATIVE_NEXT_EXCLUDE_LAST grading.", lost)
        # import_from_gift(): a count outside 2..items means min(6, items); RANDOM and
        # CONTIGUOUS show that many items, ALL and EXACT all of them
        count = int(options.get("selectcount") or 0)
        shown = count if 2 <= count <= len(steps) else min(6, len(steps))
        if options.get("selecttype", "").upper() not in ("ALL", "EXACT") and shown < len(
                steps):
            self.problem("KI021", f"Moodle shows {shown} of the {len(steps)} items "
                         f"({options.get('selecttype') or 'RANDOM'}); the course shows every "
                         "step.", gift, "Write '>N ALL' to show all the items.", lost)
        return {"type": "ordering", "steps": steps, "scoring": scoring,
                "feedback_correct": _prose(str(meta.get("feedback_correct") or ""),
                                           TODO_FEEDBACK_CORRECT),
                "feedback_incorrect": _prose(str(meta.get("feedback_incorrect") or ""),
                                             TODO_FEEDBACK_INCORRECT)}

    def _short_answer(self, gift: GiftQuestion, meta: dict[str, Any]) -> dict[str, Any]:
        accepted: list[dict[str, Any]] = []
        wrong = ""
        for answer in gift.answers:
            if answer.text.strip("*") == "" and answer.weight == 0:
                wrong = answer.feedback  # Moodle's catch-all for any other answer
                continue
            if not 0 <= answer.weight <= 100:
                _fail("KI013", f"The answer '{answer.text}' has weight {answer.weight:g}%; "
                               "short answers earn 0 to 100%.", "Use a weight from 0 to 100.")
            entry: dict[str, Any] = {"text": answer.text, "credit": answer.weight}
            if _trim(answer.feedback):
                entry["feedback"] = answer.feedback
            accepted.append(entry)
        if not any(a["credit"] >= 100 for a in accepted):
            _fail("KI013", "No answer of this short-answer question earns full marks.",
                           "Mark the right answer with = and no weight (or =%100%).")
        differs = first_match_differs(accepted, meta.get("case_sensitive") is True)
        if differs and "answer_order" not in meta:
            self.problem("KI023", differs, gift, "Check the credits: the course keeps the "
                         "highest credit that matches.", "warning")
        order = meta.get("answer_order")
        if isinstance(order, list) and sorted(order) == list(range(len(accepted))):
            placed: list[dict[str, Any]] = [{}] * len(accepted)
            for entry, position in zip(accepted, order, strict=True):
                placed[position] = entry
            accepted = placed  # the quiz file's order (written highest credit first)
        if [a["text"].upper() for a in accepted] in (["T"], ["TRUE"], ["F"], ["FALSE"]):
            self.problem("KI023", f"'{accepted[0]['text']}' is read as a short answer, as "
                         "Moodle does; a true/false question needs capitals.", gift,
                         "Write {TRUE} or {T} for a true/false question.", "warning")
        return {"type": "short_answer", "answers": accepted,
                "case_sensitive": meta.get("case_sensitive") is True,
                "feedback_incorrect": _prose(wrong or str(meta.get("feedback_incorrect")
                                                          or ""), TODO_FEEDBACK_INCORRECT)}

    def _numeric(self, gift: GiftQuestion, meta: dict[str, Any]) -> dict[str, Any]:
        catch_all = [a for a in gift.answers if a.value is None]
        answers = [a for a in gift.answers if a.value is not None]
        main = next((a for a in answers if a.weight == 100), None)
        if main is None:
            _fail("KI013", "No answer of this numerical question earns full marks.",
                           "Mark the right value with '=' and no weight (or =%100%).")
        for answer in answers:
            if not 0 <= answer.weight <= 100:
                _fail("KI013", f"The answer {answer.text} has weight "
                               f"{answer.weight:g}%; numerical answers earn 0 to 100%.",
                               "Use a weight between 0 and 100.")
        wrong = gift.wrong_feedback
        if wrong is None and catch_all:
            wrong = catch_all[0].feedback
        body: dict[str, Any] = {"type": "numeric", "value": main.value}
        if isinstance(meta.get("units"), str):
            body["units"] = meta["units"]
        if "relative_tolerance" in meta:
            tolerance, relative = meta.get("tolerance"), meta.get("relative_tolerance")
        else:
            tolerance, relative = main.tolerance, None
        if tolerance is not None:
            body["tolerance"] = tolerance
        if relative is not None:
            body["relative_tolerance"] = relative
        body["feedback_correct"] = _prose(main.feedback, TODO_FEEDBACK_CORRECT)
        body["feedback_incorrect"] = _prose(wrong or "", TODO_FEEDBACK_INCORRECT)
        alternatives = []
        for answer in answers:
            if answer is main:
                continue
            alternative: dict[str, Any] = {"value": answer.value,
                                           "tolerance": answer.tolerance or 0.0,
                                           "credit": answer.weight}
            if _trim(answer.feedback):
                alternative["feedback"] = answer.feedback
            alternatives.append(alternative)
        if alternatives:
            body["alternatives"] = alternatives
        return body


def import_gift(
    text: str,
    *,
    quiz_id: str,
    path: str = "<gift>",
    strict: bool = False,
    title: str | None = None,
) -> ImportResult:
    """GIFT text to quiz data; ``data`` is None when there is any error.

    Unsupported question types are warnings (errors with ``strict``) and are skipped.
    """
    parsed = parse_gift(text, path)
    mapper = _Mapper(path, quiz_id, strict)
    mapper.problems.extend(parsed.problems)
    questions = []
    categories: list[str] = []
    quiz_meta: dict[str, Any] = {}
    mapper.own_export = any(g.quiz_meta for g in parsed.questions)
    for gift in parsed.questions:
        if gift.quiz_meta and not quiz_meta:
            quiz_meta = gift.quiz_meta
        if gift.kind == "category":
            if gift.category:
                categories.append(gift.category)
            continue
        question = mapper.question(gift)
        if question is not None:
            questions.append(question)
            penalties = Collector(path, strict)
            penalties.own_export = mapper.own_export  # the rule every importer shares (KI021)
            penalties.penalties([question])
            mapper.problems.extend(replace(p, line=gift.line) for p in penalties.problems)
    if not questions and not any(p.severity == "error" for p in mapper.problems):
        mapper.problems.append(Problem("KI022", "The file has no multiple-choice, true/false "
                                       "or numerical question to import.", path,
                                       hint="Check that this is a GIFT file."))
    problems = sorted(mapper.problems, key=lambda p: (p.line or 0, p.code))
    if any(p.severity == "error" for p in problems):
        return ImportResult(None, problems, mapper.skipped)
    unique = list(dict.fromkeys(categories))
    data = _quiz(quiz_id, title, questions, unique, quiz_meta, path)
    if unique and not mapper.own_export:
        named = ", ".join(unique[:3]) + (", ..." if len(unique) > 3 else "")
        became = (f" and the quiz title '{data['title']}'" if len(unique) == 1 and not title
                  else "")
        problems.append(Problem("KI023", f"{len(unique)} $CATEGORY line(s) ({named}) became "
                                f"tags 'category:NAME' on their questions{became}.", path,
                                hint="Keep the tags or remove them; split the file per "
                                "category to get one quiz each; --title sets the title.",
                                severity="warning"))
    return ImportResult(data, problems, mapper.skipped)


def _quiz(quiz_id: str, title: str | None, questions: list[dict[str, Any]],
          categories: list[str], meta: dict[str, Any], path: str) -> dict[str, Any]:
    if not title:
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
    if not title and categories:
        last = [p for p in re.split(r"(?<!/)/(?!/)", categories[0]) if p][-1:]
        title = last[0].replace("//", "/") if last and not last[0].startswith("$") else None
    if not title:
        title = quiz_id.replace("-", " ").replace("_", " ").capitalize()
    if meta:  # our own export: keep its description, or its lack of one
        description = meta.get("description") if isinstance(meta.get("description"), str) else None
    else:
        description = (f"Imported from {path.rsplit('/', 1)[-1]}. Check the title, topic and "
                       "pass mark, and replace every TODO.")
    given_topic = meta.get("topic")
    topic = given_topic if isinstance(given_topic, str) else "imported"
    pass_mark = meta.get("pass_mark")
    attempts = meta.get("max_attempts")
    return quiz_data(
        quiz_id,
        title,
        questions,
        description=description,
        topic=topic,
        pass_mark=pass_mark if isinstance(pass_mark, (int, float)) else 70,
        max_attempts=attempts if isinstance(attempts, int) else None,
        shuffle=meta.get("shuffle") is True,
    )


# --- export --------------------------------------------------------------------------------


def _escape(text: str, *, prefixed: bool = False) -> str:
    """Moodle's repchar(): escape GIFT's control characters; newlines become \\n.

    Text that itself starts like a format prefix ('[html]...') gets an explicit
    '[markdown]' in front, so the prefix is read as text; ``prefixed`` text already
    has one (the question text), and Moodle strips only one.
    """
    text = text.strip().replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    text = text.replace("\r", "").replace("\n", "\\n")
    if _FORMAT_PREFIX.match(text) and not prefixed:
        text = "[markdown]" + text
    return text


def _num(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _plain(value: float) -> str:
    """A weight as GIFT's %n% syntax reads it: digits, never an exponent."""
    return format(Decimal(repr(float(value))), "f").removesuffix(".0")


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _tag(text: str) -> str:
    return text.replace("]", "\\]")


def _exact(value: float) -> str:
    """A computed number without binary noise (0.02 * 35 is 0.7, not 0.7000000000000001)."""
    return _num(float(f"{value:.15g}"))


def _question_meta(question: AnyQuestion) -> dict[str, Any]:
    meta: dict[str, Any] = {"objective": question.objective,
                            "references": list(question.references)}
    if question.difficulty:
        meta["difficulty"] = question.difficulty
    if any(_TAG_UNSAFE.search(t) or t != t.strip() or not t.strip() for t in question.tags):
        meta["tags"] = list(question.tags)
    meta["points"] = question.points
    if not is_id(question.id) or question.id != question.id.strip():
        meta["id"] = question.id
    match question:
        case SingleChoice() | MultipleChoice():
            ids = [o.id for o in question.options]
            if ids != option_ids(len(ids)):
                meta["option_ids"] = ids
            sources = {str(n): o.text for n, o in enumerate(question.options)
                       if _inline_only(o.text) is not None}
            if sources:
                meta["option_sources"] = sources  # written as [html]: the Markdown
            if isinstance(question, MultipleChoice):
                if all(o.weight is None for o in question.options):
                    meta["default_weights"] = True
                else:
                    flags = [o.correct for o in question.options]
                    if flags != [(o.weight or 0) > 0 for o in question.options]:
                        meta["correct"] = flags
        case Numeric():
            if question.units is not None:
                meta["units"] = question.units
            if question.relative_tolerance is not None:
                meta["tolerance"] = question.tolerance
                meta["relative_tolerance"] = question.relative_tolerance
        case Matching():
            meta["items"] = [{"id": i.id, "answer": i.answer} for i in question.items]
            meta["answer_ids"] = [a.id for a in question.answers]
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
        case ShortAnswer():
            meta["case_sensitive"] = question.case_sensitive
            meta["feedback_incorrect"] = question.feedback_incorrect
            rank = answer_rank(question)
            if rank != sorted(rank):
                meta["answer_order"] = rank  # the file's position of each written answer
        case Ordering():
            ids = [s.id for s in question.steps]
            if ids != [f"s{n}" for n in range(1, len(ids) + 1)]:
                meta["step_ids"] = ids
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
        case TrueFalse():
            pass
        case _:
            assert_never(question)
    return meta


def _inline_only(text: str) -> str | None:
    """The course's inline HTML for an option whose Markdown reads differently as a block.

    The course shows an option inline ('> 5 mg' is '> 5 mg'), Moodle renders a GIFT
    [markdown] answer as block Markdown ('> 5 mg' becomes a quotation, '* ' a list); such
    an option is written as [html] with the course's rendering. None when both agree.
    """
    from ketatraining.text import markdown_to_html

    inline = markdown_to_html(text, inline=True)
    block = markdown_to_html(text)
    return None if block.strip() == f"<p>{inline}</p>" else inline


def _choice_lines(question: SingleChoice | MultipleChoice,
                  grades: GradeChecker) -> list[str]:
    lines = []
    weights = choice_fractions(question, grades)
    for option, weight in zip(question.options, weights, strict=True):
        html = _inline_only(option.text)
        text = (_escape(option.text) if html is None
                else "[html]" + _escape(html, prefixed=True))
        if isinstance(question, SingleChoice) and option.correct:
            mark = "="
        else:  # a single-choice option's partial credit too: {~%50%half =right}
            mark = f"~%{_plain(weight)}%" if weight or text.startswith("%") else "~"
        lines.append(f"\t{mark}{text}#{_escape(option.feedback)}")
    return lines


def _numeric_lines(question: Numeric, grades: GradeChecker) -> list[str]:
    tolerance = question.tolerance
    value = _num(question.value)
    if question.relative_tolerance is not None:
        relative = question.relative_tolerance * abs(question.value)
        value += f":{_exact(max(tolerance or 0.0, relative))}"
    elif tolerance is not None:
        value += f":{_num(tolerance)}"
    lines = [f"\t={value}#{_escape(question.feedback_correct)}"]
    for index, alternative in enumerate(question.alternatives, start=1):
        feedback = f"#{_escape(alternative.feedback)}" if alternative.feedback else ""
        credit = grades.grade(alternative.credit, question.id, f"alternative {index}",
                              limit_0_100=True)
        lines.append(f"\t=%{_plain(credit)}%{_num(alternative.value)}:"
                     f"{_num(alternative.tolerance)}{feedback}")
    lines.append(f"\t~#{_escape(question.feedback_incorrect)}")
    return lines


def _split_blank(prompt: str) -> tuple[str, str]:
    """(text before, text after) the answer block: a prompt with one _____ blank that
    is not at the end is written back as a missing-word question."""
    escaped = _escape(prompt, prefixed=True)
    if escaped.count(BLANK) == 1:
        before, after = escaped.split(BLANK)
        if after.strip():
            return before, after
    return escaped, ""



def _matching_lines(question: Matching, grades: GradeChecker) -> list[str]:
    """Moodle's GIFT matching: '=item -> answer'; an answer no item uses is '= -> answer'.

    Moodle shows the answers as plain text: Markdown in them is reported (KE002).
    """
    text = {a.id: a.text for a in question.answers}
    for answer in question.answers:
        if words(answer.text) != answer.text.strip():
            grades.problems.append(Problem(
                "KE002", f"Moodle shows matching answers as plain text: '{answer.text.strip()}'"
                " keeps its markup characters there.", grades.path, question=question.id,
                hint="Write matching answers without Markdown.", severity="warning"))
    lines = [f"\t={_escape(i.text)} -> {_escape(text.get(i.answer, i.answer))}"
             for i in question.items]
    used = {i.answer for i in question.items}
    lines += [f"\t= -> {_escape(a.text)}" for a in question.answers if a.id not in used]
    return lines


def _short_answer_lines(question: ShortAnswer, grades: GradeChecker) -> list[str]:
    """All answers start with '=': Moodle reads a short answer (its '*' is a wildcard too)."""
    lines = []
    for index in answer_rank(question):  # Moodle marks the first match: highest first
        answer = question.answers[index]
        credit = grades.grade(answer.credit, question.id, f"accepted answer {index + 1}",
                              limit_0_100=True)
        feedback = f"#{_escape(answer.feedback)}" if answer.feedback else ""
        lines.append(f"\t=%{_plain(credit)}%{_escape(answer.text)}{feedback}")
    # Moodle's catch-all: '*' at 0% matches any other answer and shows its feedback
    lines.append(f"\t=%0%*#{_escape(question.feedback_incorrect)}")
    return lines


GIFT_CANNOT: tuple[str, ...] = ()
"""Question types GIFT has no syntax for (the export would leave them out with KE002).
Ordering has one since Moodle 4.4, qtype_ordering's '{>N ALL ...}'."""
_ORDER_UNSAFE = re.compile(r"[{}\\\r\n]")
"""Characters an ordering item cannot hold in GIFT: qtype_ordering reads its items raw, so
GIFT's escapes would stay in the text, and a brace ends the answer block."""


def _ordering_lines(question: Ordering, grades: GradeChecker) -> list[str] | None:
    """qtype_ordering's GIFT: '>N ALL VERTICAL <grading> SHOW none', then one item a line;
    None (left out, KE002) when an item cannot be written so."""
    unsafe = [s for s in question.steps if _ORDER_UNSAFE.search(s.text.strip())]
    if unsafe:
        grades.problems.append(Problem(
            "KE002", f"Question '{question.id}' (ordering) is left out: Moodle's GIFT ordering "
            f"cannot hold the braces, backslashes or line breaks of step '{unsafe[0].id}'.",
            grades.path, question=question.id, hint="Rewrite the step without them, or "
            "export the quiz as Moodle XML or QTI.", severity="warning"))
        return None
    grades.problems.append(Problem(
        "KE002", "Ordering is a core Moodle question type from Moodle 4.4; an older Moodle "
        "reads this question as a short answer unless the qtype_ordering plugin is installed.",
        grades.path, question=question.id, hint="On Moodle before 4.4, ask the administrator "
        "for the Ordering plugin, or export as QTI.", severity="warning"))
    for step in question.steps:
        if words(step.text) != step.text.strip():
            grades.problems.append(Problem(
                "KE002", f"Moodle shows ordering items as plain text: '{step.text.strip()}' "
                "keeps its markup characters there.", grades.path, question=question.id,
                hint="Write ordering steps without Markdown.", severity="warning"))
    grading = ("ALL_OR_NOTHING" if question.scoring == "all_or_nothing"
               else "RELATIVE_NEXT_EXCLUDE_LAST")  # one share per right next step
    header = f">{len(question.steps)} ALL VERTICAL {grading} SHOW none"
    return [header, *(f"\t{step.text.strip()}" for step in question.steps)]


def _marking_losses(question: AnyQuestion, path: str) -> list[Problem]:
    """KE002 for what GIFT cannot say that changes Moodle's marks: the question's points
    (Moodle gives every GIFT question 1 mark) and a case-sensitive short answer (Moodle's
    GIFT import always ignores case)."""
    lost = []
    if question.points != 1:
        lost.append(Problem(
            "KE002", f"GIFT has no marks: Moodle imports this question with 1 mark, not "
            f"{question.points:g}, so it weighs less or more in a Moodle quiz.", path,
            question=question.id, hint="Set its mark in Moodle after the import, or export "
            "as Moodle XML (defaultgrade).", severity="warning"))
    if isinstance(question, ShortAnswer) and question.case_sensitive:
        lost.append(Problem(
            "KE002", "GIFT cannot say that a short answer is case-sensitive: Moodle's GIFT "
            "import ignores case, so it gives the marks for any capitals.", path,
            question=question.id, hint="Export as Moodle XML (usecase) to keep it, or tick "
            "'Case sensitivity' in Moodle after the import.", severity="warning"))
    return lost


def _export_question(question: AnyQuestion, grades: GradeChecker) -> str:
    if question.type in GIFT_CANNOT:
        grades.problems.append(Problem(
            "KE002", f"Question '{question.id}' ({question.type}) is left out: GIFT cannot "
            "express it.", grades.path, question=question.id,
            hint="Export the quiz as QTI to keep it, or import it into Moodle another way.",
            severity="warning"))
        return (f"// ketatraining: question '{question.id}' ({question.type}) is left out: "
                "GIFT cannot express it. Export the quiz as QTI to keep it.")
    grades.problems += moodle_differences(question, grades.path)
    grades.problems += _marking_losses(question, grades.path)
    lines = [f"// [id:{_tag(question.id)}]"]
    lines += [f"// [tag:{_tag(tag)}]" for tag in question.tags if not _TAG_UNSAFE.search(tag)]
    lines.append(META_PREFIX + " " + _json(_question_meta(question)))
    before, after = _split_blank(question.prompt)
    head = f"::{_escape(question.id)}::[markdown]{before}"
    general = f"\t####{_escape(question.explanation)}"
    close = "}" + after
    match question:
        case TrueFalse():
            word = "TRUE" if question.answer else "FALSE"
            right = question.feedback_true if question.answer else question.feedback_false
            wrong = question.feedback_false if question.answer else question.feedback_true
            lines.append(f"{head}{{{word}#{_escape(wrong)}#{_escape(right)}")
            lines += [general, close]
        case Numeric():
            lines += [head + "{#", *_numeric_lines(question, grades), general, close]
        case SingleChoice() | MultipleChoice():
            lines += [head + "{", *_choice_lines(question, grades), general, close]
        case Matching():
            lines += [head + "{", *_matching_lines(question, grades), general, close]
        case ShortAnswer():
            lines += [head + "{", *_short_answer_lines(question, grades), general, close]
        case Ordering():
            steps = _ordering_lines(question, grades)
            if steps is None:
                return (f"// ketatraining: question '{question.id}' (ordering) is left out: a "
                        "step holds a brace, backslash or line break. Export the quiz as QTI "
                        "to keep it.")
            lines += [head + "{" + steps[0], *steps[1:], general, close]
        case _:
            assert_never(question)
    return "\n".join(lines)


def export_gift(quiz: Quiz, *, round_weights: bool = False) -> str:
    """The quiz as GIFT text for Moodle; importing it gives back the same quiz.

    Moodle reads every question (multiple choice, true/false, numerical) with its
    feedback and explanation; fields GIFT has no syntax for travel in
    ``// ketatraining:`` comments that Moodle ignores. A weight Moodle cannot express
    raises :class:`ExportRefused` (KE001 per weight); use :func:`gift_export` to get
    the text and the report, and ``round_weights`` to write the nearest grades.
    """
    text, problems = gift_export(quiz, round_weights=round_weights)
    if any(p.severity == "error" for p in problems):
        raise ExportRefused(problems)
    return text


def gift_export(quiz: Quiz, *, round_weights: bool = False,
                path: str = "<gift>") -> tuple[str, list[Problem]]:
    """The GIFT text and every problem (KE001 errors, or warnings when rounding)."""
    grades = GradeChecker(path, round_weights)
    quiz_meta: dict[str, Any] = {"title": quiz.title}
    if quiz.description is not None:
        quiz_meta["description"] = quiz.description
    quiz_meta["topic"] = quiz.topic
    quiz_meta["pass_mark"] = quiz.pass_mark
    if quiz.max_attempts is not None:
        quiz_meta["max_attempts"] = quiz.max_attempts
    quiz_meta["shuffle"] = quiz.shuffle
    title = " ".join(quiz.title.split())
    category = title.replace("/", "//")
    blocks = [
        (f"// {title} (quiz '{quiz.id}'), exported from ketatraining as GIFT.\n"
        f"{QUIZ_META_PREFIX} {_json(quiz_meta)}\n"
        f"$CATEGORY: $course$/top/{category}")
    ]
    blocks += [_export_question(q, grades) for q in quiz.questions]
    return "\n\n".join(blocks) + "\n", pool_losses(quiz, path, "GIFT") + grades.problems

