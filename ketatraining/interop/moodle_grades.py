"""The answer grades Moodle accepts, and what an export does with any other weight.

Moodle stores an answer's share of the mark as a fraction from a fixed list
(``get_grade_options()`` in ``lib/questionlib.php``) and its importers refuse a file
with any other value (``invalidgradequestion``), or, with "nearest grade", silently
change the score. So an export to GIFT or Moodle XML checks every weight and credit:
by default one Moodle cannot express is refused with a coded problem (KE001) that
names the question, the option and the nearest grades; ``round_weights`` writes the
nearest grade instead and reports each change as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import assert_never

from ketatraining.quiz.model import MultipleChoice, SingleChoice
from ketatraining.quiz.problems import Problem

__all__ = ["MOODLE_GRADES", "GradeChecker", "choice_fractions", "default_weights",
           "is_moodle_grade", "nearest_grades"]

_POSITIVE = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333,
             30.0, 25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0)
MOODLE_GRADES: tuple[float, ...] = tuple(sorted({*_POSITIVE, 0.0, *(-g for g in _POSITIVE)},
                                               reverse=True))
"""Percentages Moodle accepts for an answer, highest first."""
_TOLERANCE = 0.001
"""Moodle's match_grade_options(): |fraction - option| < 0.00001, i.e. 0.001 percent."""


def is_moodle_grade(percent: float) -> bool:
    return any(abs(percent - grade) < _TOLERANCE for grade in MOODLE_GRADES)


def nearest_grades(percent: float) -> tuple[float, ...]:
    """The grades either side of ``percent`` (one if it lies outside the list)."""
    below = [g for g in MOODLE_GRADES if g < percent]
    above = [g for g in MOODLE_GRADES if g > percent]
    return tuple(g for g in (above[-1] if above else None, below[0] if below else None)
                 if g is not None)


def _shown(percent: float) -> str:
    return f"{percent:.5f}".rstrip("0").rstrip(".") + "%"


@dataclass
class GradeChecker:
    """Checks the weights of one export; collects KE001 problems."""

    path: str
    round_weights: bool = False
    target: str = "Moodle"
    problems: list[Problem] = field(default_factory=list)

    def grade(self, percent: float, question: str, where: str, *, default_rule: bool = False,
              limit_0_100: bool = False) -> float:
        """The percentage to write for ``percent`` (itself if Moodle accepts it)."""
        if is_moodle_grade(percent):
            return percent
        options = nearest_grades(percent)
        if limit_0_100:
            options = tuple(g for g in options if 0 <= g <= 100) or (0.0,)
        nearest = min(options, key=lambda g: abs(g - percent))
        source = "The course's default rule gives" if default_rule else "The weight is"
        listed = " or ".join(_shown(g) for g in options)
        if self.round_weights:
            self.problems.append(Problem(
                "KE001", f"{where}: {source} {_shown(percent)}, which {self.target} cannot "
                f"express; rounded to {_shown(nearest)} (scores change slightly).", self.path,
                question=question, hint=f"Set the weight to {listed} in the quiz file to "
                "keep the same score everywhere.", severity="warning"))
            return nearest
        self.problems.append(Problem(
            "KE001", f"{where}: {source} {_shown(percent)}, which {self.target} refuses (its "
            f"grades are a fixed list); the nearest are {listed}.", self.path,
            question=question, hint=f"Change the weight to {listed}, or export with "
            "--round-weights to write the nearest grade and list each change."))
        return percent

    @property
    def refused(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def default_weights(question: MultipleChoice) -> list[float]:
    """The course's default rule as percentages: +100/right, -100/wrong."""
    right = sum(o.correct for o in question.options)
    wrong = len(question.options) - right
    return [100 / right if o.correct else -100 / wrong for o in question.options]


def choice_fractions(question: SingleChoice | MultipleChoice,
                     grades: GradeChecker) -> list[float]:
    """The percent of the mark each option is worth in Moodle (GIFT ``%n%``, Moodle XML
    ``fraction``), each one checked against Moodle's list (KE001).

    single_choice: the correct option 100, a weighted one its partial credit, others 0.
    multiple_choice: the weights, or the default rule rounded to Moodle's 5 decimals.
    """
    match question:
        case SingleChoice():
            return [100.0 if o.correct else grades.grade(o.weight or 0.0, question.id,
                                                         f"option '{o.id}'")
                    for o in question.options]
        case MultipleChoice():
            rule = all(o.weight is None for o in question.options)
            weights = (default_weights(question) if rule
                       else [o.weight or 0.0 for o in question.options])
            fractions = [grades.grade(w, question.id, f"option '{o.id}'", default_rule=rule)
                         for o, w in zip(question.options, weights, strict=True)]
            return [round(f, 5) for f in fractions] if rule else fractions
        case _:
            assert_never(question)
