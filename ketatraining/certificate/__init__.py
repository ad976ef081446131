"""Completion records: who completed the course, with what results, under which statements.

Pure data and rendering, no widgets: ``course`` reads ``course.yaml`` (the statements a
trainer or accredited provider supplies), ``eligibility`` decides from the progress store
and the quizzes whether a learner has completed the course (or says what is missing),
``render_html`` and ``render_pdf`` turn a record into files. The CLI command
``ketatraining certificate`` and ``show_completion()`` in notebook 07 both use these.
"""

from __future__ import annotations

from ketatraining.certificate.course import Course, CourseError, load_course
from ketatraining.certificate.eligibility import CompletionRecord, NotEligible, completion_record
from ketatraining.progress.summary import QuizResult

__all__ = [
    "CompletionRecord",
    "Course",
    "CourseError",
    "NotEligible",
    "QuizResult",
    "completion_record",
    "load_course",
]
