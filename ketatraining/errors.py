"""Exceptions raised by ketatraining.

Library code raises these; only the widgets and the CLI catch them and turn them
into one readable message for a trainer or clinician (never a traceback)::

    KetaTrainingError
    ├── QuizError
    │   ├── QuizNotFoundError    no quiz file with that id or path
    │   └── QuizInvalidError     .problems: list[Problem] (codes KQnnn), all of them
    └── StoreError               the progress store cannot be used
        ├── StoreUnavailableError  missing folder, read-only, cannot connect, corrupt
        ├── StoreVersionError      the store was written by a newer ketatraining
        └── StoreBusyError         still locked after the bounded retries
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketatraining.quiz.problems import Problem

__all__ = [
    "KetaTrainingError",
    "QuizError",
    "QuizInvalidError",
    "QuizNotFoundError",
    "StoreBusyError",
    "StoreError",
    "StoreUnavailableError",
    "StoreVersionError",
]


class KetaTrainingError(Exception):
    """Base class: every message is one plain sentence meant for a person."""


class QuizError(KetaTrainingError):
    """A quiz could not be found or loaded."""


class QuizNotFoundError(QuizError):
    """No quiz file matches the name asked for."""


class QuizInvalidError(QuizError):
    """A quiz file has problems; ``problems`` lists every one found."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        first = errors[0].format() if errors else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")


class StoreError(KetaTrainingError):
    """The progress store cannot be used.

    ``temporary`` says whether the fault may clear by itself (locked, busy, a server
    restarting, a full disk): then answers wait in the outbox and are retried.
    """

    temporary: bool = False


class StoreUnavailableError(StoreError):
    """The store is missing, read-only, corrupt or unreachable."""


class StoreVersionError(StoreError):
    """The store was created by a newer ketatraining; we refuse to touch it."""


class StoreBusyError(StoreError):
    """The store stayed locked by other writers after every retry."""

    temporary = True
