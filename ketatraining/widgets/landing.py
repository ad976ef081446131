"""show_landing(): the course overview of the app, with the learner's progress.

Built from the notebook files and the learner's results through the assessment seam
(the progress store on a laptop, the course server on a hub), and rebuilt when the page is
requested (the app's kernels are preheated: see ``ketatraining.widgets.live``). Each quiz
is named with its status, said in words and symbols, never by colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ketatraining.app.catalog import NotebookEntry, course_notebooks
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import AttemptRecord, current_learner
from ketatraining.progress.summary import QuizResult, quiz_results
from ketatraining.widgets.messages import message_html

if TYPE_CHECKING:
    from ketatraining.progress.store import ProgressStore

NO_QUIZ = "No quiz in this notebook"
NOT_STARTED = "○ Not started"


@dataclass(frozen=True, slots=True)
class QuizStatus:
    quiz_id: str
    text: str
    passed: bool


Results = Sequence[QuizResult] | Sequence[AttemptRecord]


def _summaries(results: Results) -> list[QuizResult]:
    """The seam's per-quiz rows (``my_results``); stored attempts are summarised first."""
    if all(isinstance(row, QuizResult) for row in results):
        return list(results)  # type: ignore[arg-type]
    return quiz_results(results, [])  # type: ignore[arg-type]


def quiz_status(quiz_id: str, results: Results) -> QuizStatus:
    """One quiz's status for the learner, from their results (``my_results`` rows)."""
    row = next((r for r in _summaries(results) if r.quiz_id == quiz_id), None)
    best = row.best_percent if row is not None and row.best_percent is not None else 0.0
    if row is not None and row.finished and row.passed:
        return QuizStatus(quiz_id, f"✓ Quiz passed (best score {best:.0f}%)", True)
    if row is not None and row.finished:
        return QuizStatus(quiz_id, f"◐ Quiz taken, not passed yet (best {best:.0f}%"
                                   f", pass mark {row.pass_mark:g}%)", False)
    if row is not None and row.attempts:
        return QuizStatus(quiz_id, "◐ Quiz started, not finished", False)
    return QuizStatus(quiz_id, NOT_STARTED, False)


def _quiz_list(statuses: list[QuizStatus], titles: dict[str, str]) -> str:
    """Each quiz by name with its status: 'Quiz «title»: ○ Not started'."""
    if not statuses:
        return html.escape(NO_QUIZ)
    items = "".join(
        f'<li><span class="kt-landing-quiz">{html.escape(titles.get(s.quiz_id, s.quiz_id))}'
        f'</span>: {html.escape(s.text)}</li>' for s in statuses)
    return f'<ul class="kt-landing-quizzes">{items}</ul>'


def landing_html(entries: list[NotebookEntry], results: Results,
                 note: str = "", titles: dict[str, str] | None = None) -> str:
    """The overview table: one row per notebook, with a link and each quiz's status."""
    rows = []
    passed = total = 0
    summaries = _summaries(results)
    for entry in entries:
        statuses = [quiz_status(q, summaries) for q in entry.quiz_ids]
        total += len(statuses)
        passed += sum(s.passed for s in statuses)
        status = _quiz_list(statuses, titles or {})
        rows.append(
            f'<tr class="kt-landing-row"><td><a class="kt-landing-link" '
            f'href="{html.escape(entry.name, quote=True)}">{html.escape(entry.title)}</a></td>'
            f'<td class="kt-landing-status">{status}</td></tr>')
    summary = (f"You have passed {passed} of {total} {'quiz' if total == 1 else 'quizzes'}."
               if total else "")
    return (
        f'<section class="kt-landing" aria-labelledby="kt-landing-heading">'
        f'<h2 id="kt-landing-heading">Course contents</h2>{note}'
        f'<p class="kt-landing-summary">{html.escape(summary)} Work through the notebooks in '
        "order; each has a quiz. Your answers are saved as you go, so you can stop "
        "and come back at any time.</p>"
        '<table class="kt-landing-table"><caption>Notebooks and your progress</caption>'
        '<thead><tr><th scope="col">Notebook</th><th scope="col">Quizzes and your progress</th></tr>'
        f'</thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def quiz_names() -> dict[str, str]:
    """quiz id -> title, for every valid quiz of the course (unreadable ones keep their id)."""
    from ketatraining.widgets.progress import quiz_titles

    try:
        return {quiz_id: title for quiz_id, (title, _) in quiz_titles().items()}
    except (KetaTrainingError, OSError):
        return {}


def current_landing_html(learner_id: str | None = None,
                         store: ProgressStore | None = None) -> str:
    """The overview as it is now, from the notebook files and the learner's results."""
    from ketatraining.widgets.progress import my_results

    note = ""
    results: list[QuizResult] = []
    try:
        results = my_results(learner_id or current_learner(), store)
    except KetaTrainingError as error:
        note = message_html("notice", f"Your progress cannot be shown: {error}")
    titles = {r.quiz_id: r.title for r in results if r.title != r.quiz_id}
    return landing_html(course_notebooks(), results, note, {**titles, **quiz_names()})


def show_landing(learner_id: str | None = None, store: ProgressStore | None = None) -> None:
    """Display the course overview with the learner's progress on each notebook.

    An HTML *widget*, not a rich output: JupyterLab's and Voila's output renderer sends
    relative links to a new browser tab, while a widget's links open in the same tab.
    It is a live display, so the progress it shows is current when the page opens.
    """
    from IPython.display import display

    from ketatraining.widgets.live import live_html

    display(live_html(lambda: current_landing_html(learner_id, store), "kt-landing-widget"))
