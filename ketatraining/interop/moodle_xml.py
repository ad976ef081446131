"""Read a Moodle XML question bank (``<quiz><question type=...>``) as a course quiz.

The reading follows Moodle's own importer (``question/format/xml/format.php``):
``multichoice`` (``single`` true or false; ``fraction`` percent per answer),
``truefalse`` (answers 'true'/'false', fraction 100 on the right one), ``numerical``
(answers with ``tolerance``, ``*`` for any other answer, ``units`` with multipliers),
``matching`` (``subquestion`` with an ``answer``; one without text is a distractor),
``shortanswer`` (answers with fractions, ``usecase``), ``ddwtos``/``gapselect`` with
one gap (a choice question with a visible blank), ``category`` (a tag on the questions
that follow). ``description``, ``essay``, ``cloze`` and ``calculated`` are reported and
skipped. Text formats: ``html`` and ``moodle_auto_format`` stay as they are (HTML is
valid Markdown), ``markdown`` too, ``plain_text`` is escaped.

Everything Moodle has and the course cannot keep (embedded files, hints, combined
feedback of choice questions, unit penalties, extra units) is reported as KI021 with
its line, so ``--strict`` can refuse the file. Our own export
(:mod:`ketatraining.interop.moodle_xml_export`) carries the fields Moodle lacks in a
``<!-- ketatraining: {...} -->`` comment, read back here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from xml.etree import ElementTree as ET

from ketatraining.interop.common import (
    Collector,
    Refusal,
    category_tag,
    markdown_from,
    prose,
    question_tail,
    refuse,
    restore,
    words,
)
from ketatraining.interop.moodle_rules import first_match_differs
from ketatraining.interop.safe_xml import XmlDocument, XmlError, children, local, parse_xml
from ketatraining.interop.yaml_writer import (
    TODO_FEEDBACK,
    TODO_FEEDBACK_CORRECT,
    TODO_FEEDBACK_INCORRECT,
    ImportResult,
    is_id,
    option_ids,
    quiz_data,
    slug,
    unique_id,
)
from ketatraining.quiz.problems import Problem

__all__ = ["META_COMMENT", "QUIZ_META_COMMENT", "import_moodle_xml"]

META_COMMENT = "ketatraining:"
QUIZ_META_COMMENT = "ketatraining-quiz:"

SKIPPED_TYPES = {
    "description": "a description (text only, no answer)",
    "essay": "an essay question (graded by hand)",
    "cloze": "an embedded-answers (Cloze) question",
    "multianswer": "an embedded-answers (Cloze) question",
    "calculated": "a calculated question (formulas with datasets)",
    "calculatedsimple": "a simple calculated question",
    "calculatedmulti": "a calculated multichoice question",
    "randomsamatch": "a random short-answer matching question",
    "ddimageortext": "a drag-and-drop onto image question",
    "ddmarker": "a drag-and-drop markers question",
}
_GAP = re.compile(r"\[\[(\d+)\]\]")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_DEFAULT_PENALTY = 0.3333333


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = children(element, name)
    return found[0] if found else None


def _text(element: ET.Element | None) -> str:
    """The <text> child's content, trimmed like Moodle's getpath(..., istext=true)."""
    if element is None:
        return ""
    inner = _child(element, "text")
    if inner is None:
        return ""
    return "".join(inner.itertext()).strip()


def _plain(element: ET.Element | None) -> str:
    """An element's own text, trimmed ('' when it is missing)."""
    return (element.text or "").strip() if element is not None else ""


def _question_format(element: ET.Element) -> str:
    """The question text's format: the default for its answers and feedback."""
    field = _child(element, "questiontext")
    return field.get("format", "html") if field is not None else "html"


def _formatted(element: ET.Element | None, default: str = "html") -> str:
    """A text field in Markdown, following its ``format`` attribute."""
    if element is None:
        return ""
    return markdown_from(_text(element), element.get("format", default).strip())


def _meta(element: ET.Element, prefix: str) -> dict[str, Any] | None:
    for child in element:
        if child.tag is ET.Comment and (child.text or "").strip().startswith(  # type: ignore[comparison-overlap]
                prefix):
            raw = (child.text or "").strip()[len(prefix):]
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as error:
                refuse("KI010", f"The '{prefix}' comment is not valid JSON ({error.msg}).",
                       "Fix or delete the comment.")
            if isinstance(value, dict):
                return value
            refuse("KI010", f"The '{prefix}' comment must hold a JSON object.",
                   "Fix or delete the comment.")
    return None


def _number(text: str, what: str) -> float:
    if not _NUMBER.match(text):
        shown = text.strip() or "(nothing)"
        refuse("KI012", f"The {what} '{shown}' is not a number.",
               f"Write the {what} as a number, e.g. 0.5.")
    value = float(text)
    if not math.isfinite(value):
        refuse("KI012", f"The {what} '{text.strip()}' is too large.", "Use a smaller number.")
    return value


def _fraction(answer: ET.Element) -> float:
    """Percent of the mark, from ``fraction="50"`` (or the old <fraction>0.5</fraction>)."""
    old = _child(answer, "fraction")
    if old is not None and (old.text or "").strip():
        return _number(old.text or "", "fraction") * 100
    return _number(answer.get("fraction", "0"), "fraction")


class _Reader:
    def __init__(self, doc: XmlDocument, path: str, quiz_id: str, strict: bool) -> None:
        self.doc, self.path, self.quiz_id, self.strict = doc, path, quiz_id, strict
        self.out = Collector(path, strict)
        self.taken: set[str] = set()
        self.category: str | None = None
        self.categories: list[str] = []
        self.own_export = False
        self.shuffled = 0

    # -- helpers ------------------------------------------------------------------------
    def line(self, element: ET.Element) -> int | None:
        return self.doc.line(element)

    def lost(self, element: ET.Element, name: str | None, message: str, hint: str) -> None:
        self.out.lost(message, self.line(element), name, hint)

    # -- questions ----------------------------------------------------------------------
    def question(self, element: ET.Element, number: int) -> dict[str, Any] | None:
        kind = element.get("type", "").strip()
        name = _text(_child(element, "name")) or None
        label = name or f"question {number}"
        if kind == "category":
            self.category = _text(_child(element, "category")) or None
            if self.category:
                self.categories.append(self.category)
            return None
        if kind in SKIPPED_TYPES or kind not in _HANDLERS:
            what = SKIPPED_TYPES.get(kind, f"a question of type '{kind or '(none)'}'")
            self.out.skip(f"{what}; the course has no such question type.",
                          self.line(element), label,
                          "Rewrite it as a type the course has (choice, true/false, "
                          "numeric, matching, short answer, ordering), or remove it.")
            return None
        meta = _meta(element, META_COMMENT) or {}
        if meta:
            self.own_export = self.out.own_export = True
        handler = _HANDLERS[kind]
        body = handler(self, element, label, meta)
        if body is None:
            return None
        return self._assemble(element, name, body, meta, label)

    def _assemble(self, element: ET.Element, name: str | None, body: dict[str, Any],
                  meta: dict[str, Any], label: str) -> dict[str, Any]:
        idnumber = _plain(_child(element, "idnumber"))
        wanted = meta.get("id") if isinstance(meta.get("id"), str) else None
        if not wanted and idnumber:
            wanted = idnumber if is_id(idnumber) else slug(idnumber, "")
        if not wanted and name:
            wanted = slug(name, "")
        if not wanted:
            wanted = f"{self.quiz_id}-{len(self.taken) + 1}"
        question_id = unique_id(wanted, self.taken)
        text_field = _child(element, "questiontext")
        prompt = body.pop("prompt", None)
        if prompt is None:
            prompt = _formatted(text_field)
        self._files(element, label)
        prompt = restore(meta.get("prompt"), prompt)
        question: dict[str, Any] = {"id": question_id, "type": body.pop("type"),
                                    "prompt": prose(prompt, "TODO: write the question.")}
        question.update(body)
        fmt = text_field.get("format", "html") if text_field is not None else "html"
        explanation = restore(meta.get("explanation"),
                              _formatted(_child(element, "generalfeedback"), fmt))
        tags = [t for t in (_text(tag) for tag in _tag_elements(element)) if t]
        if self.category and not self.own_export:
            tags.append(category_tag(self.category))
        points = 1.0
        grade = _child(element, "defaultgrade")
        if grade is not None and (grade.text or "").strip():
            points = _number(grade.text or "", "default mark")
        if points <= 0:
            refuse("KI013", f"The default mark is {points:g}; a question must be worth more "
                   "than 0 points.", "Give the question a default mark above 0.")
        if _plain(_child(element, "hidden")) == "1":
            self.out.note("The question is hidden in Moodle's bank; the course shows every "
                          "question of a quiz.", self.line(element), "Remove it if it should "
                          "stay hidden.", label)
        hints = children(element, "hint")
        if any(_text(h) for h in hints):
            self.lost(hints[0], label, f"{len(hints)} hint(s) for repeated tries were left "
                      "out; the course shows feedback after each check instead.",
                      "Move what the hints say into the feedback or explanation.")
        question_tail(question, explanation, meta, tags, points)
        return question

    def _files(self, element: ET.Element, label: str) -> None:
        files = list(element.iter("file"))
        embedded = "@@PLUGINFILE@@" in "".join(element.itertext())
        if files or embedded:
            where = files[0] if files else element
            self.lost(where, label, f"{len(files) or 'Some'} embedded file(s) (images, "
                      "media) cannot be kept; the text refers to them with @@PLUGINFILE@@.",
                      "Put the images in the course's notebooks and describe them in the "
                      "text.")


def _tag_elements(element: ET.Element) -> list[ET.Element]:
    tags = _child(element, "tags")
    return children(tags, "tag") if tags is not None else []


# -- per type -------------------------------------------------------------------------------


def _answers(element: ET.Element) -> list[ET.Element]:
    return children(element, "answer")


def _multichoice(reader: _Reader, element: ET.Element, label: str,
                 meta: dict[str, Any]) -> dict[str, Any] | None:
    single_field = _child(element, "single")
    single = single_field is None or _plain(single_field) not in ("false", "", "0")
    fmt = _question_format(element)
    answers = _answers(element)
    if len(answers) < 2:
        refuse("KI011", f"A multiple-choice question needs at least two "
                               f"answers; this one has {len(answers)}.",
               "Add answers, or remove the question.")
    ids = meta.get("option_ids")
    if not (isinstance(ids, list) and len(ids) == len(answers)
            and all(isinstance(i, str) for i in ids)):
        ids = option_ids(len(answers))
    sources = meta.get("options")
    if not (isinstance(sources, list) and len(sources) == len(answers)
            and all(isinstance(o, dict) for o in sources)):
        sources = [{} for _ in answers]
    options = []
    weights = []
    for oid, answer, source in zip(ids, answers, sources, strict=True):
        fraction = _fraction(answer)
        weights.append(fraction)
        text = restore(source.get("text"), markdown_from(_text(answer), answer.get("format", fmt)))
        feedback = restore(source.get("feedback"), _formatted(_child(answer, "feedback"), fmt))
        options.append({"id": oid, "text": prose(text, "TODO: write this option."),
                        "correct": fraction > 0, "feedback": prose(feedback, TODO_FEEDBACK)})
    exact = meta.get("weights")
    if isinstance(exact, list) and len(exact) == len(weights) and all(
            isinstance(w, (int, float)) and not isinstance(w, bool) and abs(w - f) < 0.001
            for w, f in zip(exact, weights, strict=True)):
        weights = [float(w) for w in exact]  # our export's exact weights
    _combined(reader, element, label, meta)
    body: dict[str, Any]
    if single:
        full = [i for i, w in enumerate(weights) if abs(w - 100) < 1e-6]
        if len(full) != 1:
            refuse("KI013", f"This single-answer question has {len(full)} "
                                   "answers worth 100%; the course needs exactly one.",
               "Give exactly one answer fraction 100, or make it a "
                                   "multiple-answer question (single false).")
        for index, option in enumerate(options):
            option["correct"] = index == full[0]
        for index, (option, weight) in enumerate(zip(options, weights, strict=True)):
            if index != full[0] and abs(weight) >= 1e-9:  # partial credit (or a penalty)
                option["weight"] = weight
        body = {"type": "single_choice", "options": options}
    else:
        if not any(w > 0 for w in weights):
            refuse("KI013", "No answer of this multiple-answer question has "
                                   "a positive fraction.",
               "Give the right answers fractions that add up to 100.")
        if meta.get("default_weights") is not True:
            for option, weight in zip(options, weights, strict=True):
                option["weight"] = weight
        correct = meta.get("correct")
        if isinstance(correct, list) and len(correct) == len(options):
            for option, flag in zip(options, correct, strict=True):
                option["correct"] = bool(flag)
        body = {"type": "multiple_choice", "options": options}
    _shuffle_note(reader, element, label)
    return body


def _shuffle_note(reader: _Reader, element: ET.Element, label: str) -> None:
    """Moodle shuffles per question; the course shuffles per quiz (kept in meta)."""
    shuffle = _child(element, "shuffleanswers")
    if shuffle is not None and (shuffle.text or "").strip() in ("true", "1"):
        reader.shuffled += 1


_MOODLE_DEFAULTS = {"Your answer is correct.", "Your answer is partially correct.",
                    "Your answer is incorrect.", ""}
"""Moodle fills combined feedback with these strings; they carry nothing of the trainer's."""


def _combined(reader: _Reader, element: ET.Element, label: str, meta: dict[str, Any]) -> None:
    for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        field = _child(element, name)
        text = re.sub(r"<[^>]*>", "", _text(field)).strip() if field is not None else ""
        if field is not None and text not in _MOODLE_DEFAULTS:
            reader.lost(field, label, f"The combined feedback <{name}> cannot be kept; the "
                        "course shows each option's feedback and the explanation.",
                        "Move it into the explanation (general feedback).")
            return


def _truefalse(reader: _Reader, element: ET.Element, label: str,
               meta: dict[str, Any]) -> dict[str, Any] | None:
    fmt = _question_format(element)
    answer: bool | None = None
    feedback = {"true": "", "false": ""}
    answers = _answers(element)
    for index, item in enumerate(answers):
        word = _text(item)
        if word not in ("true", "false"):  # old files: localised words, true first
            word = "true" if index == 0 else "false"
            if index == 0:
                reader.out.note(f"The answers are not named 'true' and 'false' ('{_text(item)}'"
                                "); as Moodle does, the first is taken as 'true'.",
                                reader.line(item), "Check which answer is right.", label)
        fraction = _fraction(item)
        feedback[word] = restore(meta.get(f"feedback_{word}"),
                                 _formatted(_child(item, "feedback"), fmt))
        if word == "true":
            answer = abs(fraction - 100) < 1e-6
        elif answer is None:
            answer = abs(fraction - 100) >= 1e-6
    if answer is None or len(answers) != 2:
        refuse("KI011", "A true/false question needs a 'true' and a 'false' "
                               "answer.",
               "Give both answers, with fraction 100 on the right one.")
    return {"type": "true_false", "answer": answer,
            "feedback_true": prose(feedback["true"], TODO_FEEDBACK),
            "feedback_false": prose(feedback["false"], TODO_FEEDBACK)}


def _numerical(reader: _Reader, element: ET.Element, label: str,
               meta: dict[str, Any]) -> dict[str, Any] | None:
    fmt = _question_format(element)
    accepted: list[tuple[float, float, float, str, ET.Element]] = []
    wrong_feedback = ""
    for item in _answers(element):
        text = _text(item) or (item.text or "").strip()
        feedback = _formatted(_child(item, "feedback"), fmt)
        fraction = _fraction(item)
        if text == "*" or text == "":
            wrong_feedback = feedback
            if fraction:
                reader.lost(item, label, f"The '*' answer (any other number) earns "
                            f"{fraction:g}%; the course gives 0 for any other answer.",
                            "Give the '*' answer fraction 0.")
            continue
        tolerance_field = _child(item, "tolerance")
        tolerance = _number(tolerance_field.text or "0", "tolerance") if (
            tolerance_field is not None and (tolerance_field.text or "").strip()) else 0.0
        value = _number(text, "answer")
        if tolerance < 0:
            refuse("KI012", f"The tolerance of {text} is negative.",
                   "Write the tolerance as a positive number.")
        if not 0 <= fraction <= 100:
            refuse("KI013", f"The answer {text} earns {fraction:g}%; numerical answers earn "
                   "0 to 100%.", "Use a fraction between 0 and 100.")
        accepted.append((value, abs(tolerance), fraction, feedback, item))
    main = next((a for a in accepted if abs(a[2] - 100) < 1e-6), None)
    if main is None:
        refuse("KI013", "No answer of this numerical question earns full "
                               "marks.",
               "Give the right value fraction 100.")
    body: dict[str, Any] = {"type": "numeric", "value": main[0]}
    units = _units(reader, element, label)
    if units:
        body["units"] = units
    kept, relative = _tolerances(meta, main[0], main[1])
    if kept is not None:
        body["tolerance"] = kept
    if relative is not None:
        body["relative_tolerance"] = relative
    body["feedback_correct"] = prose(restore(meta.get("feedback_correct"), main[3]),
                                     TODO_FEEDBACK_CORRECT)
    body["feedback_incorrect"] = prose(restore(meta.get("feedback_incorrect"), wrong_feedback),
                                       TODO_FEEDBACK_INCORRECT)
    alternatives = []
    for value, tolerance_, fraction, feedback, _ in accepted:
        if (value, tolerance_, fraction, feedback) == main[:4]:
            continue
        alternative: dict[str, Any] = {"value": value, "tolerance": tolerance_,
                                       "credit": fraction}
        if feedback.strip():
            alternative["feedback"] = feedback
        alternatives.append(alternative)
    exact = meta.get("alternatives")
    if isinstance(exact, list) and len(exact) == len(alternatives):
        alternatives = [_alternative(e, a) for e, a in zip(exact, alternatives, strict=True)]
    if alternatives:
        body["alternatives"] = alternatives
    return body


def _close(a: object, b: float) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and math.isclose(
        a, b, rel_tol=1e-9, abs_tol=0.001)


def _real(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _tolerances(meta: dict[str, Any], value: float,
                written: float) -> tuple[float | None, float | None]:
    """The tolerances our export had (exact, relative too) if they give what is written."""
    if "tolerance" in meta:
        tolerance, relative = _real(meta.get("tolerance")), _real(meta.get("relative_tolerance"))
        wellformed = ((tolerance is not None or meta.get("tolerance") is None)
                      and (relative is not None or meta.get("relative_tolerance") is None))
        expected = max(tolerance or 0.0, relative * abs(value)) if relative is not None else (
            tolerance or 0.0)
        if wellformed and _close(expected, written):
            return tolerance, relative
    return (written if written else None), None


def _alternative(exact: object, read: dict[str, Any]) -> dict[str, Any]:
    """Our export's alternative (exact numbers, feedback or none) if it matches the XML."""
    if not isinstance(exact, dict):
        return read
    same = (_close(exact.get("value"), read["value"]) and _close(exact.get("tolerance"),
            read["tolerance"]) and _close(exact.get("credit"), read["credit"]))
    if not same:
        return read
    alternative: dict[str, Any] = {"value": float(exact["value"]),
                                   "tolerance": float(exact["tolerance"]),
                                   "credit": float(exact["credit"])}
    feedback = exact.get("feedback")
    if isinstance(feedback, str):
        alternative["feedback"] = restore(feedback, read.get("feedback", ""))
    return alternative


def _units(reader: _Reader, element: ET.Element, label: str) -> str | None:
    units_field = _child(element, "units")
    found: list[tuple[str, float, ET.Element]] = []
    if units_field is not None:
        for unit in children(units_field, "unit"):
            name_field = _child(unit, "unit_name")
            multiplier_field = _child(unit, "multiplier")
            name = (name_field.text or "").strip() if name_field is not None else ""
            multiplier = _number((multiplier_field.text or "1") if multiplier_field is not None
                                 else "1", "unit multiplier")
            if name:
                found.append((name, multiplier, unit))
    base = next((u for u in found if u[1] == 1), None)
    for name, multiplier, unit in found:
        if base is None or unit is not base[2]:
            reader.lost(unit, label, f"The unit '{name}' (multiplier {multiplier:g}) cannot "
                        "be kept; the course shows one unit next to the answer.",
                        "Ask for the answer in the base unit only.")
    grading = _child(element, "unitgradingtype")
    if base is not None and grading is not None and (grading.text or "0").strip() not in (
            "0", ""):
        reader.lost(grading, label, "Grading of the unit the learner types cannot be kept; "
                    "the course shows the unit and grades the number.",
                    "Accept the number alone.")
    return base[0] if base else None


def _feedback_pair(reader: _Reader, element: ET.Element, label: str,
                   meta: dict[str, Any]) -> tuple[str, str]:
    """Moodle's combined feedback as (feedback_correct, feedback_incorrect).

    'Partially correct' has no place of its own: it is kept when it says the same as
    'incorrect' (as our export writes it), else reported.
    """
    fmt = _question_format(element)
    texts = {name: _formatted(_child(element, name), fmt)
             for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")}
    correct = restore(meta.get("feedback_correct"), texts["correctfeedback"])
    incorrect = restore(meta.get("feedback_incorrect"), texts["incorrectfeedback"])
    partial = texts["partiallycorrectfeedback"]
    if words(partial) not in ("", words(texts["incorrectfeedback"])) and (
            re.sub(r"<[^>]*>", "", partial).strip() not in _MOODLE_DEFAULTS):
        field = _child(element, "partiallycorrectfeedback")
        reader.lost(field if field is not None else element, label, "The 'partially "
                    "correct' feedback cannot be kept; the course shows the 'incorrect' "
                    "feedback for a partly right answer.", "Merge it into the incorrect "
                    "feedback.")
    return (prose(correct, TODO_FEEDBACK_CORRECT), prose(incorrect, TODO_FEEDBACK_INCORRECT))


def _matching(reader: _Reader, element: ET.Element, label: str,
              meta: dict[str, Any]) -> dict[str, Any] | None:
    fmt = _question_format(element)
    items: list[dict[str, str]] = []
    answers: list[dict[str, str]] = []
    answer_ids: dict[str, str] = {}
    for sub in children(element, "subquestion"):
        text = _formatted(sub, sub.get("format", fmt))
        answer_text = _text(_child(sub, "answer"))
        if not answer_text:
            continue
        if answer_text not in answer_ids:
            answer_ids[answer_text] = f"r{len(answer_ids) + 1}"
            answers.append({"id": answer_ids[answer_text],
                            "text": markdown_from(answer_text, "plain_text")})
        if text.strip():
            items.append({"id": f"i{len(items) + 1}", "text": text,
                          "answer": answer_ids[answer_text]})
    if len(items) < 2:
        refuse("KI011", f"A matching question needs at least two pairs; this one has "
               f"{len(items)}.", "Add subquestions with an answer each.")
    _restore_ids(meta, items, answers)
    correct, incorrect = _feedback_pair(reader, element, label, meta)
    return {"type": "matching", "items": items, "answers": answers,
            "feedback_correct": correct, "feedback_incorrect": incorrect}


def _restore_ids(meta: dict[str, Any], items: list[dict[str, str]],
                 answers: list[dict[str, str]]) -> None:
    """Our export's ids and Markdown, when its items and answers still read the same."""
    mine_items, mine_answers = meta.get("items"), meta.get("answers")
    if not (isinstance(mine_items, list) and isinstance(mine_answers, list)
            and all(isinstance(i, dict) for i in mine_items + mine_answers)):
        return
    by_text = {words(str(a.get("text", ""))): a for a in mine_answers}
    if len(by_text) != len(mine_answers) or len(mine_items) != len(items):
        return
    mapping = {}
    used = {a["id"] for a in answers}
    for answer in answers:
        mine = by_text.get(words(answer["text"]))
        if mine is None or not isinstance(mine.get("id"), str):
            return
        mapping[answer["id"]] = mine
    if len(mapping) != len(answers) or len(used) != len(mapping):
        return
    for item, mine in zip(items, mine_items, strict=True):
        own = mapping[item["answer"]]
        if words(str(mine.get("text", ""))) != words(item["text"]) or mine.get(
                "answer") != own["id"]:
            return
    order = [a["id"] for a in mine_answers]
    for item, mine in zip(items, mine_items, strict=True):
        item.update(id=str(mine["id"]), text=restore(mine.get("text"), item["text"]),
                    answer=mapping[item["answer"]]["id"])
    for answer in answers:
        mine = mapping[answer["id"]]
        answer.update(id=str(mine["id"]), text=str(mine["text"]))
    answers.sort(key=lambda a: order.index(a["id"]))


def _shortanswer(reader: _Reader, element: ET.Element, label: str,
                 meta: dict[str, Any]) -> dict[str, Any] | None:
    fmt = _question_format(element)
    accepted: list[dict[str, Any]] = []
    wrong = ""
    for item in _answers(element):
        text = _text(item)
        fraction = _fraction(item)
        feedback = _formatted(_child(item, "feedback"), fmt)
        if not text:
            continue
        if text.strip("*") == "" and fraction == 0:  # Moodle's catch-all for any other answer
            wrong = feedback
            continue
        if not 0 <= fraction <= 100:
            refuse("KI013", f"The answer '{text}' earns {fraction:g}%; short answers earn 0 "
                   "to 100%.", "Use a fraction between 0 and 100.")
        entry: dict[str, Any] = {"text": text, "credit": fraction}
        if feedback.strip():
            entry["feedback"] = feedback
        accepted.append(entry)
    if not any(a["credit"] >= 100 - 1e-6 for a in accepted):
        refuse("KI013", "No answer of this short-answer question earns full marks.",
               "Give the right answer fraction 100.")
    usecase = _child(element, "usecase")
    case = usecase is not None and (usecase.text or "0").strip() not in ("0", "")
    differs = first_match_differs(accepted, case)  # in Moodle's order
    if differs:
        reader.out.note(differs, reader.line(element), "Check the credits: the course keeps "
                        "the highest credit that matches.", label)
    mine = meta.get("answers")
    if isinstance(mine, list) and len(mine) == len(accepted):
        accepted = _in_written_order(accepted, mine)
        for entry, exact in zip(accepted, mine, strict=True):
            if isinstance(exact, dict) and exact.get("text") == entry["text"] and _close(
                    exact.get("credit"), entry["credit"]):
                entry["credit"] = float(exact["credit"])
                note = exact.get("feedback")
                entry.pop("feedback", None)
                if isinstance(note, str):
                    entry["feedback"] = note
    incorrect = restore(meta.get("feedback_incorrect"), wrong)
    return {"type": "short_answer", "answers": accepted, "case_sensitive": case,
            "feedback_incorrect": prose(incorrect, TODO_FEEDBACK_INCORRECT)}


def _in_written_order(accepted: list[dict[str, Any]], mine: list[Any]) -> list[dict[str, Any]]:
    """Our export writes answers from the highest credit down (Moodle marks the first
    match); the quiz file's order comes back from the metadata when the texts agree."""
    texts = [exact.get("text") if isinstance(exact, dict) else None for exact in mine]
    if sorted(map(str, texts)) != sorted(str(a["text"]) for a in accepted):
        return accepted
    pool = list(accepted)
    ordered = []
    for text in texts:
        entry = next(a for a in pool if a["text"] == text)
        pool.remove(entry)
        ordered.append(entry)
    return ordered


_ORDER_SCORING = {"ALL_OR_NOTHING": "all_or_nothing",
                  "RELATIVE_NEXT_EXCLUDE_LAST": "relative_to_next"}


def _ordering(reader: _Reader, element: ET.Element, label: str,
              meta: dict[str, Any]) -> dict[str, Any] | None:
    """qtype_ordering: the answers in the right order (their fraction is the position)."""
    fmt = _question_format(element)
    found = []
    for index, item in enumerate(_answers(element)):
        text = markdown_from(_text(item), item.get("format", fmt))
        if text.strip():
            position = _real_text(item.get("fraction")) or float(index + 1)
            found.append((position, index, text))
    found.sort()
    steps = [{"id": f"s{n}", "text": text} for n, (_, _, text) in enumerate(found, start=1)]
    if len(steps) < 2:
        refuse("KI011", f"An ordering question needs at least two steps; this one has "
               f"{len(steps)}.", "Add answers in the right order.")
    mine = meta.get("steps")
    if isinstance(mine, list) and len(mine) == len(steps) and all(
            isinstance(m, dict) and words(str(m.get("text", ""))) == words(s["text"])
            and isinstance(m.get("id"), str) for m, s in zip(mine, steps, strict=True)):
        for step, own in zip(steps, mine, strict=True):
            step.update(id=own["id"], text=restore(own.get("text"), step["text"]))
    grading_field = _child(element, "gradingtype")
    grading = _plain(grading_field) or "RELATIVE"
    scoring = _ORDER_SCORING.get(grading.upper())
    if scoring is None:
        scoring = "all_or_nothing"
        reader.lost(grading_field if grading_field is not None else element, label,
                    f"The grading '{grading}' cannot be kept; the course grades this order "
                    "all or nothing.", "Choose all-or-nothing or 'relative to next' "
                    "(RELATIVE_NEXT_EXCLUDE_LAST) grading.")
    select = _plain(_child(element, "selecttype")) or "ALL"
    count = _plain(_child(element, "selectcount")) or "0"
    if select.upper() != "ALL" and count not in ("0", str(len(steps))):
        reader.lost(element, label, f"Showing a subset of the steps ({select}, {count}) "
                    "cannot be kept; the course shows every step.",
                    "Show all the steps in Moodle too.")
    correct, incorrect = _feedback_pair(reader, element, label, meta)
    return {"type": "ordering", "steps": steps, "scoring": scoring,
            "feedback_correct": correct, "feedback_incorrect": incorrect}


def _real_text(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _gaps(reader: _Reader, element: ET.Element, label: str,
          meta: dict[str, Any]) -> dict[str, Any] | None:
    """ddwtos / gapselect with one gap: a single-choice question with a visible blank."""
    kind = element.get("type", "")
    fmt = _question_format(element)
    text = _text(_child(element, "questiontext"))
    gaps = _GAP.findall(text)
    choice_tag = "dragbox" if kind == "ddwtos" else "selectoption"
    choices: list[tuple[str, str]] = []
    for choice in children(element, choice_tag):
        group_field = _child(choice, "group")
        group = (group_field.text or "1").strip() if group_field is not None else "1"
        choices.append((_text(choice), group))
    if len(gaps) != 1:
        reader.out.skip(f"a '{kind}' question with {len(gaps)} gaps; the course can import "
                        "one gap as a choice question with a blank, not several.",
                        reader.line(element), label,
                        "Split it into one question per gap, or remove it.")
        return None
    number = int(gaps[0])
    if not 1 <= number <= len(choices):
        refuse("KI013", f"The gap [[{number}]] names choice {number}, but "
                               f"there are {len(choices)} choices.",
               "Number the gap after an existing choice.")
    group = choices[number - 1][1]
    in_group = [(i + 1, t) for i, (t, g) in enumerate(choices) if g == group]
    if len(in_group) < 2:
        refuse("KI011", "The gap has fewer than two choices in its group.",
               "Add choices to the group.")
    options = []
    for oid, (index, choice_text) in zip(option_ids(len(in_group)), in_group, strict=True):
        options.append({"id": oid, "text": prose(markdown_from(choice_text, "plain_text"),
                                                 "TODO: write this option."),
                        "correct": index == number, "feedback": TODO_FEEDBACK})
    _combined(reader, element, label, meta)
    prompt = markdown_from(_GAP.sub("\ue010", text), fmt).replace("\ue010", "_____")
    return {"type": "single_choice", "prompt": prompt, "options": options}


_HANDLERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "numerical": _numerical,
    "matching": _matching,
    "match": _matching,
    "shortanswer": _shortanswer,
    "ddwtos": _gaps,
    "gapselect": _gaps,
    "ordering": _ordering,
}


def import_moodle_xml(
    text: str,
    *,
    quiz_id: str,
    path: str = "<moodle-xml>",
    strict: bool = False,
    title: str | None = None,
) -> ImportResult:
    """Moodle XML text to quiz data; ``data`` is None when there is any error.

    Unsupported questions are warnings (errors with ``strict``, as is anything else
    that would be lost) and are skipped.
    """
    try:
        doc = parse_xml(text)
    except XmlError as error:
        return ImportResult(None, [Problem("KI040", error.message, path, error.line,
                                           error.column, hint="Check that this is a Moodle "
                                           "XML export (<quiz> with <question> elements).")])
    if local(doc.root) != "quiz":
        return ImportResult(None, [Problem("KI040", f"The root element is <{local(doc.root)}>"
                                           ", not <quiz>.", path, doc.line(doc.root),
                                           hint="Export the questions from Moodle's question "
                                           "bank as 'Moodle XML format'.")])
    reader = _Reader(doc, path, quiz_id, strict)
    quiz_meta: dict[str, Any] = {}
    questions = []
    for number, element in enumerate(children(doc.root, "question"), start=1):
        name = _text(_child(element, "name")) or f"question {number}"
        try:
            if not quiz_meta:
                quiz_meta = _meta(element, QUIZ_META_COMMENT) or {}
                reader.own_export = reader.own_export or bool(quiz_meta)
            question = reader.question(element, number)
        except Refusal as refusal:
            reader.out.fail(refusal.code, refusal.message, doc.line(element), name,
                            refusal.hint)
            continue
        if question is not None:
            questions.append(question)
    other = [c for c in doc.root if local(c) not in ("question", "")]
    if other:
        reader.out.lost(f"<{local(other[0])}> is not a Moodle question and was left out.",
                        doc.line(other[0]), None, "Remove it, or check the file.")
    return reader.out.result(questions, lambda qs: _quiz(quiz_id, title, qs, reader,
                                                         quiz_meta, path))


def _quiz(quiz_id: str, title: str | None, questions: list[dict[str, Any]], reader: _Reader,
          meta: dict[str, Any], path: str) -> dict[str, Any]:
    categories = list(dict.fromkeys(reader.categories))
    if categories and not reader.own_export:
        reader.out.note(f"{len(categories)} Moodle categor{'y' if len(categories) == 1 else 'ies'}"
                        f" ({', '.join(categories[:3])}{', ...' if len(categories) > 3 else ''})"
                        " became tags 'category:NAME' on their questions.", None,
                        "Keep the tags, or split the file per category to get one quiz each.")
    if not title:
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
    if not title:
        title = quiz_id.replace("-", " ").replace("_", " ").capitalize()
    if meta:
        description = meta.get("description") if isinstance(meta.get("description"),
                                                            str) else None
    else:
        description = (f"Imported from {path.rsplit('/', 1)[-1]}. Check the title, topic and "
                       "pass mark, and replace every TODO.")
    shuffled = reader.shuffled
    if shuffled and not meta:
        reader.out.note(f"{shuffled} question(s) shuffle their answers in Moodle; the quiz "
                        "is set to shuffle, which in the course shuffles the questions too.",
                        None, "Set 'shuffle: false' in the quiz file to keep the order.")
    pass_mark = meta.get("pass_mark")
    attempts = meta.get("max_attempts")
    return quiz_data(
        quiz_id, title, questions,
        description=description,
        topic=str(meta["topic"]) if isinstance(meta.get("topic"), str) else "imported",
        pass_mark=pass_mark if isinstance(pass_mark, (int, float)) else 70,
        max_attempts=attempts if isinstance(attempts, int) else None,
        shuffle=meta.get("shuffle") is True if meta else shuffled > 0,
    )
