"""The claims register: every clinical claim the course makes, its sources and locations.

``data/claims.yaml`` lists each claim in brief with the bibliography keys it rests on,
where it appears (a quiz question, a notebook section, a widget rule) and when it was last
reviewed; units that make no clinical claim are listed under ``course_text``. This is the
table an accreditation reviewer or a pharmacy and therapeutics committee reads
(``ketatraining claims --format csv|html``).

Location forms: ``quiz:<bank>/<question id>``, ``notebook:<notebook stem>#<section slug>``
(the slug of the section's heading), ``widget:<widget>/<rule id>``.
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

LOCATION = r"^(quiz:[a-z0-9_-]+/[a-z0-9_-]+|notebook:[0-9a-z_-]+#[0-9a-z_-]+|widget:[a-z_-]+(/[a-z0-9_-]+)+)$"


def _date(value: str) -> str:
    from datetime import date

    date.fromisoformat(value)
    return value


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    claim: str = Field(min_length=10)
    references: list[str] = Field(min_length=1)
    locations: list[Annotated[str, Field(pattern=LOCATION)]] = Field(min_length=1)
    reviewed: Annotated[str, AfterValidator(_date)]
    note: str | None = None


class Register(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(ge=1, le=1)
    claims: list[Claim]
    course_text: list[Annotated[str, Field(pattern=LOCATION)]] = []
    guide_text: list[Annotated[str, Field(pattern=LOCATION)]] = []

    def covered(self) -> set[str]:
        """Every location the register accounts for: a claim, course text or guide text."""
        claimed = {loc for c in self.claims for loc in c.locations}
        return claimed | set(self.course_text) | set(self.guide_text)


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


ROW_HEADINGS = ("Claim", "Source", "Location", "Last reviewed")
REFERENCE_HEADINGS = ("Key", "Citation (as learners see it)", "For the reviewer")


def rows(register: Register, short_citation: Any) -> list[tuple[str, str, str, str]]:
    """One row per claim: claim, sources (in-text labels with keys), locations, date."""
    out = []
    for item in register.claims:
        sources = "; ".join(f"{short_citation(k)} [{k}]" for k in item.references)
        out.append((item.claim, sources, "; ".join(item.locations), item.reviewed))
    return out


def reference_rows(bibliography: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """One row per bibliography entry: key, learner citation, what is still unverified.

    The ``unverified`` fields and review notes belong here, in the reviewer's report, and
    never on a learner's page.
    """
    return [(key, ref.format(), ref.review_text()) for key, ref in sorted(bibliography.items())]


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
