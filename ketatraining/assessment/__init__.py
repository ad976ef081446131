"""One seam for assessment: see :mod:`ketatraining.assessment.protocol`."""

from ketatraining.assessment.protocol import (
    JSON,
    Assessment,
    AssessmentError,
    AttemptState,
    Checked,
    Outcome,
    QuestionView,
    QuizView,
    SaveState,
    SaveStatus,
)

__all__ = [
    "JSON",
    "Assessment",
    "AssessmentError",
    "AttemptState",
    "Checked",
    "Outcome",
    "QuestionView",
    "QuizView",
    "SaveState",
    "SaveStatus",
]
