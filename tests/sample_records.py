"""A small quiz with one question of each type, and records of two learners.

Shared by the export tests (CSV, xAPI) so they check the same data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.quiz.model import Quiz

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)

QUIZ = Quiz.model_validate({
    "schema_version": 1, "id": "mini", "title": "Mini quiz", "topic": "risks",
    "pass_mark": 60,
    "questions": [
        {"id": "sc", "type": "single_choice", "prompt": "Pick **one**", "explanation": "E",
         "objective": "obj-a", "options": [
             {"id": "a", "text": "Right", "correct": True, "feedback": "f"},
             {"id": "b", "text": "Wrong", "feedback": "f"}]},
        {"id": "mc", "type": "multiple_choice", "prompt": "Pick all", "explanation": "E",
         "objective": "obj-a", "options": [
             {"id": "a", "text": "Yes", "correct": True, "feedback": "f"},
             {"id": "b", "text": "=HYPERLINK()", "feedback": "f"},
             {"id": "c", "text": "Also yes", "correct": True, "feedback": "f"}]},
        {"id": "tf", "type": "true_false", "prompt": "True?", "explanation": "E",
         "objective": "obj-b", "answer": False, "feedback_true": "t", "feedback_false": "f"},
        {"id": "num", "type": "numeric", "prompt": "How many mg?", "explanation": "E",
         "objective": "obj-b", "value": 40.0, "tolerance": 0.5, "units": "mg",
         "feedback_correct": "c", "feedback_incorrect": "i", "points": 2.0},
    ],
})


def submission(learner: str, attempt: int, question: str, response: object, score: float,
               top: float, minute: float) -> Submission:
    return Submission(f"{learner}-{attempt}-{question}", learner, "mini", question, attempt,
                      response, score, top, score == top, 30.25, T0 + timedelta(minutes=minute))


SUBMISSIONS = [
    submission("ann", 1, "sc", "a", 1.0, 1.0, 1),
    submission("ann", 1, "mc", ["a", "b"], 0.0, 1.0, 2),
    submission("ann", 1, "tf", True, 0.0, 1.0, 3),
    submission("ann", 1, "num", 40.5, 2.0, 2.0, 4),
    submission("=bob", 1, "sc", "b", 0.0, 1.0, 1),  # an id a spreadsheet would run
]
ATTEMPTS = [
    AttemptRecord("ann", "mini", 1, T0, T0 + timedelta(minutes=4, seconds=30), 3.0, 5.0, 60.0,
                  True),
    AttemptRecord("=bob", "mini", 1, T0, None, None, 5.0, 60.0, None),
]
