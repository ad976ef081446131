"""Learning objectives at the top of a notebook, from quizzes/objectives.yaml."""

from __future__ import annotations

import html

from ketatraining.quiz.loading import default_quiz_dir, load_catalog


def objectives_section(notebook: str) -> str:
    objectives = load_catalog(default_quiz_dir()).objectives or {}
    items = [
        f"<li>{html.escape(o.text)}</li>"
        for o in objectives.values()
        if o.notebook == notebook
    ]
    return (f'<p>By the end of this notebook you will be able to:</p>'
            f'<ul class="kt-objectives">{"".join(items)}</ul>')


def show_objectives(notebook: str) -> None:
    from IPython.display import HTML, display

    display(HTML(objectives_section(notebook)))
