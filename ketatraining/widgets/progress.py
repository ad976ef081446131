"""show_progress(): the learner's results per topic, as a figure and a table."""

from __future__ import annotations

import html

from ketatraining.app.overview import learner_results
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import current_learner
from ketatraining.progress.store import ProgressStore
from ketatraining.progress.summary import QuizResult
from ketatraining.widgets.messages import message_html

NO_ATTEMPTS = (
    "You have not finished any quiz yet. Your results appear here after your first "
    "completed quiz."
)


def quiz_titles() -> dict[str, tuple[str, str]]:
    """quiz id -> (title, topic) for every valid quiz of the course (quiz.course)."""
    from ketatraining.quiz.course import course_quizzes

    return {quiz.id: (quiz.title, quiz.topic) for quiz in course_quizzes().values()}


def minutes_text(seconds: float) -> str:
    """How the learner's view shows a time (``QuizResult.time_spent_seconds``)."""
    return f"{seconds / 60:.0f} min" if seconds >= 60 else "under 1 min"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _status(row: QuizResult) -> str:
    done = "✓ passed" if row.passed else "✗ not yet" if row.finished else "not finished yet"
    return done + ("; an attempt in progress" if row.in_progress and row.finished else "")


def progress_table(rows: list[QuizResult]) -> str:
    body = "".join(
        "<tr>"
        f"<td>{html.escape(r.title)}</td><td>{html.escape(r.topic)}</td>"
        f"<td>{r.finished}</td><td>{_percent(r.best_percent)}</td>"
        f"<td>{_percent(r.last_percent)}</td>"
        f"<td>{r.pass_mark:g}%</td><td>{_status(r)}</td>"
        f"<td>{minutes_text(r.time_spent_seconds)}</td></tr>"
        for r in rows
    )
    return (
        '<table class="kt-progress-table"><caption>Your results per quiz</caption><thead><tr>'
        '<th scope="col">Quiz</th><th scope="col">Topic</th>'
        '<th scope="col">Finished attempts</th>'
        '<th scope="col">Best</th><th scope="col">Last</th><th scope="col">Pass mark</th>'
        '<th scope="col">Status</th><th scope="col">Time on finished attempts</th></tr>'
        f"</thead><tbody>{body}</tbody></table>"
    )


my_results = learner_results
"""The learner's rows of the one results summary (``ketatraining.app.overview``)."""


def progress_html(learner_id: str | None = None, store: ProgressStore | None = None) -> str:
    """The learner's per-quiz results as HTML: a figure with a text description, and a table.

    Quizzes with only an unfinished attempt are listed as not finished; the figure shows
    finished ones. Time counts finished attempts only (``progress.summary``).
    """
    learner_id = learner_id or current_learner()
    try:
        every = my_results(learner_id, store)
    except KetaTrainingError as error:  # the store's, or the course server's, sentence
        return message_html("notice", f"Your progress cannot be shown: {error}")
    table = progress_table(every)
    rows = [r for r in every if r.best_percent is not None]
    if not rows:
        return message_html("info", NO_ATTEMPTS) + (table if every else "")
    from ketatraining.figures.progress import plot_topic_scores
    from ketatraining.figures.style import new_figure
    from ketatraining.widgets.figure import figure_html

    fig, ax = new_figure(7, 0.6 * len(rows) + 1.5)
    plot_topic_scores(ax, [f"{r.title} ({r.topic})" for r in rows],
                      [r.best_percent or 0.0 for r in rows], [r.pass_mark for r in rows])
    description = "; ".join(
        f"{r.title} ({r.topic}): best {r.best_percent:.0f}% against a pass mark of "
        f"{r.pass_mark:g}%, " + ("passed" if r.passed else "not passed yet") for r in rows) + "."
    figure = figure_html(fig, alt="Bar chart of your best score per quiz and topic",
                         caption="Your best score per quiz; the vertical mark is the pass mark.",
                         description=description)
    return figure + table


def show_progress(learner_id: str | None = None, store: ProgressStore | None = None) -> None:
    """Display the learner's per-topic results (figure with text description, and a table).

    A live display: current when the page opens, and updated when a quiz is finished.
    """
    from IPython.display import display

    from ketatraining.widgets.live import live_html

    display(live_html(lambda: progress_html(learner_id, store), "kt-progress-widget"))
