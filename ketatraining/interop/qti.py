"""Write a quiz as a QTI 3.0 content package (a zip a hospital LMS can import).

The package holds ``imsmanifest.xml``, one ``qti-assessment-item`` per question
(``items/ID.xml``) and a ``qti-assessment-test`` (``test-QUIZ.xml``) that keeps the
quiz's order, shuffle, attempt limit and pass mark. Items score like the course does:

- single choice and true/false: a choice interaction with ``max-choices="1"``; full
  points when the response matches the correct one (a single choice with partial
  credit: a ``qti-mapping`` of the correct option's points and each partial credit);
- multiple choice: ``max-choices`` = number of options, a ``qti-mapping`` with the
  option weights (or the course's default rule as weights), clamped to [0, points];
- numeric: a text-entry interaction; ``qti-equal`` with an absolute (or relative, in
  percent) tolerance, both bounds included; partial-credit alternatives follow.

Per-option feedback is ``qti-feedback-inline`` driven by the FEEDBACK outcome; the
explanation is modal feedback shown after every response. Text is the quiz's Markdown
rendered and sanitized (ketatraining.text), then rebuilt element by element with
ElementTree, so nothing a trainer writes is ever pasted into XML as a string.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, assert_never
from xml.etree import ElementTree as ET

from ketatraining.interop.common import check_output_folder, meta_comment_text, pool_losses
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

__all__ = ["item_xml", "manifest_xml", "test_xml", "write_qti_package"]

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ITEM_TYPE = "imsqti_item_xmlv3p0"
TEST_TYPE = "imsqti_test_xmlv3p0"

META_COMMENT = "ketatraining:"
_VOID = {"br", "hr"}
_KEEP_ATTRIBUTES = {"a": ("href", "title"), "abbr": ("title",)}
_NCNAME_START = re.compile(r"^[A-Za-z_]")
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _identifier(text: str, prefix: str) -> str:
    """An XML NCName: ids are letters, digits, '-', '_', '.'; prefix one that starts badly."""
    return text if _NCNAME_START.match(text) else f"{prefix}{text}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


# --- Markdown -> QTI content ---------------------------------------------------------------


class _Builder(HTMLParser):
    """Sanitized HTML to ElementTree children of ``parent`` (no namespace: set on root)."""

    def __init__(self, parent: ET.Element) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [parent]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.stack[-1], tag)
        for name, value in attrs:
            if name in _KEEP_ATTRIBUTES.get(tag, ()) and value is not None:
                element.set(name, value)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def _content(parent: ET.Element, markdown: str, *, inline: bool) -> ET.Element:
    """Append ``markdown`` (rendered and sanitized) to ``parent`` as XHTML elements."""
    from ketatraining.text import markdown_to_html

    builder = _Builder(parent)
    builder.feed(markdown_to_html(markdown, inline=inline))
    builder.close()
    return parent


# --- items ---------------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})


def _value(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = _el(parent, tag, **attributes)
    element.text = text
    return element


def _set(parent: ET.Element, outcome: str, value: ET.Element | None = None,
         *, number: float | None = None, identifier: str | None = None) -> None:
    setter = _el(parent, "qti-set-outcome-value", identifier=outcome)
    if value is not None:
        setter.append(value)
    elif number is not None:
        _value(setter, "qti-base-value", _num(number), base_type="float")
    else:
        _value(setter, "qti-base-value", identifier or "", base_type="identifier")


def _variable(identifier: str) -> ET.Element:
    return ET.Element("qti-variable", {"identifier": identifier})


def _outcomes(item: ET.Element, question: AnyQuestion, feedback_cardinality: str) -> None:
    score = _el(item, "qti-outcome-declaration", identifier="SCORE", cardinality="single",
                base_type="float")
    _value(_el(score, "qti-default-value"), "qti-value", "0")
    maximum = _el(item, "qti-outcome-declaration", identifier="MAXSCORE", cardinality="single",
                  base_type="float")
    _value(_el(maximum, "qti-default-value"), "qti-value", _num(question.points))
    _el(item, "qti-outcome-declaration", identifier="FEEDBACK", cardinality=feedback_cardinality,
        base_type="identifier")
    _el(item, "qti-outcome-declaration", identifier="EXPLANATION", cardinality="single",
        base_type="identifier")


def _choices(question: SingleChoice | MultipleChoice | TrueFalse) -> list[tuple[str, str, bool,
                                                                               str]]:
    """(identifier, Markdown text, correct, feedback) of each choice."""
    if isinstance(question, TrueFalse):
        return [("true", "True", question.answer, question.feedback_true),
                ("false", "False", not question.answer, question.feedback_false)]
    return [(_identifier(o.id, "choice-"), o.text, o.correct, o.feedback)
            for o in question.options]


def _choice_item(item: ET.Element, question: SingleChoice | MultipleChoice | TrueFalse,
                 shuffle: bool) -> None:
    multiple = isinstance(question, MultipleChoice)
    choices = _choices(question)
    declaration = _el(item, "qti-response-declaration", identifier="RESPONSE",
                      cardinality="multiple" if multiple else "single", base_type="identifier")
    correct = _el(declaration, "qti-correct-response")
    for identifier, _, right, _ in choices:
        if right:
            _value(correct, "qti-value", identifier)
    # multiple choice, or a single choice with partial credit: scored by a qti-mapping
    weighted = None if isinstance(question, TrueFalse) else question
    mapped = weighted is not None and (multiple or _partial(weighted))
    if weighted is not None and mapped:
        mapping = _el(declaration, "qti-mapping", lower_bound="0",
                      upper_bound=_num(question.points), default_value="0")
        for (identifier, *_), weight in zip(choices, _weights(weighted), strict=True):
            _el(mapping, "qti-map-entry", map_key=identifier,
                mapped_value=_num(question.points * weight / 100))
    _outcomes(item, question, "multiple" if multiple else "single")

    body = _el(item, "qti-item-body")
    interaction = _el(body, "qti-choice-interaction", response_identifier="RESPONSE",
                      shuffle="true" if shuffle and not isinstance(question, TrueFalse)
                      else "false", max_choices=str(len(choices)) if multiple else "1",
                      min_choices="0")
    _content(_el(interaction, "qti-prompt"), question.prompt, inline=False)
    for identifier, text, _, feedback in choices:
        choice = _content(_el(interaction, "qti-simple-choice", identifier=identifier), text,
                          inline=True)
        if len(choice):
            choice[-1].tail = (choice[-1].tail or "") + " "
        else:
            choice.text = (choice.text or "") + " "
        inline = _el(choice, "qti-feedback-inline", outcome_identifier="FEEDBACK",
                     identifier=identifier, show_hide="show")
        _content(inline, feedback, inline=True)

    processing, condition = _unanswered(item, feedback=None)
    otherwise = _el(condition, "qti-response-else")
    if mapped:
        _set(otherwise, "SCORE", ET.Element("qti-map-response", {"identifier": "RESPONSE"}))
    else:
        inner = _el(otherwise, "qti-response-condition")
        right_branch = _el(inner, "qti-response-if")
        matches = _el(right_branch, "qti-match")
        matches.append(_variable("RESPONSE"))
        _el(matches, "qti-correct", identifier="RESPONSE")
        _set(right_branch, "SCORE", number=question.points)
        _set(_el(inner, "qti-response-else"), "SCORE", number=0)
    _set(processing, "FEEDBACK", _variable("RESPONSE"))
    _set(processing, "EXPLANATION", identifier="shown")


def _partial(question: SingleChoice | MultipleChoice) -> bool:
    """A single choice whose wrong-marked options give partial credit."""
    return isinstance(question, SingleChoice) and any(
        o.weight for o in question.options if not o.correct)


def _weights(question: SingleChoice | MultipleChoice) -> list[float]:
    """Percent per option: the correct single choice 100 and the partial credits, or the
    trainer's weights, or the course's default rule."""
    from ketatraining.interop.moodle_grades import default_weights

    if isinstance(question, SingleChoice):
        return [100.0 if o.correct else o.weight or 0.0 for o in question.options]
    if any(o.weight is not None for o in question.options):
        return [o.weight or 0.0 for o in question.options]
    return default_weights(question)


def _equal(value: ET.Element, *, absolute: float | None, relative: float | None) -> ET.Element:
    """qti-equal of RESPONSE and ``value``; absolute and relative tolerances are or-ed."""
    tests = []
    for mode, tolerance in (("absolute", absolute), ("relative", relative)):
        if tolerance is None:
            continue
        shown = _num(tolerance * 100 if mode == "relative" else tolerance)
        tests.append((mode, shown))
    if not tests:
        tests = [("exact", "")]
    elements = []
    for mode, shown in tests:
        attributes = {"tolerance-mode": mode}
        if mode != "exact":
            attributes.update({"tolerance": f"{shown} {shown}", "include-lower-bound": "true",
                               "include-upper-bound": "true"})
        equal = ET.Element("qti-equal", attributes)
        equal.append(_variable("RESPONSE"))
        copy = ET.Element(value.tag, value.attrib)
        copy.text = value.text
        equal.append(copy)
        elements.append(equal)
    if len(elements) == 1:
        return elements[0]
    either = ET.Element("qti-or")
    either.extend(elements)
    return either


def _numeric_item(item: ET.Element, question: Numeric) -> None:
    declaration = _el(item, "qti-response-declaration", identifier="RESPONSE",
                      cardinality="single", base_type="float")
    _value(_el(declaration, "qti-correct-response"), "qti-value", _num(question.value))
    _outcomes(item, question, "single")

    body = _el(item, "qti-item-body")
    _content(_el(body, "div"), question.prompt, inline=False)
    line = _el(body, "p")
    _el(line, "qti-text-entry-interaction", response_identifier="RESPONSE", expected_length="12")
    if question.units:  # marked, so an importer can tell the unit from the question
        line[-1].tail = " "
        _value(line, "span", question.units, **{"class": "units"})
    feedbacks = [("correct", question.feedback_correct), ("incorrect", question.feedback_incorrect)]
    order = sorted(range(len(question.alternatives)),
                   key=lambda i: -question.alternatives[i].credit)
    for index in order:
        alternative = question.alternatives[index]
        feedbacks.append((f"alternative-{index + 1}",
                          alternative.feedback or question.feedback_incorrect))
    _feedback_blocks(body, feedbacks)
    processing, condition = _unanswered(item, feedback="incorrect")
    right = _el(condition, "qti-response-else-if")
    right.append(_equal(ET.Element("qti-correct", {"identifier": "RESPONSE"}),
                        absolute=question.tolerance, relative=question.relative_tolerance))
    _set(right, "SCORE", number=question.points)
    _set(right, "FEEDBACK", identifier="correct")
    for index in order:
        alternative = question.alternatives[index]
        branch = _el(condition, "qti-response-else-if")
        target = ET.Element("qti-base-value", {"base-type": "float"})
        target.text = _num(alternative.value)
        branch.append(_equal(target, absolute=alternative.tolerance, relative=None))
        credit = min(100.0, max(0.0, alternative.credit))
        _set(branch, "SCORE", number=question.points * credit / 100)
        _set(branch, "FEEDBACK", identifier=f"alternative-{index + 1}")
    _otherwise_incorrect(processing, condition)


def _score_plus(parent: ET.Element, amount: float) -> None:
    """SCORE = SCORE + amount."""
    total = ET.Element("qti-sum")
    total.append(_variable("SCORE"))
    _value(total, "qti-base-value", _num(amount), base_type="float")
    _set(parent, "SCORE", total)


def _unanswered(item: ET.Element, feedback: str | None
                ) -> tuple[ET.Element, ET.Element]:
    """Response processing that starts 'no response: SCORE 0' (and its feedback);
    returns the processing element and the condition the type's branches go into."""
    processing = _el(item, "qti-response-processing")
    condition = _el(processing, "qti-response-condition")
    empty = _el(condition, "qti-response-if")
    _el(empty, "qti-is-null").append(_variable("RESPONSE"))
    _set(empty, "SCORE", number=0)
    if feedback is not None:
        _set(empty, "FEEDBACK", identifier=feedback)
    return processing, condition


def _otherwise_incorrect(processing: ET.Element, condition: ET.Element) -> None:
    """The last branch: any other response scores 0 with the wrong-answer feedback; the
    explanation is shown after every response."""
    otherwise = _el(condition, "qti-response-else")
    _set(otherwise, "SCORE", number=0)
    _set(otherwise, "FEEDBACK", identifier="incorrect")
    _set(processing, "EXPLANATION", identifier="shown")


def _feedback_blocks(body: ET.Element, feedbacks: list[tuple[str, str]]) -> None:
    for identifier, text in feedbacks:
        block = _el(body, "qti-feedback-block", outcome_identifier="FEEDBACK",
                    identifier=identifier, show_hide="show")
        _content(_el(block, "qti-content-body"), text, inline=False)


def _matching_item(item: ET.Element, question: Matching) -> None:
    """qti-match-interaction: directed pairs 'item answer', each right pair worth its share."""
    declaration = _el(item, "qti-response-declaration", identifier="RESPONSE",
                      cardinality="multiple", base_type="directedPair")
    correct = _el(declaration, "qti-correct-response")
    mapping = _el(declaration, "qti-mapping", lower_bound="0",
                  upper_bound=_num(question.points), default_value="0")
    share = question.points / len(question.items)
    for entry in question.items:
        pair = f"{_identifier(entry.id, 'choice-')} {_identifier(entry.answer, 'choice-')}"
        _value(correct, "qti-value", pair)
        _el(mapping, "qti-map-entry", map_key=pair, mapped_value=_num(share))
    _outcomes(item, question, "single")
    body = _el(item, "qti-item-body")
    interaction = _el(body, "qti-match-interaction", response_identifier="RESPONSE",
                      shuffle="true", max_associations=str(len(question.items)),
                      min_associations="0")
    _content(_el(interaction, "qti-prompt"), question.prompt, inline=False)
    sources = _el(interaction, "qti-simple-match-set")
    for entry in question.items:
        _content(_el(sources, "qti-simple-associable-choice",
                     identifier=_identifier(entry.id, "choice-"), match_max="1"),
                 entry.text, inline=True)
    targets = _el(interaction, "qti-simple-match-set")
    for answer in question.answers:
        _content(_el(targets, "qti-simple-associable-choice",
                     identifier=_identifier(answer.id, "choice-"),
                     match_max=str(len(question.items))), answer.text, inline=True)
    _feedback_blocks(body, [("correct", question.feedback_correct),
                            ("incorrect", question.feedback_incorrect)])
    processing, condition = _unanswered(item, feedback="incorrect")
    right = _el(condition, "qti-response-else-if")
    matches = _el(right, "qti-match")
    matches.append(_variable("RESPONSE"))
    _el(matches, "qti-correct", identifier="RESPONSE")
    _set(right, "SCORE", number=question.points)
    _set(right, "FEEDBACK", identifier="correct")
    otherwise = _el(condition, "qti-response-else")
    _set(otherwise, "SCORE", ET.Element("qti-map-response", {"identifier": "RESPONSE"}))
    _set(otherwise, "FEEDBACK", identifier="incorrect")
    _set(processing, "EXPLANATION", identifier="shown")


_XSD_SPECIAL = set("\\|.-^?*+{}()[]")


def _xsd_pattern(pattern: str, case_sensitive: bool) -> str:
    """A short_answer wildcard pattern as an XML Schema regex (anchored by definition).

    Spaces around and between words do not count, as in the course: the regex allows
    any whitespace before and after (``\\s*``) and any run of it between words (``\\s+``).
    """
    from ketatraining.quiz.types.short_answer import tokens

    parts = ["\\s*"]
    for token in tokens(" ".join(pattern.split())):
        if token is None:
            parts.append(".*")
        elif token == " ":
            parts.append("\\s+")
        elif not case_sensitive and token.lower() != token.upper():
            # the letter as the trainer wrote it first, so an import without our
            # comments reads the answer back as written ([Nn][Mm][Dd][Aa] is "NMDA")
            other = token.upper() if token == token.lower() else token.lower()
            parts.append(f"[{_xsd_char(token)}{_xsd_char(other)}]")
        else:
            parts.append(_xsd_char(token))
    parts.append("\\s*")
    return "".join(parts)


def _xsd_char(char: str) -> str:
    return "\\" + char if char in _XSD_SPECIAL else char


def _short_answer_item(item: ET.Element, question: ShortAnswer) -> None:
    """qti-text-entry-interaction: accepted answers tried from the highest credit down,
    each with qti-pattern-match. Exact answers too: qti-string-match compares the typed
    text as it is, so " dissociation" would score 0 in a QTI player while the course,
    which drops spaces around the answer and folds runs of them, gives full marks."""
    from ketatraining.quiz.types.short_answer import literal

    declaration = _el(item, "qti-response-declaration", identifier="RESPONSE",
                      cardinality="single", base_type="string")
    best = max(question.answers, key=lambda a: a.credit)
    _value(_el(declaration, "qti-correct-response"), "qti-value", literal(best.text))
    _outcomes(item, question, "single")
    body = _el(item, "qti-item-body")
    _content(_el(body, "div"), question.prompt, inline=False)
    _el(_el(body, "p"), "qti-text-entry-interaction", response_identifier="RESPONSE",
        expected_length="30")
    order = sorted(range(len(question.answers)), key=lambda i: -question.answers[i].credit)
    _feedback_blocks(body, [(f"answer-{i + 1}", feedback) for i in order
                            if (feedback := question.answers[i].feedback)]
                     + [("incorrect", question.feedback_incorrect)])
    processing, condition = _unanswered(item, feedback="incorrect")
    for index in order:
        answer = question.answers[index]
        branch = _el(condition, "qti-response-else-if")
        test = _el(branch, "qti-pattern-match",
                   pattern=_xsd_pattern(answer.text, question.case_sensitive))
        test.append(_variable("RESPONSE"))
        _set(branch, "SCORE", number=question.points * min(100.0, max(0.0, answer.credit)) / 100)
        _set(branch, "FEEDBACK", identifier=f"answer-{index + 1}")
    _otherwise_incorrect(processing, condition)


def _ordering_item(item: ET.Element, question: Ordering) -> None:
    """qti-order-interaction; relative_to_next adds points/(n-1) for each step that
    directly precedes the step that truly follows it, as the course grades it."""
    ids = [_identifier(s.id, "choice-") for s in question.steps]
    declaration = _el(item, "qti-response-declaration", identifier="RESPONSE",
                      cardinality="ordered", base_type="identifier")
    correct = _el(declaration, "qti-correct-response")
    for identifier in ids:
        _value(correct, "qti-value", identifier)
    _outcomes(item, question, "single")
    body = _el(item, "qti-item-body")
    interaction = _el(body, "qti-order-interaction", response_identifier="RESPONSE",
                      shuffle="true")
    _content(_el(interaction, "qti-prompt"), question.prompt, inline=False)
    for identifier, step in zip(ids, question.steps, strict=True):
        _content(_el(interaction, "qti-simple-choice", identifier=identifier), step.text,
                 inline=True)
    _feedback_blocks(body, [("correct", question.feedback_correct),
                            ("incorrect", question.feedback_incorrect)])
    processing = _el(item, "qti-response-processing")
    condition = _el(processing, "qti-response-condition")
    right = _el(condition, "qti-response-if")
    matches = _el(right, "qti-match")
    matches.append(_variable("RESPONSE"))
    _el(matches, "qti-correct", identifier="RESPONSE")
    _set(right, "SCORE", number=question.points)
    _set(right, "FEEDBACK", identifier="correct")
    otherwise = _el(condition, "qti-response-else")
    _set(otherwise, "SCORE", number=0)
    _set(otherwise, "FEEDBACK", identifier="incorrect")
    if question.scoring == "relative_to_next" and len(ids) > 1:
        share = question.points / (len(ids) - 1)
        for first, second in itertools.pairwise(ids):
            rule = _el(otherwise, "qti-response-condition")
            found = _el(rule, "qti-response-if")
            anywhere = _el(found, "qti-or")
            for position in range(1, len(ids)):
                both = _el(anywhere, "qti-and")
                for offset, wanted in ((0, first), (1, second)):
                    same = _el(both, "qti-match")
                    _el(same, "qti-index", n=str(position + offset)).append(
                        _variable("RESPONSE"))
                    _value(same, "qti-base-value", wanted, base_type="identifier")
            _score_plus(found, share)
    _set(processing, "EXPLANATION", identifier="shown")


def _root(tag: str, namespace: str, schema: str, **attributes: str) -> ET.Element:
    root = ET.Element(tag)
    root.set("xmlns", namespace)
    root.set("xmlns:xsi", XSI_NS)
    root.set("xsi:schemaLocation", f"{namespace} {schema}")
    for key, value in attributes.items():
        root.set(key.replace("_", "-"), value)
    return root


def item_identifier(question: AnyQuestion) -> str:
    return _identifier(question.id, "item-")


def _comment(meta: dict[str, Any]) -> ET.Element[Any]:
    """``<!-- ketatraining: {...} -->``: JSON, with '--' (not allowed in a comment) escaped."""
    return ET.Comment(meta_comment_text(meta, META_COMMENT))


def _item_meta(question: AnyQuestion) -> dict[str, Any]:
    """What QTI has no place for, and the Markdown behind each rendered text.

    The importer takes a Markdown source only while it still reads like the item's
    XHTML, so an item edited in another tool keeps the edit.
    """
    meta: dict[str, Any] = {"id": question.id, "prompt": question.prompt,
                            "explanation": question.explanation,
                            "objective": question.objective,
                            "references": list(question.references)}
    if question.difficulty:
        meta["difficulty"] = question.difficulty
    if question.tags:
        meta["tags"] = list(question.tags)
    match question:
        case SingleChoice() | MultipleChoice():
            meta["options"] = [{"id": o.id, "text": o.text, "feedback": o.feedback}
                               for o in question.options]
            if isinstance(question, MultipleChoice) and all(o.weight is None
                                                            for o in question.options):
                meta["default_weights"] = True
        case TrueFalse():
            meta["feedback_true"] = question.feedback_true
            meta["feedback_false"] = question.feedback_false
        case Numeric():
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
            meta["alternatives_feedback"] = [a.feedback for a in question.alternatives]
            if question.units is not None:
                meta["units"] = question.units
            meta["tolerance"] = question.tolerance
            meta["relative_tolerance"] = question.relative_tolerance
        case Matching():
            meta["items"] = [{"id": i.id, "text": i.text, "answer": i.answer}
                             for i in question.items]
            meta["answers"] = [{"id": a.id, "text": a.text} for a in question.answers]
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
        case ShortAnswer():
            meta["answers"] = [a.model_dump(exclude_none=True) for a in question.answers]
            meta["case_sensitive"] = question.case_sensitive
            meta["feedback_incorrect"] = question.feedback_incorrect
        case Ordering():
            meta["steps"] = [{"id": s.id, "text": s.text} for s in question.steps]
            meta["scoring"] = question.scoring
            meta["feedback_correct"] = question.feedback_correct
            meta["feedback_incorrect"] = question.feedback_incorrect
        case _:
            assert_never(question)
    return meta


def item_xml(question: AnyQuestion, *, shuffle: bool = False) -> ET.Element:
    """One question as a ``qti-assessment-item``; ``shuffle`` follows the quiz's."""
    item = _root("qti-assessment-item", QTI_NS, QTI_XSD, identifier=item_identifier(question),
                 title=question.id, adaptive="false", time_dependent="false")
    item.set(XML_LANG, "en")
    item.append(_comment(_item_meta(question)))
    match question:
        case Numeric():
            _numeric_item(item, question)
        case SingleChoice() | MultipleChoice() | TrueFalse():
            _choice_item(item, question, shuffle)
        case Matching():
            _matching_item(item, question)
        case ShortAnswer():
            _short_answer_item(item, question)
        case Ordering():
            _ordering_item(item, question)
        case _:
            assert_never(question)
    modal = _el(item, "qti-modal-feedback", outcome_identifier="EXPLANATION", identifier="shown",
                show_hide="show", title="Explanation")
    _content(_el(modal, "qti-content-body"), question.explanation, inline=False)
    return item


def test_identifier(quiz: Quiz) -> str:
    return _identifier(f"test-{quiz.id}", "test-")


def test_xml(quiz: Quiz) -> ET.Element:
    """The quiz as a ``qti-assessment-test``: order, shuffle, attempts and pass mark."""
    test = _root("qti-assessment-test", QTI_NS, QTI_XSD, identifier=test_identifier(quiz),
                 title=quiz.title)
    meta: dict[str, Any] = {"id": quiz.id, "title": quiz.title, "topic": quiz.topic,
                            "pass_mark": quiz.pass_mark, "shuffle": quiz.shuffle}
    if quiz.description is not None:
        meta["description"] = quiz.description
    if quiz.max_attempts is not None:
        meta["max_attempts"] = quiz.max_attempts
    test.append(_comment(meta))
    score = _el(test, "qti-outcome-declaration", identifier="SCORE", cardinality="single",
                base_type="float")
    _value(_el(score, "qti-default-value"), "qti-value", "0")
    _el(test, "qti-outcome-declaration", identifier="PASS", cardinality="single",
        base_type="boolean")
    part = _el(test, "qti-test-part", identifier="part-1", navigation_mode="nonlinear",
               submission_mode="individual")
    # One response per item in each attempt, as the course checks it. The quiz's
    # max_attempts counts retakes of the whole quiz, which a QTI test cannot say (the
    # delivery system sets it): it travels in the test's comment only.
    _el(part, "qti-item-session-control", max_attempts="1",
        show_feedback="true", allow_review="true", show_solution="false")
    section = _el(part, "qti-assessment-section", identifier="section-1", title=quiz.title,
                  visible="true")
    if quiz.shuffle:
        _el(section, "qti-ordering", shuffle="true")
    for question in quiz.questions:
        _el(section, "qti-assessment-item-ref", identifier=item_identifier(question),
            href=f"items/{item_identifier(question)}.xml")
    processing = _el(test, "qti-outcome-processing")
    _set(processing, "SCORE", ET.Element("qti-test-variables", {"variable-identifier": "SCORE"}))
    passing = ET.Element("qti-gte")
    passing.append(_variable("SCORE"))
    threshold = ET.SubElement(passing, "qti-base-value", {"base-type": "float"})
    threshold.text = _num(quiz.pass_mark / 100 * quiz.max_score)
    _set(processing, "PASS", passing)
    return test


def manifest_xml(quiz: Quiz) -> ET.Element:
    """``imsmanifest.xml``: one resource per item and one for the test."""
    manifest = _root("manifest", CP_NS, CP_XSD, identifier=_identifier(f"package-{quiz.id}",
                                                                        "package-"))
    metadata = _el(manifest, "metadata")
    _value(metadata, "schema", "QTI Package")
    _value(metadata, "schemaversion", "3.0.0")
    _el(manifest, "organizations")
    resources = _el(manifest, "resources")
    test_href = f"{test_identifier(quiz)}.xml"
    test = _el(resources, "resource", identifier=test_identifier(quiz), type=TEST_TYPE,
               href=test_href)
    _el(test, "file", href=test_href)
    for question in quiz.questions:
        _el(test, "dependency", identifierref=item_identifier(question))
    for question in quiz.questions:
        href = f"items/{item_identifier(question)}.xml"
        resource = _el(resources, "resource", identifier=item_identifier(question),
                       type=ITEM_TYPE, href=href)
        _el(resource, "file", href=href)
    return manifest


_MIXED = {"p", "li", "td", "th", "h3", "h4", "h5", "h6", "a", "abbr", "b", "code", "em", "i",
          "span", "strong", "sub", "sup", "pre", "qti-simple-choice", "qti-feedback-inline",
          "qti-value", "qti-base-value", "schema", "schemaversion"}


def _indent(element: ET.Element, level: int = 0) -> None:
    """Indent structure only: whitespace inside text-bearing elements would show."""
    if element.tag in _MIXED or not len(element):
        return
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def _bytes(element: ET.Element) -> bytes:
    _indent(element)
    data: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def write_qti_package(quiz: Quiz, path: str | os.PathLike[str]) -> list[Problem]:
    """Write ``quiz`` as a QTI 3.0 content package (zip) at ``path``; what it cannot
    carry (KE002: the quiz's random draws) is returned.

    The zip is reproducible (fixed timestamps, stable order) and written through a
    temporary file, so a failure never leaves half a package behind.
    """
    target = Path(path)
    files = [("imsmanifest.xml", manifest_xml(quiz)),
             (f"{test_identifier(quiz)}.xml", test_xml(quiz))]
    files += [(f"items/{item_identifier(q)}.xml", item_xml(q, shuffle=quiz.shuffle))
              for q in quiz.questions]
    check_output_folder(str(target))
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, element in files:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, _bytes(element))
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return pool_losses(quiz, str(target), "QTI")
