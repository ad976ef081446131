"""Helpers shared by the trainer commands (results, stats, export, demo-data).

Tables and number formats are ``ketatraining.analysis.tables`` (the dashboard's too).

The leading underscore keeps this module out of command discovery.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ketatraining.errors import KetaTrainingError

__all__ = ["DB_HELP", "check_learner", "check_quiz", "course_quizzes", "open_existing_store",
           "store_url", "write_output"]

if TYPE_CHECKING:
    from ketatraining.progress.store import ProgressStore
    from ketatraining.quiz.model import Quiz

DB_HELP = ("the progress store to read, as a database URL (default: $KETATRAINING_DB, "
           "else this computer's own store), e.g. sqlite:///results.db")


def store_url(url: str | None) -> str:
    from ketatraining.progress.store import default_url

    return url or default_url()


def open_existing_store(url: str | None) -> ProgressStore:
    """Open a store for reading; a SQLite file that does not exist is an error, not created."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from ketatraining.progress.store import ProgressStore

    url = store_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        msg = f"'{url}' is not a database URL; write it like sqlite:///path/to/progress.db."
        raise KetaTrainingError(msg) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:") \
                and not Path(database).is_file():
            msg = (f"The progress store {database} does not exist; check --db or "
                   "KETATRAINING_DB (try 'ketatraining demo-data' to make a demo one).")
            raise KetaTrainingError(msg)
    return ProgressStore(url, writable=False)  # a trainer's read-only role is enough


def course_quizzes() -> dict[str, Quiz]:
    """Every valid quiz of the course by id (for titles, question types and options)."""
    from ketatraining.quiz.course import course_quizzes as load

    return load()


def check_learner(store: ProgressStore, learner: str | None) -> None:
    if learner is None:
        return
    known = store.learners()
    if learner not in known:
        from ketatraining.quiz.validation import did_you_mean

        hint = did_you_mean(learner, known)
        msg = f"No learner '{learner}' in the progress store {store.display_url}.{hint}"
        raise KetaTrainingError(msg)


def check_quiz(store: ProgressStore, quiz: str | None, quizzes: dict[str, Quiz]) -> None:
    """A quiz filter must name a course quiz or a quiz with stored attempts."""
    if quiz is None or quiz in quizzes or store.attempts(quiz_id=quiz):
        return
    from ketatraining.quiz.validation import did_you_mean

    hint = did_you_mean(quiz, sorted(quizzes))
    msg = f"No quiz called '{quiz}' in the course or in the progress store.{hint}"
    raise KetaTrainingError(msg)


def write_output(text: str, out: Path | None) -> None:
    """To a file (folders must exist) or to stdout."""
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
