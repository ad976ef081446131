"""Completion records: eligibility from the store, escaping, PDF text, course.yaml rules."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest

from ketatraining.certificate import CourseError, NotEligible, completion_record, load_course
from ketatraining.certificate.eligibility import NAME_MISSING, clean_name
from ketatraining.certificate.render import (
    NO_ACCREDITATION,
    NO_CREDIT,
    render_html,
    render_pdf,
    write_record,
)
from ketatraining.progress.store import open_store
from tests.certificate.conftest import COURSE_YAML, FINAL_YAML, finish

NOW = datetime(2026, 3, 20, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_not_started_lists_the_quiz_and_the_name(course_dir: Path) -> None:
    with open_store() as store, pytest.raises(NotEligible) as caught:
        completion_record(store, "ann", load_course())
    assert len(caught.value.missing) == 2
    assert "Final check" in caught.value.missing[0]
    assert "not started" in caught.value.missing[0]
    assert caught.value.missing[1] == NAME_MISSING


def test_a_failed_attempt_says_best_score_and_pass_mark(course_dir: Path) -> None:
    with open_store() as store:
        store.set_display_name("ann", "Ann Example")
        finish(store, "ann", "final", percent=60)
        with pytest.raises(NotEligible) as caught:
            completion_record(store, "ann", load_course())
    (message,) = caught.value.missing
    assert "pass mark is 80%" in message
    assert "best score so far is 60%" in message
    assert "1 attempt" in message


def test_an_unfinished_attempt_is_not_a_pass(course_dir: Path) -> None:
    with open_store() as store:
        store.set_display_name("ann", "Ann Example")
        store.start_attempt("ann", "final", max_score=1.0, pass_mark=80)
        with pytest.raises(NotEligible) as caught:
            completion_record(store, "ann", load_course())
    assert "have not answered every question" in caught.value.missing[0]


def test_passing_gives_a_record_with_results_objectives_and_time(course_dir: Path) -> None:
    with open_store() as store:
        store.set_display_name("ann", "Ann Example")
        finish(store, "ann", "welcome", percent=50, pass_mark=50, minutes=3)
        finish(store, "ann", "final", percent=60, minutes=10)
        passed_at = finish(store, "ann", "final", percent=100, minutes=12)
        finish(store, "ann", "final", percent=100, minutes=30)  # a later pass changes nothing
        record = completion_record(store, "ann", load_course(), now=NOW)
        other = completion_record(store, "ann", load_course(), now=NOW)
    assert record.learner_name == "Ann Example"
    assert record.course_title == "Test course"
    assert record.course_version == "9.9"
    assert record.completed_at == passed_at
    final = next(q for q in record.quizzes if q.quiz_id == "final")
    assert (final.best_percent, final.finished, final.passed, record.is_required("final")) == (
        100, 3, True, True)
    assert record.time_spent_seconds == pytest.approx((3 + 10 + 12 + 30) * 60, abs=1)
    keys = [key for key, _ in record.objectives]
    assert "nb00-course-scope" in keys and "nb00-use-widgets" in keys
    assert record.record_id == other.record_id and len(record.record_id) == 12


POOLED_FINAL = FINAL_YAML.replace("questions:\n", "pools:\n  - tag: pick\n    draw: 1\n"
                                  "questions:\n") + """\
    tags: [pick]
  - id: widgets
    type: true_false
    prompt: A quiz answer is checked with the Check button.
    answer: true
    feedback_true: Right.
    feedback_false: Not so.
    explanation: Check grades the answer.
    references: [spravato_pi]
    objective: nb00-use-widgets
    tags: [pick]
"""


def test_a_pooled_quiz_records_the_objectives_of_the_drawn_questions(
        course_dir: Path) -> None:
    """Each attempt of the pooled 'final' asks one of its two questions: the record lists
    the objective of the question the passing attempt asked, not the whole bank's."""
    (course_dir / "quizzes" / "final.yaml").write_text(POOLED_FINAL)
    with open_store() as store:
        store.set_display_name("ann", "Ann Example")
        finish(store, "ann", "final", percent=0, drawn=["widgets"])  # failed: not covered
        finish(store, "ann", "final", percent=100, drawn=["off-label"])
        record = completion_record(store, "ann", load_course(), now=NOW)
        assert [key for key, _ in record.objectives] == ["nb00-course-scope"]
        finish(store, "ann", "final", percent=100, drawn=["widgets"])  # a second pass
        again = completion_record(store, "ann", load_course(), now=NOW)
    assert [key for key, _ in again.objectives] == ["nb00-course-scope", "nb00-use-widgets"]


@pytest.fixture
def passed_record(course_dir: Path) -> object:
    def make(name: str) -> object:
        with open_store() as store:
            store.set_display_name("ann", name)
            finish(store, "ann", "final", percent=100)
            return completion_record(store, "ann", load_course(), now=NOW)

    return make


def test_html_escapes_the_learner_name(passed_record: object) -> None:
    record = passed_record('<script>alert(1)</script><img src=x onerror="alert(2)">')
    page = render_html(record, load_course())
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page  # nothing fetched from outside


def test_unsupplied_statements_claim_nothing(passed_record: object) -> None:
    page = render_html(passed_record("Ann"), load_course())
    assert NO_ACCREDITATION in page and NO_CREDIT in page
    assert "AMA PRA" not in page and "accredited by" not in page


def test_supplied_statements_are_printed_and_sanitized(passed_record: object,
                                                        course_dir: Path) -> None:
    text = COURSE_YAML.replace(
        "accreditation_statement: null",
        "accreditation_statement: 'Example Org is accredited by X. <script>bad()</script>'",
    ).replace("name: null", "name: Example Org")
    (course_dir / "course.yaml").write_text(text)
    course = load_course()
    assert course.accredited
    page = render_html(passed_record("Ann"), course)
    assert "Example Org is accredited by X." in page
    assert "<script>bad" not in page
    assert NO_ACCREDITATION not in page


def test_pdf_holds_name_course_and_statements(passed_record: object, tmp_path: Path) -> None:
    name = "Zoë Łukasiewicz-Nguyễn"
    record = passed_record(name)
    data = render_pdf(record, load_course())
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert name in text
    assert "Test course" in text
    assert "Final check" in text and "passed" in text
    assert "No accreditation statement has been supplied" in text
    html_path, pdf_path = write_record(record, load_course(), tmp_path / "out")
    assert html_path.read_text().count(name) >= 1
    assert pdf_path.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("accreditation_statement", "'PLACEHOLDER: provider text'", "PLACEHOLDER"),
    ("release_date", "'next spring'", "YYYY-MM-DD"),
    ("version", "'   '", "empty"),
])
def test_course_yaml_problems_name_the_line(course_dir: Path, field: str, value: str,
                                            problem: str) -> None:
    lines = [f"{field}: {value}" if line.startswith(f"{field}:") else line
             for line in COURSE_YAML.splitlines()]
    (course_dir / "course.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(CourseError) as caught:
        load_course()
    message = str(caught.value)
    assert problem in message
    line_number = next(i for i, line in enumerate(lines, start=1) if line.startswith(field))
    assert f"course.yaml:{line_number}" in message


def test_the_course_yaml_in_the_repository_is_valid_and_claims_nothing() -> None:
    course = load_course(Path(__file__).resolve().parents[2] / "course.yaml")
    assert course.completion.required_quizzes == ["final"]
    assert not course.accredited  # until a provider fills it in


@pytest.mark.parametrize("bad", ["", "   ", "a\x07b", "x" * 121])
def test_clean_name_refuses_bad_names(bad: str) -> None:
    with pytest.raises(ValueError):
        clean_name(bad)


def test_clean_name_collapses_spaces() -> None:
    assert clean_name("  Dr   Ann  Example ") == "Dr Ann Example"
