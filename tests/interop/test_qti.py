"""QTI 3.0 export: the package's structure checked element by element, and its
response processing executed to prove it scores like the course does.

The 1EdTech QTI 3.0 XSD is not shipped by any PyPI, npm or Debian package (checked:
none of the QTI packages there contain it), so instead of schema validation the
checks below encode the XSD's rules for every element the writer emits: allowed
children and their order, required and allowed attributes, value types, and that
every identifier a rule refers to is declared.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from ketatraining.errors import KetaTrainingError
from ketatraining.interop.qti import CP_NS, ITEM_TYPE, QTI_NS, TEST_TYPE, write_qti_package
from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import CATALOG_FILES, check_file
from ketatraining.quiz.model import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Quiz,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

QUIZ_DIR = Path(__file__).resolve().parents[2] / "quizzes"
BANKS = sorted(p for p in QUIZ_DIR.glob("*.yaml") if p.name not in CATALOG_FILES)
Q = f"{{{QTI_NS}}}"
CP = f"{{{CP_NS}}}"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
BOOL = {"true", "false"}
BASE_TYPES = {"identifier", "boolean", "integer", "float", "string", "point", "pair",
              "directedPair", "duration", "file", "uri"}
HTML = {"p", "div", "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6",
        "hr", "i", "li", "ol", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul"}
EXPRESSIONS = {"qti-variable", "qti-correct", "qti-base-value", "qti-map-response",
               "qti-is-null", "qti-match", "qti-equal", "qti-or", "qti-gte",
               "qti-test-variables", "qti-and", "qti-index", "qti-sum", "qti-string-match",
               "qti-pattern-match"}
RESPONSE_RULES = {"qti-set-outcome-value", "qti-response-condition"}

# element: (required attributes, optional attributes, allowed children in order or None)
RULES: dict[str, tuple[set[str], set[str], list[str] | None]] = {
    "qti-assessment-item": (
        {"identifier", "title", "adaptive", "time-dependent"},
        {"xml:lang", "xmlns:xsi", "xsi:schemaLocation"},
        ["qti-response-declaration", "qti-outcome-declaration", "qti-item-body",
         "qti-response-processing", "qti-modal-feedback"]),
    "qti-response-declaration": ({"identifier", "cardinality", "base-type"}, set(),
                                 ["qti-correct-response", "qti-mapping"]),
    "qti-outcome-declaration": ({"identifier", "cardinality", "base-type"}, set(),
                                ["qti-default-value"]),
    "qti-correct-response": (set(), set(), ["qti-value"]),
    "qti-default-value": (set(), set(), ["qti-value"]),
    "qti-value": (set(), set(), []),
    "qti-mapping": (set(), {"lower-bound", "upper-bound", "default-value"}, ["qti-map-entry"]),
    "qti-map-entry": ({"map-key", "mapped-value"}, set(), []),
    "qti-item-body": (set(), set(), None),
    "qti-choice-interaction": ({"response-identifier"}, {"shuffle", "max-choices",
                                                         "min-choices"},
                               ["qti-prompt", "qti-simple-choice"]),
    "qti-match-interaction": ({"response-identifier"}, {"shuffle", "max-associations",
                                                        "min-associations"},
                              ["qti-prompt", "qti-simple-match-set"]),
    "qti-simple-match-set": (set(), set(), ["qti-simple-associable-choice"]),
    "qti-simple-associable-choice": ({"identifier", "match-max"}, {"match-min"}, None),
    "qti-order-interaction": ({"response-identifier"}, {"shuffle", "min-choices",
                                                        "max-choices"},
                              ["qti-prompt", "qti-simple-choice"]),
    "qti-and": (set(), set(), None),
    "qti-index": ({"n"}, set(), None),
    "qti-sum": (set(), set(), None),
    "qti-string-match": ({"case-sensitive"}, {"substring"}, None),
    "qti-pattern-match": ({"pattern"}, set(), None),
    "qti-prompt": (set(), set(), None),
    "qti-simple-choice": ({"identifier"}, {"fixed"}, None),
    "qti-feedback-inline": ({"outcome-identifier", "identifier", "show-hide"}, set(), None),
    "qti-feedback-block": ({"outcome-identifier", "identifier", "show-hide"}, set(),
                           ["qti-content-body"]),
    "qti-modal-feedback": ({"outcome-identifier", "identifier", "show-hide"}, {"title"},
                           ["qti-content-body"]),
    "qti-content-body": (set(), set(), None),
    "qti-text-entry-interaction": ({"response-identifier"}, {"expected-length"}, []),
    "qti-response-processing": (set(), set(), ["qti-response-condition",
                                               "qti-set-outcome-value"]),
    "qti-response-condition": (set(), set(), ["qti-response-if", "qti-response-else-if",
                                              "qti-response-else"]),
    "qti-response-if": (set(), set(), None),
    "qti-response-else-if": (set(), set(), None),
    "qti-response-else": (set(), set(), None),
    "qti-set-outcome-value": ({"identifier"}, set(), None),
    "qti-variable": ({"identifier"}, set(), []),
    "qti-correct": ({"identifier"}, set(), []),
    "qti-base-value": ({"base-type"}, set(), []),
    "qti-map-response": ({"identifier"}, set(), []),
    "qti-is-null": (set(), set(), None),
    "qti-match": (set(), set(), None),
    "qti-equal": ({"tolerance-mode"}, {"tolerance", "include-lower-bound",
                                       "include-upper-bound"}, None),
    "qti-or": (set(), set(), None),
    "qti-gte": (set(), set(), None),
    "qti-assessment-test": ({"identifier", "title"}, {"xmlns:xsi", "xsi:schemaLocation"},
                            ["qti-outcome-declaration", "qti-test-part",
                             "qti-outcome-processing"]),
    "qti-test-part": ({"identifier", "navigation-mode", "submission-mode"}, set(),
                      ["qti-item-session-control", "qti-assessment-section"]),
    "qti-item-session-control": (set(), {"max-attempts", "show-feedback", "allow-review",
                                         "show-solution"}, []),
    "qti-assessment-section": ({"identifier", "title", "visible"}, set(),
                               ["qti-ordering", "qti-assessment-item-ref"]),
    "qti-ordering": ({"shuffle"}, set(), []),
    "qti-assessment-item-ref": ({"identifier", "href"}, set(), []),
    "qti-outcome-processing": (set(), set(), ["qti-set-outcome-value"]),
    "qti-test-variables": ({"variable-identifier"}, set(), []),
}
ENUMS = {"cardinality": {"single", "multiple", "ordered", "record"}, "base-type": BASE_TYPES,
         "show-hide": {"show", "hide"}, "tolerance-mode": {"exact", "absolute", "relative"},
         "navigation-mode": {"linear", "nonlinear"},
         "submission-mode": {"individual", "simultaneous"}}
BOOLEAN_ATTRIBUTES = {"adaptive", "time-dependent", "shuffle", "fixed", "include-lower-bound",
                      "include-upper-bound", "show-feedback", "allow-review", "show-solution",
                      "visible", "case-sensitive"}
INTEGER_ATTRIBUTES = {"max-choices", "min-choices", "expected-length", "max-attempts",
                      "max-associations", "min-associations", "match-max", "match-min", "n"}
FLOAT_ATTRIBUTES = {"lower-bound", "upper-bound", "default-value", "mapped-value"}
IDENTIFIER_ATTRIBUTES = {"identifier", "response-identifier", "outcome-identifier",
                         "map-key", "variable-identifier"}


def local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def attribute_name(name: str) -> str:
    return {"{http://www.w3.org/XML/1998/namespace}lang": "xml:lang",
            f"{{{'http://www.w3.org/2001/XMLSchema-instance'}}}schemaLocation":
            "xsi:schemaLocation"}.get(name, name)


def check_element(element: ET.Element, path: str = "") -> None:
    assert element.tag.startswith(Q), f"{path}: {element.tag} is not in the QTI 3 namespace"
    name = local(element.tag)
    where = f"{path}/{name}"
    if name in HTML:
        # class is one of the XSD's global HTML attributes; the exporter marks units
        allowed = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"class"}}.get(name,
                                                                                 set())
        assert set(element.attrib) <= allowed, (where, element.attrib)
        for child in element:
            assert local(child.tag) in HTML | {"qti-text-entry-interaction"}, (where, child.tag)
            if local(child.tag) == "span" and "class" in child.attrib:
                assert child.get("class") == "units", (where, child.attrib)
            check_element(child, where)
        return
    assert name in RULES, f"{where}: element not expected"
    required, optional, children = RULES[name]
    attributes = {attribute_name(a) for a in element.attrib}
    assert required <= attributes, f"{where}: missing {required - attributes}"
    assert attributes <= required | optional, f"{where}: unexpected {attributes - required - optional}"
    for attribute, value in element.attrib.items():
        attribute = attribute_name(attribute)
        if attribute in ENUMS:
            assert value in ENUMS[attribute], (where, attribute, value)
        if attribute in BOOLEAN_ATTRIBUTES:
            assert value in BOOL, (where, attribute, value)
        if attribute in INTEGER_ATTRIBUTES:
            assert re.fullmatch(r"\d+", value), (where, attribute, value)
        if attribute in FLOAT_ATTRIBUTES:
            float(value)
        if attribute in IDENTIFIER_ATTRIBUTES:
            parts = value.split(" ") if attribute == "map-key" else [value]  # directedPair
            assert len(parts) <= 2 and all(NCNAME.match(p) for p in parts), (where, value)
    kids = [local(c.tag) for c in element]
    if children is not None:
        order = [children.index(k) if k in children else -1 for k in kids]
        assert -1 not in order, f"{where}: unexpected child in {kids}"
        assert order == sorted(order), f"{where}: children out of order: {kids}"
    elif name in ("qti-response-if", "qti-response-else-if"):
        assert kids[0] in EXPRESSIONS and all(k in RESPONSE_RULES for k in kids[1:])
    elif name in ("qti-response-else",):
        assert all(k in RESPONSE_RULES for k in kids)
    elif name in ("qti-set-outcome-value", "qti-is-null", "qti-match", "qti-equal",
                  "qti-or", "qti-gte", "qti-and", "qti-index", "qti-sum", "qti-string-match",
                  "qti-pattern-match"):
        assert kids and all(k in EXPRESSIONS for k in kids), (where, kids)
        if name in ("qti-match", "qti-equal", "qti-gte", "qti-string-match"):
            assert len(kids) == 2, (where, kids)
        if name in ("qti-index", "qti-pattern-match"):
            assert len(kids) == 1, (where, kids)
    elif name in ("qti-item-body", "qti-prompt", "qti-content-body"):
        assert all(k in HTML | {"qti-choice-interaction", "qti-feedback-block",
                                "qti-match-interaction", "qti-order-interaction"}
                   for k in kids), kids
    elif name in ("qti-simple-choice", "qti-feedback-inline", "qti-simple-associable-choice"):
        block = {"p", "div", "ul", "ol", "table", "blockquote", "pre", "h3", "h4", "h5", "h6"}
        assert all(k in (HTML - block) | {"qti-feedback-inline"} for k in kids), (where, kids)
    if name == "qti-equal" and element.get("tolerance-mode") != "exact":
        values = element.get("tolerance", "").split()
        assert 1 <= len(values) <= 2 and all(float(v) >= 0 for v in values), where
    if name == "qti-base-value":
        text = element.text or ""
        if element.get("base-type") == "float":
            float(text)
        elif element.get("base-type") == "identifier":
            assert NCNAME.match(text), (where, text)
    for child in element:
        check_element(child, where)


def check_references(item: ET.Element) -> None:
    """Every identifier a rule or feedback uses is declared, with the right cardinality."""
    responses = {e.get("identifier"): e for e in item.iter(f"{Q}qti-response-declaration")}
    outcomes = {e.get("identifier"): e for e in item.iter(f"{Q}qti-outcome-declaration")}
    assert {"SCORE", "MAXSCORE"} <= set(outcomes)
    for element in item.iter():
        name = local(element.tag)
        if name in ("qti-choice-interaction", "qti-text-entry-interaction",
                    "qti-match-interaction", "qti-order-interaction"):
            assert element.get("response-identifier") in responses
        if name in ("qti-variable", "qti-correct", "qti-map-response"):
            assert element.get("identifier") in responses | outcomes
        if name == "qti-set-outcome-value":
            assert element.get("identifier") in outcomes
        if name in ("qti-feedback-inline", "qti-feedback-block", "qti-modal-feedback"):
            assert element.get("outcome-identifier") in outcomes
    choices = {c.get("identifier") for c in item.iter(f"{Q}qti-simple-choice")}
    choices |= {c.get("identifier") for c in item.iter(f"{Q}qti-simple-associable-choice")}
    for inline in item.iter(f"{Q}qti-feedback-inline"):
        assert inline.get("identifier") in choices
    for entry in item.iter(f"{Q}qti-map-entry"):
        assert set(entry.get("map-key").split(" ")) <= choices
    for value in item.iter(f"{Q}qti-correct-response"):
        declaration = next(d for d in responses.values() if value in list(d))
        if declaration.get("base-type") == "identifier":
            assert {v.text for v in value} <= choices
        if declaration.get("base-type") == "directedPair":
            assert {p for v in value for p in v.text.split(" ")} <= choices
    for interaction in item.iter(f"{Q}qti-choice-interaction"):
        declared = responses[interaction.get("response-identifier")].get("cardinality")
        max_choices = int(interaction.get("max-choices", "1"))
        assert (declared == "single") == (max_choices == 1)


# --- a small interpreter for the response processing the writer emits ---------------------


def evaluate(expression: ET.Element, item: ET.Element, variables: dict[str, Any]) -> Any:
    name = local(expression.tag)
    if name == "qti-variable":
        return variables.get(expression.get("identifier"))
    if name == "qti-base-value":
        text = expression.text or ""
        return float(text) if expression.get("base-type") == "float" else text
    if name == "qti-correct":
        declaration = find_declaration(item, expression.get("identifier"))
        values = [v.text for v in declaration.find(f"{Q}qti-correct-response")]
        if declaration.get("base-type") == "float":
            return float(values[0])
        if declaration.get("cardinality") == "ordered":
            return values
        return values[0] if declaration.get("cardinality") == "single" else set(values)
    if name == "qti-is-null":
        value = evaluate(expression[0], item, variables)
        return value is None or value == set()
    if name == "qti-match":
        return evaluate(expression[0], item, variables) == evaluate(expression[1], item,
                                                                    variables)
    if name == "qti-or":
        return any(evaluate(e, item, variables) for e in expression)
    if name == "qti-and":
        return all(evaluate(e, item, variables) for e in expression)
    if name == "qti-index":
        values = evaluate(expression[0], item, variables) or []
        n = int(expression.get("n"))
        return values[n - 1] if 1 <= n <= len(values) else None
    if name == "qti-sum":
        return sum(evaluate(e, item, variables) for e in expression)
    if name == "qti-string-match":
        a, b = (evaluate(e, item, variables) for e in expression)
        if expression.get("case-sensitive") == "false":
            a, b = a.casefold(), b.casefold()
        return a == b
    if name == "qti-pattern-match":
        # XML Schema regexes are anchored; the writer emits only escapes, classes and '.*'
        return re.fullmatch(expression.get("pattern"), evaluate(expression[0], item,
                                                               variables), re.DOTALL) is not None
    if name == "qti-equal":
        a, b = (evaluate(e, item, variables) for e in expression)
        mode = expression.get("tolerance-mode")
        if mode == "exact":
            return a == b
        t0, *rest = (float(v) for v in expression.get("tolerance", "").split())
        t1 = rest[0] if rest else t0
        if mode == "relative":
            low, high = b * (1 - t0 / 100), b * (1 + t1 / 100)
            low, high = min(low, high), max(low, high)
        else:
            low, high = b - t0, b + t1
        slack = 1e-9 * max(1.0, abs(b))
        below = a >= low - slack if expression.get("include-lower-bound") == "true" else a > low
        above = a <= high + slack if expression.get("include-upper-bound") == "true" else a < high
        return below and above
    if name == "qti-map-response":
        mapping = find_declaration(item, expression.get("identifier")).find(f"{Q}qti-mapping")
        entries = {e.get("map-key"): float(e.get("mapped-value")) for e in mapping}
        total = sum(entries.get(k, float(mapping.get("default-value", "0")))
                    for k in variables["RESPONSE"])
        return min(float(mapping.get("upper-bound")), max(float(mapping.get("lower-bound")),
                                                          total))
    raise AssertionError(f"unexpected expression {name}")


def find_declaration(item: ET.Element, identifier: str | None) -> ET.Element:
    return next(d for d in item.iter(f"{Q}qti-response-declaration")
                if d.get("identifier") == identifier)


def run_rules(rules: ET.Element, item: ET.Element, variables: dict[str, Any]) -> None:
    for rule in rules:
        name = local(rule.tag)
        if name == "qti-set-outcome-value":
            variables[rule.get("identifier")] = evaluate(rule[0], item, variables)
        elif name == "qti-response-condition":
            for branch in rule:
                kind = local(branch.tag)
                if kind == "qti-response-else" or evaluate(branch[0], item, variables):
                    body = list(branch) if kind == "qti-response-else" else list(branch)[1:]
                    holder = ET.Element("rules")
                    holder.extend(body)
                    run_rules(holder, item, variables)
                    break


def score(item: ET.Element, response: Any) -> tuple[float, Any]:
    variables: dict[str, Any] = {"RESPONSE": response}
    run_rules(item.find(f"{Q}qti-response-processing"), item, variables)
    return variables["SCORE"], variables.get("FEEDBACK")


# --- tests -----------------------------------------------------------------------------------


def load_bank(path: Path) -> Quiz:
    quiz, _ = check_file(path)
    if quiz is None:
        pytest.skip(f"{path.name} does not validate right now")
    return quiz


def package(quiz: Quiz, tmp_path: Path) -> dict[str, ET.Element]:
    target = tmp_path / f"{quiz.id}.zip"
    write_qti_package(quiz, target)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        return {name: ET.fromstring(archive.read(name)) for name in archive.namelist()}


def item_for(files: dict[str, ET.Element], question: Any) -> ET.Element:
    return next(root for name, root in files.items() if name.startswith("items/")
                and root.get("identifier").endswith(question.id))


def choice_identifiers(item: ET.Element) -> list[str]:
    return [c.get("identifier") for c in item.iter(f"{Q}qti-simple-choice")]


@pytest.mark.parametrize("path", BANKS, ids=[p.stem for p in BANKS])
def test_package_structure(path: Path, tmp_path: Path) -> None:
    quiz = load_bank(path)
    files = package(quiz, tmp_path)
    manifest = files.pop("imsmanifest.xml")
    assert manifest.tag == f"{CP}manifest"
    resources = manifest.find(f"{CP}resources")
    listed = {r.get("href"): r for r in resources}
    assert set(listed) == set(files)  # every file listed, nothing else in the zip
    items = [r for r in resources if r.get("type") == ITEM_TYPE]
    tests = [r for r in resources if r.get("type") == TEST_TYPE]
    assert len(items) == len(quiz.questions) and len(tests) == 1
    identifiers = {r.get("identifier") for r in resources}
    assert len(identifiers) == len(list(resources))
    for resource in resources:
        assert NCNAME.match(resource.get("identifier"))
        assert [f.get("href") for f in resource.findall(f"{CP}file")] == [resource.get("href")]
        for dependency in resource.findall(f"{CP}dependency"):
            assert dependency.get("identifierref") in identifiers
    for name, root in files.items():
        check_element(root)
        if root.tag == f"{Q}qti-assessment-item":
            check_references(root)
            assert listed[name].get("identifier") == root.get("identifier")
    test = files[tests[0].get("href")]
    refs = [r.get("href") for r in test.iter(f"{Q}qti-assessment-item-ref")]
    assert refs == [i.get("href") for i in items]  # quiz order
    assert (test.find(f".//{Q}qti-ordering") is not None) == quiz.shuffle


@pytest.mark.parametrize("path", BANKS, ids=[p.stem for p in BANKS])
def test_response_processing_scores_like_the_course(path: Path, tmp_path: Path) -> None:
    quiz = load_bank(path)
    files = package(quiz, tmp_path)
    for question in quiz.questions:
        item = item_for(files, question)
        assert item.find(f".//{Q}qti-outcome-declaration[@identifier='MAXSCORE']/"
                         f"{Q}qti-default-value/{Q}qti-value").text == f"{question.points:g}"
        check_scores(question, item)


def check_scores(question: Any, item: ET.Element) -> None:
    if isinstance(question, SingleChoice | TrueFalse):
        ids = choice_identifiers(item)
        answers = ([o.id for o in question.options] if isinstance(question, SingleChoice)
                   else [True, False])
        for qti_id, answer in zip(ids, answers, strict=True):
            points, feedback = score(item, qti_id)
            assert points == pytest.approx(grade(question, answer).score)
            assert feedback == qti_id
        assert score(item, None)[0] == 0
    elif isinstance(question, MultipleChoice):
        ids = choice_identifiers(item)
        for n in range(len(ids) + 1):
            for combo in itertools.combinations(range(len(ids)), n):
                points, _ = score(item, {ids[i] for i in combo})
                expected = grade(question, {question.options[i].id for i in combo}).score
                assert points == pytest.approx(expected, abs=1e-9), combo
    elif isinstance(question, Matching):
        answers = [a.id for a in question.answers]
        key = {i.id: i.answer for i in question.items}
        probes = [key, {i: answers[0] for i in key}, {i: answers[-1] for i in key},
                  dict(list(key.items())[:1])]
        for probe in probes:
            pairs = {f"{qti_identifier(i)} {qti_identifier(a)}" for i, a in probe.items()}
            assert score(item, pairs)[0] == pytest.approx(grade(question, probe).score), probe
        assert score(item, None)[0] == 0
    elif isinstance(question, ShortAnswer):
        from ketatraining.quiz.types.short_answer import literal

        probes = [literal(a.text) for a in question.answers]
        probes += ([p.upper() for p in probes] + [p + "ing" for p in probes] + ["zzz"]
                   + [f" {p}" for p in probes] + [f"{p}\t " for p in probes]
                   + [p.replace(" ", "  ") for p in probes])
        for probe in probes:
            assert score(item, probe)[0] == pytest.approx(grade(question, probe).score), probe
        assert score(item, None)[0] == 0
    elif isinstance(question, Ordering):
        key = [s.id for s in question.steps]
        probes = [key, key[::-1], key[1:] + key[:1], [key[1], key[0], *key[2:]]]
        for probe in probes:
            points, _ = score(item, [qti_identifier(s) for s in probe])
            assert points == pytest.approx(grade(question, probe).score), probe
    else:
        assert isinstance(question, Numeric)
        tolerance = max(question.tolerance or 0,
                        (question.relative_tolerance or 0) * abs(question.value))
        probes = [question.value, question.value + tolerance, question.value - tolerance,
                  question.value + 2 * tolerance + 1, question.value - 3 * tolerance - 1]
        for alternative in question.alternatives:
            probes += [alternative.value, alternative.value + alternative.tolerance,
                       alternative.value + 2 * alternative.tolerance + 1]
        for probe in probes:
            points, feedback = score(item, probe)
            assert points == pytest.approx(grade(question, probe).score), probe
        assert score(item, question.value)[1] == "correct"
        assert score(item, None) == (0, "incorrect")


def qti_identifier(identifier: str) -> str:
    return identifier if re.match(r"^[A-Za-z_]", identifier) else f"choice-{identifier}"


def quiz_of(question: dict[str, Any]) -> Quiz:
    base = {"prompt": "Q", "explanation": "E", "objective": "o", "references": ["r"],
            "id": "1st"}
    return Quiz.model_validate({"schema_version": 1, "id": "9lives", "title": "T & <b>",
                                "topic": "risks", "pass_mark": 60, "max_attempts": 2,
                                "shuffle": True, "questions": [{**base, **question}]})


def test_numeric_with_relative_tolerance_units_and_alternatives(tmp_path: Path) -> None:
    quiz = quiz_of({"type": "numeric", "value": 40, "relative_tolerance": 0.05, "units": "mg",
                    "feedback_correct": "Yes", "feedback_incorrect": "No",
                    "alternatives": [{"value": 4, "tolerance": 0.1, "credit": 0,
                                      "feedback": "Ten times too little."},
                                     {"value": 41, "tolerance": 0.5, "credit": 50}]})
    files = package(quiz, tmp_path)
    (item,) = (r for n, r in files.items() if n.startswith("items/"))
    check_element(item)
    check_references(item)
    assert item.get("identifier") == "item-1st"  # an NCName cannot start with a digit
    equal = item.find(f".//{Q}qti-equal")
    assert (equal.get("tolerance-mode"), equal.get("tolerance")) == ("relative", "5 5")
    entry = item.find(f".//{Q}qti-text-entry-interaction")
    assert entry.tail == " "
    unit = item.find(f".//{Q}span[@class='units']")
    assert unit.text == "mg"  # shown after the box, marked so an importer finds it
    check_scores(quiz.questions[0], item)
    assert score(item, 4.05)[1] == "alternative-1"
    assert score(item, 39.0) == (1, "correct")


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_exact_short_answer_forgives_stray_spaces_as_the_course_does(
        case_sensitive: bool, tmp_path: Path) -> None:
    """An exact (no '*') answer typed with a space before it, a tab after it or a double
    space inside scores in a QTI player what it scores in the course."""
    quiz = quiz_of({"type": "short_answer", "case_sensitive": case_sensitive,
                    "answers": [{"text": "dissociation", "feedback": "Yes"},
                                {"text": "out of body", "credit": 50}],
                    "feedback_incorrect": "No"})
    files = package(quiz, tmp_path)
    (item,) = (r for n, r in files.items() if n.startswith("items/"))
    check_element(item)
    check_references(item)
    question = quiz.questions[0]
    for typed, expected in [(" dissociation", 1), ("dissociation\t", 1),
                            ("  dissociation  ", 1), ("out  of body ", 0.5),
                            (" Dissociation", 0 if case_sensitive else 1),
                            ("dissoc iation", 0), ("outofbody", 0)]:
        assert grade(question, typed).score == expected, typed  # the course's verdict
        assert score(item, typed)[0] == pytest.approx(expected), typed


def test_untrusted_text_is_escaped_never_pasted(tmp_path: Path) -> None:
    nasty = "</qti-prompt><script>alert(1)</script> & <b onclick='x'>bold</b> ]]> \"'"
    quiz = quiz_of({"type": "single_choice", "prompt": nasty, "explanation": nasty,
                    "options": [{"id": "a", "text": nasty, "correct": True, "feedback": nasty},
                                {"id": "b", "text": "B", "feedback": "F"}]})
    files = package(quiz, tmp_path)
    for root in files.values():
        for element in root.iter():
            assert local(element.tag) != "script"
            assert "onclick" not in element.attrib
    (item,) = (r for n, r in files.items() if n.startswith("items/"))
    check_element(item)
    prompt_text = "".join(item.find(f".//{Q}qti-prompt").itertext())
    assert "& " in prompt_text and "bold" in prompt_text
    test = next(r for r in files.values() if local(r.tag) == "qti-assessment-test")
    assert test.get("title") == "T & <b>"


def test_test_carries_shuffle_and_pass_mark_not_retakes_as_item_tries(tmp_path: Path) -> None:
    quiz = quiz_of({"type": "true_false", "answer": True, "feedback_true": "Y",
                    "feedback_false": "N", "points": 2})
    files = package(quiz, tmp_path)
    test = next(r for r in files.values() if local(r.tag) == "qti-assessment-test")
    control = test.find(f".//{Q}qti-item-session-control")
    # max-attempts counts tries per item in QTI; the quiz's max_attempts (2) counts
    # retakes of the whole quiz, so it must not become item tries
    assert quiz.max_attempts == 2
    assert control.get("max-attempts") == "1"
    assert test.find(f".//{Q}qti-ordering").get("shuffle") == "true"
    threshold = test.find(f".//{Q}qti-gte/{Q}qti-base-value")
    assert float(threshold.text) == pytest.approx(1.2)  # 60 % of 2 points


def test_package_is_reproducible_and_replaces_atomically(tmp_path: Path) -> None:
    quiz = load_bank(BANKS[0])
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    write_qti_package(quiz, first)
    write_qti_package(quiz, second)
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip", "b.zip"]  # no temp left


@pytest.mark.parametrize("shuffle", [True, False])
def test_choice_interactions_shuffle_as_the_quiz_does(tmp_path: Path, shuffle: bool) -> None:
    quiz = Quiz.model_validate({**quiz_of({
        "type": "single_choice", "options": [
            {"id": "a", "text": "A", "correct": True, "feedback": "y"},
            {"id": "b", "text": "B", "feedback": "n"}]}).model_dump(), "shuffle": shuffle})
    files = package(quiz, tmp_path)
    (interaction,) = [e for root in files.values()
                      for e in root.iter(f"{Q}qti-choice-interaction")]
    assert interaction.get("shuffle") == ("true" if shuffle else "false")


def test_writing_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    quiz = load_bank(BANKS[0])
    target = tmp_path / "missing" / "quiz.zip"
    with pytest.raises(KetaTrainingError) as error:
        write_qti_package(quiz, target)
    message = str(error.value)
    assert f"the folder '{target.parent}' does not exist" in message
    assert ".tmp" not in message


NEW_TYPES = [
    {"type": "matching", "items": [{"id": "1a", "text": "A", "answer": "x"},
                                   {"id": "b", "text": "B <i>", "answer": "y"},
                                   {"id": "c", "text": "C", "answer": "x"}],
     "answers": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}],
     "feedback_correct": "Yes", "feedback_incorrect": "No"},
    {"type": "short_answer", "answers": [
        {"text": "dissociat*", "feedback": "Yes"},
        {"text": "a.b (c)", "credit": 50, "feedback": "Half"},
        {"text": "Out-of-body*", "credit": 25, "feedback": "Some"}],
     "feedback_incorrect": "No"},
    {"type": "short_answer", "case_sensitive": True,
     "answers": [{"text": "NMDA", "feedback": "Yes"}, {"text": "N*DA", "credit": 50,
                                                       "feedback": "Half"}],
     "feedback_incorrect": "No"},
    {"type": "ordering", "steps": [{"id": f"s{n}", "text": f"Step {n}"} for n in range(4)],
     "feedback_correct": "Yes", "feedback_incorrect": "No"},
    {"type": "ordering", "scoring": "relative_to_next",
     "steps": [{"id": f"s{n}", "text": f"Step {n}"} for n in range(5)],
     "feedback_correct": "Yes", "feedback_incorrect": "No"},
]


@pytest.mark.parametrize("body", NEW_TYPES, ids=lambda b: b["type"])
def test_new_types_are_valid_qti_and_score_like_the_course(body: dict[str, Any],
                                                           tmp_path: Path) -> None:
    quiz = quiz_of(body)
    files = package(quiz, tmp_path)
    (item,) = (r for n, r in files.items() if n.startswith("items/"))
    check_element(item)
    check_references(item)
    interaction = {"matching": "qti-match-interaction",
                   "short_answer": "qti-text-entry-interaction",
                   "ordering": "qti-order-interaction"}[body["type"]]
    assert item.find(f".//{Q}{interaction}") is not None
    check_scores(quiz.questions[0], item)
