"""Show the course's front matter (from course.yaml) in a notebook or the landing page."""

from __future__ import annotations

from ketatraining.certificate.course import CourseError, load_course
from ketatraining.certificate.front_matter import front_matter_html
from ketatraining.quiz.loading import default_quiz_dir, load_catalog
from ketatraining.widgets.messages import message_html


def front_matter_section() -> str:
    """The HTML, or a plain message naming the problem in course.yaml."""
    try:
        course = load_course()
    except CourseError as error:
        return message_html("error", str(error), [])
    objectives = load_catalog(default_quiz_dir()).objectives or {}
    return front_matter_html(course, objectives)


def show_front_matter() -> None:
    from IPython.display import HTML, display

    display(HTML(front_matter_section()))
