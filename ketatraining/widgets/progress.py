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


HEADERS = ("Quiz", "Topic", "Finished attempts", "Best", "Last", "Pass mark", "Status",
           "Time on finished attempts")

# Eight columns do not fit a phone: below 600 px each row becomes a block of "Column:
# value" lines (as the screening rules table in notebook 06). The rule travels with the
# table, so it holds in the app and in JupyterLab; the panel never grows past its column.
_NARROW_CSS = (
    ".kt-progress-widget, .kt-progress-widget .widget-html-content { max-width: 100%; }"
    "@media (max-width: 600px) {"
    "table.kt-progress-table, table.kt-progress-table caption, table.kt-progress-table tbody,"
    " table.kt-progress-table tr, table.kt-progress-table td"
    " { display: block; width: auto; max-width: 100%; text-align: left; }"
    " .kt-progress-table thead { display: none; }"
    " .kt-progress-table tr { margin: 0 0 0.75em 0; border-top: 1px solid #767676; }"
    " table.kt-progress-table td { border: none; padding: 0.15em 0; overflow-wrap: break-word; }"
    ' .kt-progress-table td::before { content: attr(data-label) ": "; font-weight: 600; }'
    " .jp-RenderedHTMLCommon table.kt-progress-table td,"  # JupyterLab right-aligns them
    " .jp-RenderedHTMLCommon table.kt-progress-table tr { text-align: left; }"
    "}"
)


def progress_table(rows: list[QuizResult]) -> str:
    body = "".join(
        "<tr>" + "".join(
            f'<td data-label="{header}">{cell}</td>' for header, cell in zip(HEADERS, (
                html.escape(r.title), html.escape(r.topic), str(r.finished),
                _percent(r.best_percent), _percent(r.last_percent), f"{r.pass_mark:g}%",
                _status(r), minutes_text(r.time_spent_seconds) if r.finished else "—"),
                strict=True))
        + "</tr>"
        for r in rows
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in HEADERS)
    return (
        f"<style>{_NARROW_CSS}</style>"
        '<table class="kt-progress-table"><caption>Your results per quiz</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
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
