"""Every sentence a learner reads from the widgets, in one place for clinical review.

Correct and incorrect are always said in words and symbols, never by colour alone.
"""

from __future__ import annotations

CHECK = "Check answer"
RETRY = "Try the quiz again"
CORRECT = "✓ Correct."
PARTLY = "◐ Partly correct."
INCORRECT = "✗ Not correct."
YOUR_CHOICE = "your choice"
RIGHT_OPTION = "✓ right answer"
WRONG_OPTION = "✗ not right"
EXPLANATION = "Why"
REFERENCES = "Sources"
NUMBER_PLACEHOLDER = "Type a number"
NOT_A_NUMBER = "Please type a number, for example 40 or 40.5 (use a dot for decimals)."
CHOOSE_FIRST = "Please choose an answer first."
NOT_SAVED = (
    "Your answers are not being saved: {reason} You can still practise; "
    "nothing you do here is recorded."
)
SAVE_FAILED = "Your answer was checked but could not be saved: {reason}"
NO_MORE_ATTEMPTS = "You have used all {limit} attempts at this quiz."
QUIZ_LOAD_FAILED = (
    "This quiz could not be loaded. The rest of the notebook still works. "
    "Please tell your trainer:"
)
UNEXPECTED = (
    "Something went wrong while checking this answer (code {code}). "
    "Please tell your trainer; the rest of the notebook still works."
)


def points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def intro(pass_mark: float, questions: int, max_attempts: int | None, used: int) -> str:
    attempts = (
        "You may take it as often as you like."
        if max_attempts is None
        else f"You may take it {max_attempts} time(s); you have used {used}."
    )
    return (
        f"{questions} question(s). To pass you need {pass_mark:g}% of the points. {attempts}"
    )


def running_score(score: float, max_score: float, answered: int, total: int) -> str:
    return (
        f"Score so far: {score:g} of {max_score:g} points "
        f"({answered} of {total} questions answered)."
    )


def final_result(percent: float, score: float, max_score: float, pass_mark: float,
                 passed: bool) -> str:
    verdict = "✓ Passed." if passed else "✗ Not passed yet."
    return (
        f"You scored {percent:.0f}% ({score:g} of {max_score:g} points). "
        f"The pass mark is {pass_mark:g}%. {verdict}"
    )
