"""show_landing(): the course overview of the app, with the learner's progress.

Built on every page load from the notebook files and the progress store (Voila starts
a fresh kernel per page, so nothing may live only in kernel memory). Status is said in
words and symbols, never by colour alone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ketatraining.app.catalog import NotebookEntry, course_notebooks
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import AttemptRecord, current_learner
from ketatraining.progress.store import ProgressStore, learner_attempts
from ketatraining.widgets.messages import message_html

NO_QUIZ = "No quiz in this notebook"
NOT_STARTED = "○ Not started"


@dataclass(frozen=True, slots=True)
class QuizStatus:
    quiz_id: str
    text: str
    passed: bool


def quiz_status(quiz_id: str, attempts: list[AttemptRecord]) -> QuizStatus:
    """One quiz's status for the learner, from their stored attempts."""
    mine = [a for a in attempts if a.quiz_id == quiz_id]
    finished = [a for a in mine if a.finished_at is not None and a.percent is not None]
    if any(a.passed for a in finished):
        best = max(a.percent or 0.0 for a in finished)
        return QuizStatus(quiz_id, f"✓ Quiz passed (best score {best:.0f}%)", True)
    if finished:
        best = max(a.percent or 0.0 for a in finished)
        mark = finished[-1].pass_mark
        return QuizStatus(quiz_id, f"◐ Quiz taken, not passed yet (best {best:.0f}%, pass mark "
                                   f"{mark:g}%)", False)
    if mine:
        return QuizStatus(quiz_id, "◐ Quiz started, not finished", False)
    return QuizStatus(quiz_id, NOT_STARTED, False)


def landing_html(entries: list[NotebookEntry], attempts: list[AttemptRecord],
                 note: str = "") -> str:
    """The overview table: one row per notebook, with a link and the quiz status."""
    rows = []
    passed = total = 0
    for entry in entries:
        statuses = [quiz_status(q, attempts) for q in entry.quiz_ids]
        total += len(statuses)
        passed += sum(s.passed for s in statuses)
        status = ("<br>".join(html.escape(s.text) for s in statuses)
                  if statuses else html.escape(NO_QUIZ))
        rows.append(
            f'<tr class="kt-landing-row"><td><a class="kt-landing-link" '
            f'href="{html.escape(entry.name, quote=True)}">{html.escape(entry.title)}</a></td>'
            f'<td class="kt-landing-status">{status}</td></tr>')
    summary = (f"You have passed {passed} of {total} quizzes." if total else "")
    return (
        f'<section class="kt-landing" aria-labelledby="kt-landing-heading">'
        f'<h2 id="kt-landing-heading">Course contents</h2>{note}'
        f'<p class="kt-landing-summary">{html.escape(summary)} Work through the notebooks in '
        "order; each ends with a quiz. Your answers are saved as you go, so you can stop "
        "and come back at any time.</p>"
        '<table class="kt-landing-table"><caption>Notebooks and your progress</caption>'
        '<thead><tr><th scope="col">Notebook</th><th scope="col">Your progress</th></tr>'
        f'</thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def show_landing(learner_id: str | None = None, store: ProgressStore | None = None) -> None:
    """Display the course overview with the learner's progress on each notebook.

    An HTML *widget*, not a rich output: JupyterLab's and Voila's output renderer sends
    relative links to a new browser tab, while a widget's links open in the same tab.
    """
    import ipywidgets as widgets
    from IPython.display import display

    learner_id = learner_id or current_learner()
    note = ""
    attempts: list[AttemptRecord] = []
    try:
        attempts = learner_attempts(learner_id, store)
    except KetaTrainingError as error:
        note = message_html("notice", f"Your progress cannot be shown: {error}")
    overview = widgets.HTML(landing_html(course_notebooks(), attempts, note))
    overview.add_class("kt-landing-widget")
    display(overview)
