"""A completion record as HTML (escaped, for browsers and notebooks) and as PDF (fpdf2).

Learner names are untrusted text and are always escaped; the course statements are
trainer-written Markdown and go through the same sanitizer as quiz files. Where
course.yaml leaves a provider statement empty, the record says so instead of claiming it.
"""

from __future__ import annotations

import html
import importlib.util
from pathlib import Path

from ketatraining.certificate.course import Course
from ketatraining.certificate.eligibility import CompletionRecord
from ketatraining.text import markdown_to_html, plain_text

HEADING = "Record of completion"
NOT_SUPPLIED = "Not supplied in course.yaml."
NO_ACCREDITATION = (
    "No accreditation statement has been supplied for this course. This is a record of "
    "completion only; it does not certify continuing-education credit."
)
NO_CREDIT = "No credit designation has been supplied; no credit is claimed."
NO_DISCLOSURES = "No disclosure statement has been supplied."
REGRADED_MARK = " (regraded)"
REGRADED_NOTE = (
    "A score marked (regraded) was re-marked after the course corrected the key of a "
    "question the learner had answered; the learner's original answers are kept."
)
TIME_NOTE = (
    "Time recorded on quizzes: for each finished attempt, from when its first question was "
    "shown to its finish (the time spent reading the notebooks' lessons is not recorded)."
)


def duration_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under 1 minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _facts(record: CompletionRecord, course: Course) -> list[tuple[str, str]]:
    return [
        ("Course version", record.course_version),
        ("Learning format", course.learning_format or NOT_SUPPLIED),
        ("Completed on", record.completed_at.date().isoformat()),
        ("Time recorded", duration_text(record.time_spent_seconds)),
        (("Verification code", record.verification_code) if record.verification_code
         else ("Record reference", record.record_id)),
        ("Issued", record.issued_at.date().isoformat()),
        ("Status", record.status),
    ]


def _statements(course: Course) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs of Markdown) for every provider statement, supplied or not."""
    provider = course.provider.name or NOT_SUPPLIED
    if course.provider.name and course.provider.contact:
        provider += f" ({course.provider.contact})"
    dates = []
    if course.release_date:
        dates.append(f"Release date: {course.release_date}.")
    if course.review_date:
        dates.append(f"Review (expiry) date: {course.review_date}.")
    return [
        ("Provider", [provider]),
        ("Accreditation", [course.accreditation_statement or NO_ACCREDITATION]),
        ("Credit", list(course.credit_statements) or [NO_CREDIT]),
        ("Disclosures", [course.disclosures or NO_DISCLOSURES]),
        ("Dates", dates or [f"Release and review dates: {NOT_SUPPLIED}"]),
        *_front_matter(course),
        ("Disclaimer", [course.disclaimer]),
    ]


def _front_matter(course: Course) -> list[tuple[str, list[str]]]:
    """The open course's own front matter, headed so it is not read as the provider's."""
    if course.front_matter is None:
        return []
    return [(f"Course: {heading.lower()}", [text]) for heading, text in course.front_matter.sections()]


_CSS = """
.kt-certificate{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
background:#fff;max-width:48em;margin:1em auto;padding:1.5em 2em;border:3px double #004b87}
.kt-certificate h1{font-size:1.6em;margin:0 0 .5em 0;color:#003a69}
.kt-certificate .kt-cert-name{font-size:1.5em;font-weight:bold;margin:.25em 0}
.kt-certificate table{border-collapse:collapse;width:100%}
.kt-certificate th,.kt-certificate td{border:1px solid #555;padding:.25em .5em;text-align:left}
.kt-certificate dt{font-weight:bold}.kt-certificate dd{margin:0 0 .4em 0}
"""


def render_html_fragment(record: CompletionRecord, course: Course) -> str:
    """The record as an <article> (for display inside a notebook)."""
    e = html.escape
    facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in _facts(record, course))
    rows = "".join(
        f"<tr><td>{e(q.title)}{' (required)' if record.is_required(q.quiz_id) else ''}</td>"
        f"<td>{q.best_percent or 0:.0f}%{REGRADED_MARK if q.regraded else ''}</td>"
        f"<td>{q.pass_mark:g}%</td>"
        f"<td>{'✓ passed' if q.passed else '✗ not passed'}</td><td>{q.finished}</td></tr>"
        for q in record.quizzes
    )
    regraded = (f"<p><small>{e(REGRADED_NOTE)}</small></p>"
                if any(q.regraded for q in record.quizzes) else "")
    objectives = "".join(f"<li>{e(text)}</li>" for _, text in record.objectives)
    statements = "".join(
        f"<h3>{e(title)}</h3>" + "".join(markdown_to_html(p) for p in paragraphs)
        for title, paragraphs in _statements(course)
    )
    return (
        f'<article class="kt-certificate" lang="en" aria-labelledby="kt-cert-heading">'
        f'<h1 id="kt-cert-heading">{HEADING}</h1>'
        f"<p>This records that</p>"
        f'<p class="kt-cert-name">{e(record.learner_name)}</p>'
        f"<p>has completed the course</p>"
        f'<h2 class="kt-cert-course">{e(record.course_title)}</h2>'
        f"<dl>{facts}</dl><p><small>{e(TIME_NOTE)}</small></p>"
        f"<h3>Quiz results</h3><table><caption>Best score per quiz</caption><thead><tr>"
        f'<th scope="col">Quiz</th><th scope="col">Best score</th>'
        f'<th scope="col">Pass mark</th><th scope="col">Result</th>'
        f'<th scope="col">Finished attempts</th></tr></thead><tbody>{rows}</tbody></table>'
        f"{regraded}"
        f"<h3>Learning objectives covered</h3><ul>{objectives}</ul>"
        f"{statements}</article>"
    )


def render_html(record: CompletionRecord, course: Course) -> str:
    """A complete, self-contained HTML page (no external resources)."""
    title = html.escape(f"{HEADING}: {record.learner_name} - {record.course_title}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body><main>"
        f"{render_html_fragment(record, course)}</main></body></html>\n"
    )


def _font_dir() -> Path:
    """DejaVu fonts shipped inside matplotlib (a runtime dependency): Unicode, no download."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        msg = "matplotlib is not installed, so the PDF fonts cannot be found."
        raise RuntimeError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def render_pdf(record: CompletionRecord, course: Course) -> bytes:
    """The record as a one- or two-page A4 PDF with embedded Unicode fonts."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = _font_dir()
    pdf = FPDF(format="A4")
    pdf.set_creator("ketatraining")
    pdf.set_title(f"{HEADING}: {record.course_title}")
    pdf.set_author(record.learner_name)
    pdf.set_lang("en")
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, size * 0.5, text, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.ln(gap)

    line(HEADING, 20, "B", 4)
    line("This records that", 11)
    line(record.learner_name, 18, "B", 2)
    line("has completed the course", 11)
    line(record.course_title, 14, "B", 4)
    for key, value in _facts(record, course):
        line(f"{key}: {value}", 10, gap=0.5)
    line(TIME_NOTE, 8, gap=3)
    line("Quiz results (best score per quiz)", 12, "B")
    for q in record.quizzes:
        verdict = "✓ passed" if q.passed else "✗ not passed"
        required = " (required)" if record.is_required(q.quiz_id) else ""
        mark = REGRADED_MARK if q.regraded else ""
        line(f"{q.title}{required}: best {q.best_percent or 0:.0f}%{mark}, pass mark "
             f"{q.pass_mark:g}%, {verdict}, {q.finished} finished "
             f"attempt{'' if q.finished == 1 else 's'}", 10, gap=0.5)
    if any(q.regraded for q in record.quizzes):
        line(REGRADED_NOTE, 8, gap=0.5)
    pdf.ln(2)
    line("Learning objectives covered", 12, "B")
    for _, text in record.objectives:
        line(f"• {text}", 10, gap=0.5)
    pdf.ln(2)
    for title, paragraphs in _statements(course):
        line(title, 12, "B")
        for paragraph in paragraphs:
            line(plain_text(paragraph), 9, gap=1)
    return bytes(pdf.output())


def file_stem(record: CompletionRecord) -> str:
    """A safe file name: learner id reduced to letters, digits, '-' and '_'."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-"
                   for ch in record.learner_id).strip("-") or "learner"
    return f"completion-record-{safe[:40]}-{record.completed_at.date().isoformat()}"


def write_record(record: CompletionRecord, course: Course, folder: Path) -> tuple[Path, Path]:
    """Write the HTML and PDF files into ``folder`` (created if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(record)
    html_path = folder / f"{stem}.html"
    pdf_path = folder / f"{stem}.pdf"
    html_path.write_text(render_html(record, course), encoding="utf-8")
    pdf_path.write_bytes(render_pdf(record, course))
    return html_path, pdf_path
