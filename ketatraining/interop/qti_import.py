"""Read QTI 3.0 items and tests (a content package zip, or one item's XML) as a quiz.

Supported, as other QTI 3.0 tools commonly write them:

- ``qti-choice-interaction``: ``max-choices="1"`` is a single-choice question (our own
  True/False choices come back as true/false); more is select-all-that-apply, with the
  ``qti-mapping`` as option weights;
- ``qti-text-entry-interaction``: a ``float``/``integer`` response is numeric (tolerance
  from ``qti-equal``, partial-credit branches as alternatives); a ``string`` response is
  short answer (``qti-correct-response`` and ``qti-mapping`` entries);
- ``qti-match-interaction`` (directed pairs) is matching; ``qti-order-interaction`` is
  ordering.

Per-choice ``qti-feedback-inline``, ``qti-feedback-block`` (numeric) and the modal
feedback become feedback and the explanation. Any other interaction, or an item with
more than one, is reported with the file, line and element and skipped. Content is
XHTML, which the course reads as Markdown (HTML is valid Markdown). Our own export
carries what QTI lacks (objective, references, Markdown sources) in an XML comment
``<!-- ketatraining: {...} -->`` that is read back, so a round trip is exact.
"""

from __future__ import annotations

import io
import json
import math
import posixpath
import re
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

from ketatraining.interop.common import (
    Collector,
    Refusal,
    prose,
    question_tail,
    refuse,
    restore,
)
from ketatraining.interop.safe_xml import XmlDocument, XmlError, children, local, parse_xml
from ketatraining.interop.yaml_writer import (
    TODO_FEEDBACK,
    TODO_FEEDBACK_CORRECT,
    TODO_FEEDBACK_INCORRECT,
    ImportResult,
    is_id,
    quiz_data,
    slug,
    unique_id,
)
from ketatraining.quiz.problems import Problem

__all__ = ["import_qti", "read_qti_files"]

META_COMMENT = "ketatraining:"
MAX_FILES = 20_000
MAX_TOTAL_BYTES = 64 * 1024 * 1024
_FEEDBACK = {"qti-feedback-inline", "qti-feedback-block", "qti-modal-feedback"}
_NUMERIC = {"float", "integer"}


def read_qti_files(data: bytes, path: str) -> tuple[dict[str, str], list[Problem]]:
    """The XML files of a package (name -> text), or of one XML file ({'': text})."""
    if not data.startswith(b"PK"):
        try:
            return {"": data.decode("utf-8-sig")}, []
        except UnicodeDecodeError as error:
            return {}, [Problem("KI040", f"The file is neither a zip package nor UTF-8 XML "
                                f"(byte {error.start}).", path,
                                hint="Give a QTI 3.0 package (.zip) or an item's .xml file.")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            return {}, [Problem("KI040", "The package holds too many or too large files "
                                f"(limits: {MAX_FILES} files, "
                                f"{MAX_TOTAL_BYTES // 2**20} MiB unpacked).", path,
                                hint="Export fewer items per package.")]
        files = {}
        for info in infos:
            if info.filename.lower().endswith(".xml") and not info.is_dir():
                files[info.filename] = archive.read(info).decode("utf-8-sig")
        return files, []
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, ValueError) as error:
        return {}, [Problem("KI040", f"The zip package cannot be read "
                            f"({type(error).__name__}).", path,
                            hint="Export the package again; check the download finished.")]
    except UnicodeDecodeError as error:
        return {}, [Problem("KI040", f"An XML file in the package is not UTF-8 (byte "
                            f"{error.start}).", path, hint="Save the XML files as UTF-8.")]


def _one(element: ET.Element, name: str) -> ET.Element | None:
    found = [e for e in element.iter() if local(e) == name]
    return found[0] if found else None


def _meta(element: ET.Element) -> dict[str, Any]:
    for child in element:
        is_comment = child.tag is ET.Comment  # type: ignore[comparison-overlap]
        text = (child.text or "").strip() if is_comment else ""
        if text.startswith(META_COMMENT):
            try:
                value = json.loads(text[len(META_COMMENT):])
            except json.JSONDecodeError as error:
                refuse("KI010", f"The '{META_COMMENT}' comment is not valid JSON "
                       f"({error.msg}).", "Fix or delete the comment.")
            return value if isinstance(value, dict) else {}
    return {}


def _strip(element: ET.Element, skip: frozenset[int] = frozenset()) -> ET.Element:
    """A copy without namespaces, comments or feedback, for serialising as HTML."""
    copy = ET.Element(local(element), {k: v for k, v in element.attrib.items()
                                       if "}" not in k})
    copy.text = element.text
    for child in element:
        name = local(child)
        if id(child) in skip:
            continue
        if not name or name in _FEEDBACK or name.endswith("-interaction"):
            tail = child.tail or ""
            if len(copy):
                copy[-1].tail = (copy[-1].tail or "") + tail
            else:
                copy.text = (copy.text or "") + tail
            continue
        inner = _strip(child, skip)
        inner.tail = child.tail
        copy.append(inner)
    return copy


def _html(element: ET.Element | None, skip: frozenset[int] = frozenset()) -> str:
    """The XHTML content inside ``element`` as an HTML string (Markdown-compatible)."""
    if element is None:
        return ""
    clean = _strip(element, skip)
    parts = [clean.text or ""]
    for child in clean:
        parts.append(ET.tostring(child, encoding="unicode", short_empty_elements=False))
    text = "".join(parts).strip()
    text = re.sub(r"<(br|hr)></\1>", r"<\1>", text)
    return re.sub(r"\n\s*\n", "\n", text)


def _float(text: str | None, what: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        refuse("KI012", f"The {what} '{(text or '').strip()}' is not a number.",
               f"Write the {what} as a number.")
    if not math.isfinite(value):
        refuse("KI012", f"The {what} is not a finite number.", f"Write the {what} as a number.")
    return value


class _Declaration:
    def __init__(self, element: ET.Element) -> None:
        self.identifier = element.get("identifier", "")
        self.cardinality = element.get("cardinality", "single")
        self.base_type = element.get("base-type", "identifier")
        correct = _one(element, "qti-correct-response")
        self.correct = [(v.text or "").strip() for v in children(correct, "qti-value")] if (
            correct is not None) else []
        mapping = _one(element, "qti-mapping")
        self.mapping: dict[str, float] = {}
        self.case_sensitive = True
        self.default = 0.0
        self.upper: float | None = None
        if mapping is not None:
            self.default = _float(mapping.get("default-value", "0"), "default value")
            if mapping.get("upper-bound"):
                self.upper = _float(mapping.get("upper-bound"), "upper bound")
            for entry in children(mapping, "qti-map-entry"):
                key = entry.get("map-key", "")
                self.mapping[key] = _float(entry.get("mapped-value", "0"), "mapped value")
                if entry.get("case-sensitive", "true") == "false":
                    self.case_sensitive = False


class _Item:
    """One qti-assessment-item read into the course's question data."""

    def __init__(self, doc: XmlDocument, name: str, out: Collector) -> None:
        self.doc, self.root, self.name, self.out = doc, doc.root, name, out
        self.label = self.root.get("title") or self.root.get("identifier") or name
        self.declarations: dict[str, _Declaration] = {}
        self.meta: dict[str, Any] = {}

    def source(self, markdown: object, shown: str) -> str:
        """Our export's Markdown for ``shown`` if it still reads the same, else ``shown``."""
        return restore(markdown, shown)

    def where(self, element: ET.Element) -> int | None:
        return self.doc.line(element)

    def points(self) -> float:
        for declaration in children(self.root, "qti-outcome-declaration"):
            if declaration.get("identifier") == "MAXSCORE":
                value = _one(declaration, "qti-value")
                if value is not None:
                    return _float(value.text, "MAXSCORE")
        return 1.0

    def read(self) -> dict[str, Any] | None:
        self.meta = _meta(self.root)
        self.declarations = {d.identifier: d for d in
                             (_Declaration(e) for e in children(self.root,
                                                                "qti-response-declaration"))}
        body = _one(self.root, "qti-item-body")
        if body is None:
            refuse("KI040", "The item has no <qti-item-body>.", "Check the item file.")
        templates = [e for e in self.root if local(e) in ("qti-template-declaration",
                                                          "qti-template-processing")]
        if templates:  # values drawn per learner: a fixed key would be wrong
            self.out.skip(f"the item is a template (<{local(templates[0])}>): its values "
                          "change per learner, which the course cannot keep.",
                          self.where(templates[0]), self.label,
                          "Write one fixed version of the item.", field=self.name or None)
            return None
        interactions = [e for e in body.iter() if local(e).endswith("-interaction")]
        if len(interactions) != 1:
            what = ("no interaction" if not interactions else
                    f"{len(interactions)} interactions ("
                    + ", ".join(sorted({f'<{local(e)}>' for e in interactions})) + ")")
            self.out.skip(f"the item has {what}; the course imports items with exactly one.",
                          self.where(interactions[0] if interactions else body), self.label,
                          "Split the item into one item per interaction.",
                          field=self.name or None)
            return None
        interaction = interactions[0]
        kind = local(interaction)
        reader = {"qti-choice-interaction": self._choice,
                  "qti-text-entry-interaction": self._text_entry,
                  "qti-match-interaction": self._match,
                  "qti-order-interaction": self._order}.get(kind)
        if reader is None:
            self.out.skip(f"<{kind}> is an interaction the course cannot import.",
                          self.where(interaction), self.label,
                          "Rewrite it as a choice, text-entry, match or order interaction.",
                          field=self.name or None)
            return None
        declaration = self.declarations.get(interaction.get("response-identifier", ""))
        if declaration is None:
            refuse("KI042", f"<{kind}> names response "
                   f"'{interaction.get('response-identifier', '')}', which is not declared.",
                   "Declare it with <qti-response-declaration>.")
        data = reader(interaction, declaration, body)
        if data is None:
            return None
        return self._assemble(data)

    def _assemble(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = body.pop("prompt")
        kind = body.pop("type")
        question: dict[str, Any] = {"id": "", "type": kind,
                                    "prompt": prose(prompt, "TODO: write the question.")}
        question.update(body)
        modal = [m for m in children(self.root, "qti-modal-feedback")]
        explanation = ""
        if modal:
            content = _one(modal[0], "qti-content-body")
            explanation = _html(content if content is not None else modal[0])
        meta = self.meta
        question["prompt"] = self.source(meta.get("prompt"), question["prompt"])
        explanation = self.source(meta.get("explanation"), explanation)
        question_tail(question, explanation, meta, [], self.points())
        return question

    def _prompt(self, interaction: ET.Element, body: ET.Element,
                skip: frozenset[int] = frozenset()) -> str:
        prompt = _one(interaction, "qti-prompt")
        outside = _html(body, skip)
        inside = _html(prompt)
        return "\n".join(p for p in (outside, inside) if p.strip())

    def _feedback(self, element: ET.Element, identifier: str) -> str:
        for feedback in element.iter():
            if local(feedback) in ("qti-feedback-inline", "qti-feedback-block") and (
                    feedback.get("identifier") == identifier):
                content = _one(feedback, "qti-content-body")
                return _html(content if content is not None else feedback)
        return ""

    # -- interactions -----------------------------------------------------------------
    def _choice(self, interaction: ET.Element, declaration: _Declaration,
                body: ET.Element) -> dict[str, Any] | None:
        choices = children(interaction, "qti-simple-choice")
        if len(choices) < 2:
            refuse("KI011", f"The choice interaction has {len(choices)} choice(s).",
                   "Give at least two qti-simple-choice elements.")
        ids = [c.get("identifier", "") for c in choices]
        texts = [_html(c) for c in choices]
        feedback = [self._feedback(body, i) for i in ids]
        multiple = declaration.cardinality != "single" or interaction.get("max-choices") != "1"
        prompt = self._prompt(interaction, body)
        meta_options = self.meta.get("options")
        if isinstance(meta_options, list) and len(meta_options) == len(choices) and all(
                isinstance(o, dict) for o in meta_options):
            texts = [self.source(o.get("text"), t) for o, t in zip(meta_options, texts,
                                                                   strict=True)]
            feedback = [self.source(o.get("feedback"), f)
                        for o, f in zip(meta_options, feedback, strict=True)]
            ids = [str(o["id"]) if isinstance(o.get("id"), str) and raw.endswith(o["id"])
                   else raw for o, raw in zip(meta_options, ids, strict=True)]
        if not multiple and sorted(ids) == ["false", "true"] and self.meta.get(
                "type", "true_false") == "true_false" and [re.sub("<[^>]+>", "", t).strip()
                                                           for t in texts] in (
                ["True", "False"], ["False", "True"]):
            by_id = dict(zip(ids, feedback, strict=True))
            return {"type": "true_false", "prompt": prompt,
                    "answer": declaration.correct == ["true"],
                    "feedback_true": prose(self.source(self.meta.get("feedback_true"),
                                                       by_id["true"]), TODO_FEEDBACK),
                    "feedback_false": prose(self.source(self.meta.get("feedback_false"),
                                                        by_id["false"]), TODO_FEEDBACK)}
        raw_ids = [c.get("identifier", "") for c in choices]
        options: list[dict[str, Any]] = []
        for oid, raw, text, note in zip(ids, raw_ids, texts, feedback, strict=True):
            option_id = oid if is_id(oid) else slug(oid, f"o{len(options) + 1}")
            options.append({"id": option_id, "text": prose(text, "TODO: write this option."),
                            "correct": raw in declaration.correct,
                            "feedback": prose(note, TODO_FEEDBACK)})
        if not multiple:
            if sum(o["correct"] for o in options) != 1:
                refuse("KI013", "The single-choice item does not have exactly one correct "
                       "choice.", "Give one qti-value in qti-correct-response.")
            if declaration.mapping and self._maps_response():  # partial credit
                points = self.points()
                for option, raw in zip(options, raw_ids, strict=True):
                    weight = declaration.mapping.get(raw, declaration.default) / points * 100
                    if not option["correct"] and abs(weight) > 1e-9:
                        option["weight"] = round(weight, 9)
            return {"type": "single_choice", "prompt": prompt, "options": options}
        if declaration.mapping:
            points = self.points()
            weights = [declaration.mapping.get(r, declaration.default) / points * 100
                       for r in raw_ids]
            if self.meta.get("default_weights") is not True:
                for option, weight in zip(options, weights, strict=True):
                    option["weight"] = round(weight, 9)
            if not declaration.correct:
                for option, weight in zip(options, weights, strict=True):
                    option["correct"] = weight > 0
        if not any(o["correct"] for o in options):
            refuse("KI013", "No choice of the multiple-choice item is correct.",
                   "List the correct choices in qti-correct-response.")
        self._all_or_nothing(interaction, "the exact set of right choices",
                             "a partly right set of ticks")
        return {"type": "multiple_choice", "prompt": prompt, "options": options}

    def _all_or_nothing(self, interaction: ET.Element, exact: str, partly: str) -> None:
        """KI021: the item scores only an exact match with the correct response (the
        match_correct template or a qti-match), which the course's rule for this type
        cannot say: it gives part of the points for a partly right answer."""
        processing = _one(self.root, "qti-response-processing")
        if processing is None or self._maps_response() or not (
                processing.get("template", "").rstrip("/").endswith("match_correct")
                or any(local(e) == "qti-match" for e in processing.iter())):
            return
        self.out.lost(f"The item gives its points only for {exact} (match_correct); the "
                      f"course gives part of the points for {partly}.",
                      self.where(interaction), self.label,
                      "Check the marks after the import, or score the item with a "
                      "qti-mapping (map_response) so that each part carries its share.",
                      field=self.name or None)

    def _text_entry(self, interaction: ET.Element, declaration: _Declaration,
                    body: ET.Element) -> dict[str, Any] | None:
        line, units = _units_line(interaction, body, self.meta.get("units"))
        prompt = self._prompt(interaction, body, frozenset({id(line)}) if line is not None
                              else frozenset())
        if declaration.base_type in _NUMERIC:
            data = self._numeric(declaration, body, prompt)
            units = self.meta["units"] if isinstance(self.meta.get("units"), str) else units
            if units:
                data = {k: v for k, v in data.items() if k != "feedback_correct"} | {
                    "units": units, "feedback_correct": data["feedback_correct"]}
                data = _ordered(data)
            return data
        if line is not None:  # a text answer: the line is part of the question
            prompt = self._prompt(interaction, body)
        if declaration.base_type != "string":
            refuse("KI041", f"A text entry with base-type '{declaration.base_type}' cannot "
                   "be imported.", "Use base-type float, integer or string.")
        return self._short_answer(interaction, declaration, body, prompt)

    def _short_answer(self, interaction: ET.Element, declaration: _Declaration,
                      body: ET.Element, prompt: str) -> dict[str, Any] | None:
        """Accepted answers from qti-string-match / qti-pattern-match branches (our export
        and others), else from the correct response and the mapping."""
        points = self.points()
        found: list[tuple[int, dict[str, Any]]] = []
        case = declaration.case_sensitive
        processing = _one(self.root, "qti-response-processing")
        for branch in processing.iter() if processing is not None else ():
            if local(branch) not in ("qti-response-if", "qti-response-else-if"):
                continue
            tests = [e for e in branch if local(e) in ("qti-string-match", "qti-pattern-match")]
            score = self._branch_score(branch)
            if not tests or score is None:
                continue
            test = tests[0]
            if local(test) == "qti-string-match":
                base = [e for e in test if local(e) == "qti-base-value"]
                text = _escape_star("".join(base[0].itertext()) if base else "")
                case = test.get("case-sensitive", "true") == "true"
            else:
                read = _wildcard(test.get("pattern", ""))
                if read is None:
                    self.out.lost(f"The pattern '{test.get('pattern', '')}' is not a '*' "
                                  "wildcard the course can keep; the answer is left out.",
                                  self.where(test), self.label, "Write the accepted answer "
                                  "with '*' wildcards only.", field=self.name or None)
                    continue
                text, implied = read
                if implied is not None:  # [dD] pairs: case-insensitive; plain letters: not
                    case = implied
            feedback_id = self._branch_feedback(branch) or ""
            order = int(feedback_id[7:]) if feedback_id[7:].isdigit() else len(found) + 1
            entry: dict[str, Any] = {"text": text,
                                     "credit": round(max(0.0, min(100.0, score / points * 100)),
                                                     9)}
            feedback = self._feedback(body, feedback_id) if feedback_id else ""
            if feedback:
                entry["feedback"] = feedback
            found.append((order, entry))
        answers = [entry for _, entry in sorted(found, key=lambda pair: pair[0])]
        if not answers:
            mapped = {c: 100.0 for c in declaration.correct}
            for key, value in declaration.mapping.items():
                mapped[key] = max(0.0, min(100.0, value / points * 100))
            answers = [{"text": _escape_star(k), "credit": v} for k, v in mapped.items()
                       if v > 0]
        if not any(a["credit"] >= 100 for a in answers):
            refuse("KI013", "No text answer earns full marks.",
                   "Give the right answer in qti-correct-response.")
        mine = self.meta.get("answers")
        if isinstance(mine, list) and len(mine) == len(answers):
            for entry, exact in zip(answers, mine, strict=True):
                if isinstance(exact, dict) and isinstance(exact.get("text"), str) and (
                        _same_answer(exact["text"], entry["text"], case)):
                    entry["text"] = exact["text"]
                    if isinstance(exact.get("credit"), (int, float)) and math.isclose(
                            exact["credit"], entry["credit"], abs_tol=1e-6):
                        entry["credit"] = float(exact["credit"])
                    note = exact.get("feedback")
                    shown = entry.pop("feedback", "")
                    if isinstance(note, str):
                        entry["feedback"] = self.source(note, shown)
        incorrect = self.source(self.meta.get("feedback_incorrect"),
                                self._feedback(body, "incorrect"))
        return {"type": "short_answer", "prompt": prompt, "answers": answers,
                "case_sensitive": case,
                "feedback_incorrect": prose(incorrect, TODO_FEEDBACK_INCORRECT)}

    def _maps_response(self) -> bool:
        """Whether the score is the mapping (qti-map-response, or the map_response
        template), rather than a match with the correct response."""
        processing = _one(self.root, "qti-response-processing")
        if processing is None:
            return False
        template = processing.get("template", "")
        return template.rstrip("/").endswith("map_response") or any(
            local(e) == "qti-map-response" for e in processing.iter())

    def _branch_score(self, branch: ET.Element) -> float | None:
        for setter in branch:
            value = [e for e in setter if local(e) == "qti-base-value"]
            if local(setter) == "qti-set-outcome-value" and setter.get(
                    "identifier") == "SCORE" and value:
                return _float(value[0].text, "score")
        return None

    def _branch_feedback(self, branch: ET.Element) -> str | None:
        for setter in branch:
            value = [e for e in setter if local(e) == "qti-base-value"]
            if local(setter) == "qti-set-outcome-value" and setter.get(
                    "identifier") == "FEEDBACK" and value:
                return (value[0].text or "").strip()
        return None

    def _pair_feedback(self, body: ET.Element) -> tuple[str, str]:
        correct = self.source(self.meta.get("feedback_correct"), self._feedback(body, "correct"))
        incorrect = self.source(self.meta.get("feedback_incorrect"),
                                self._feedback(body, "incorrect"))
        return (prose(correct, TODO_FEEDBACK_CORRECT), prose(incorrect, TODO_FEEDBACK_INCORRECT))

    def _numeric(self, declaration: _Declaration, body: ET.Element,
                 prompt: str) -> dict[str, Any]:
        if not declaration.correct:
            refuse("KI013", "The numeric item has no correct value.",
                   "Give the value in qti-correct-response.")
        value = _float(declaration.correct[0], "correct value")
        points = self.points()
        branches = self._branches()
        tolerance: float | None = None
        relative: float | None = None
        alternatives: list[dict[str, Any]] = []
        main_feedback, wrong_feedback = "correct", "incorrect"
        for target, absolute, rel, score, feedback_id in branches:
            if target is None:  # compared with the correct value
                tolerance, relative = absolute, rel
                main_feedback = feedback_id or main_feedback
            elif score is not None and (score > 0 or (feedback_id or "").startswith(
                    "alternative-")):
                order = len(alternatives)
                if (feedback_id or "").startswith("alternative-"):
                    digits = (feedback_id or "")[len("alternative-"):]
                    order = int(digits) if digits.isdigit() else order
                alternative: dict[str, Any] = {"value": target, "tolerance": absolute or 0.0,
                                               "credit": round(score / points * 100, 9),
                                               "order": order}
                text = self._feedback(body, feedback_id or "")
                if text:
                    alternative["feedback"] = text
                alternatives.append(alternative)
        data: dict[str, Any] = {"type": "numeric", "prompt": prompt, "value": value}
        meta = self.meta
        for key, found in (("tolerance", tolerance), ("relative_tolerance", relative)):
            written = meta.get(key) if key in meta else found
            if isinstance(written, (int, float)) and found is not None and math.isclose(
                    written, found, rel_tol=1e-9, abs_tol=1e-12):
                found = float(written)  # our export's exact value, not the percent's
            if found is not None:
                data[key] = found
        data["feedback_correct"] = prose(self.source(meta.get("feedback_correct"),
                                                     self._feedback(body, main_feedback)),
                                         TODO_FEEDBACK_CORRECT)
        data["feedback_incorrect"] = prose(self.source(meta.get("feedback_incorrect"),
                                                       self._feedback(body, wrong_feedback)),
                                           TODO_FEEDBACK_INCORRECT)
        alternatives.sort(key=lambda a: a.pop("order"))
        notes = meta.get("alternatives_feedback")
        if isinstance(notes, list) and len(notes) == len(alternatives):
            for alternative, note in zip(alternatives, notes, strict=True):
                shown = alternative.pop("feedback", "")
                if isinstance(note, str):
                    alternative["feedback"] = self.source(note, shown)
        if alternatives:
            data["alternatives"] = alternatives
        return data

    def _branches(self) -> list[tuple[float | None, float | None, float | None, float | None,
                                      str | None]]:
        """(target or None for the correct value, abs tol, rel tol, score, feedback id)."""
        processing = _one(self.root, "qti-response-processing")
        found: list[tuple[float | None, float | None, float | None, float | None,
                          str | None]] = []
        if processing is None:
            return found
        for branch in processing.iter():
            if local(branch) not in ("qti-response-if", "qti-response-else-if"):
                continue
            tests = [e for e in branch if local(e) in ("qti-equal", "qti-or", "qti-match")]
            if not tests:
                continue
            equals = [e for e in tests[0].iter() if local(e) in ("qti-equal", "qti-match")]
            target: float | None = None
            absolute: float | None = None
            relative: float | None = None
            for equal in equals:
                base = [e for e in equal if local(e) == "qti-base-value"]
                if base:
                    target = _float(base[0].text, "compared value")
                mode = equal.get("tolerance-mode", "exact")
                first = (equal.get("tolerance") or "0").split()[0] if mode != "exact" else "0"
                if mode == "absolute":
                    absolute = _float(first, "tolerance")
                elif mode == "relative":
                    relative = _float(first, "tolerance") / 100
            score: float | None = None
            feedback_id: str | None = None
            for setter in branch:
                if local(setter) != "qti-set-outcome-value":
                    continue
                value = [e for e in setter if local(e) == "qti-base-value"]
                if setter.get("identifier") == "SCORE" and value:
                    score = _float(value[0].text, "score")
                if setter.get("identifier") == "FEEDBACK" and value:
                    feedback_id = (value[0].text or "").strip()
            found.append((target, absolute, relative, score, feedback_id))
        return found

    def _match(self, interaction: ET.Element, declaration: _Declaration,
               body: ET.Element) -> dict[str, Any] | None:
        sets = children(interaction, "qti-simple-match-set")
        if len(sets) != 2:
            refuse("KI041", f"The match interaction has {len(sets)} match sets, not 2.",
                   "Give one set of items and one of answers.")
        first, second = (children(s, "qti-simple-associable-choice") for s in sets)
        pairs: dict[str, str] = {}
        for value in declaration.correct:
            bits = value.split()
            if len(bits) == 2:
                pairs[bits[0]] = bits[1]
        if not pairs:
            refuse("KI013", "The match interaction has no correct pairs.",
                   "List the pairs in qti-correct-response, e.g. <qti-value>A R1</qti-value>.")
        names = self._ids(first + second)
        items = []
        for choice in first:
            raw = choice.get("identifier", "")
            if raw not in pairs:
                self.out.lost(f"The item '{raw}' has no correct answer; the course needs one "
                              "per item, so it is left out.", self.where(choice), self.label,
                              "Give every item a pair in qti-correct-response.",
                              field=self.name or None)
                continue
            items.append({"id": names[raw], "text": prose(
                self._text_of("items", raw, _html(choice)), "TODO: write this item."),
                          "answer": names.get(pairs[raw], pairs[raw])})
        answers = [{"id": names[c.get("identifier", "")], "text": prose(
            self._text_of("answers", c.get("identifier", ""), _html(c)),
            "TODO: write this answer.")} for c in second]
        self._all_or_nothing(interaction, "all the pairs right", "each right pair")
        correct, incorrect = self._pair_feedback(body)
        return {"type": "matching", "prompt": self._prompt(interaction, body),
                "items": items, "answers": answers,
                "feedback_correct": correct, "feedback_incorrect": incorrect}

    def _ids(self, choices: list[ET.Element]) -> dict[str, str]:
        """QTI identifiers -> the course's ids (our export's originals when known)."""
        known = [str(e.get("id")) for key in ("items", "answers", "steps")
                 for e in (self.meta.get(key) or []) if isinstance(e, dict)
                 and isinstance(e.get("id"), str)]
        names: dict[str, str] = {}
        for choice in choices:
            raw = choice.get("identifier", "")
            own = next((k for k in known if raw in (k, f"choice-{k}")), None)
            names[raw] = own or (raw if is_id(raw) else slug(raw, f"c{len(names) + 1}"))
        return names

    def _text_of(self, key: str, raw: str, shown: str) -> str:
        for entry in self.meta.get(key) or []:
            if isinstance(entry, dict) and raw in (entry.get("id"), f"choice-{entry.get('id')}"):
                return self.source(entry.get("text"), shown)
        return shown

    def _order(self, interaction: ET.Element, declaration: _Declaration,
               body: ET.Element) -> dict[str, Any] | None:
        choices = {c.get("identifier", ""): c for c in children(interaction, "qti-simple-choice")}
        if sorted(declaration.correct) != sorted(choices):
            refuse("KI013", "The correct order does not list every choice once.",
                   "List each choice identifier once in qti-correct-response.")
        if len(choices) < 2:
            refuse("KI011", f"The order interaction has {len(choices)} choice(s).",
                   "Give at least two qti-simple-choice elements to put in order.")
        names = self._ids(list(choices.values()))
        relative = any(local(e) == "qti-index" for e in self.root.iter())
        scoring = self.meta.get("scoring")
        if scoring not in ("all_or_nothing", "relative_to_next"):
            scoring = "relative_to_next" if relative else "all_or_nothing"
        correct, incorrect = self._pair_feedback(body)
        return {"type": "ordering", "prompt": self._prompt(interaction, body),
                "steps": [{"id": names[i], "text": prose(
                    self._text_of("steps", i, _html(choices[i])), "TODO: write this step.")}
                          for i in declaration.correct],
                "scoring": scoring,
                "feedback_correct": correct, "feedback_incorrect": incorrect}

def _same_answer(mine: str, read: str, case_sensitive: bool) -> bool:
    mine, read = " ".join(mine.split()), " ".join(read.split())
    return mine == read if case_sensitive else mine.casefold() == read.casefold()


def _escape_star(text: str) -> str:
    """Typed text as a short-answer pattern: a literal '*' or '\\' is escaped."""
    return " ".join(text.replace("\\", "\\\\").replace("*", "\\*").split())


_PATTERN_TOKEN = re.compile(r"\\s\*|\\s\+|\.\*|\[(.)(.)\]|\\(.)|(.)", re.DOTALL)


def _wildcard(pattern: str) -> tuple[str, bool | None] | None:
    """An XML Schema regex that is only literals, '.*' and [xX] case pairs, as a
    short-answer pattern ('*' wildcards) and the case sensitivity it implies (False when
    its letters are [xX] pairs, True when they are plain, None without letters); None
    when it says more than that, or mixes both kinds of letter. ``\\s*`` and ``\\s+``
    (optional spaces, spaces between words) are how the course's own rule reads."""
    parts = []
    pairs = plain_letters = False
    for match in _PATTERN_TOKEN.finditer(pattern):
        whole, lower, upper, escaped, plain_char = (match.group(0), match.group(1),
                                                    match.group(2), match.group(3),
                                                    match.group(4))
        if whole == "\\s*":
            continue  # spaces around the answer (our export): they never count
        if whole == "\\s+":
            parts.append(" ")
        elif whole == ".*":
            parts.append("*")
        elif lower is not None:
            if lower.lower() != upper.lower():
                return None
            pairs = pairs or lower != upper
            parts.append(lower.replace("*", "\\*"))
        elif escaped is not None:
            parts.append("\\*" if escaped == "*" else escaped.replace("\\", "\\\\"))
        elif plain_char in "|.^?+{}()[]\\$":
            return None
        else:
            plain_letters = plain_letters or plain_char.lower() != plain_char.upper()
            parts.append(plain_char)
    if pairs and plain_letters:
        return None
    return "".join(parts), (False if pairs else True if plain_letters else None)


_NUMERIC_ORDER = ("type", "prompt", "value", "units", "tolerance", "relative_tolerance",
                  "feedback_correct", "feedback_incorrect", "alternatives")


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """Numeric fields in the order of the quiz files (so written YAML reads as usual)."""
    return {k: data[k] for k in _NUMERIC_ORDER if k in data}


def _units_line(interaction: ET.Element, body: ET.Element, known: object = None,
                ) -> tuple[ET.Element | None, str | None]:
    """The paragraph that holds only the entry box and a unit after it ('[ ] mg')."""
    for parent in body.iter():
        if interaction in list(parent):
            others = [c for c in parent if c is not interaction and local(c)]
            tail = (interaction.tail or "").strip()
            marked = [c for c in others if local(c) == "span" and c.get("class") == "units"]
            if marked and len(others) == 1 and not tail and not (marked[0].tail or "").strip():
                return parent, "".join(marked[0].itertext()).strip() or None
            if (local(parent) == "p" and not others and not (parent.text or "").strip()
                    and (len(tail) <= 20 or tail == known)):
                return parent, tail or None
            return None, None
    return None, None


def _test_order(files: dict[str, str], docs: dict[str, XmlDocument],
                ) -> tuple[list[str], XmlDocument | None]:
    """Item file names in the test's order (or the files' order), and the test."""
    tests = [n for n, d in docs.items() if local(d.root) == "qti-assessment-test"]
    items = [n for n, d in docs.items() if local(d.root) == "qti-assessment-item"]
    if not tests:
        return items, None
    test_name = tests[0]
    test = docs[test_name]
    ordered = []
    base = posixpath.dirname(test_name)
    for ref in test.root.iter():
        if local(ref) == "qti-assessment-item-ref":
            href = posixpath.normpath(posixpath.join(base, ref.get("href", "")))
            if href in docs:
                ordered.append(href)
    ordered += [n for n in items if n not in ordered]
    return ordered, test


def _test_losses(test: XmlDocument, out: Collector, where: str) -> None:
    """What a test says that the course's quiz cannot: random selection, time limits."""
    for element in test.root.iter():
        name = local(element)
        if name == "qti-selection":
            out.lost(f"<qti-selection select=\"{element.get('select', '')}\"> draws a random "
                     "subset of the items; the course shows every question.",
                     test.line(element), None, "Use a question pool in the course instead.",
                     field=where)
        elif name == "qti-time-limits":
            out.lost("<qti-time-limits> cannot be kept; the course has no time limit.",
                     test.line(element), None, "Remove the time limit.", field=where)


def import_qti(
    data: bytes | str,
    *,
    quiz_id: str,
    path: str = "<qti>",
    strict: bool = False,
    title: str | None = None,
) -> ImportResult:
    """A QTI 3.0 package (zip bytes) or one item's XML to quiz data."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    files, problems = read_qti_files(raw, path)
    if problems:
        return ImportResult(None, problems)
    out = Collector(path, strict)
    docs: dict[str, XmlDocument] = {}
    for name, text in files.items():
        if posixpath.basename(name) == "imsmanifest.xml":
            continue
        where = f"{path}!{name}" if name else path
        try:
            doc = parse_xml(text)
        except XmlError as error:
            out.problems.append(Problem("KI040", error.message, where, error.line,
                                        error.column, hint="Check the XML file."))
            continue
        if local(doc.root) in ("qti-assessment-item", "qti-assessment-test"):
            docs[name] = doc
        elif local(doc.root) in ("assessmentItem", "assessmentTest"):
            out.problems.append(Problem("KI040", f"<{local(doc.root)}> is QTI 2.x; this "
                                        "importer reads QTI 3.0.", where, doc.line(doc.root),
                                        hint="Export as QTI 3.0."))
    order, test = _test_order(files, docs)
    if test is not None:
        _test_losses(test, out, next(n for n, d in docs.items() if d is test) or path)
    taken: set[str] = set()
    questions = []
    for name in order:
        doc = docs[name]
        item_out = Collector(f"{path}!{name}" if name else path, strict)
        item = _Item(doc, name, item_out)
        try:
            question = item.read()
        except Refusal as refusal:
            item_out.fail(refusal.code, refusal.message, doc.line(doc.root), item.label,
                          refusal.hint)
            question = None
        out.problems.extend(item_out.problems)
        out.skipped += item_out.skipped
        if question is None:
            continue
        wanted = item.meta.get("id") if isinstance(item.meta.get("id"), str) else None
        identifier = doc.root.get("identifier", "")
        wanted = wanted or doc.root.get("title")
        if not wanted or not is_id(wanted):
            wanted = identifier if is_id(identifier) else slug(identifier or "",
                                                              f"{quiz_id}-{len(taken) + 1}")
        question["id"] = unique_id(wanted, taken)
        questions.append(question)
    return out.result(questions, lambda qs: _quiz(quiz_id, title, qs, test, path))


def _quiz(quiz_id: str, title: str | None, questions: list[dict[str, Any]],
          test: XmlDocument | None, path: str) -> dict[str, Any]:
    meta = _meta(test.root) if test is not None else {}
    shuffle = False
    pass_mark: float = 70
    if test is not None:
        title = title or test.root.get("title")
        shuffle = any(local(e) == "qti-ordering" and e.get("shuffle") == "true"
                      for e in test.root.iter())
        total = sum(q["points"] for q in questions)
        threshold = [e for e in test.root.iter() if local(e) == "qti-gte"]
        values = [e for e in threshold[0] if local(e) == "qti-base-value"] if threshold else []
        if values and total:
            pass_mark = round(_float(values[0].text, "pass score") / total * 100, 6)
    if isinstance(meta.get("pass_mark"), (int, float)):
        pass_mark = meta["pass_mark"]
    attempts = meta.get("max_attempts")
    description = meta.get("description") if meta else (
        f"Imported from {path.rsplit('/', 1)[-1]}. Check the title, topic and pass mark, "
        "and replace every TODO.")
    return quiz_data(
        quiz_id,
        title or quiz_id.replace("-", " ").replace("_", " ").capitalize(),
        questions,
        description=description if isinstance(description, str) else None,
        topic=str(meta["topic"]) if isinstance(meta.get("topic"), str) else "imported",
        pass_mark=pass_mark,
        max_attempts=attempts if isinstance(attempts, int) else None,
        shuffle=meta.get("shuffle") is True if "shuffle" in meta else shuffle,
    )
