"""Persistence of learners' answers and attempts (no UI imports)."""

from ketatraining.progress.records import AttemptRecord, Submission, current_learner
from ketatraining.progress.store import ProgressStore, default_url, open_store

__all__ = [
    "AttemptRecord",
    "ProgressStore",
    "Submission",
    "current_learner",
    "default_url",
    "open_store",
]
