"""Write a quiz as Moodle XML, the format Moodle's question bank imports losslessly.

Every question keeps what Moodle has a field for: its mark (``defaultgrade``), the
idnumber and tags, the text (rendered to sanitized HTML, so Moodle shows what the
course shows), per-answer feedback, the explanation as general feedback, answer
fractions (weights, checked against Moodle's grade list), numerical tolerance,
graded alternatives, the '*' answer's feedback and the unit. What Moodle has no field
for (objective, references, difficulty, option ids, the Markdown sources, the quiz's
settings) travels in ``<!-- ketatraining: {...} -->`` comments, which Moodle ignores and
``import moodle-xml`` reads back, so importing an export gives back the same quiz.

The elements follow what Moodle's importer (``question/format/xml/format.php``) reads;
a weight Moodle cannot express is refused (KE001) unless ``round_weights``.
"""

from __future__ import annotations

from typing import Any, assert_never
from xml.etree import ElementTree as ET

from ketatraining.interop.common import ExportRefused, meta_comment_text, pool_losses, words
from ketatraining.interop.moodle_grades import GradeChecker, choice_fractions
from ketatraining.interop.moodle_rules import answer_rank, moodle_differences
from ketatraining.interop.moodle_xml import META_COMMENT, QUIZ_META_COMMENT
from ketatraining.quiz.model import (
    AnyQuestion,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Quiz,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from ketatraining.quiz.problems import Problem

__all__ = ["export_moodle_xml", "moodle_xml_export"]


def _num(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _html(markdown: str, *, inline: bool = False) -> str:
    from ketatraining.text import markdown_to_html

    return markdown_to_html(markdown, inline=inline)


def _sub(parent: ET.Element, tag: str, text: str | None = None,
         **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _text_field(parent: ET.Element, tag: str, html: str, fmt: str = "html") -> ET.Element:
    field = _sub(parent, tag, format=fmt)
    _sub(field, "text", html)
    return field


def _answer(parent: ET.Element, fraction: float, text: str, feedback: str, *,
            fmt: str = "html", tolerance: float | None = None) -> None:
    answer = _sub(parent, "answer", fraction=_num(fraction), format=fmt)
    _sub(answer, "text", text)
    if tolerance is not None:
        _sub(answer, "tolerance", _num(tolerance))
    _text_field(answer, "feedback", feedback)


def _meta(question: AnyQuestion) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": question.id, "prompt": question.prompt,
                            "explanation": question.explanation,
                            "objective": question.objective,
                            "references": list(question.references)}
    if question.difficulty:
        meta["difficulty"] = question.difficulty
    match question:
        case SingleChoice() | MultipleChoice():
            meta["option_ids"] = [o.id for o in question.options]
            meta["options"] = [{"text": o.text, "feedback": o.feedback}
                               for o in question.options]
            if isinstance(question, MultipleChoice):
                if all(o.weight is None for o in question.options):
                    meta["default_weights"] = True
                else:
                    meta["correct"] = [o.correct for o in question.options]
                    meta["weights"] = [o.weight for o in question.options]
        case TrueFalse():
            meta["feedback_true"] = question.feedback_true
            meta["feedback_false"] = question.feedback_false
        case Numeric():
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
            meta["alternatives"] = [a.model_dump() for a in question.alternatives]
            meta["tolerance"] = question.tolerance
            meta["relative_tolerance"] = question.relative_tolerance
            if question.units is not None:
                meta["units"] = question.units
        case Matching():
            meta["items"] = [i.model_dump() for i in question.items]
            meta["answers"] = [a.model_dump() for a in question.answers]
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
        case ShortAnswer():
            meta["answers"] = [a.model_dump() for a in question.answers]
            meta["feedback_incorrect"] = question.feedback_incorrect
        case Ordering():
            meta["steps"] = [s.model_dump() for s in question.steps]
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
        case _:
            assert_never(question)
    return meta


class _Writer:
    def __init__(self, quiz: Quiz, grades: GradeChecker) -> None:
        self.quiz, self.grades = quiz, grades
        self.problems: list[Problem] = []

    def question(self, root: ET.Element, question: AnyQuestion) -> None:
        kind = MOODLE_TYPES[question.type]
        self.problems += moodle_differences(question, self.grades.path)
        element = _sub(root, "question", type=kind)
        element.append(ET.Comment(meta_comment_text(_meta(question), META_COMMENT)))
        name = _sub(element, "name")
        _sub(name, "text", question.id)
        _text_field(element, "questiontext", _html(question.prompt))
        _text_field(element, "generalfeedback", _html(question.explanation))
        _sub(element, "defaultgrade", _num(question.points))
        _sub(element, "penalty", "0")  # one response per attempt, as the course marks it
        _sub(element, "hidden", "0")
        _sub(element, "idnumber", question.id)
        match question:
            case SingleChoice() | MultipleChoice():
                self.choice(element, question)
            case TrueFalse():
                self.true_false(element, question)
            case Numeric():
                self.numeric(element, question)
            case Matching():
                self.matching(element, question)
            case ShortAnswer():
                self.short_answer(element, question)
            case Ordering():
                self.ordering(element, question)
            case _:
                assert_never(question)
        if question.tags:
            tags = _sub(element, "tags")
            for tag in question.tags:
                _sub(_sub(tags, "tag"), "text", tag)

    def choice(self, element: ET.Element, question: SingleChoice | MultipleChoice) -> None:
        single = isinstance(question, SingleChoice)
        _sub(element, "single", "true" if single else "false")
        _sub(element, "shuffleanswers", "true" if self.quiz.shuffle else "false")
        _sub(element, "answernumbering", "abc")
        _sub(element, "showstandardinstruction", "0")
        for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            _text_field(element, name, "")
        if not single:
            _sub(element, "shownumcorrect")
        fractions = choice_fractions(question, self.grades)
        for option, fraction in zip(question.options, fractions, strict=True):
            _answer(element, fraction, _html(option.text, inline=True), _html(option.feedback))

    def true_false(self, element: ET.Element, question: TrueFalse) -> None:
        _answer(element, 100 if question.answer else 0, "true", _html(question.feedback_true),
                fmt="moodle_auto_format")
        _answer(element, 0 if question.answer else 100, "false",
                _html(question.feedback_false), fmt="moodle_auto_format")

    def numeric(self, element: ET.Element, question: Numeric) -> None:
        tolerance = question.tolerance or 0.0
        if question.relative_tolerance is not None:
            tolerance = max(tolerance, question.relative_tolerance * abs(question.value))
            self.problems.append(Problem(
                "KE002", f"Moodle's numerical tolerance is absolute: the relative tolerance "
                f"{question.relative_tolerance:g} is written as +/- {_num(tolerance)} around "
                f"{_num(question.value)} (the same numbers for this value).", self.grades.path,
                question=question.id, hint="Nothing to do; give an absolute tolerance to "
                "avoid this note.", severity="warning"))
        _answer(element, 100, _num(question.value), _html(question.feedback_correct),
                fmt="moodle_auto_format", tolerance=tolerance)
        for index, alternative in enumerate(question.alternatives, start=1):
            credit = self.grades.grade(alternative.credit, question.id,
                                       f"alternative {index}", limit_0_100=True)
            _answer(element, credit, _num(alternative.value),
                    _html(alternative.feedback or ""), fmt="moodle_auto_format",
                    tolerance=alternative.tolerance)
        _answer(element, 0, "*", _html(question.feedback_incorrect), fmt="moodle_auto_format",
                tolerance=0)
        if question.units:
            units = _sub(element, "units")
            unit = _sub(units, "unit")
            _sub(unit, "multiplier", "1")
            _sub(unit, "unit_name", question.units)
            _sub(element, "unitgradingtype", "0")  # the unit is optional, never graded
            _sub(element, "unitpenalty", "0.1000000")
            _sub(element, "showunits", "0")
            _sub(element, "unitsleft", "0")


    def combined(self, element: ET.Element, correct: str, incorrect: str) -> None:
        """Moodle's combined feedback: right; partly right and wrong both get 'incorrect'."""
        _text_field(element, "correctfeedback", _html(correct))
        _text_field(element, "partiallycorrectfeedback", _html(incorrect))
        _text_field(element, "incorrectfeedback", _html(incorrect))
        _sub(element, "shownumcorrect")

    def matching(self, element: ET.Element, question: Matching) -> None:
        _sub(element, "shuffleanswers", "true")
        self.combined(element, question.feedback_correct, question.feedback_incorrect)
        answers = {a.id: a.text for a in question.answers}
        for answer in question.answers:
            self.plain_answer(question.id, answer.text)
        for item in question.items:
            sub = _text_field(element, "subquestion", _html(item.text, inline=True))
            _sub(_sub(sub, "answer"), "text", words(answers[item.answer]))
        used = {i.answer for i in question.items}
        for answer in question.answers:
            if answer.id not in used:  # a distractor: a subquestion without text
                sub = _text_field(element, "subquestion", "")
                _sub(_sub(sub, "answer"), "text", words(answer.text))

    def plain_answer(self, question: str, markdown: str) -> None:
        if words(markdown) != markdown.strip():
            self.problems.append(Problem(
                "KE002", f"Moodle's matching answers are plain text: '{markdown.strip()}' is "
                f"written as '{words(markdown)}'.", self.grades.path, question=question,
                hint="Nothing to do; the formatting stays in the metadata comment.",
                severity="warning"))

    def short_answer(self, element: ET.Element, question: ShortAnswer) -> None:
        _sub(element, "usecase", "1" if question.case_sensitive else "0")
        # Moodle marks the FIRST matching answer, the course the highest credit: written
        # from the highest credit down (stable), both give the same mark
        for index in answer_rank(question):
            answer = question.answers[index]
            credit = self.grades.grade(answer.credit, question.id,
                                       f"accepted answer {index + 1}", limit_0_100=True)
            _answer(element, credit, answer.text, _html(answer.feedback or ""),
                    fmt="moodle_auto_format")
        _answer(element, 0, "*", _html(question.feedback_incorrect), fmt="moodle_auto_format")

    def ordering(self, element: ET.Element, question: Ordering) -> None:
        self.problems.append(Problem(
            "KE002", "Ordering is a core Moodle question type from Moodle 4.4; an older "
            "Moodle imports it only with the qtype_ordering plugin, else skips it.",
            self.grades.path, question=question.id, hint="On Moodle before 4.4, ask the "
            "administrator for the Ordering plugin, or export as QTI.", severity="warning"))
        _sub(element, "layouttype", "VERTICAL")
        _sub(element, "selecttype", "ALL")
        _sub(element, "selectcount", "0")
        grading = ("ALL_OR_NOTHING" if question.scoring == "all_or_nothing"
                   else "RELATIVE_NEXT_EXCLUDE_LAST")  # one share per right next step
        _sub(element, "gradingtype", grading)
        _sub(element, "showgrading", "SHOW")
        _sub(element, "numberingstyle", "none")
        self.combined(element, question.feedback_correct, question.feedback_incorrect)
        for position, step in enumerate(question.steps, start=1):
            # qtype_ordering keeps the right position in the answer's fraction
            answer = _sub(element, "answer", fraction=str(position), format="html")
            _sub(answer, "text", _html(step.text, inline=True))
            _text_field(answer, "feedback", "")


MOODLE_TYPES = {"single_choice": "multichoice", "multiple_choice": "multichoice",
                "true_false": "truefalse", "numeric": "numerical", "matching": "matching",
                "short_answer": "shortanswer", "ordering": "ordering"}
"""Our type -> Moodle's qtype (ordering is core Moodle since 4.4)."""


def _category(root: ET.Element, quiz: Quiz) -> None:
    meta: dict[str, Any] = {"title": quiz.title, "topic": quiz.topic,
                            "pass_mark": quiz.pass_mark, "shuffle": quiz.shuffle}
    if quiz.description is not None:
        meta["description"] = quiz.description
    if quiz.max_attempts is not None:
        meta["max_attempts"] = quiz.max_attempts
    element = _sub(root, "question", type="category")
    element.append(ET.Comment(meta_comment_text(meta, QUIZ_META_COMMENT)))
    category = _sub(element, "category")
    _sub(category, "text", "$course$/top/" + " ".join(quiz.title.split()).replace("/", "//"))
    _text_field(element, "info", _html(quiz.description or ""))
    _sub(element, "idnumber", quiz.id)


def _indent(element: ET.Element) -> None:
    ET.indent(element, space="  ")


def moodle_xml_export(quiz: Quiz, *, round_weights: bool = False,
                      path: str = "<moodle-xml>") -> tuple[str, list[Problem]]:
    """The Moodle XML text and every problem (KE001 refused weights, KE002 notes)."""
    grades = GradeChecker(path, round_weights)
    writer = _Writer(quiz, grades)
    root = ET.Element("quiz")
    root.append(ET.Comment(f" {quiz.title} (quiz '{quiz.id}'), exported from ketatraining "
                           "as Moodle XML. ".replace("--", "- -")))
    _category(root, quiz)
    for question in quiz.questions:
        writer.question(root, question)
    _indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"
    return body, pool_losses(quiz, path, "Moodle XML") + grades.problems + writer.problems


def export_moodle_xml(quiz: Quiz, *, round_weights: bool = False) -> str:
    """The quiz as Moodle XML; :class:`ExportRefused` if a weight cannot be expressed."""
    text, problems = moodle_xml_export(quiz, round_weights=round_weights)
    if any(p.severity == "error" for p in problems):
        raise ExportRefused(problems)
    return text
