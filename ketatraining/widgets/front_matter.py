"""Show the course's front matter (from course.yaml) in a notebook (00 and the overview)."""

from __future__ import annotations

from ketatraining.app.overview import front_matter_section

__all__ = ["front_matter_section", "show_front_matter"]


def show_front_matter() -> None:
    from IPython.display import HTML, display

    display(HTML(front_matter_section()))
