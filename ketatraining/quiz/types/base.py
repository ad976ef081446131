"""What every question type must define, and the fields every question shares.

A question type is one object (a :class:`QuestionType`) that knows its pydantic model,
its content rules, how to mark a response, how a response is stored (the codec), what
the front-end may see before the learner answers (``public_data``: never a key) and how
the type reads in a preview, a CSV cell, an xAPI statement and item analysis. Consumers
call these methods through :func:`ketatraining.quiz.types.get_type`, so adding a type is
adding one module; file formats that need whole documents (GIFT, QTI, Moodle XML) match
on the ``Question`` union and end in ``assert_never``, so mypy names a missing branch.
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "ID_PATTERN",
    "JSON",
    "Answer",
    "Choice",
    "Entry",
    "Grade",
    "Id",
    "OptionVerdict",
    "QuestionBase",
    "QuestionType",
    "Reporter",
    "RightOrNot",
    "Shown",
    "Strict",
    "Text",
    "clamp",
    "components",
    "is_number",
    "mappings",
    "number",
    "part_grade",
    "unique_entries",
    "views",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Ids are stable keys stored with every attempt: letters, digits, '-', '_', '.'."""

JSON = None | bool | int | float | str | list[Any] | dict[str, Any]
"""A stored response: whatever ``json.dumps`` accepts."""


def _not_blank(value: str) -> str:
    if not value.strip():
        kind, message = "empty_text", "this text is empty"
        raise PydanticCustomError(kind, message)
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]


class Strict(BaseModel):
    # allow_inf_nan=False: ".inf" points or a ".nan" value would break every score.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Entry(Strict):
    """One thing a learner places (an ordering step, a matching item or answer)."""

    id: Id = Field(description="Stable id, unique within the question.")
    text: Text = Field(description="As the learner sees it (Markdown).")


class QuestionBase(Strict):
    """The fields every question type has."""

    id: Id = Field(description="Stable id, unique within the quiz.")
    prompt: Text = Field(description="The question (Markdown).")
    explanation: Text = Field(description="Shown after answering: why the answer is right.")
    references: list[str] = Field(
        default_factory=list,
        description="Keys into quizzes/references.yaml (the one bibliography).",
    )
    objective: str = Field(description="Key into quizzes/objectives.yaml.")
    difficulty: Literal["easy", "medium", "hard"] | None = None
    tags: list[str] = Field(default_factory=list)
    points: float = Field(default=1.0, description="Marks for a fully correct answer (> 0).")


@dataclass(frozen=True, slots=True)
class Grade:
    """The mark for one answer and the feedback that goes with it."""

    score: float
    max_score: float
    feedback: tuple[tuple[str, str], ...] = ()
    """(option id or 'answer', feedback Markdown) pairs, in the question's order."""

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0

    @property
    def correct(self) -> bool:
        return math.isclose(self.score, self.max_score, rel_tol=0, abs_tol=1e-12)


@dataclass(frozen=True, slots=True)
class Choice:
    """Something a learner can choose, counted by item analysis (distractor table)."""

    id: str
    label: str
    """Markdown, as the trainer wrote it."""
    correct: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """One line of a review copy (preview): an answer, whether it is right, its feedback."""

    right: bool
    text: str
    feedback: str


@dataclass(frozen=True, slots=True)
class OptionVerdict:
    """One option in the feedback after Check (choice types): right or not, chosen or not."""

    text: str
    """Markdown, as the trainer wrote it."""
    feedback: str
    right: bool
    chosen: bool
    partial: float | None = None
    """Percent of the points a wrong-marked option earns (single choice), else None."""


class Reporter(Protocol):
    """Where content rules report a problem (``validation._Checker``)."""

    def add(self, code: str, message: str, loc: tuple[Any, ...], hint: str | None = None,
            severity: str = "error") -> None: ...


def mappings(entries: object) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The mappings of a raw YAML list with their index; anything else is skipped.

    Content rules walk raw lists (options, alternatives, accepted answers, items, steps)
    so they report even when the structure is wrong; the model's own check reports an
    entry that is not a mapping, or a value that is not a list.
    """
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if isinstance(entry, Mapping):
            yield index, entry


def unique_entries(entries: list[Any], loc: tuple[Any, ...], report: Reporter, *,
                   ids: set[str], noun: str, id_code: str, text_code: str,
                   text_hint: str) -> None:
    """Report an entry (``{"id", "text"}``) whose id is already in ``ids`` (which it then
    joins) or whose text reads like another's (whitespace and case aside).

    The list rules of matching items/answers and ordering steps: ``loc`` is the list's
    location, ``noun`` its name in the message ("steps", "items").
    """
    texts: set[str] = set()
    for index, entry in mappings(entries):
        eid, text = entry.get("id"), entry.get("text")
        if isinstance(eid, str):
            if eid in ids:
                report.add(id_code, f"The id '{eid}' is used twice.", (*loc, index, "id"),
                           hint=f"Give every one of the {noun} its own id.")
            ids.add(eid)
        if isinstance(text, str) and text.strip():
            same = " ".join(text.split()).casefold()
            if same in texts:
                report.add(text_code, f"Two {noun} read '{' '.join(text.split())[:60]}'.",
                           (*loc, index, "text"), hint=text_hint)
            texts.add(same)


def clamp(value: float) -> float:
    """Into [0, 1]: no rule may give more than the points or take marks away."""
    return min(1.0, max(0.0, value)) if math.isfinite(value) else 0.0


def number(value: object) -> float | None:
    """A raw YAML or JSON number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def is_number(value: object) -> bool:
    return number(value) is not None


Q = TypeVar("Q", bound=QuestionBase)
R = TypeVar("R")


class QuestionType(ABC, Generic[Q, R]):
    """Everything the package knows about one question type.

    ``R`` is the decoded response: what :meth:`decode` makes of the stored JSON (the
    shapes are fixed: see ``quizzes/README.md``). Readers never interpret stored JSON
    themselves; a value of the wrong shape decodes to ``None`` (no answer), so a response
    meant for another type scores 0 and never raises.
    """

    name: ClassVar[str]
    """The ``type:`` value in quiz files."""
    model: type[Q]
    kind: ClassVar[str]
    """Plain words for trainers, e.g. 'select all that apply'."""
    codes: ClassVar[dict[str, str]] = {}
    """Problem codes of this type's content rules (merged into problems.CODES)."""
    xapi_interaction: ClassVar[str]
    """xAPI ``interactionType``."""
    control: ClassVar[str]
    """Which front-end control answers it ('radio', 'checkbox', 'number', 'text',
    'matching', 'ordering'; ``widgets/static/quiz.js`` draws each). A new type that fits
    an existing control needs no front-end change."""
    refusal: ClassVar[str] = "option"
    """Which sentence refuses an invalid answer: 'option', 'number', 'match' or 'text'
    (``assessment/wording.py`` words them)."""
    statement: ClassVar[bool] = False
    """Whether the prompt is a statement to judge (true/false) rather than a question:
    the label screen readers announce then keeps the whole prompt, not its last '?'
    sentence."""
    typed: ClassVar[bool] = False
    """Whether learners type the answer (numeric, short answer): item analysis then lists
    the distinct answers (:meth:`typed_key`, :meth:`matched`), as there is no option
    table to count."""

    # -- content rules on the raw mapping (so they report even when the structure fails)
    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        """Report problems that relate several fields of ``question`` (raw YAML data)."""

    # -- codec ----------------------------------------------------------------------------
    @abstractmethod
    def decode(self, question: Q, raw: object) -> R | None:
        """The typed response stored as ``raw``; None if it is blank or of another shape."""

    def accept(self, question: Q, raw: object) -> R | None:
        """What a front-end sent: the stored shape, or (true_false) a public option id."""
        return self.decode(question, raw)

    @abstractmethod
    def encode(self, question: Q, response: R) -> JSON:
        """The JSON kept in the store and sent over the seam."""

    # -- marking --------------------------------------------------------------------------
    @abstractmethod
    def mark(self, question: Q, response: R | None) -> Grade:
        """Mark a decoded response (None = no usable answer: 0 points)."""

    def grade(self, question: Q, raw: object) -> Grade:
        """Mark any value; never raises, and the score stays in [0, points]."""
        result = self.mark(question, self.decode(question, raw))
        score = result.score if math.isfinite(result.score) else 0.0
        return Grade(min(question.points, max(0.0, score)), question.points, result.feedback)

    @abstractmethod
    def key(self, question: Q) -> R:
        """A response that earns full marks (tests, demo data, review copies)."""

    def valid(self, question: Q, response: R) -> bool:
        """Whether a learner may submit this: not blank, and only ids of this question.

        The seam refuses an invalid answer with a sentence instead of marking it 0;
        :meth:`grade` still marks anything (stored data from an older quiz version).
        """
        return True

    def solution(self, question: Q) -> str | None:
        """Markdown that tells the right answer after a wrong one (None: the per-option
        feedback already says it)."""
        return None

    # -- what the front-end may see -------------------------------------------------------
    @abstractmethod
    def public_data(self, question: Q, rng: random.Random | None = None) -> dict[str, Any]:
        """``QuestionView.data``: JSON, no key; ``rng`` shuffles options (quiz.shuffle)."""

    # -- reports ----------------------------------------------------------------------------
    def choices(self, question: Q) -> list[Choice]:
        """What item analysis counts per question (empty: no distractor table)."""
        return []

    def chosen(self, question: Q, response: R) -> set[str]:
        """Ids of :meth:`choices` this response picked."""
        return set()

    def option_choices(self, question: Q) -> list[Choice]:
        """The options a learner picks from, as written (choice types): the quiz's
        ``shuffle`` reorders them and the demo cohort's favoured distractor is one of
        them. Empty for other types (their own ``public_data`` orders what they show)."""
        return []

    def option_verdicts(self, question: Q, response: R | None) -> list[OptionVerdict]:
        """Every option, right or not and chosen or not, for the feedback after Check
        (choice types); empty: the grade's feedback and :meth:`solution` say it."""
        return []

    def typed_key(self, question: Q, response: R) -> str:
        """A typed answer as item analysis groups it (types with ``typed``)."""
        return self.response_text(question, response)

    def matched(self, question: Q, response: R) -> str:
        """Which accepted answer a typed answer matched, in words, or 'nothing'."""
        return "nothing"

    @abstractmethod
    def answers(self, question: Q) -> list[Answer]:
        """The review copy's lines (``ketatraining preview``), Markdown."""

    @abstractmethod
    def response_text(self, question: Q, response: R) -> str:
        """The response in one CSV cell (no formula guard: the CSV writer adds it)."""

    @abstractmethod
    def xapi_definition(self, question: Q) -> dict[str, Any]:
        """The interaction's fields besides type: choices/source/target/steps and
        ``correctResponsesPattern`` (xAPI 1.0.3, section 'Interaction Activities')."""

    @abstractmethod
    def xapi_response(self, question: Q, response: R) -> str:
        """``result.response`` in the interaction type's response format."""

    @abstractmethod
    def simulate(self, question: Q, rng: random.Random, p_right: Callable[[float], float],
                 attractive: str | None) -> R:
        """A synthetic learner's answer (demo cohort): ``p_right(guess)`` is the chance
        of a right answer given the guessing rate; ``attractive`` a favoured distractor."""


class Shown(Protocol):
    """Something a learner sees by id and text: an option, a matching item or answer, a step."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


def views(entries: Iterable[Shown], order: Iterable[str] | None = None) -> list[dict[str, str]]:
    """The public view of ``entries`` (``{"id", "html"}``), in ``order`` (ids) or as written."""
    by_id = {e.id: e for e in entries}
    return [{"id": i, "html": inline_html(by_id[i].text)} for i in (order or list(by_id))]


def components(entries: Iterable[Shown]) -> list[dict[str, Any]]:
    """xAPI interaction components (``choices``, ``source``, ``target``) of ``entries``."""
    return [{"id": e.id, "description": {"en-US": plain(e.text)}} for e in entries]


class RightOrNot(Protocol):
    """A question with one feedback for a fully right answer and one for anything else."""

    @property
    def points(self) -> float: ...

    @property
    def feedback_correct(self) -> str: ...

    @property
    def feedback_incorrect(self) -> str: ...


def part_grade(question: RightOrNot, fraction: float, right: bool) -> Grade:
    """``fraction`` of the points, with the right-answer or the other feedback."""
    text = question.feedback_correct if right else question.feedback_incorrect
    return Grade(question.points * fraction, question.points, (("answer", text),))


def option_order(ids: list[str], rng: random.Random | None) -> list[str]:
    """``ids`` shuffled by ``rng``, or as written when there is none."""
    order = list(ids)
    if rng is not None:
        rng.shuffle(order)
    return order


def plain(markdown: str) -> str:
    """Markdown as plain text (xAPI descriptions, labels)."""
    import html

    from ketatraining.text import plain_text

    return html.unescape(plain_text(markdown))


def inline_html(markdown: str) -> str:
    """Markdown as sanitized inline HTML (public data for the front-end)."""
    from ketatraining.text import markdown_to_html

    return markdown_to_html(markdown, inline=True)


def decimal(value: float) -> str:
    """A number as CSV and xAPI write it: up to 15 significant digits."""
    return f"{value:.15g}"
