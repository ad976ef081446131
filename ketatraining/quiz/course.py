"""The course's quizzes, loaded one way for every reader.

The quiz widget's progress view, the app's landing page, the trainer commands, the
completion record, the demo cohort and the course server all ask this module, so they
agree on which quizzes the course has. Invalid files are left out of
:func:`course_quizzes` (``ketatraining validate`` names their problems); the course
server, which must not run with a broken quiz, refuses to start on the problems
:func:`check_course` returns.
"""

from __future__ import annotations

from pathlib import Path

from ketatraining.quiz.model import Quiz
from ketatraining.quiz.problems import Problem

__all__ = ["check_course", "course_quizzes"]


def check_course(folder: Path | None = None) -> tuple[dict[str, Quiz], list[Problem]]:
    """The quizzes of the course folder (default: the course's quizzes/) that load, by id
    in id order (also file order: a quiz's id is its file name), and the problems of the
    files that do not."""
    from ketatraining.quiz.loading import (
        CATALOG_FILES,
        check_file,
        default_quiz_dir,
        iter_quiz_files,
    )

    quizzes: list[Quiz] = []
    problems: list[Problem] = []
    for path in iter_quiz_files([folder or default_quiz_dir()]):
        if path.name in CATALOG_FILES:
            continue
        quiz, found = check_file(path)
        if quiz is None:
            problems += found
        else:
            quizzes.append(quiz)
    return {quiz.id: quiz for quiz in sorted(quizzes, key=lambda q: q.id)}, problems


def course_quizzes(folder: Path | None = None) -> dict[str, Quiz]:
    """Every valid quiz of the course folder, by id in id order (see :func:`check_course`)."""
    return check_course(folder)[0]
