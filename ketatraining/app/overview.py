"""The course overview: each notebook with its quizzes and the learner's progress.

Plain HTML built on the server, with no kernel: the app serves this page itself
(``voila_main.CourseRenderHandler``), so it is ready as soon as the app answers and
always shows the progress as it is at that request. The learner's results come through
the assessment seam (the progress store on a laptop, the course server on a hub). Each
quiz is named with its status, said in words and symbols, never by colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ketatraining.app.catalog import NotebookEntry, course_notebooks
from ketatraining.boxes import message_html
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import AttemptRecord, current_learner
from ketatraining.progress.summary import QuizResult, load_results, quiz_results

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


def learner_results(learner_id: str, store: ProgressStore | None = None) -> list[QuizResult]:
    """The learner's rows of the one results summary, from ``store`` or the default one.

    On a hub (the assessment seam in hub mode, no store given) they come from the course
    server through the seam: a learner's server has no progress store and no keyed quizzes.
    """
    from ketatraining.assessment.choose import assessment_mode, open_assessment
    from ketatraining.progress.store import open_store
    from ketatraining.quiz.course import course_quizzes

    if store is None and assessment_mode() == "hub":
        assessment = open_assessment()
        try:
            return list(assessment.my_results())
        finally:
            assessment.close()  # type: ignore[attr-defined]

    quizzes = course_quizzes()
    if store is not None:
        return load_results(store, learner_id, quizzes=quizzes)
    with open_store() as own:
        return load_results(own, learner_id, quizzes=quizzes)


def quiz_names() -> dict[str, str]:
    """quiz id -> title, for every valid quiz of the course (unreadable ones keep their id)."""
    from ketatraining.quiz.course import course_quizzes

    try:
        return {quiz.id: quiz.title for quiz in course_quizzes().values()}
    except (KetaTrainingError, OSError):
        return {}


def current_landing_html(learner_id: str | None = None,
                         store: ProgressStore | None = None) -> str:
    """The overview as it is now, from the notebook files and the learner's results."""
    note = ""
    results: list[QuizResult] = []
    try:
        results = learner_results(learner_id or current_learner(), store)
    except KetaTrainingError as error:
        note = message_html("notice", f"Your progress cannot be shown: {error}")
    titles = {r.quiz_id: r.title for r in results if r.title != r.quiz_id}
    return landing_html(course_notebooks(), results, note, {**titles, **quiz_names()})


def front_matter_section() -> str:
    """The course's front matter (course.yaml), or a message naming the problem in it."""
    from ketatraining.certificate.course import CourseError, load_course
    from ketatraining.certificate.front_matter import front_matter_html
    from ketatraining.quiz.loading import default_quiz_dir, load_catalog

    try:
        course = load_course()
    except CourseError as error:
        return message_html("error", str(error), [])
    objectives = load_catalog(default_quiz_dir()).objectives or {}
    return front_matter_html(course, objectives)
