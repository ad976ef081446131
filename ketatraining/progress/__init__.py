"""Persistence of learners' answers and attempts (no UI imports)."""

from ketatraining.progress.records import AttemptRecord, Submission, current_learner
from ketatraining.progress.store import ProgressStore, default_url, open_store
from ketatraining.progress.summary import QuizResult, load_results, quiz_results

__all__ = [
    "AttemptRecord",
    "ProgressStore",
    "QuizResult",
    "Submission",
    "current_learner",
    "default_url",
    "load_results",
    "open_store",
    "quiz_results",
]
