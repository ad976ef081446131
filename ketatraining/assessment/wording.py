"""The sentences an assessment returns to the learner: verdicts, feedback headings, refusals.

They live here, not in ``widgets/wording.py``, because grading happens behind the seam
(in the kernel or in the hub service) and the seam never imports widgets;
``widgets/wording.py`` re-exports them so clinical review still finds every sentence.
Correct and incorrect are always said in words and symbols, never by colour alone.
"""

from __future__ import annotations

CORRECT = "✓ Correct."
PARTLY = "◐ Partly correct."
INCORRECT = "✗ Not correct."
YOUR_CHOICE = "your choice"
RIGHT_OPTION = "✓ right answer"
WRONG_OPTION = "✗ not right"
PARTLY_RIGHT_OPTION = "◐ partly right ({percent}% of the points)"
EXPLANATION = "Why"
REFERENCES = "Sources"
CHOOSE_FIRST = "Please choose an answer first."
TYPE_FIRST = "Please type an answer first."
NOT_A_NUMBER = "Please type a number, for example 40 or 40.5 (use a dot for decimals)."
NOT_AN_OPTION = "That answer is not one of this question's options; please choose again."
MATCH_EVERY_ITEM = "Please choose an answer for every item first."
TEXT_TOO_LONG = "Please type a short answer (at most 500 characters)."
ALREADY_CHECKED = "This question was already checked in this attempt."
NOT_OPEN = "This attempt is no longer open. Please reload the page to start again."
NOT_FINISHED = "Please answer every question before finishing: {missing} still open."
NO_MORE_ATTEMPTS = "You have used all {limit} attempts at this quiz."
NOT_SAVED = (
    "Your answers are not being saved: {reason} You can still practise; "
    "nothing you do here is recorded."
)
PRACTICE = "Practice mode: your answers are checked but not recorded."
SAVE_FAILED = "Your answer was checked but could not be saved: {reason}"
SAVED = "Your answer is saved."
ALL_SAVED = "All your answers are saved."
PENDING = (
    "Not saved yet: {count} kept safely on this computer and saved automatically as soon "
    "as the progress store responds again ({reason}). You can carry on."
)
KEPT = (
    " It is kept on this computer and will be saved when the progress store can be used "
    "again."
)
WAITING = (
    "Not saved yet: the progress store cannot be used at the moment ({reason}). Your "
    "answers are kept safely on this computer and saved automatically as soon as it can. "
    "You can carry on."
)
NOT_SAVED_YET = "Not saved yet: nothing has been answered in this attempt."
QUIZ_LOAD_FAILED = (
    "This quiz could not be loaded. The rest of the notebook still works. "
    "Please tell your trainer:"
)


def score_number(value: float) -> str:
    """A score as a learner reads it: at most two decimals ("2.08", not "2.08333")."""
    return f"{round(value, 2):g}"


def points(value: float) -> str:
    return f"{score_number(value)} point" + ("" if value == 1 else "s")
