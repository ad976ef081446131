"""CSV export: one row per answer, exact cells, formulas neutralised."""

from __future__ import annotations

import csv
import io

from sample_records import ATTEMPTS, QUIZ, SUBMISSIONS

from ketatraining.interop.csv_export import COLUMNS, safe_text, write_csv


def export() -> list[dict[str, str]]:
    out = io.StringIO()
    assert write_csv(out, ATTEMPTS, SUBMISSIONS, {"mini": QUIZ}) == len(SUBMISSIONS)
    text = out.getvalue()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_answer_with_its_attempt() -> None:
    rows = export()
    assert [(r["learner_id"], r["question_id"]) for r in rows] == [
        ("ann", "sc"), ("ann", "mc"), ("ann", "tf"), ("ann", "num"), ("'=bob", "sc")]
    first = rows[0]
    assert first == {
        "learner_id": "ann", "quiz_id": "mini", "attempt": "1",
        "attempt_started_at": "2026-01-05T09:00:00+00:00",
        "attempt_finished_at": "2026-01-05T09:04:30+00:00",
        "attempt_score": "3", "attempt_max_score": "5", "attempt_percent": "60",
        "attempt_passed": "true", "question_id": "sc", "question_type": "single_choice",
        "objective": "obj-a", "response": "a", "options": "a=1;b=0", "score": "1",
        "max_score": "1", "fraction": "1", "correct": "true", "duration_seconds": "30.25",
        "submitted_at": "2026-01-05T09:01:00+00:00", "question_version": "",
        "regraded": "false",
    }


def test_responses_and_options_per_type() -> None:
    rows = {r["question_id"]: r for r in export() if r["learner_id"] == "ann"}
    assert (rows["mc"]["response"], rows["mc"]["options"]) == ("a;b", "a=1;b=1;c=0")
    assert (rows["tf"]["response"], rows["tf"]["options"]) == ("true", "true=1;false=0")
    assert (rows["num"]["response"], rows["num"]["fraction"]) == ("40.5", "1")
    assert rows["num"]["max_score"] == "2"


def test_unfinished_attempt_has_empty_result_cells() -> None:
    bob = export()[-1]
    assert (bob["attempt_finished_at"], bob["attempt_score"], bob["attempt_passed"]) == (
        "", "", "")


def test_unknown_quiz_leaves_type_and_objective_empty() -> None:
    out = io.StringIO()
    write_csv(out, ATTEMPTS, SUBMISSIONS[:1], {})
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["question_type"], row["objective"], row["options"]) == ("", "", "")


def test_safe_text() -> None:
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("-2") == "'-2"
    assert safe_text("plain") == "plain"
