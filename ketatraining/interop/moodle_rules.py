"""Where Moodle treats a question differently from the course: reported on export.

Both Moodle exports (GIFT and Moodle XML) check these, from Moodle's own code:

- matching: Moodle imports a question with any number of pairs, but its edit form
  (``question/type/match/edit_match_form.php``, ``validation``) refuses to save one
  with fewer than 2 sub-questions and 3 answers (rows: each item, plus each extra wrong
  answer), so a teacher who opens it in Moodle cannot save a change without adding an
  answer (KE004);
- short answer: Moodle trims the typed text but compares the spaces inside it exactly
  (``qtype_shortanswer_question::compare_string_with_wildcard``), while the course
  counts every run of spaces as one, so 'N  methyl' (two spaces) is right here and
  wrong in Moodle (KE005);
- short answer: Moodle marks the first accepted answer that matches
  (``question_first_matching_answer_grading_strategy``), the course the highest credit,
  so both exports write the answers from the highest credit down (:func:`answer_rank`).
"""

from __future__ import annotations

from ketatraining.quiz.model import AnyQuestion, Matching, ShortAnswer
from ketatraining.quiz.problems import Problem

__all__ = ["MIN_ANSWERS", "MIN_SUBQUESTIONS", "answer_rank", "first_match_differs",
           "moodle_differences"]

MIN_SUBQUESTIONS, MIN_ANSWERS = 2, 3
"""edit_match_form.php: ``$numberqanda->q = 2; $numberqanda->a = 3``."""


def moodle_differences(question: AnyQuestion, path: str) -> list[Problem]:
    """Warnings for what Moodle will do differently with ``question``."""
    match question:
        case Matching():
            return _matching(question, path)
        case ShortAnswer():
            return _short_answer(question, path)
        case _:
            return []


def _matching(question: Matching, path: str) -> list[Problem]:
    used = {i.answer for i in question.items}
    rows = len(question.items) + sum(a.id not in used for a in question.answers)
    if len(question.items) >= MIN_SUBQUESTIONS and rows >= MIN_ANSWERS:
        return []
    return [Problem(
        "KE004", f"Moodle imports this matching question with {len(question.items)} items "
        f"and {rows} answer row(s), but its edit form needs at least {MIN_SUBQUESTIONS} "
        f"sub-questions and {MIN_ANSWERS} answers: a teacher who edits it in Moodle cannot "
        "save it.", path, question=question.id,
        hint="Add an item, or an extra wrong answer (an answer no item names), to the quiz "
        "file.", severity="warning")]


def _short_answer(question: ShortAnswer, path: str) -> list[Problem]:
    spaced = [a.text.strip() for a in question.answers if len(a.text.split()) > 1]
    if not spaced:
        return []
    return [Problem(
        "KE005", f"Moodle compares the spaces inside an answer exactly: a learner who types "
        f"'{spaced[0]}' with two spaces between words is right in the course but wrong in "
        "Moodle.", path, question=question.id,
        hint="Nothing to change for the course; in Moodle, write '*' between the words "
        "(e.g. 'N*methyl') if any spacing should be accepted.", severity="warning")]


def answer_rank(question: ShortAnswer) -> list[int]:
    """Answer positions from the highest credit down (stable): Moodle marks the first
    accepted answer that matches, the course the highest credit; in this order they agree."""
    return sorted(range(len(question.answers)), key=lambda i: -question.answers[i].credit)


def first_match_differs(answers: list[dict[str, object]], case_sensitive: bool) -> str | None:
    """For an imported short answer: a sentence when Moodle's first-match rule gives an
    accepted answer less credit than the course's highest-credit rule (an earlier answer
    with less credit also matches it), else None."""
    from ketatraining.quiz.types.short_answer import literal, normalise, wildcard_match

    for later_index, later in enumerate(answers):
        typed = normalise(literal(str(later["text"])), case_sensitive)
        for earlier in answers[:later_index]:
            credit, best = float(str(earlier["credit"])), float(str(later["credit"]))
            if credit < best and wildcard_match(normalise(str(earlier["text"]),
                                                          case_sensitive), typed):
                return (f"Moodle marks the first answer that matches: '{later['text']}' earns "
                        f"{credit:g}% there (the earlier '{earlier['text']}' matches it) and "
                        f"{best:g}% in the course, where the highest credit counts.")
    return None
