"""Every sentence a learner reads from the widgets, in one place for clinical review.

Correct and incorrect are always said in words and symbols, never by colour alone.
"""

from __future__ import annotations

# Sentences returned with a graded answer are made behind the assessment seam.
from ketatraining.assessment.wording import (  # noqa: F401  (re-exported for review)
    CHOOSE_FIRST,
    CORRECT,
    EXPLANATION,
    INCORRECT,
    NO_MORE_ATTEMPTS,
    NOT_A_NUMBER,
    NOT_SAVED,
    PARTLY,
    PARTLY_RIGHT_OPTION,
    PRACTICE,
    QUIZ_LOAD_FAILED,
    REFERENCES,
    RIGHT_OPTION,
    SAVE_FAILED,
    TYPE_FIRST,
    WRONG_OPTION,
    YOUR_CHOICE,
    points,
    score_number,
)

CHECK = "Check answer"
CHECKING = "Checking…"
RETRY = "Try the quiz again"
QUESTION_OF = "Question {number} of {total}"
YOUR_ANSWER = "Your answer"
NUMBER_PLACEHOLDER = "Type a number"
CHOOSE_OPTION = "Choose…"
MOVE_UP = "Move up"
MOVE_DOWN = "Move down"
MOVED = "{step} is now step {position} of {total}."
SAVED_ON_CHECK = "Your answers are saved as you check them."
SAVED_SO_FAR = "✓ Saved: every answer you have checked is stored."
PENDING = "Not saved yet: your answers are kept here and saving is being retried."
UNEXPECTED_PAGE = (
    "This page lost its connection to the course, so the answer was not checked. "
    "Reload the page to continue."
)
QUIZ_UPDATED = (
    "This quiz was brought up to date with your saved answers. Please answer the question "
    "again and press Check."
)
UNEXPECTED = (
    "Something went wrong while checking this answer (code {code}). "
    "Please tell your trainer; the rest of the notebook still works."
)


def plural(count: float, noun: str) -> str:
    """'1 question', '4 questions': learners never read 'question(s)'."""
    return f"{count:g} {noun}" + ("" if count == 1 else "s")


def intro(pass_mark: float, questions: int, max_attempts: int | None, used: int) -> str:
    attempts = (
        "You may take it as often as you like."
        if max_attempts is None
        else f"You may take it {plural(max_attempts, 'time')}; you have used {used}."
    )
    return (
        f"{plural(questions, 'question')}. To pass you need {pass_mark:g}% of the points. "
        f"{attempts}"
    )


def earlier_result(best_percent: float, passed: bool, pass_mark: float) -> str:
    """Said above a new attempt, so a reload after finishing does not look like lost work."""
    verdict = "passed" if passed else f"not passed yet; the pass mark is {pass_mark:g}%"
    return (f"You have taken this quiz before: best score {best_percent:.0f}% ({verdict}). "
            "The questions below start a new attempt.")


def running_score(score: float, max_score: float, answered: int, total: int) -> str:
    return (
        f"Score so far: {score_number(score)} of {score_number(max_score)} points "
        f"({answered} of {total} questions answered)."
    )


def final_result(percent: float, score: float, max_score: float, pass_mark: float,
                 passed: bool) -> str:
    verdict = "✓ Passed." if passed else "✗ Not passed yet."
    return (
        f"You scored {percent:.0f}% ({score_number(score)} of {score_number(max_score)} points). "
        f"The pass mark is {pass_mark:g}%. {verdict}"
    )
