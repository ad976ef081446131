"""The bibliography and the learning objectives that quiz questions point into.

Both live next to the quizzes (``quizzes/references.yaml`` and
``quizzes/objectives.yaml``) so that every citation in the course has one source.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ketatraining.quiz.types.base import ID_PATTERN, Strict, Text


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
    erratum: str | None = Field(default=None, description="A published correction.")
    unverified: list[str] = Field(
        default_factory=list,
        description="Fields that could not be checked against the publisher's or PubMed's "
        "record, so they are left out rather than guessed (e.g. ['issue', 'pmid']).",
    )

    @model_validator(mode="after")
    def _has_identifier(self) -> Reference:
        # Labels and agency statements have no DOI; they must then say what they are.
        located = self.doi or self.pmid or (self.volume and self.pages) or self.note
        if not located:
            msg = "give a doi or pmid, volume and pages, or (for a label) a note"
            raise ValueError(msg)
        return self

    def format(self) -> str:
        """AMA-style citation as plain text."""
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
        if self.note:
            text += f" {self.note}."
        if self.doi:
            text += f" doi:{self.doi}"
        if self.pmid:
            text += f" PMID: {self.pmid}"
        return text


class Bibliography(Strict):
    schema_version: int
    references: dict[str, Reference]


class Objective(Strict):
    """A measurable learning objective (one action verb)."""

    text: Text
    topic: str = Field(pattern=ID_PATTERN)
    notebook: str | None = Field(default=None, description="Notebook that teaches it.")


class Objectives(Strict):
    schema_version: int
    objectives: dict[str, Objective]
