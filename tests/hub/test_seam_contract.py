"""The same behaviour through both implementations of the seam: local and hub.

Each test runs once with a LocalAssessment (in-kernel grading, a SQLite store) and once
with a HubAssessment against the real course server (the ``hub_assessment`` fixture), on
the same quiz file. This is the pattern for the widget tests: request the ``seam``
fixture and the front-end code path is exercised against both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub.hubstack import QUESTION_KEYS, QUIZ, RIGHT, WRONG

from ketatraining.assessment.protocol import Assessment, AssessmentError, SaveState

QUIZ_ID = "final-check"


@pytest.fixture(params=["local", pytest.param("hub", marks=[pytest.mark.postgres,
                                                            pytest.mark.slow])])
def seam(request: pytest.FixtureRequest, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Assessment]:
    if request.param == "hub":
        yield request.getfixturevalue("hub_assessment")
        return
    from ketatraining.assessment.local import LocalAssessment
    from ketatraining.progress.store import ProgressStore

    folder = tmp_path / "quizzes"
    folder.mkdir()
    from hub.hubstack import OBJECTIVES, REFERENCES

    (folder / f"{QUIZ_ID}.yaml").write_text(QUIZ)
    (folder / "references.yaml").write_text(REFERENCES)
    (folder / "objectives.yaml").write_text(OBJECTIVES)
    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(folder))
    with ProgressStore(f"sqlite:///{tmp_path / 'p.db'}") as store:
        yield LocalAssessment(store, learner_id="ann")


def answer_all(seam: Assessment, answers: dict[str, object]) -> tuple[str | None, list[object]]:
    state = seam.start(QUIZ_ID)
    attempt = state.attempt_id
    checked = []
    for question in state.questions:
        result = seam.submit(QUIZ_ID, attempt, question.id, answers[question.id], seconds=2.0)  # type: ignore[arg-type]
        attempt = result.attempt_id
        checked.append(result)
    return attempt, checked


def test_views_before_answering_hold_no_key(seam: Assessment) -> None:
    assert isinstance(seam, Assessment)
    view = seam.quiz_view(QUIZ_ID)
    assert (view.title, view.pass_mark, view.max_attempts, view.question_count) == (
        "Final check", 60.0, 2, 3)
    state = seam.start(QUIZ_ID)
    assert state.attempt_id is None and state.blocked is None and not state.answered
    text = json.dumps([q.to_dict() for q in state.questions])
    assert not [m for keys in QUESTION_KEYS.values() for m in keys if m in text]
    kinds = {q.id: q.type for q in state.questions}
    assert kinds == {"bp": "true_false", "dose": "numeric", "watch": "single_choice"}


def test_checked_answers_are_saved_graded_and_explained(seam: Assessment) -> None:
    attempt, checked = answer_all(seam, RIGHT)
    assert all(c.save.state is SaveState.SAVED for c in checked)
    assert [c.verdict for c in checked] == ["correct"] * 3
    by_id = {c.question_id: c for c in checked}
    assert "KEYEXPLANATION-DOSE-7Q" in by_id["dose"].explanation_html
    assert "KEYFEEDBACK-A-7Q" in by_id["watch"].feedback_html
    with pytest.raises(AssessmentError, match="already checked"):
        seam.submit(QUIZ_ID, attempt, "bp", False)
    outcome = seam.finish(QUIZ_ID, attempt)
    assert (outcome.score, outcome.max_score, outcome.passed) == (3.0, 3.0, True)
    results = seam.my_results()
    assert [(r.quiz_id, r.attempts, r.passed) for r in results] == [(QUIZ_ID, 1, True)]


def test_attempts_run_out_and_blank_answers_are_refused(seam: Assessment) -> None:
    state = seam.start(QUIZ_ID)
    with pytest.raises(AssessmentError, match="choose an answer"):
        seam.submit(QUIZ_ID, state.attempt_id, "watch", None)
    for answers in (WRONG, WRONG):
        attempt, _ = answer_all(seam, answers)
        assert not seam.finish(QUIZ_ID, attempt).passed
    blocked = seam.start(QUIZ_ID)
    assert blocked.blocked and "all 2 attempts" in blocked.blocked and not blocked.questions


def test_finishing_early_is_refused(seam: Assessment) -> None:
    state = seam.start(QUIZ_ID)
    first = seam.submit(QUIZ_ID, state.attempt_id, "bp", True)
    with pytest.raises(AssessmentError, match="answer every question"):
        seam.finish(QUIZ_ID, first.attempt_id)
