"""Marks tables: one row per attempt, one column per question, from a store or a CSV.

Item analysis needs every counted attempt's mark on every question. This module
builds that table, once, as a numpy array (``nan`` = the attempt has no answer to the
question), either from the progress store (with the attempt policy applied and the
per-option choices counted for distractor analysis) or from a CSV of marks exported by
any other system.
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from ketatraining.analysis.breakdown import AnswerCount, breakdown, supports
from ketatraining.errors import KetaTrainingError

if TYPE_CHECKING:
    from ketatraining.progress.records import AttemptRecord
    from ketatraining.progress.store import ProgressStore
    from ketatraining.quiz.model import AnyQuestion, Quiz

AttemptPolicy = Literal["first", "last", "best", "all"]
ATTEMPT_POLICIES: tuple[AttemptPolicy, ...] = ("first", "last", "best", "all")
"""Which attempts count, as Moodle's 'whichattempts': each learner's first, last,
highest-scoring (the earliest of equal best), or every attempt as an independent one."""


class MarksError(KetaTrainingError):
    """A marks file cannot be used; the message names the file, line and what to do."""


class NoAttemptsError(KetaTrainingError):
    """There is nothing to analyse (no finished attempt matches)."""


@dataclass(frozen=True)
class OptionCount:
    """How many of the counted attempts that answered a question chose one option."""

    option: str
    label: str
    correct: bool
    count: int


@dataclass
class MarksTable:
    """Marks of the counted attempts: ``marks[i, q]`` in points, ``nan`` = no answer."""

    question_ids: list[str]
    max_marks: np.ndarray
    marks: np.ndarray
    policy: AttemptPolicy = "all"
    quiz_id: str | None = None
    options: dict[str, list[OptionCount]] = field(default_factory=dict)
    answers: dict[str, tuple[AnswerCount, ...]] = field(default_factory=dict)
    regraded: int = 0
    """How many of the counted answers carry a score from 'ketatraining regrade'."""
    asked: np.ndarray | None = None
    """``asked[i, q]``: the attempt asked the question (a quiz with pools draws a few per
    attempt; a column per version holds only that version's answers). None: all asked."""
    versions: list[int | None] | None = None
    """The question version of each column when the analysis is split by version."""

    @property
    def attempts(self) -> int:
        return int(self.marks.shape[0])

    def key(self, column: int) -> str:
        """The column's name in ``options``/``answers``: its question id, or 'id v2'
        when its question is split into several version columns."""
        question_id = self.question_ids[column]
        if self.versions is None or self.question_ids.count(question_id) < 2:
            return question_id
        return column_key(question_id, self.versions[column])


# -- CSV --------------------------------------------------------------------------------
def read_marks_csv(path: Path) -> MarksTable:
    """Read ``attempt,<question id>,...`` with one row per attempt and marks in 0..1.

    Each mark is a fraction of that question's maximum; an empty cell means the attempt
    has no answer to the question. Raises MarksError naming the line and column.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        msg = f"The marks file {path} does not exist."
        raise MarksError(msg) from None
    except IsADirectoryError:
        msg = f"{path} is a folder; give the marks CSV file itself."
        raise MarksError(msg) from None
    except PermissionError:
        msg = f"The marks file {path} cannot be read (permission denied)."
        raise MarksError(msg) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"The marks file {path} is not UTF-8 text; save it as 'CSV UTF-8' and retry."
        raise MarksError(msg) from None
    header_end = text.find("\n")
    header_line = (text if header_end < 0 else text[:header_end]).rstrip("\r")
    header = next(csv.reader([header_line]), [])
    question_ids = [h.strip() for h in header[1:]]
    if not header or header[0].strip().lower() != "attempt" or not question_ids:
        hint = (" It looks separated by ';': export it with commas."
                if ";" in header_line and "," not in header_line else "")
        msg = (f"{path}:1: the first line must be 'attempt,<question id>,...' (one column "
               f"per question).{hint}")
        raise MarksError(msg)
    blank = [i + 2 for i, q in enumerate(question_ids) if not q]
    if blank:
        msg = f"{path}:1: column {blank[0]} has no question id in the header."
        raise MarksError(msg)
    seen: set[str] = set()
    for question in question_ids:
        if question in seen:
            msg = f"{path}:1: the question id '{question}' appears twice in the header."
            raise MarksError(msg)
        seen.add(question)
    body = "" if header_end < 0 else text[header_end + 1:]
    width = len(question_ids)
    marks = _fast_parse(body, width)
    if marks is None:
        marks = _careful_parse(body, width, path)
    if marks.shape[0] == 0:
        msg = f"The marks file {path} has a header but no attempts."
        raise NoAttemptsError(msg)
    finite = marks[~np.isnan(marks)]
    if finite.size and (finite.min() < -1e-9 or finite.max() > 1 + 1e-9):
        _report_range(marks, path)
    return MarksTable(question_ids=question_ids, max_marks=np.ones(width), marks=marks)


def _fast_parse(body: str, width: int) -> np.ndarray | None:
    """numpy's C parser for the common case (every cell filled); None to fall back."""
    if not body.strip():
        return np.empty((0, width))
    if '"' in body:
        return None  # quoted cells: leave them to the csv module
    filled = fill_blanks(body)
    blanks = (len(filled) - len(body) - (not body.endswith("\n"))) // 3
    try:
        values = np.loadtxt(io.StringIO(filled), delimiter=",", usecols=range(1, width + 1),
                            ndmin=2, dtype=float, comments=None)
    except ValueError:
        return None
    # Every non-finite value must be a blank we filled: 'nan' or 'inf' written out is an
    # error the careful parser names.
    if values.shape[1] != width or np.isfinite(values).sum() != values.size - blanks:
        return None
    # loadtxt ignores extra columns: every row must have exactly one cell per header.
    if body.count(",") != values.shape[0] * width:
        return None
    return values


def fill_blanks(body: str) -> str:
    """Write 'nan' into empty cells so that numpy's fast parser reads them."""
    if body and not body.endswith("\n"):
        body += "\n"
    body = body.replace(",\r\n", ",nan\r\n").replace(",\n", ",nan\n")
    while ",," in body:
        body = body.replace(",,", ",nan,")
    return body


def _careful_parse(body: str, width: int, path: Path) -> np.ndarray:
    """Row by row, so that the first bad cell can be named by line and column."""
    rows: list[list[float]] = []
    for number, cells in enumerate(csv.reader(io.StringIO(body)), start=2):
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != width + 1:
            msg = (f"{path}:{number}: this row has {len(cells)} cells but the header has "
                   f"{width + 1}; give one mark per question (empty if unanswered).")
            raise MarksError(msg)
        row = []
        for column, cell in enumerate(cells[1:], start=2):
            cell = cell.strip()
            if not cell:
                row.append(math.nan)
                continue
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                msg = (f"{path}:{number}: column {column} ('{cell}') is not a number; write "
                       "a mark between 0 and 1, or leave it empty if unanswered.")
                raise MarksError(msg)
            row.append(value)
        rows.append(row)
    return np.array(rows, dtype=float).reshape(len(rows), width)


def _report_range(marks: np.ndarray, path: Path) -> None:
    bad = np.argwhere((marks < -1e-9) | (marks > 1 + 1e-9))[0]
    value = marks[bad[0], bad[1]]
    msg = (f"{path}: attempt row {bad[0] + 1}, column {bad[1] + 2} has the mark {value:g}; "
           "marks are fractions of each question's maximum, between 0 and 1.")
    raise MarksError(msg)


# -- progress store -----------------------------------------------------------------------
def select_attempts(records: Sequence[AttemptRecord],
                    policy: AttemptPolicy) -> list[AttemptRecord]:
    """The attempts that count under ``policy`` (records of one quiz, finished ones)."""
    if policy == "all":
        return list(records)
    chosen: dict[str, AttemptRecord] = {}
    for record in sorted(records, key=lambda r: (r.learner_id, r.attempt)):
        current = chosen.get(record.learner_id)
        better = current is not None and (record.score or 0.0) > (current.score or 0.0)
        if current is None or policy == "last" or (policy == "best" and better):
            chosen[record.learner_id] = record
    return [chosen[learner] for learner in sorted(chosen)]


def _option_labels(question: AnyQuestion) -> list[tuple[str, str, bool]]:
    from ketatraining.quiz.types import get_type
    from ketatraining.text import plain_text

    return [(c.id, html.unescape(plain_text(c.label)), c.correct)
            for c in get_type(question).choices(question)]


def _chosen(question: AnyQuestion, response: object) -> set[str]:
    """What the stored response picked, through the type's codec (nothing if malformed)."""
    from ketatraining.quiz.types import get_type

    definition = get_type(question)
    decoded = definition.decode(question, response)
    return set() if decoded is None else definition.chosen(question, decoded)


def marks_from_store(store: ProgressStore, quiz: Quiz, policy: AttemptPolicy = "all",
                     *, by_version: bool = False) -> MarksTable:
    """The finished attempts at ``quiz`` that count under ``policy``, as a MarksTable.

    Marks are rescaled to the quiz's current points (stored fraction x points), and
    answers to questions no longer in the quiz are left out. An attempt that drew its
    questions from pools asks only those (``asked``). ``by_version``: a question whose
    counted answers were given to several versions (``quiz.versions``) gets one column
    per version (the version the learner answered; its score as regraded, if it was),
    so the answers before and after a change of the question are analysed apart.
    """
    records = select_attempts(store.attempts(quiz_id=quiz.id, finished_only=True), policy)
    if not records:
        msg = (f"No finished attempt at the quiz '{quiz.id}' in the progress store "
               f"{store.display_url}; nothing to analyse yet.")
        raise NoAttemptsError(msg)
    row_of = {(r.learner_id, r.attempt): i for i, r in enumerate(records)}
    index = {q.id: j for j, q in enumerate(quiz.questions)}
    counted = [a for a in store.responses(quiz_id=quiz.id)
               if (a.learner_id, a.attempt) in row_of and a.question_id in index]
    if by_version:  # the version each learner answered (a regrade re-marks, never re-asks)
        answered = {a.submission_id: a.question_version
                    for a in store.responses(quiz_id=quiz.id, regraded=False)}
        counted = [replace(a, question_version=answered.get(a.submission_id))
                   for a in counted]
    # the columns: one per question, or per (question, version) when split by version
    seen: dict[str, list[int | None]] = {q.id: [] for q in quiz.questions}
    if by_version:
        for answer in counted:
            if answer.question_version not in seen[answer.question_id]:
                seen[answer.question_id].append(answer.question_version)
    columns: list[tuple[int, int | None]] = []
    for j, question in enumerate(quiz.questions):
        found = sorted(seen[question.id], key=lambda v: (v is not None, v or 0))
        columns += [(j, v) for v in found] if len(found) > 1 else [
            (j, found[0] if found else None)]
    split = len(columns) > len(quiz.questions)
    column_of = {(quiz.questions[j].id, v if split else None): c
                 for c, (j, v) in enumerate(columns)}
    latest = {j: v for j, v in columns}  # versions are sorted: the last one wins
    points = np.array([quiz.questions[j].points for j, _ in columns], dtype=float)
    marks = np.full((len(records), len(columns)), np.nan)
    asked = np.ones((len(records), len(columns)), dtype=bool)
    for row, record in enumerate(records):
        if record.drawn is not None:
            drawn = set(record.drawn)
            asked[row] = [quiz.questions[j].id in drawn for j, _ in columns]
    chosen: list[list[set[str] | None]] = [[None] * len(columns) for _ in records]
    typed: dict[int, list[object]] = {}
    regraded = 0
    for answer in counted:
        row = row_of[(answer.learner_id, answer.attempt)]
        if split and len(seen[answer.question_id]) > 1:
            column = column_of[(answer.question_id, answer.question_version)]
        else:
            column = column_of[(answer.question_id, latest[index[answer.question_id]]
                                if split else None)]
        regraded += answer.regraded
        fraction = answer.score / answer.max_score if answer.max_score else 0.0
        marks[row, column] = fraction * points[column]
        chosen[row][column] = _chosen(quiz.questions[columns[column][0]], answer.response)
        typed.setdefault(column, []).append(answer.response)
    if split:  # a version's column asks only the attempts that answered that version,
        for c, (j, version) in enumerate(columns):  # or, unanswered, the latest one
            if len(seen[quiz.questions[j].id]) > 1:
                answered = ~np.isnan(marks[:, c])
                others = np.zeros(len(records), dtype=bool)
                for d, (k, _) in enumerate(columns):
                    if k == j and d != c:
                        others |= ~np.isnan(marks[:, d])
                asked[:, c] &= answered | (~others & (version == latest[j]))
    ids = [quiz.questions[j].id for j, _ in columns]
    options: dict[str, list[OptionCount]] = {}
    answers: dict[str, tuple[AnswerCount, ...]] = {}
    for c, (j, _) in enumerate(columns):
        question = quiz.questions[j]
        key = column_key(question.id, columns[c][1] if split and len(seen[question.id]) > 1
                         else None)
        labels = _option_labels(question)
        if labels:
            picked = [ch[c] for ch in chosen if ch[c] is not None]
            options[key] = [
                OptionCount(option, label, correct, sum(option in ch for ch in picked if ch))
                for option, label, correct in labels]
        if supports(question):
            answers[key] = breakdown(question, typed.get(c, []))
    return MarksTable(question_ids=ids, max_marks=points, marks=marks,
                      policy=policy, quiz_id=quiz.id, options=options, answers=answers,
                      regraded=regraded, asked=None if asked.all() else asked,
                      versions=[v for _, v in columns] if split else None)


def column_key(question_id: str, version: int | None) -> str:
    """The key of a column's options/answers: the id, or 'id v2' for one version."""
    return question_id if version is None else f"{question_id} v{version}"
