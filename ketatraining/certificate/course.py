"""``course.yaml``: the course facts and the provider's statements, as trainers wrote them.

Statements that an accredited provider must supply (accreditation, credit designation,
disclosures, dates) are optional here on purpose: when one is missing the completion
record says it was not supplied, so nothing is ever claimed that the file does not say.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ketatraining.errors import KetaTrainingError
from ketatraining.quiz.model import ID_PATTERN
from ketatraining.quiz.yamlsource import read_yaml

COURSE_FILE = "course.yaml"
PLACEHOLDER_MARK = "PLACEHOLDER"


class CourseError(KetaTrainingError):
    """course.yaml is missing or invalid; the message names the file, line and fix."""


def _not_placeholder(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.strip():
        msg = "this text is empty (use null to leave it unset)"
        raise ValueError(msg)
    if PLACEHOLDER_MARK in value:
        msg = f"still contains the word {PLACEHOLDER_MARK}; write the real text or null"
        raise ValueError(msg)
    return value.strip()


def _iso_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        msg = "not a date in the form YYYY-MM-DD"
        raise ValueError(msg) from None
    return value


Statement = Annotated[str | None, AfterValidator(_not_placeholder)]
IsoDate = Annotated[str | None, AfterValidator(_iso_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provider(_Strict):
    name: Statement = None
    contact: Statement = None


class Completion(_Strict):
    required_quizzes: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(min_length=1)


class CourseObjective(_Strict):
    """A course-level learning objective; module objectives in objectives.yaml sit under it."""

    id: str = Field(pattern=r"^co[0-9]{2}$")
    text: Annotated[str, AfterValidator(_not_placeholder)]


Required = Annotated[str, AfterValidator(_not_placeholder)]


class FrontMatter(_Strict):
    """What an accreditation reviewer reads first, written for the open course itself.

    These describe the course as published. The provider's own statements (accreditation,
    credit, the provider's disclosures) stay in their own fields and placeholders.
    """

    target_audience: Required
    purpose: Required
    course_disclosure: Required
    funding: Required
    commercial_support: Required
    off_label_statement: Required
    credit_process: Required
    content_reviewed: Annotated[str, AfterValidator(_iso_date)]
    next_review: Annotated[str, AfterValidator(_iso_date)]

    def _review_text(self) -> str:
        return (f"Clinical content last reviewed {self.content_reviewed}; next review due "
                f"{self.next_review}.")

    def sections(self) -> list[tuple[str, str]]:
        """(heading, Markdown paragraph) in reading order, for every place that shows it."""
        return [
            ("Target audience", self.target_audience),
            ("Purpose", self.purpose),
            ("Disclosure of financial relationships", self.course_disclosure),
            ("Funding", self.funding),
            ("Commercial support", self.commercial_support),
            ("Off-label use", self.off_label_statement),
            ("How credit can be awarded", self.credit_process),
            ("Content review", self._review_text()),
        ]


class Course(_Strict):
    """One course.yaml."""

    schema_version: int = Field(ge=1, le=1)
    title: Annotated[str, AfterValidator(_not_placeholder)]
    version: Annotated[str, AfterValidator(_not_placeholder)]
    learning_format: Statement = None
    provider: Provider = Provider()
    accreditation_statement: Statement = None
    credit_statements: list[Annotated[str, AfterValidator(_not_placeholder)]] = []
    disclosures: Statement = None
    release_date: IsoDate = None
    review_date: IsoDate = None
    disclaimer: Annotated[str, AfterValidator(_not_placeholder)]
    completion: Completion
    front_matter: FrontMatter | None = None
    course_objectives: list[CourseObjective] = []

    @property
    def accredited(self) -> bool:
        """True only when the file supplies a provider and an accreditation statement."""
        return bool(self.provider.name and self.accreditation_statement)


def default_course_path() -> Path:
    """$KETATRAINING_COURSE, else course.yaml at the course's root (checkout or cwd)."""
    configured = os.environ.get("KETATRAINING_COURSE", "").strip()
    if configured:
        return Path(configured)
    candidates = [
        Path(__file__).resolve().parents[2] / COURSE_FILE,
        Path.cwd() / COURSE_FILE,
        Path.cwd().parent / COURSE_FILE,
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[0]


def load_course(path: Path | None = None) -> Course:
    """Read and check course.yaml; CourseError lists every problem with its line."""
    path = path or default_course_path()
    try:
        raw = path.read_bytes()
    except OSError as error:
        msg = (f"The course description {path} cannot be read ({error.strerror or error}). "
               "Create it from the course's course.yaml, or set KETATRAINING_COURSE.")
        raise CourseError(msg) from error
    document, problems = read_yaml(raw, str(path))
    if document is None or problems:
        msg = "; ".join(p.format() for p in problems) or f"{path} is empty."
        raise CourseError(msg)
    try:
        return Course.model_validate(document.data)
    except ValidationError as error:
        found = []
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            line, _ = document.position(loc)
            where = f"{path}:{line}" if line else str(path)
            found.append(f"{where}: '{'.'.join(str(p) for p in loc)}': {item['msg']}")
        msg = "course.yaml has problems: " + "; ".join(found)
        raise CourseError(msg) from None
