"""The references section of a notebook, formatted from the one bibliography."""

from __future__ import annotations

import html
from collections.abc import Iterable

from ketatraining.quiz.loading import load_references
from ketatraining.widgets.messages import message_html


def references_section(keys: Iterable[str]) -> str:
    """A numbered list of full citations; an unknown key is shown as a problem, not hidden."""
    bibliography = load_references()
    items, missing = [], []
    for key in keys:
        reference = bibliography.get(key)
        if reference is None:
            missing.append(key)
            continue
        items.append(f'<li id="ref-{html.escape(key)}">{html.escape(reference.format(bibliography))}</li>')
    text = f'<ol class="kt-references" style="overflow-wrap:break-word">{"".join(items)}</ol>'
    if missing:
        text += message_html("error", "These reference keys are not in quizzes/references.yaml:",
                             missing)
    return text


def show_references(keys: Iterable[str]) -> None:
    from IPython.display import HTML, display

    display(HTML(references_section(keys)))
