"""The bibliography and the learning objectives that quiz questions point into.

Both live next to the quizzes (``quizzes/references.yaml`` and
``quizzes/objectives.yaml``) so that every citation in the course has one source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from pydantic import Field, model_validator

from ketatraining.quiz.types.base import ID_PATTERN, Strict, Text

# Fields a reference may name under ``unverified`` (title, journal and year are required).
UNVERIFIABLE_FIELDS = frozenset({
    "authors", "volume", "issue", "pages", "doi", "pmid", "url", "manufacturer", "revised",
    "identifier", "erratum",
})
# "not found" says nothing; a reason names the record searched and what it showed.
MIN_REASON_WORDS = 4


class Reference(Strict):
    """A primary reference: who, what, where, when, and a DOI or PMID."""

    authors: list[str] = Field(
        description="As 'Surname AB'; end with 'et al' when cut short; empty only when the "
        "authors could not be verified (then list 'authors' under unverified)."
    )
    title: Text
    journal: Text = Field(description="Journal, or issuing body for a label or statement.")
    year: int
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    note: str | None = Field(default=None, description="e.g. 'Prescribing information'.")
    url: str | None = Field(default=None, description="The primary record (label, rule, page).")
    manufacturer: str | None = Field(default=None, description="A label's manufacturer.")
    revised: str | None = Field(
        default=None, description="Revision or version date of a label, REMS or page (ISO)."
    )
    identifier: str | None = Field(
        default=None,
        description="SPL set id, authorisation number or Federal Register citation.",
    )
    erratum: str | None = Field(
        default=None, description="A published correction, as a citation learners can follow."
    )
    unverified: dict[str, str] = Field(
        default_factory=dict,
        description="Each field that could not be checked against the publisher's, PubMed's "
        "or PMC's record (for labels: FDA, DailyMed or Swissmedic), with the reason, so it is "
        "left out rather than guessed (e.g. {pmid: 'no PubMed record found'}). Shown to the "
        "clinical reviewer (ketatraining claims --references), never to learners.",
    )
    review_note: str | None = Field(
        default=None,
        description="For the clinical reviewer only: how the entry was checked and what is "
        "still open. Never shown to learners (only in ketatraining claims --references).",
    )

    @model_validator(mode="after")
    def _unverified_fields_are_absent_and_explained(self) -> Reference:
        # A field is either given (checked) or listed as unverified with why, never both.
        for field, reason in self.unverified.items():
            if field not in UNVERIFIABLE_FIELDS:
                msg = (f"unverified: '{field}' is not a field of a reference; use one of "
                       f"{', '.join(sorted(UNVERIFIABLE_FIELDS))}")
                raise ValueError(msg)
            if getattr(self, field):
                msg = (f"unverified: '{field}' is given and also listed as unverified; "
                       "remove the value or the unverified entry")
                raise ValueError(msg)
            if len(reason.split()) < MIN_REASON_WORDS:
                msg = (f"unverified: '{field}' needs a reason (which record was searched and "
                       f"what it showed, at least {MIN_REASON_WORDS} words)")
                raise ValueError(msg)
        return self

    def missing(self, fields: Iterable[str]) -> list[str]:
        """The fields among ``fields`` that are neither given nor unverified with a reason."""
        return [f for f in fields if not getattr(self, f) and f not in self.unverified]

    @model_validator(mode="after")
    def _has_identifier(self) -> Reference:
        # Labels and agency statements have no DOI; they must then say what they are.
        located = self.doi or self.pmid or (self.volume and self.pages) or self.note
        if not located:
            msg = "give a doi or pmid, volume and pages, or (for a label) a note"
            raise ValueError(msg)
        return self

    short: str | None = Field(
        default=None,
        description="In-text label when it cannot be derived from the authors (labels, "
        "agency statements, works without verified authors).",
    )

    def short_citation(self) -> str:
        """The in-text label, derived from this entry (the one bibliography).

        'Feder et al., JAMA Psychiatry 2014' for three or more authors, 'A and B, ...' for
        two, 'A, ...' for one; ``short`` overrides it for labels and agency documents.
        """
        if self.short:
            return self.short
        names = [a for a in self.authors if a.strip().lower() not in {"et al", "et al."}]
        if not names:
            return f"{self.title.rstrip('.')}, {self.journal} {self.year}"
        surnames = [name.split()[0] if _is_person(name) else name for name in names]
        if len(self.authors) > 2 or (len(self.authors) == 2 and len(names) == 1):
            who = f"{surnames[0]} et al."
        elif len(names) == 2:
            who = f"{surnames[0]} and {surnames[1]}"
        else:
            who = surnames[0]
        return f"{who}, {self.journal} {self.year}"

    def author_year(self) -> str:
        """'Clements et al. 1982': the short citation without the journal, for figures."""
        full = self.short_citation()
        if self.short or f", {self.journal} " not in full:
            return full
        return full.replace(f", {self.journal} ", " ")

    def format(self, others: Mapping[str, Reference] | None = None) -> str:
        """AMA-style citation as plain text, as learners see it (and a screen reader reads it).

        ``unverified`` and ``review_note`` are the reviewer's business and stay out of it:
        a learner reads a citation, not a note on how it was checked. A drug label is cited
        by manufacturer, title and version date; its SPL set id and label-service address
        (a 36-character hash, twice) go to the reviewer (:meth:`review_text`). A date is
        said once. A bibliography key named in the note (a cross-reference) is printed as
        that entry's short citation, looked up in ``others`` (the bibliography).
        """
        authors = ", ".join(self.authors[:6])
        if len(self.authors) > 6 and not authors.endswith("et al"):
            authors += ", et al"
        lead = f"{authors}. " if authors else ""
        parts = [f"{lead}{self.title.rstrip('.')}. {self.journal}. {self.year}"]
        if self.volume:
            parts[-1] += f";{self.volume}"
            if self.issue:
                parts[-1] += f"({self.issue})"
            if self.pages:
                parts[-1] += f":{self.pages}"
        text = parts[0] + "."
        if self.manufacturer and not self.authors:
            text += f" {self.manufacturer}."
        identifier = None if self.is_label else self.identifier
        note = _cross_referenced(self.note, others) if self.note else None
        said = " ".join(x for x in (identifier, note) if x)
        if identifier:
            text += f" {identifier}."
        if self.revised:
            date = _readable_date(self.revised)
            version = self.label_version
            if version:
                text += f" Version {version} of {date}."
            elif date not in said:
                text += f" Version of {date}."
        repeats = note and (note.lower().rstrip(".") in self.title.lower()
                            or (self.revised and identifier
                                and _readable_date(self.revised) in identifier
                                and _readable_date(self.revised) in note))
        if note and not repeats:
            text += f" {note.rstrip('.')}."
        if self.erratum:
            text += f" Erratum: {self.erratum.rstrip('.')}."
        if self.doi:
            text += f" doi:{self.doi}"
        if self.pmid:
            text += f" PMID: {self.pmid}"
        if self.url and not (self.doi or self.pmid or self.is_label):
            text += f" {self.url}"
        return text.rstrip()

    @property
    def is_label(self) -> bool:
        """A drug label identified by its SPL set id (FDA structured product labeling)."""
        return bool(self.identifier and self.identifier.startswith("SPL set id"))

    @property
    def label_version(self) -> str | None:
        """The label's version number ('18' in 'SPL set id ... (version 18)'), if given."""
        found = re.search(r"\(version (\d+)\)", self.identifier or "") if self.is_label else None
        return found.group(1) if found else None

    def review_text(self) -> str:
        """What the clinical reviewer needs beyond the citation: open fields and notes."""
        parts = []
        by_reason: dict[str, list[str]] = {}
        for field, reason in self.unverified.items():
            by_reason.setdefault(reason.rstrip("."), []).append(field)
        for reason, fields in by_reason.items():
            parts.append(f"Not verified: {', '.join(fields)} ({reason}).")
        if self.review_note:
            parts.append(self.review_note.rstrip(".") + ".")
        if self.is_label:  # left out of the learner's citation; the reviewer checks them
            parts.append(f"{self.identifier}.")
            if self.url:
                parts.append(self.url)
        return " ".join(parts)


def _readable_date(iso: str) -> str:
    """'2026-03-13' -> '13 March 2026' (a partial or odd date is returned as it is)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _cross_referenced(note: str, others: Mapping[str, Reference] | None) -> str:
    """A note naming another entry's key ('the final rule is dea1999final') cites it instead."""
    if not others:
        return note

    def cite(match: re.Match[str]) -> str:
        other = others.get(match.group(0))
        return other.short_citation() if other else match.group(0)

    return re.sub(r"\b[a-z][a-z0-9_]*[0-9][a-z0-9_]*\b", cite, note)


def _is_person(name: str) -> bool:
    """'Feder A' or "D'Souza DC" is a person; 'National Center for PTSD' is not."""
    parts = name.split()
    return len(parts) == 2 and parts[1].isupper() and len(parts[1]) <= 3


class Bibliography(Strict):
    schema_version: int
    references: dict[str, Reference]


class Objective(Strict):
    """A measurable learning objective (one action verb)."""

    text: Text
    topic: str = Field(pattern=ID_PATTERN)
    notebook: str | None = Field(default=None, description="Notebook that teaches it.")
    course_objective: str | None = Field(
        default=None,
        pattern=r"^co[0-9]{2}$",
        description="The course-level objective in course.yaml that this module objective serves.",
    )


class Objectives(Strict):
    schema_version: int
    objectives: dict[str, Objective]
