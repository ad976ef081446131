"""show_progress(): the learner's results per topic, as a figure and a table."""

from __future__ import annotations

import html

from ketatraining.errors import StoreError
from ketatraining.progress.records import current_learner
from ketatraining.progress.store import ProgressStore, learner_attempts
from ketatraining.progress.summary import QuizSummary, summarise
from ketatraining.widgets.messages import message_html

NO_ATTEMPTS = (
    "You have not finished any quiz yet. Your results appear here after your first "
    "completed quiz."
)


def quiz_titles() -> dict[str, tuple[str, str]]:
    """quiz id -> (title, topic) for every valid quiz of the course (quiz.course)."""
    from ketatraining.quiz.course import course_quizzes

    return {quiz.id: (quiz.title, quiz.topic) for quiz in course_quizzes().values()}


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 60 else "under 1 min"


def progress_table(rows: list[QuizSummary]) -> str:
    body = "".join(
        "<tr>"
        f"<td>{html.escape(r.title)}</td><td>{html.escape(r.topic)}</td>"
        f"<td>{r.attempts}</td><td>{r.best_percent:.0f}%</td><td>{r.last_percent:.0f}%</td>"
        f"<td>{r.pass_mark:g}%</td><td>{'✓ passed' if r.passed else '✗ not yet'}</td>"
        f"<td>{_minutes(r.time_spent_seconds)}</td></tr>"
        for r in rows
    )
    return (
        '<table class="kt-progress-table"><caption>Your results per quiz</caption><thead><tr>'
        '<th scope="col">Quiz</th><th scope="col">Topic</th><th scope="col">Attempts</th>'
        '<th scope="col">Best</th><th scope="col">Last</th><th scope="col">Pass mark</th>'
        f'<th scope="col">Status</th><th scope="col">Time spent</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def progress_html(learner_id: str | None = None, store: ProgressStore | None = None) -> str:
    """The learner's per-quiz results as HTML: a figure with a text description, and a table."""
    learner_id = learner_id or current_learner()
    try:
        attempts = learner_attempts(learner_id, store)
    except StoreError as error:
        return message_html("notice", f"Your progress cannot be shown: {error}")
    rows = summarise(attempts, quiz_titles())
    if not rows:
        return message_html("info", NO_ATTEMPTS)
    from ketatraining.figures.progress import plot_topic_scores
    from ketatraining.figures.style import new_figure
    from ketatraining.widgets.figure import figure_html

    fig, ax = new_figure(7, 0.6 * len(rows) + 1.5)
    plot_topic_scores(ax, [f"{r.title} ({r.topic})" for r in rows],
                      [r.best_percent for r in rows], [r.pass_mark for r in rows])
    description = "; ".join(
        f"{r.title} ({r.topic}): best {r.best_percent:.0f}% against a pass mark of "
        f"{r.pass_mark:g}%, " + ("passed" if r.passed else "not passed yet") for r in rows) + "."
    figure = figure_html(fig, alt="Bar chart of your best score per quiz and topic",
                         caption="Your best score per quiz; the vertical mark is the pass mark.",
                         description=description)
    return figure + progress_table(rows)


def show_progress(learner_id: str | None = None, store: ProgressStore | None = None) -> None:
    """Display the learner's per-topic results (figure with text description, and a table).

    A live display: current when the page opens, and updated when a quiz is finished.
    """
    from IPython.display import display

    from ketatraining.widgets.live import live_html

    display(live_html(lambda: progress_html(learner_id, store), "kt-progress-widget"))
