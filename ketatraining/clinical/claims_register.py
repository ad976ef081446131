"""The claims register: every clinical claim the course makes, its sources and locations.

``data/claims.yaml`` lists each claim in brief with the bibliography keys it rests on,
where it appears (a quiz question, a notebook section, a widget rule) and when it was last
reviewed; units that make no clinical claim are listed under ``course_text``. This is the
table an accreditation reviewer or a pharmacy and therapeutics committee reads
(``ketatraining claims --format csv|html``).

Location forms: ``quiz:<bank>/<question id>`` (``quiz:<bank>/description`` for the bank's
description), ``notebook:<notebook stem>#<section slug>`` (the slug of the section's
heading), ``widget:<widget>/<rule id>``, ``figure:<figure>`` (caption and description).

Each claim lists its ``sentences`` word for word; ``course_text`` and ``guide_text`` list,
per location, the sentences that make no clinical statement or report the guide; and
``course_phrases`` are short phrases ("Correct.") that are course text anywhere. The
sentences come from :mod:`ketatraining.clinical.sentences`; the test fails on any
sentence the register does not account for, naming file, place and sentence.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ketatraining.clinical.datafile import load_data

LOCATION = (
    r"^(quiz:[a-z0-9_-]+/[a-z0-9_-]+|notebook:[0-9a-z_-]+#[0-9a-z_-]+"
    r"|widget:[a-z0-9_-]+(/[a-z0-9_-]+)+|figure:[a-z0-9_-]+)$"
)
Location = Annotated[str, Field(pattern=LOCATION)]


def _date(value: str) -> str:
    from datetime import date

    date.fromisoformat(value)
    return value


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    claim: str = Field(min_length=10)
    references: list[str] = Field(min_length=1)
    locations: list[Location] = Field(min_length=1)
    reviewed: Annotated[str, AfterValidator(_date)]
    checked: Annotated[str, AfterValidator(_date)] | None = Field(
        default=None,
        description="Every sentence under this claim was read against the claim's "
        "references on this date (ISO). tools/sync_claims.py --write drops it from a claim "
        "it files a new sentence under, so a new sentence is never silently checked.",
    )
    note: str | None = None
    derived_numbers: list[str] = Field(
        default_factory=list,
        description="Figures in the sentences that are not sourced numbers (arithmetic on "
        "sourced numbers, a fictional patient's readings), e.g. '175 mg'; every other figure "
        "with a clinical unit must appear in the evidence notes.",
    )
    sentences: list[str] = Field(
        default_factory=list,
        description="The course's sentences that state this claim, word for word as the "
        "learner reads them (plain text), at the claim's locations.",
    )


class Register(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(ge=2, le=2)
    claims: list[Claim]
    course_phrases: list[str] = Field(
        default_factory=list,
        description="Short phrases that are course text wherever they appear ('Correct.').",
    )
    course_text: dict[Location, list[str]] = Field(
        default_factory=dict,
        description="Per location, the sentences that make no clinical statement "
        "(navigation, instructions, fictional case narratives).",
    )
    guide_text: dict[Location, list[str]] = Field(
        default_factory=dict,
        description="Per location, the sentences that report what the patient guide says.",
    )

    def covered(self) -> set[str]:
        """Every location the register accounts for: a claim, course text or guide text."""
        claimed = {loc for c in self.claims for loc in c.locations}
        return claimed | set(self.course_text) | set(self.guide_text)

    def accounted(self) -> dict[str, dict[str, str]]:
        """Per location, each listed sentence and what accounts for it (a claim id,
        'course text' or 'guide text')."""
        out: dict[str, dict[str, str]] = {}
        for claim in self.claims:
            for location in claim.locations:
                for sentence in claim.sentences:
                    out.setdefault(location, {})[sentence] = claim.id
        for kind, table in (("course text", self.course_text), ("guide text", self.guide_text)):
            for location, sentences in table.items():
                for sentence in sentences:
                    out.setdefault(location, {}).setdefault(sentence, kind)
        return out


def load_register() -> Register:
    return load_data("claims.yaml", Register)


def slug(heading: str) -> str:
    """'## 05 · Risks and monitoring' -> '05-risks-and-monitoring'."""
    text = re.sub(r"^#+\s*", "", heading).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")


def section_units(notebook: Any, stem: str) -> Iterator[tuple[str, str]]:
    """(``notebook:<stem>#<slug>``, text) for every headed section of the markdown cells.

    Text before the first heading of a cell belongs to the last heading seen, so each
    sentence of the notebook's prose falls in exactly one unit.
    """
    current = f"notebook:{stem}#top"
    buffer: list[str] = []
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if re.match(r"^#{1,4}\s", line):
                if buffer:
                    yield current, "\n".join(buffer)
                name = slug(line)
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:
                    name = f"{name}-{seen[name]}"
                current, buffer = f"notebook:{stem}#{name}", [line]
            else:
                buffer.append(line)
    if buffer:
        yield current, "\n".join(buffer)


def unaccounted(register: Register, sentences: Iterable[Any]) -> list[str]:
    """A message for every course sentence that no register entry accounts for.

    Each names the file and place, the register location and the sentence, and says what
    to add to ``data/claims.yaml``.
    """
    accounted = register.accounted()
    phrases = set(register.course_phrases)
    claim_at = {loc: c.id for c in register.claims for loc in c.locations}
    problems = []
    for sentence in sentences:
        if sentence.text in phrases or sentence.text in accounted.get(sentence.unit, {}):
            continue
        if sentence.unit in claim_at:
            todo = (f"add it to the sentences of claim '{claim_at[sentence.unit]}' (check "
                    "it against the evidence and its references)")
        else:
            todo = ("add a claim with this location, its references and the sentence")
        problems.append(
            f"{sentence.where} ({sentence.unit}): the sentence \"{sentence.text}\" is in no "
            f"entry of ketatraining/clinical/data/claims.yaml: {todo}, or list it under "
            f"course_text['{sentence.unit}'] if it makes no clinical statement."
        )
    return problems


def stale(register: Register, sentences: Iterable[Any]) -> list[str]:
    """Register sentences that no longer appear where the register says they are."""
    present: dict[str, set[str]] = {}
    for sentence in sentences:
        present.setdefault(sentence.unit, set()).add(sentence.text)
    problems = []
    # A claim's sentence must still be at one of its locations (a claim may be stated in
    # several places, each in different words).
    for claim in register.claims:
        here = set().union(*(present.get(loc, set()) for loc in claim.locations))
        problems += [f"ketatraining/clinical/data/claims.yaml, claim '{claim.id}': \"{text}\" is "
                     f"no longer in the course at {'; '.join(claim.locations)}; remove or "
                     "update it." for text in claim.sentences if text not in here]
    for kind, table in (("course_text", register.course_text),
                        ("guide_text", register.guide_text)):
        for location, listed in table.items():
            problems += [f"ketatraining/clinical/data/claims.yaml, {kind}['{location}']: "
                         f"\"{text}\" is no longer in the course there; remove or update it."
                         for text in listed if text not in present.get(location, set())]
    return problems


ROW_HEADINGS = ("Claim", "Sentence", "Source", "Location", "Last reviewed", "Sentences checked")
REFERENCE_HEADINGS = ("Key", "Citation (as learners see it)", "For the reviewer")


def rows(register: Register, short_citation: Any) -> list[tuple[str, str, str, str, str, str]]:
    """One row per sentence of each claim: claim, sentence, sources (in-text labels with
    keys), locations, date reviewed, date its sentences were checked against the
    references ('' if not yet; a claim without sentences gets one row)."""
    out = []
    for item in register.claims:
        sources = "; ".join(f"{short_citation(k)} [{k}]" for k in item.references)
        for sentence in item.sentences or [""]:
            out.append((item.claim, sentence, sources, "; ".join(item.locations),
                        item.reviewed, item.checked or ""))
    return out


def reference_rows(bibliography: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """One row per bibliography entry: key, learner citation, what is still unverified.

    The ``unverified`` fields and review notes belong here, in the reviewer's report, and
    never on a learner's page.
    """
    return [(key, ref.format(bibliography), ref.review_text())
            for key, ref in sorted(bibliography.items())]


def to_csv(table: Iterable[tuple[str, ...]], headings: tuple[str, ...] = ROW_HEADINGS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headings)
    writer.writerows(table)
    return buffer.getvalue()


def to_html(
    table: Iterable[tuple[str, ...]],
    title: str = "Claims register",
    headings: tuple[str, ...] = ROW_HEADINGS,
    caption: str = "Every clinical claim of the course, its source, where it appears and "
    "when it was last reviewed",
) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title></head><body><main><h1>{e(title)}</h1>"
        f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></main></body></html>\n"
    )
