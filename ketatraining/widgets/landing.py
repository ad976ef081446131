"""show_landing(): the course overview with the learner's progress, in a notebook.

The app serves its overview page itself, without a kernel (``ketatraining.app.overview``
builds the HTML); this shows the same overview inside a notebook, as a live display
(``ketatraining.widgets.live``) so it stays current in a preheated kernel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ketatraining.app.overview import (
    NO_QUIZ,
    NOT_STARTED,
    QuizStatus,
    current_landing_html,
    landing_html,
    quiz_names,
    quiz_status,
)

if TYPE_CHECKING:
    from ketatraining.progress.store import ProgressStore

__all__ = ["NOT_STARTED", "NO_QUIZ", "QuizStatus", "current_landing_html", "landing_html",
           "quiz_names", "quiz_status", "show_landing"]


def show_landing(learner_id: str | None = None, store: ProgressStore | None = None) -> None:
    """Display the course overview with the learner's progress on each notebook.

    An HTML *widget*, not a rich output: JupyterLab's and Voila's output renderer sends
    relative links to a new browser tab, while a widget's links open in the same tab.
    It is a live display, so the progress it shows is current when the page opens.
    """
    from IPython.display import display

    from ketatraining.widgets.live import live_html

    display(live_html(lambda: current_landing_html(learner_id, store), "kt-landing-widget"))
