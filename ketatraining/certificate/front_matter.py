"""The course's front matter as HTML, for the landing page and notebook 00.

Read from ``course.yaml`` (``front_matter`` and ``course_objectives``) and from
``quizzes/objectives.yaml`` (the module objectives under each course objective), so an
accreditation reviewer sees one text wherever it appears. The provider's own statements
are shown as supplied, or as "not supplied": nothing here claims accreditation or credit.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from ketatraining.certificate.course import Course
from ketatraining.quiz.catalog import Objective
from ketatraining.text import markdown_to_html

NO_FRONT_MATTER = "This course.yaml has no front matter."
NO_PROVIDER = (
    "No accredited provider has adopted this copy of the course: it awards no credit, and "
    "its completion record is not a CME/CE certificate."
)


def objectives_tree(
    course: Course, objectives: Mapping[str, Objective]
) -> list[tuple[str, str, list[str]]]:
    """(course objective id, its text, the texts of the module objectives under it)."""
    tree = []
    for item in course.course_objectives:
        children = [o.text for o in objectives.values() if o.course_objective == item.id]
        tree.append((item.id, item.text, children))
    return tree


def front_matter_html(course: Course, objectives: Mapping[str, Objective]) -> str:
    """A <section> with every front-matter heading, the objectives and the provider status."""
    e = html.escape
    if course.front_matter is None:
        return f'<section class="kt-front-matter"><p>{e(NO_FRONT_MATTER)}</p></section>'
    parts = ['<section class="kt-front-matter" aria-labelledby="kt-front-matter-heading">',
             '<h2 id="kt-front-matter-heading">About this course</h2>']
    for heading, text in course.front_matter.sections():
        parts.append(f"<h3>{e(heading)}</h3>{markdown_to_html(text)}")
    provider = course.provider.name if course.accredited else None
    parts.append(f"<h3>Accredited provider</h3><p>{e(provider or NO_PROVIDER)}</p>")
    tree = objectives_tree(course, objectives)
    if tree:
        parts.append(f"<h3>Course objectives ({len(tree)})</h3><p>By the end of the course "
                     "you will be able to:</p><ol class=\"kt-course-objectives\">")
        for _, text, children in tree:
            sub = "".join(f"<li>{e(c)}</li>" for c in children)
            parts.append(f"<li>{e(text)}" + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
        parts.append("</ol>")
    parts.append("</section>")
    return "".join(parts)
