"""Import jupyterquiz's JSON question list (jmshea/jupyterquiz) as a course quiz.

jupyterquiz shows a list of question objects: ``multiple_choice`` (one right answer;
more than one makes it select-all, as jupyterquiz itself decides), ``many_choice``
(select all that apply) and ``numeric`` (answers with a ``value``, optionally rounded
to ``precision`` significant digits, or a half-open ``range`` [a, b), plus a
``default`` feedback). Other types are reported and skipped. jupyterquiz never
validates its input, so this importer checks every value and names its JSON path.
"""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NoReturn

from ketatraining.interop.common import words
from ketatraining.interop.yaml_writer import (
    TODO_EXPLANATION,
    TODO_FEEDBACK,
    TODO_FEEDBACK_CORRECT,
    TODO_FEEDBACK_INCORRECT,
    TODO_OBJECTIVE,
    TODO_REFERENCE,
    ImportResult,
    is_id,
    option_ids,
    quiz_data,
    unique_id,
)
from ketatraining.quiz.model import QUESTION_TYPES
from ketatraining.quiz.problems import Problem

__all__ = ["import_jupyterquiz", "significant_interval"]

SUPPORTED = ("multiple_choice", "many_choice", "numeric") + (
    ("string",) if "short_answer" in QUESTION_TYPES else ())


class _Bad(Exception):
    def __init__(self, code: str, message: str, where: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.where, self.hint = code, message, where, hint


def _fail(code: str, message: str, where: str, hint: str) -> NoReturn:
    raise _Bad(code, message, where, hint)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _text(item: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = item.get(key)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if key not in item else f"{_type_name(value)}, not text"
        _fail("KI031", f"'{key}' is {shown}.", f"{where}.{key}",
                   f"Give '{key}' as a non-empty string.")
    return value


def _number(item: dict[str, Any], key: str, where: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        shown = "missing" if key not in item else f"{_type_name(value)}, not a number"
        _fail("KI031", f"'{key}' is {shown}.", f"{where}.{key}", f"Give '{key}' as a number.")
    return float(value)


def _flag(item: dict[str, Any], where: str) -> bool:
    value = item.get("correct", False)
    if not isinstance(value, bool):
        _fail("KI031", f"'correct' is {_type_name(value)}, not true or false.",
                   f"{where}.correct", "Write true or false (JSON, without quotes).")
    return value


def _code_block(code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}python\n{code.rstrip()}\n{fence}"


def _code_span(code: str) -> str:
    ticks = "`"
    while ticks in code:
        ticks += "`"
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _answers(item: dict[str, Any], where: str) -> list[Any]:
    answers = item.get("answers")
    if not isinstance(answers, list) or not answers:
        shown = "missing" if "answers" not in item else (
            "an empty list" if answers == [] else f"{_type_name(answers)}, not a list")
        _fail("KI031", f"'answers' is {shown}.", f"{where}.answers",
                   "Give a list of answer objects.")
    for index, answer in enumerate(answers):
        if not isinstance(answer, dict):
            _fail("KI031", f"Answer {index + 1} is {_type_name(answer)}, not an object.",
                       f"{where}.answers[{index}]", "Write each answer as {...}.")
    return answers


def _choice(item: dict[str, Any], where: str) -> dict[str, Any]:
    answers = _answers(item, where)
    if len(answers) < 2:
        _fail("KI011", "A choice question needs at least two answers.", f"{where}.answers",
                   "Add another answer.")
    options: list[dict[str, Any]] = []
    flags: list[bool] = []
    for oid, (index, answer) in zip(option_ids(len(answers)), enumerate(answers), strict=True):
        at = f"{where}.answers[{index}]"
        text = _text(answer, "answer", at, required="code" not in answer)
        if text is None:
            text = _code_span(_text(answer, "code", at, required=True) or "")
        feedback = _text(answer, "feedback", at, required=False) or TODO_FEEDBACK
        flags.append(_flag(answer, at))
        options.append({"id": oid, "text": text, "correct": flags[-1], "feedback": feedback})
    right = sum(flags)
    if right == 0:
        _fail("KI013", "No answer is marked correct.", f"{where}.answers",
                   "Set \"correct\": true on the right answer(s).")
    if item.get("type") == "many_choice" or right > 1:
        return {"type": "multiple_choice", "options": options}
    return {"type": "single_choice", "options": options}


def _string(item: dict[str, Any], where: str, losses: list[tuple[str, str]]) -> dict[str, Any]:
    """jupyterquiz 'string': exact answers (trimmed; case unless match_case), a default."""
    accepted: list[dict[str, Any]] = []
    cases: set[bool] = set()
    wrong = None
    for index, answer in enumerate(_answers(item, where)):
        at = f"{where}.answers[{index}]"
        feedback = _text(answer, "feedback", at, required=False)
        if answer.get("type") == "default":
            wrong = feedback
            continue
        text = _text(answer, "answer", at, required=True) or ""
        cases.add(answer.get("match_case") is True)
        if answer.get("fuzzy_threshold"):
            losses.append((at, (f"'fuzzy_threshold' accepts near misses of '{text}'; the "
                           "course accepts the exact text only.")))
        entry: dict[str, Any] = {"text": text.replace("\\", "\\\\").replace("*", "\\*"),
                                 "credit": 100 if _flag(answer, at) else 0}
        if feedback:
            entry["feedback"] = feedback
        accepted.append(entry)
    if not any(a["credit"] == 100 for a in accepted):
        _fail("KI013", "No text answer is marked correct.", f"{where}.answers",
              "Set \"correct\": true on the right answer(s).")
    if len(cases) > 1:
        losses.append((f"{where}.answers", ("Some answers match case and others do not; the "
                       "course compares every answer of a question the same way (here: "
                       "case counts).")))
    return {"type": "short_answer", "answers": accepted, "case_sensitive": True in cases,
            "feedback_incorrect": wrong or TODO_FEEDBACK_INCORRECT}


def significant_interval(value: float, digits: int) -> tuple[float, float]:
    """(centre, tolerance) of the numbers that round to ``value`` at ``digits`` figures.

    jupyterquiz rounds the learner's input to ``digits`` significant figures and
    compares it with the value rounded the same way (ties away from zero, like
    ``toPrecision``). Just below a power of ten the
    step is ten times smaller, so the narrower half-step is used on both sides.
    """
    if value == 0:
        return 0.0, 0.0
    exact = Decimal(value)  # the binary value, as JavaScript's toPrecision() rounds it
    quantum = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    centre = float(exact.quantize(quantum, rounding=ROUND_HALF_UP))
    if centre == 0:
        return 0.0, 0.0
    exponent = math.floor(math.log10(abs(centre)))
    step = 10.0 ** (exponent - digits + 1)
    if math.isclose(abs(centre), 10.0 ** exponent):
        step /= 10
    return centre, step / 2


def _shown(value: float) -> str:
    return f"{value:.12g}"


def _numeric(item: dict[str, Any], where: str,
             losses: list[tuple[str, str]]) -> dict[str, Any]:
    """The numeric question; what inclusive ``value +/- tolerance`` cannot say exactly
    (jupyterquiz's rounding and half-open ranges) is added to ``losses``."""
    answers = _answers(item, where)
    precision = item.get("precision")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int)
                                  or precision < 1):
        _fail("KI031", f"'precision' is {precision!r}, not a whole number of 1 or more.",
                   f"{where}.precision", "Give the number of significant digits, e.g. 3.")
    accepted: list[tuple[float, float | None, bool, str | None]] = []
    default_feedback = None
    for index, answer in enumerate(answers):
        at = f"{where}.answers[{index}]"
        feedback = _text(answer, "feedback", at, required=False)
        if "value" in answer:
            value = _number(answer, "value", at)
            if precision:
                centre, tolerance = significant_interval(value, precision)
                accepted.append((centre, tolerance, _flag(answer, at), feedback))
                changed = (f"; the value {_shown(value)} becomes {_shown(centre)}, what "
                           "jupyterquiz compares with" if centre != value else "")
                losses.append((at, (f"'precision': {precision} accepts numbers that round to "
                               f"{_shown(centre)} at {precision} significant digits, "
                               f"{_shown(centre - tolerance)} <= x < "
                               f"{_shown(centre + tolerance)}; imported as {_shown(centre)} "
                               f"+/- {_shown(tolerance)}, which also accepts "
                               f"{_shown(centre + tolerance)}{changed}.")))
            else:
                accepted.append((value, None, _flag(answer, at), feedback))
        elif "range" in answer:
            bounds = answer["range"]
            if (not isinstance(bounds, list) or len(bounds) != 2 or any(
                    isinstance(b, bool) or not isinstance(b, (int, float)) for b in bounds)):
                _fail("KI031", "'range' must be a list of two numbers [low, high].",
                           f"{at}.range", "Write e.g. \"range\": [3.14, 3.15].")
            low, high = float(bounds[0]), float(bounds[1])
            if not low <= high:
                _fail("KI031", f"The range [{bounds[0]}, {bounds[1]}] runs backwards.",
                           f"{at}.range", "Put the smaller number first.")
            accepted.append(((low + high) / 2, (high - low) / 2, _flag(answer, at), feedback))
            if low < high:
                losses.append((f"{at}.range", (f"The range [{_shown(low)}, {_shown(high)}) "
                               f"excludes {_shown(high)}; imported as {_shown((low + high) / 2)}"
                               f" +/- {_shown((high - low) / 2)}, which includes it.")))
        elif answer.get("type") == "default":
            default_feedback = feedback
        else:
            _fail("KI031", "This answer has no 'value', 'range' or \"type\": \"default\".",
                       at, "Give a value, a range or a default feedback.")
    right = [a for a in accepted if a[2]]
    if not right:
        _fail("KI013", "No numeric answer is marked correct.", f"{where}.answers",
                   "Set \"correct\": true on the right value or range.")
    main = right[0]
    body: dict[str, Any] = {"type": "numeric", "value": main[0]}
    if main[1] is not None:
        body["tolerance"] = main[1]
    body["feedback_correct"] = main[3] or TODO_FEEDBACK_CORRECT
    body["feedback_incorrect"] = default_feedback or TODO_FEEDBACK_INCORRECT
    alternatives = []
    for entry in accepted:
        if entry == main:
            continue
        alt_value, alt_tolerance, alt_correct, alt_feedback = entry
        alternative: dict[str, Any] = {"value": alt_value, "tolerance": alt_tolerance or 0.0,
                                       "credit": 100 if alt_correct else 0}
        if alt_feedback:
            alternative["feedback"] = alt_feedback
        alternatives.append(alternative)
    if alternatives:
        body["alternatives"] = alternatives
    return body


META_KEY = "ketatraining"


def _own_export(item: dict[str, Any], body: dict[str, Any], prompt: str) -> dict[str, Any] | None:
    """The question our export kept in the 'ketatraining' key, if what jupyterquiz shows
    still says the same (texts and which answers are right); else None."""
    meta = item.get(META_KEY)
    if not isinstance(meta, dict) or not isinstance(meta.get("type"), str):
        return None
    question = {k: v for k, v in meta.items() if k != "quiz"}
    if not isinstance(question.get("prompt"), str) or words(question["prompt"]) != words(prompt):
        return None
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        options = question.get("options")
        if not isinstance(options, list) or len(options) != len(body.get("options", [])):
            return None
        for mine, shown in zip(options, body["options"], strict=True):
            if not isinstance(mine, dict) or bool(mine.get("correct")) != shown["correct"] or (
                    words(str(mine.get("text", ""))) != words(shown["text"])):
                return None
    elif kind == "short_answer":
        answers = question.get("answers")
        shown = body.get("answers", [])
        if not isinstance(answers, list) or not {a["text"] for a in shown if a["credit"] == 100
                                                 } <= {str(a.get("text")) for a in answers
                                                       if isinstance(a, dict)}:
            return None
    elif kind == "true_false":
        shown = [o["correct"] for o in body.get("options", [])]
        if shown != [bool(question.get("answer")), not question.get("answer")]:
            return None
    elif kind == "numeric":
        value = question.get("value")
        low = body.get("value", 0.0) - (body.get("tolerance") or 0.0)
        high = body.get("value", 0.0) + (body.get("tolerance") or 0.0)
        if not isinstance(value, (int, float)) or not low - 1e-9 <= value <= high + 1e-9:
            return None
    else:
        return None
    return question


def _own_quiz(quiz_id: str, title: str | None, questions: list[dict[str, Any]],
              settings: dict[str, Any]) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = settings.get(key)
        return value if isinstance(value, str) else None

    pass_mark = settings.get("pass_mark")
    attempts = settings.get("max_attempts")
    return quiz_data(
        quiz_id, title or text("title") or quiz_id, questions,
        description=text("description"), topic=text("topic") or "imported",
        pass_mark=pass_mark if isinstance(pass_mark, (int, float)) else 70,
        max_attempts=attempts if isinstance(attempts, int) else None,
        shuffle=settings.get("shuffle") is True)


def import_jupyterquiz(
    text: str, *, quiz_id: str, path: str = "<json>", title: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """jupyterquiz JSON text to quiz data; ``data`` is None when there is any error."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return ImportResult(None, [Problem("KI030", f"JSON syntax error: {error.msg}.", path,
                                           error.lineno, error.colno,
                                           hint="Fix the JSON (a missing comma or quote is "
                                           "the usual cause).")])
    if isinstance(document, dict) and isinstance(document.get("questions"), list):
        document, root = document["questions"], "$.questions"
    else:
        root = "$"
    if not isinstance(document, list):
        return ImportResult(None, [Problem("KI031", f"The file holds {_type_name(document)}; "
                                           "jupyterquiz files hold a list of questions.", path,
                                           field="$", hint="Start the file with [ and list "
                                           "the question objects.")])
    problems: list[Problem] = []
    questions = []
    taken: set[str] = set()
    skipped = 0
    quiz_settings: dict[str, Any] = {}
    for index, item in enumerate(document):
        where = f"{root}[{index}]"
        label = f"#{index + 1}"
        try:
            if not isinstance(item, dict):
                _fail("KI031", f"Question {index + 1} is {_type_name(item)}, not an "
                           "object.", where, "Write each question as {...}.")
            kind = item.get("type")
            if kind not in SUPPORTED:
                if not isinstance(kind, str):
                    _fail("KI031", "'type' is missing or not text.", f"{where}.type",
                               f"Use one of: {', '.join(SUPPORTED)}.")
                skipped += 1
                problems.append(Problem(
                    "KI020", f"Skipped a '{kind}' question: the course supports "
                    f"{', '.join(SUPPORTED)}.", path, question=label, field=f"{where}.type",
                    hint="Rewrite it as a choice or numeric question, or remove it.",
                    severity="error" if strict else "warning"))
                continue
            prompt = _text(item, "question", where, required=True) or ""
            code = _text(item, "code", where, required=False)
            if code:
                prompt = f"{prompt}\n\n{_code_block(code)}"
            losses: list[tuple[str, str]] = []
            if kind == "numeric":
                body = _numeric(item, where, losses)
            elif kind == "string":
                body = _string(item, where, losses)
            else:
                body = _choice(item, where)
            own = _own_export(item, body, prompt)
            if own is not None:  # our export: the 'ketatraining' key has the whole question
                own["id"] = unique_id(own["id"], taken) if isinstance(own.get("id"), str) and (
                    is_id(own["id"])) else unique_id(f"{quiz_id}-{index + 1}", taken)
                questions.append(own)
                settings = item[META_KEY].get("quiz")
                if isinstance(settings, dict) and not quiz_settings:
                    quiz_settings = settings
                continue
            for at, message in losses:
                problems.append(Problem(
                    "KI021", ("Refused (--strict): " if strict else "") + message, path,
                    question=label, field=at, hint="Check the accepted answers; the course's "
                    "tolerances include both bounds.",
                    severity="error" if strict else "warning"))
        except _Bad as bad:
            problems.append(Problem(bad.code, bad.message, path, question=label,
                                    field=bad.where, hint=bad.hint))
            continue
        question: dict[str, Any] = {
            "id": unique_id(f"{quiz_id}-{index + 1}", taken),
            "type": body.pop("type"),
            "prompt": prompt,
        }
        question.update(body)
        question["explanation"] = TODO_EXPLANATION
        question["references"] = [TODO_REFERENCE]
        question["objective"] = TODO_OBJECTIVE
        question["points"] = 1
        questions.append(question)
    if not questions and not any(p.severity == "error" for p in problems):
        problems.append(Problem("KI022", "The file has no multiple_choice, many_choice or "
                                "numeric question to import.", path, field=root,
                                hint="Check that this is a jupyterquiz question file."))
    if any(p.severity == "error" for p in problems):
        return ImportResult(None, problems, skipped)
    stem = path.rsplit("/", 1)[-1]
    if quiz_settings:
        return ImportResult(_own_quiz(quiz_id, title, questions, quiz_settings), problems,
                            skipped)
    data = quiz_data(
        quiz_id,
        title or quiz_id.replace("-", " ").replace("_", " ").capitalize(),
        questions,
        description=f"Imported from {stem}. Check the title, topic and pass mark, and replace "
        "every TODO.",
    )
    return ImportResult(data, problems, skipped)
