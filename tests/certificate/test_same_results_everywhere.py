"""One store, one set of figures: the learner's progress view, the completion record and
the trainer's report agree on attempts, scores, passing and time (progress.summary)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from ketatraining.assessment.local import LocalAssessment
from ketatraining.certificate import completion_record, load_course
from ketatraining.certificate.signed import record_data
from ketatraining.cli import main
from ketatraining.progress.records import Submission
from ketatraining.progress.store import open_store
from ketatraining.widgets.progress import minutes_text, progress_html
from tests.certificate.conftest import finish


def _learner_view_rows(page: str) -> dict[str, list[str]]:
    body = page.split('<table class="kt-progress-table">', 1)[1]
    body = re.sub(r'<td data-label="[^"]*">', "<td>", body)  # each cell names its column
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", body.split("<tbody>", 1)[1])
    return {cells[0]: cells for cells in (row.split("</td><td>") for row in rows)}


def test_learner_view_certificate_and_trainer_report_give_the_same_numbers(
        course_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store() as store:
        store.set_display_name("ann", "Ann Example")
        finish(store, "ann", "welcome", percent=50, pass_mark=50, minutes=3)
        finish(store, "ann", "final", percent=60, minutes=10)
        finish(store, "ann", "final", percent=100, minutes=12)
        # A third attempt is in progress: one answer saved 40 minutes after it started.
        number = store.start_attempt("ann", "final", max_score=1.0, pass_mark=80)
        (started,) = [a.started_at for a in store.attempts("ann", "final") if a.attempt == number]
        store.record(Submission("s-open", "ann", "final", "off-label", number, False, 1.0, 1.0,
                                True, 95.0, started + timedelta(minutes=40)))
        page = progress_html("ann", store)
        record = completion_record(store, "ann", load_course())
        seam = {r.quiz_id: r for r in LocalAssessment(store, learner_id="ann").my_results()}
    data = record_data(record, signed=False)
    assert main(["results", "--format", "json"]) == 0
    trainer = {r["quiz_id"]: r for r in json.loads(capsys.readouterr().out)["learners"]
               if r["learner_id"] == "ann"}
    view = _learner_view_rows(page)
    on_record = {q["quiz_id"]: q for q in data["quizzes"]}

    final, welcome = trainer["final"], trainer["welcome"]
    assert (final["attempts"], final["finished"], final["in_progress"]) == (3, 2, True)
    assert final["time_spent_seconds"] == pytest.approx((10 + 12) * 60, abs=1)
    for quiz_id, title in (("final", "Final check"), ("welcome", welcome["title"])):
        row, cells = trainer[quiz_id], view[title]
        # finished attempts, best and last score, pass mark, time: one figure each
        assert cells[2] == str(row["finished"]) == str(on_record[quiz_id]["attempts"])
        assert cells[3] == f"{row['best_percent']:.0f}%"
        assert on_record[quiz_id]["best_percent"] == pytest.approx(row["best_percent"])
        assert cells[4] == f"{row['last_percent']:.0f}%"
        assert on_record[quiz_id]["passed"] is row["passed"] is True
        assert cells[7] == minutes_text(row["time_spent_seconds"])
        assert seam[quiz_id].time_spent_seconds == pytest.approx(row["time_spent_seconds"])
        assert (seam[quiz_id].finished, seam[quiz_id].best_percent) == (
            row["finished"], row["best_percent"])
    assert data["time_spent_seconds"] == pytest.approx(
        final["time_spent_seconds"] + welcome["time_spent_seconds"], abs=0.1)
    assert "an attempt in progress" in view["Final check"][6]
