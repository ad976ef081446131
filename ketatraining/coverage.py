"""Where the course teaches and tests each section of the guide.

The course teaches a promotional patient guide (``shared/guide/ketamine-ptsd-guide.txt``
beside the repository). Every section of it (each heading, each benefit and each risk
bullet, the conclusion and the promotional closing paragraph) maps, in ``clinical/data/coverage.yaml``,
to the notebook sections that teach it and the quiz items that test it. ``tests/test_coverage.py``
checks the table against the guide, the notebooks and the quiz files, so CI fails when
a section is left untaught or a mapped heading or item disappears.

The closing paragraph advertises a provider. The course teaches it only as an example
of promotion and never repeats the provider's name; its marker below avoids the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ketatraining.clinical.datafile import load_data

GUIDE_FILE = "ketamine-ptsd-guide.txt"


@dataclass(frozen=True, slots=True)
class NotebookSection:
    """A Markdown heading in one course notebook."""

    notebook: str
    """File name in ``notebooks/``, e.g. ``06-contraindications-and-screening.ipynb``."""
    heading: str
    """The heading text exactly as written, without the leading ``#`` marks."""


@dataclass(frozen=True, slots=True)
class GuideSection:
    """One section of the guide and where the course covers it."""

    key: str
    summary: str
    """What the guide says there, in the course's own words."""
    markers: tuple[str, ...]
    """Short phrases that locate the section in the guide; the first one starts it."""
    notebooks: tuple[NotebookSection, ...]
    quiz_items: tuple[str, ...]
    """Quiz items as ``quiz-id/question-id``."""
    promotional: bool = False
    """Taught as an example of promotion, not as content."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _NotebookData(_Strict):
    notebook: str = Field(pattern=r"^[0-9]{2}-[a-z0-9-]+$")
    headings: list[str] = Field(min_length=1)


class _SectionData(_Strict):
    key: str
    summary: str
    markers: list[str] = Field(min_length=1)
    notebooks: list[_NotebookData]
    quiz_items: list[str]
    promotional: bool = False


class _CoverageData(_Strict):
    schema_version: int = Field(ge=1, le=1)
    sections: list[_SectionData] = Field(min_length=1)


COVERAGE_FILE = "coverage.yaml"


def _load() -> tuple[GuideSection, ...]:
    data = load_data(COVERAGE_FILE, _CoverageData)
    return tuple(
        GuideSection(
            s.key,
            s.summary,
            tuple(s.markers),
            tuple(NotebookSection(f"{n.notebook}.ipynb", h) for n in s.notebooks for h in n.headings),
            tuple(s.quiz_items),
            s.promotional,
        )
        for s in data.sections
    )


GUIDE_SECTIONS: tuple[GuideSection, ...] = _load()
"""Every section of the guide, in the guide's order (from ``clinical/data/coverage.yaml``)."""


def find_guide(start: Path | None = None) -> Path | None:
    """The guide text beside the repository (``../shared/guide/``), if present."""
    root = (start or Path(__file__)).resolve()
    for parent in root.parents:
        candidate = parent / "shared" / "guide" / GUIDE_FILE
        if candidate.is_file():
            return candidate
    return None


def section_spans(guide: str) -> dict[str, tuple[int, int]]:
    """Character span of each section in the guide text: from its first marker to the next.

    Raises ValueError when a marker is missing, repeated or out of order, so a changed
    guide is noticed instead of silently mis-mapped.
    """
    starts: list[tuple[str, int]] = []
    for section in GUIDE_SECTIONS:
        for marker in section.markers:
            count = guide.count(marker)
            if count != 1:
                msg = f"guide section '{section.key}': marker {marker!r} occurs {count} times"
                raise ValueError(msg)
        starts.append((section.key, guide.index(section.markers[0])))
    positions = [pos for _key, pos in starts]
    if positions != sorted(positions):
        msg = "guide sections are not in the guide's order"
        raise ValueError(msg)
    if positions[0] != guide.index(guide.strip()[:20]):
        msg = "the first guide section does not start at the beginning of the guide"
        raise ValueError(msg)
    ends = [*positions[1:], len(guide)]
    spans = {key: (start, end) for (key, start), end in zip(starts, ends, strict=True)}
    for section in GUIDE_SECTIONS:
        start, end = spans[section.key]
        for marker in section.markers[1:]:
            if not start <= guide.index(marker) < end:
                msg = f"guide section '{section.key}': marker {marker!r} lies outside it"
                raise ValueError(msg)
    return spans
