"""The course's quizzes, loaded one way for every reader.

The quiz widget's progress view, the app's landing page, the trainer commands, the
completion record and the demo cohort all ask this module, so they agree on which quizzes
the course has. Invalid files are left out here (``ketatraining validate`` names their
problems); the course server, which must not run with a broken quiz, uses its own strict
loader (``service.main.load_keyed_quizzes``).
"""

from __future__ import annotations

from pathlib import Path

from ketatraining.quiz.model import Quiz

__all__ = ["course_quizzes"]


def course_quizzes(folder: Path | None = None) -> dict[str, Quiz]:
    """Every valid quiz of the course folder (default: the course's quizzes/), by id in
    id order, which is also file order since a quiz's id is its file name."""
    from ketatraining.quiz.loading import (
        CATALOG_FILES,
        check_file,
        default_quiz_dir,
        iter_quiz_files,
    )

    quizzes = []
    for path in iter_quiz_files([folder or default_quiz_dir()]):
        if path.name in CATALOG_FILES:
            continue
        quiz, _problems = check_file(path)
        if quiz is not None:
            quizzes.append(quiz)
    return {quiz.id: quiz for quiz in sorted(quizzes, key=lambda q: q.id)}
