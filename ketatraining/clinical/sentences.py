"""The course's text, cut into sentences, each with the place a learner reads it.

The claims register (``data/claims.yaml``) accounts for every sentence: each is listed,
word for word, under the claim it states or as course text (navigation, instructions)
or guide text (what the patient guide says). This module finds the sentences: in
every notebook markdown cell (headings are titles, not sentences, and are skipped), in
every quiz question's prompt, options, feedback and explanation, and in the clinical
text the widgets and figures show (rules, vignettes, steps, captions, descriptions).

Sentences are compared as plain text (Markdown removed, whitespace collapsed), so a
reviewer copies a sentence from the page into the register as it reads.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A full stop after one of these does not end a sentence ("e.g. SPRAVATO", "et al. 2014").
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "vs", "al", "approx", "cf", "dr", "fig", "figs", "inc", "ltd", "vol",
    "pp", "resp", "u.s", "mr", "mrs", "ms", "jr",
})
_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[*]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Whitespace collapsed, HTML entities decoded: the form the register stores."""
    return _SPACE.sub(" ", html.unescape(text)).strip()


def split_sentences(text: str) -> list[str]:
    """Plain text to sentences, keeping abbreviations, initials and decimals whole.

    A sentence ends at '.', '!', '?' (and a closing quote or bracket) followed by space
    and a capital or a digit, unless the word before the stop is a known abbreviation
    ("e.g.", "vs.", "et al.") or a single capital initial ("J. Smith").
    """
    text = normalize(text)
    out, start = [], 0
    for match in _BOUNDARY.finditer(text):
        stop = match.start()
        before = _WORD_BEFORE.search(text[start:stop + 1].rstrip(".!?…"))
        word = before.group(1).strip("(\"'“‘[") if before else ""
        if text[stop] == "." and (word.lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word)):
            continue
        out.append(text[start:match.end()].strip())
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _inline_text(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def markdown_blocks(source: str) -> list[str]:
    """The plain text of every paragraph, list item and table cell; headings skipped."""
    blocks, in_heading = [], False
    for token in _markdown().parse(source):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and not in_heading:
            text = normalize(_inline_text(token))
            if text:
                blocks.append(text)
        elif token.type == "html_block":
            text = normalize(re.sub(r"<[^>]+>", " ", token.content))
            if text:
                blocks.append(text)
    return blocks


def text_sentences(text: str, *, markdown: bool = True) -> list[str]:
    """Every sentence of a piece of course text (Markdown unless told otherwise)."""
    blocks = markdown_blocks(text) if markdown else [normalize(text)]
    return [s for block in blocks for s in split_sentences(block)]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence and where it is: the register unit, and the file and place in it."""

    unit: str
    """The register location: ``notebook:<stem>#<section>``, ``quiz:<bank>/<id>``, ..."""
    where: str
    """For people: 'notebooks/05-risks-and-monitoring.ipynb, cell 12'."""
    text: str


def notebook_sentences(notebook: Any, stem: str, path: str) -> Iterator[Sentence]:
    """Each sentence of the notebook's markdown cells, in the section it falls under."""
    from ketatraining.clinical.claims_register import slug

    current = f"notebook:{stem}#top"
    seen: dict[str, int] = {}
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "markdown":
            continue
        buffer: list[str] = []

        def flush(unit: str, lines: list[str], number: int = number) -> Iterator[Sentence]:
            for sentence in text_sentences("\n".join(lines)):
                yield Sentence(unit, f"{path}, cell {number}", sentence)

        for line in cell.source.splitlines():
            if re.match(r"^#{1,4}\s", line):
                yield from flush(current, buffer)
                name = slug(line)
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:
                    name = f"{name}-{seen[name]}"
                current, buffer = f"notebook:{stem}#{name}", []
            else:
                buffer.append(line)
        yield from flush(current, buffer)


TEXT_FIELDS = (
    "prompt", "text", "html", "feedback", "explanation", "feedback_correct",
    "feedback_incorrect", "feedback_true", "feedback_false",
)
"""The question fields a learner reads (options, items, answers and steps by their text)."""


def question_sentences(bank: str, question: dict[str, Any], path: str) -> Iterator[Sentence]:
    """Each sentence of one question: prompt, every option/item/step, feedback, explanation."""
    unit = f"quiz:{bank}/{question['id']}"

    def walk(value: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
        for key, inner in value.items():
            label = f"{path}.{key}" if path else key
            if isinstance(inner, str) and key in TEXT_FIELDS:
                yield label, inner
            elif isinstance(inner, list):
                for number, item in enumerate(inner, start=1):
                    if isinstance(item, dict):
                        yield from walk(item, f"{label}[{item.get('id', number)}]")

    for field, text in walk(question, ""):
        for sentence in text_sentences(text):
            yield Sentence(unit, f"{path}, question '{question['id']}', {field}", sentence)


def bank_sentences(bank: str, document: dict[str, Any], path: str) -> Iterator[Sentence]:
    """The bank's description and every question's sentences."""
    if isinstance(document.get("description"), str):
        for sentence in text_sentences(document["description"]):
            yield Sentence(f"quiz:{bank}/description", f"{path}, description", sentence)
    for question in document.get("questions", []):
        yield from question_sentences(bank, question, path)


def widget_texts() -> Iterator[tuple[str, str, str]]:
    """(unit, where, text) for the clinical text the widgets and figures show."""
    from ketatraining.clinical import (
        evidence_data,
        hemodynamics,
        mechanism,
        monitoring,
        pcl5,
        pharmacology,
        screening,
    )

    data = "ketatraining/clinical/data/"
    for rule in screening.RULES:
        for field in ("criterion", "why", "guide_note"):
            where = f"{data}screening.yaml, rule '{rule.id}', {field}"
            yield f"widget:screening/{rule.id}", where, getattr(rule, field)
    for vignette in screening.VIGNETTES:
        where = f"{data}screening.yaml, vignette '{vignette.id}', story"
        yield f"widget:vignettes/{vignette.id}", where, vignette.story
    for step in monitoring.SESSION:
        where = f"{data}monitoring.yaml, step '{step.id}', situation"
        yield f"widget:monitoring/{step.id}", where, step.situation
        for action in step.actions:
            for field in ("text", "explanation"):
                where = f"{data}monitoring.yaml, step '{step.id}', action '{action.id}', {field}"
                yield f"widget:monitoring/{step.id}/{action.id}", where, getattr(action, field)
    for claim in evidence_data.CLAIMS:
        for field in ("guide_says", "evidence", "teaching_point"):
            where = f"{data}evidence.yaml, claim '{claim.key}', {field}"
            yield f"widget:claims/{claim.key}", where, getattr(claim, field)
    for item in mechanism.PATHWAY:
        for field in ("detail", "evidence"):
            where = f"{data}mechanism.yaml, step '{item.key}', {field}"
            yield f"widget:pathway/{item.key}", where, getattr(item, field)
    for patient in pcl5.PATIENTS:
        where = f"{data}pcl5.yaml, patient '{patient.id}', story"
        yield f"widget:pcl5/{patient.id}", where, patient.story
    figures = {
        "bioavailability": (pharmacology.bioavailability_caption,
                            pharmacology.bioavailability_description),
        "forest": (evidence_data.forest_caption, evidence_data.forest_description),
        "onset": (evidence_data.onset_caption, evidence_data.onset_description),
        "blood-pressure": (hemodynamics.figure_caption, hemodynamics.figure_description),
        "pathway": (mechanism.pathway_caption, mechanism.pathway_description),
    }
    for key in pharmacology.ROUTES:  # the PK explorer's lines at its starting dose and weight
        curve = pharmacology.simulate(key, 0.5, 70)
        yield "figure:pk-explorer", f"PK explorer, route '{key}', summary", curve.summary()
    for name, (caption, description) in figures.items():
        yield f"figure:{name}", f"figure '{name}', caption", caption()
        yield f"figure:{name}", f"figure '{name}', text description", description()


def widget_sentences() -> Iterator[Sentence]:
    for unit, where, text in widget_texts():
        for sentence in text_sentences(text, markdown=True):
            yield Sentence(unit, where, sentence)


def course_sentences(root: Any) -> list[Sentence]:
    """Every sentence of the course: notebooks, quiz banks, widgets and figures."""
    import nbformat
    import yaml

    found: list[Sentence] = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        found += notebook_sentences(notebook, path.stem, f"notebooks/{path.name}")
    for path in sorted((root / "quizzes").glob("*.yaml")):
        if path.stem in {"references", "objectives"}:
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += bank_sentences(path.stem, document, f"quizzes/{path.name}")
    found += widget_sentences()
    return found


def by_unit(sentences: Iterable[Sentence]) -> dict[str, list[Sentence]]:
    out: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        out.setdefault(sentence.unit, []).append(sentence)
    return out
