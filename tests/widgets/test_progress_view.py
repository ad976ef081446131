"""show_progress(): what a learner sees of their own results."""

from __future__ import annotations

import re
from pathlib import Path

from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.loading import load_quiz
from ketatraining.widgets.progress import progress_html
from ketatraining.widgets.quiz import QuizWidget


def test_no_attempts_yet(isolated_store: str) -> None:
    html = progress_html("nobody", ProgressStore(isolated_store))
    assert "You have not finished any quiz yet" in html


def test_finished_attempts_give_figure_description_and_table(isolated_store: str) -> None:
    store = ProgressStore(isolated_store)
    for responses in ([True, "1", "a", ["c"]], [False, "40", "b", ["a", "b"]]):
        quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id="ann")
        for state, response in zip(list(quiz.states), responses, strict=True):
            quiz.answer(state.question_id, response)
    html = progress_html("ann", store)
    assert '<img src="data:image/png;base64,' in html and 'alt="Bar chart' in html
    assert "Practice quiz: how the quizzes work (assessment): best 100% against a pass mark of 50%, passed." in html
    cells = re.sub(r' data-label="[^"]*"', "", html)  # each cell names its column (phones)
    assert "<td>2</td><td>100%</td><td>100%</td><td>50%</td><td>✓ passed</td>" in cells
    assert '<td data-label="Best">100%</td>' in html


def test_unreadable_store_is_one_sentence(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{tmp_path}/no/such/dir/p.db")
    html = progress_html("ann")
    assert "Your progress cannot be shown" in html and "does not exist" in html


def test_a_quiz_with_no_finished_attempt_shows_no_time(isolated_store: str) -> None:
    """look A14: "Finished attempts: 0" beside "Time on finished attempts: under 1 min"."""
    store = ProgressStore(isolated_store)
    QuizWidget(load_quiz("welcome"), store=store, learner_id="ann").answer(
        "welcome-dose", 40)  # one answer: the attempt is not finished
    html = progress_html("ann", store)
    assert '<td data-label="Finished attempts">0</td>' in html
    assert '<td data-label="Time on finished attempts">—</td>' in html
