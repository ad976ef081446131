"""course.yaml's front matter: what an accreditation reviewer needs, shown and printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import nbformat

from ketatraining.certificate.course import load_course
from ketatraining.certificate.front_matter import NO_PROVIDER, front_matter_html, objectives_tree
from ketatraining.quiz.loading import load_catalog

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course(ROOT / "course.yaml")
OBJECTIVES = load_catalog(ROOT / "quizzes").objectives or {}


def test_front_matter_has_every_field_a_reviewer_needs() -> None:
    fm = COURSE.front_matter
    assert fm is not None
    headings = [h for h, _ in fm.sections()]
    assert headings == [
        "Target audience", "Purpose", "Disclosure of financial relationships", "Funding",
        "Commercial support", "Off-label use", "How credit can be awarded", "Content review",
    ]
    assert "no relevant financial relationships" in fm.course_disclosure
    # A clinician reads this: it says what a provider adds, not which file an operator edits
    # (look C1; the 612f1fd wording named course.yaml). The operator's steps are in the
    # trainer guide, which names the field.
    for text in (fm.course_disclosure, fm.credit_process):
        assert "course.yaml" not in text and "field" not in text
    assert "adds the disclosure statement of its own" in fm.course_disclosure
    guide = (ROOT / "docs" / "trainer-guide.md").read_text(encoding="utf-8")
    assert "`disclosures` field" in guide and "`course.yaml`" in guide
    assert fm.commercial_support.startswith("None.")
    assert fm.funding.startswith("None.")
    assert "not approved" in fm.off_label_statement
    assert date.fromisoformat(fm.next_review) > date.fromisoformat(fm.content_reviewed)


def test_placeholders_still_claim_nothing() -> None:
    assert not COURSE.accredited
    assert COURSE.credit_statements == []
    assert "not a CME/CE certificate" in COURSE.front_matter.credit_process  # type: ignore[union-attr]
    assert NO_PROVIDER in front_matter_html(COURSE, OBJECTIVES)


def test_twelve_to_twenty_course_objectives_each_with_module_objectives() -> None:
    ids = [o.id for o in COURSE.course_objectives]
    assert 12 <= len(ids) <= 20 and len(set(ids)) == len(ids)
    for module_id, objective in OBJECTIVES.items():
        assert objective.course_objective in ids, module_id
    for co_id, _text, children in objectives_tree(COURSE, OBJECTIVES):
        assert children, f"{co_id} has no module objective under it"


def test_html_nests_module_objectives_under_course_objectives() -> None:
    page = front_matter_html(COURSE, OBJECTIVES)
    assert page.count("<h3>") == len(COURSE.front_matter.sections()) + 2  # type: ignore[union-attr]
    assert "<ol class=\"kt-course-objectives\"><li>State the regulatory status" in page
    assert "<ul><li>" in page


def _sources(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)


def test_overview_page_and_notebook_00_show_the_front_matter() -> None:
    assert "show_front_matter()" in _sources(ROOT / "notebooks" / "00-welcome.ipynb")  # its own heading
    overview = ROOT / "ketatraining" / "app" / "share" / "voila" / "templates" / "ketatraining"
    assert "{{ front_matter | safe }}" in (overview / "overview.html").read_text()


def test_completion_record_prints_the_front_matter() -> None:
    from datetime import UTC, datetime

    from ketatraining.certificate.eligibility import CompletionRecord
    from ketatraining.certificate.render import render_html

    now = datetime(2026, 12, 1, tzinfo=UTC)
    record = CompletionRecord(
        learner_id="l1", learner_name="Ann", course_title=COURSE.title,
        course_version=COURSE.version, completed_at=now, issued_at=now, quizzes=[],
    )
    page = render_html(record, COURSE)
    assert "Course: target audience" in page
    assert "Course: commercial support" in page and "None. The course received no" in page
    assert "Course: content review" in page and COURSE.front_matter.next_review in page  # type: ignore[union-attr]
