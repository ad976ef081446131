"""Check a parsed quiz file and report every problem at once.

Two passes: pydantic checks the structure against ``model.py`` (types, required and
unknown keys), then content rules run on the raw data so they still report even when
the structure is broken elsewhere. Every problem carries a code, a line and a fix.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ketatraining.quiz.catalog import Objective, Reference
from ketatraining.quiz.model import SCHEMA_VERSION, Quiz
from ketatraining.quiz.problems import MAX_PROBLEMS, Problem
from ketatraining.quiz.types import QUESTION_TYPES, type_named
from ketatraining.quiz.yamlsource import Document

_TYPE_NAMES = {
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "string_type": "text",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}
NON_CLINICAL_TAG = "non-clinical"
"""Tag for items about the course itself (how a widget works); they need no reference."""


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """' Did you mean 'x'?' for a close match, else ''."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


class _Checker:
    def __init__(self, document: Document, path: str) -> None:
        self.document = document
        self.path = path
        self.problems: list[Problem] = []
        self.unlisted: dict[str, int] = {}

    def full(self, code: str) -> bool:
        """Whether the list is long enough; counts what is left out."""
        if len(self.problems) < MAX_PROBLEMS:
            return False
        self.unlisted[code] = self.unlisted.get(code, 0) + 1
        return True

    def add(
        self,
        code: str,
        message: str,
        loc: tuple[Any, ...],
        hint: str | None = None,
        severity: str = "error",
    ) -> None:
        if self.full(code):
            return
        line, column = self.document.position(loc)
        self.problems.append(
            Problem(
                code,
                message,
                self.path,
                line,
                column,
                question=self.question_id(loc),
                field=_field_name(loc),
                hint=hint,
                severity="warning" if severity == "warning" else "error",
            )
        )

    def question_id(self, loc: tuple[Any, ...]) -> str | None:
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            questions = self.document.data.get("questions")
            if isinstance(questions, list) and loc[1] < len(questions):
                item = questions[loc[1]]
                identifier = item.get("id") if isinstance(item, dict) else None
                if isinstance(identifier, str):
                    return identifier
            return f"#{loc[1] + 1}"
        return None


def _field_name(loc: tuple[Any, ...]) -> str | None:
    names = [str(part) if not isinstance(part, int) else f"[{part + 1}]" for part in loc]
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        names = names[2:]  # the question is named separately
    text = ".".join(names).replace(".[", "[")
    return text or None


def _model_at(loc: tuple[Any, ...], data: Any) -> tuple[type[BaseModel] | None, tuple[Any, ...]]:
    """The model that owns the last element of a pydantic ``loc``, and the data path.

    pydantic puts the discriminator value into ``loc`` for tagged unions; the data
    path leaves it out. Nested models (options, alternatives, ...) are found from the
    owning model's field annotations, so no question type is named here.
    """
    model: type[BaseModel] | None = Quiz
    path: list[Any] = []
    parts = list(loc)
    i = 0
    while i < len(parts) - 1:
        part = parts[i]
        path.append(part)
        if model is Quiz and part == "questions" and i + 1 < len(parts):
            index = parts[i + 1]
            path.append(index)
            i += 2
            definition = type_named(parts[i]) if i < len(parts) else None
            model = definition.model if definition is not None else None
            if definition is not None:
                i += 1
            continue
        inner = _nested_model(model, part)
        if inner is not None:
            model = inner
            if i + 1 < len(parts) and isinstance(parts[i + 1], int):
                path.append(parts[i + 1])
                i += 1
        i += 1
    if i < len(parts):
        path.append(parts[i])
    return model, tuple(path)


def _nested_model(model: type[BaseModel] | None, name: object) -> type[BaseModel] | None:
    """The model of a ``list[Model]`` or ``Model`` field, else None."""
    if model is None or not isinstance(name, str) or name not in model.model_fields:
        return None
    annotation = model.model_fields[name].annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _structure(checker: _Checker) -> Quiz | None:
    try:
        return Quiz.model_validate(checker.document.data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            _report_pydantic(checker, item)
        return None


def _report_pydantic(checker: _Checker, item: Mapping[str, Any]) -> None:
    kind = item["type"]
    if checker.full("KQ101" if kind == "extra_forbidden" else "KQ103"):
        return  # skip the costly did-you-mean for problems that will not be listed
    model, path = _model_at(tuple(item["loc"]), checker.document.data)
    name = path[-1] if path else ""
    if kind == "extra_forbidden":
        allowed = sorted(model.model_fields) if model else []
        checker.add(
            "KQ101",
            f"Unknown key '{name}'.{did_you_mean(name, allowed)}",
            path,
            hint=f"Allowed keys here: {', '.join(allowed)}." if allowed else None,
        )
    elif kind == "missing":
        checker.add("KQ102", f"Required field '{name}' is missing.", path[:-1] + (name,),
                    hint=f"Add '{name}:' here (see quizzes/README.md).")
    elif kind == "union_tag_not_found":
        checker.add("KQ102", "Required field 'type' is missing.", path,
                    hint=f"Add 'type:' with one of: {', '.join(QUESTION_TYPES)}.")
    elif kind == "union_tag_invalid":
        tag = item.get("ctx", {}).get("tag", "")
        checker.add(
            "KQ105",
            f"Unknown question type '{tag}'.{did_you_mean(tag, QUESTION_TYPES)}",
            (*path, "type"),
            hint=f"Use one of: {', '.join(QUESTION_TYPES)}.",
        )
    elif kind == "empty_text":
        checker.add("KQ104", f"'{name}' is empty.", path, hint="Write the text, or remove the key.")
    elif kind == "string_pattern_mismatch":
        checker.add(
            "KQ105",
            f"'{name}' must start with a letter or digit and use only letters, digits, "
            "'-', '_' and '.' (at most 64 characters).",
            path,
            hint="Use a short stable id such as 'nmda-1'.",
        )
    elif kind == "literal_error":
        expected = item.get("ctx", {}).get("expected", "")
        value = item.get("input")
        checker.add("KQ105", f"'{name}' cannot be '{value}'; expected {expected}.", path,
                    hint=f"Use one of {expected}.{did_you_mean(value, _literal_words(expected))}")
    else:
        expected = _TYPE_NAMES.get(kind)
        value = item.get("input")
        if expected:
            hint = f"Write {expected}."
            if expected == "true or false" and isinstance(value, str):
                hint = "Write true or false (without quotes)."
            shown = value if not isinstance(value, (dict, list)) else type(value).__name__
            checker.add("KQ103", f"'{name}' should be {expected}, not '{shown}'.", path, hint=hint)
        else:
            checker.add("KQ103", f"'{name}': {item.get('msg', 'invalid value')}.", path)


def _literal_words(expected: str) -> list[str]:
    return [w.strip(" '\"") for w in expected.replace(" or ", ",").split(",") if w.strip()]


def _questions(data: Mapping[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    questions = data.get("questions")
    if isinstance(questions, list):
        for index, question in enumerate(questions):
            if isinstance(question, dict):
                yield index, question


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _content(
    checker: _Checker,
    references: Mapping[str, Reference] | None,
    objectives: Mapping[str, Objective] | None,
    expected_id: str | None,
) -> None:
    data = checker.document.data
    add = checker.add
    if expected_id is not None and isinstance(data.get("id"), str) and data["id"] != expected_id:
        add("KQ214", f"The quiz id '{data['id']}' does not match the file name "
            f"'{expected_id}.yaml'.", ("id",),
            hint=f"Rename the file to '{data['id']}.yaml' or set 'id: {expected_id}'.")
    pass_mark = _number(data.get("pass_mark"))
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        add("KQ210", f"pass_mark is {data['pass_mark']}.", ("pass_mark",),
            hint="Give a percentage between 0 and 100, e.g. 70.")
    attempts = data.get("max_attempts")
    if isinstance(attempts, int) and not isinstance(attempts, bool) and attempts < 1:
        add("KQ212", f"max_attempts is {attempts}.", ("max_attempts",),
            hint="Give 1 or more, or remove the key for unlimited attempts.")
    if isinstance(data.get("questions"), list) and not data["questions"]:
        add("KQ209", "The quiz has no questions.", ("questions",), hint="Add at least one question.")

    for key in ("title", "description", "topic"):
        if _is_todo(data.get(key)):
            add("KQ301", f"TODO left here: {str(data[key]).strip()[:80]}", (key,),
                hint="Replace the TODO with real content before learners see it.",
                severity="warning")
    first_seen: dict[str, int] = {}
    for index, question in _questions(data):
        loc = ("questions", index)
        qid = question.get("id")
        if isinstance(qid, str):
            if qid in first_seen:
                add("KQ201", f"Question id '{qid}' is already used by question "
                    f"#{first_seen[qid] + 1}.", (*loc, "id"),
                    hint="Give each question its own id; ids are stored with learners' answers.")
            else:
                first_seen[qid] = index
        points = _number(question.get("points"))
        if points is not None and not points > 0:
            add("KQ211", f"points is {question['points']}.", (*loc, "points"),
                hint="Give a number greater than 0, e.g. 1.")
        definition = type_named(question.get("type"))
        if definition is not None:
            definition.check(question, loc, checker)
        _check_keys(checker, loc, question, references, objectives)
        _check_todo(checker, loc, question)
        _check_html(checker, loc, question)
    _check_html(checker, (), {k: data.get(k) for k in ("title", "description")})
    _check_pools(checker)


_POOL_KEYS = ("tag", "objective", "questions")


def _pool_members(pool: dict[str, Any], questions: list[dict[str, Any]]) -> list[str] | None:
    """Ids of the questions a pool names (None when it names no valid selector)."""
    ids = [q.get("id") for q in questions]
    if isinstance(pool.get("questions"), list):
        named = {x for x in pool["questions"] if isinstance(x, str)}
        return [i for i in ids if isinstance(i, str) and i in named]
    if isinstance(pool.get("tag"), str):
        return [q["id"] for q in questions if isinstance(q.get("id"), str)
                and isinstance(q.get("tags"), list) and pool["tag"] in q["tags"]]
    if isinstance(pool.get("objective"), str):
        return [q["id"] for q in questions if isinstance(q.get("id"), str)
                and q.get("objective") == pool["objective"]]
    return None


def _check_pools(checker: _Checker) -> None:
    """KQ250-KQ254: each pool names its questions one way, exists, and can be drawn."""
    data = checker.document.data
    pools = data.get("pools")
    if not isinstance(pools, list):
        return
    questions = [q for _, q in _questions(data)]
    ids = [q["id"] for q in questions if isinstance(q.get("id"), str)]
    tags = sorted({t for q in questions if isinstance(q.get("tags"), list)
                   for t in q["tags"] if isinstance(t, str)})
    objectives = sorted({q["objective"] for q in questions if isinstance(q.get("objective"), str)})
    owner: dict[str, int] = {}
    for index, pool in enumerate(pools):
        loc = ("pools", index)
        if not isinstance(pool, dict):
            continue  # the structure check reports it
        given = [key for key in _POOL_KEYS if pool.get(key) is not None]
        if len(given) != 1:
            said = (f"names its questions by {' and '.join(given)}" if given
                    else "does not say which questions it holds")
            checker.add("KQ254", f"Pool {index + 1} {said}.", loc,
                        hint="Give exactly one of 'tag:', 'objective:' or 'questions: [ids]'; "
                        "for a second kind, add a second pool.")
            continue
        key = given[0]
        value = pool[key]
        if key == "questions" and isinstance(value, list):
            for position, qid in enumerate(value):
                if isinstance(qid, str) and qid not in ids:
                    checker.add("KQ251", f"Pool {index + 1} names question '{qid}', which this "
                                f"quiz does not have.{did_you_mean(qid, ids)}",
                                (*loc, "questions", position),
                                hint="Use the id of a question in this file, or remove it.")
        elif key == "tag" and isinstance(value, str) and value not in tags:
            checker.add("KQ251", f"Pool {index + 1} draws from tag '{value}', but no question "
                        f"has it.{did_you_mean(value, tags)}", (*loc, "tag"),
                        hint="Add the tag to the questions' 'tags:', or fix the tag.")
        elif key == "objective" and isinstance(value, str) and value not in objectives:
            checker.add("KQ251", f"Pool {index + 1} draws from objective '{value}', but no "
                        f"question assesses it.{did_you_mean(value, objectives)}",
                        (*loc, "objective"),
                        hint="Use the 'objective:' of questions in this file, or fix it.")
        members = _pool_members(pool, questions) or []
        points = {_number(q.get("points", 1.0)) for q in questions if q.get("id") in members}
        if len(points - {None}) > 1:
            shown = ", ".join(f"{v:g}" for v in sorted(p for p in points if p is not None))
            checker.add("KQ307", f"The questions of pool {index + 1} carry different points "
                        f"({shown}), so attempts that draw different ones have different "
                        "maximum scores.", (*loc, key),
                        hint="Give the questions of one pool the same 'points:' (or split "
                        "the pool by points) so that every attempt is worth the same.",
                        severity="warning")
        for qid in members:
            if qid in owner:
                checker.add("KQ253", f"Question '{qid}' is in pool {owner[qid] + 1} and in "
                            f"pool {index + 1}.", (*loc, key),
                            hint="Put each question in one pool only (change its tags, or "
                            "list the pools' questions by id).")
            else:
                owner[qid] = index
        draw = pool.get("draw")
        if isinstance(draw, bool) or not isinstance(draw, int):
            continue  # missing or not a whole number: the structure check reports it
        if draw < 1:
            checker.add("KQ252", f"Pool {index + 1} draws {draw} questions.", (*loc, "draw"),
                        hint="Give 'draw: 1' or more, or remove the pool to ask all its "
                        "questions.")
        elif len(members) < draw and (members or not isinstance(value, str)):
            # (a tag or objective no question has is already KQ251)
            held = "no questions" if not members else (
                "1 question" if len(members) == 1 else f"{len(members)} questions")
            which = _describe_pool(key, value)
            if members and key != "questions":  # name what a tag or objective holds
                which += ": " + ", ".join(members)
            checker.add("KQ250", f"Pool {index + 1} draws {draw} questions but holds only "
                        f"{held} ({which}).", (*loc, "draw"),
                        hint=f"Lower 'draw' to {max(len(members), 1)} or add questions "
                        "to the pool.")
        elif draw >= 1 and len(members) == draw and (  # (an unknown id is KQ251)
                key != "questions" or len(set(map(str, value))) == len(members)):
            checker.add("KQ308", f"Pool {index + 1} draws all {draw} of its questions "
                        f"({_describe_pool(key, value)}), so every attempt asks the same "
                        "ones: nothing is drawn at random.", (*loc, "draw"),
                        hint="Add questions to the pool, lower 'draw', or remove the pool "
                        "to ask its questions in every attempt.", severity="warning")


def _describe_pool(key: str, value: Any) -> str:
    if key == "questions" and isinstance(value, list):
        return "questions " + ", ".join(str(v) for v in value)
    return f"{key} '{value}'"


def _is_todo(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith("TODO")


def _check_keys(
    checker: _Checker,
    loc: tuple[Any, ...],
    question: dict[str, Any],
    references: Mapping[str, Reference] | None,
    objectives: Mapping[str, Objective] | None,
) -> None:
    refs = question.get("references", [])
    if isinstance(refs, list):
        tags = question.get("tags")
        non_clinical = isinstance(tags, list) and NON_CLINICAL_TAG in tags
        if not refs and not non_clinical:
            checker.add("KQ302", "The question cites no reference.", (*loc, "references"),
                        hint="Add the key of its primary source from references.yaml.",
                        severity="warning")
        for index, key in enumerate(refs):
            if _is_todo(key):
                continue  # reported by _check_todo
            if references is not None and isinstance(key, str) and key not in references:
                checker.add("KQ206", f"Reference '{key}' is not in references.yaml."
                            f"{did_you_mean(key, references)}", (*loc, "references", index),
                            hint="Add it to references.yaml or fix the key.")
    objective = question.get("objective")
    if (objectives is not None and isinstance(objective, str) and not _is_todo(objective)
            and objective not in objectives):
        checker.add("KQ207", f"Objective '{objective}' is not in objectives.yaml."
                    f"{did_you_mean(objective, objectives)}", (*loc, "objective"),
                    hint="Add it to objectives.yaml or fix the key.")


def _check_todo(checker: _Checker, loc: tuple[Any, ...], question: dict[str, Any]) -> None:
    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if _is_todo(value):
            checker.add("KQ301", f"TODO left here: {value.strip()[:80]}", path,
                        hint="Replace the TODO with real content before learners see it.",
                        severity="warning")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(question, loc)


_NOT_TEXT = frozenset({"id", "type", "objective", "references", "tags", "difficulty"})


def _check_html(checker: _Checker, loc: tuple[Any, ...], values: dict[str, Any]) -> None:
    """KQ305: HTML the sanitizer will drop, so the trainer sees what learners will miss."""
    from ketatraining.text import dropped_html

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, str):
            dropped = dropped_html(value)
            if dropped:
                checker.add("KQ305", "This HTML will be removed before learners see it: "
                            f"{', '.join(dropped[:5])}.", path,
                            hint="Use Markdown (**bold**, *italics*, [links](https://...)) or "
                            "the allowed tags listed in quizzes/README.md; scripts, images, "
                            "styles, event handlers and javascript: links are always removed.",
                            severity="warning")
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in _NOT_TEXT:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(values, loc)


def _schema_version(checker: _Checker) -> bool:
    """False when the version makes every other check meaningless."""
    version = checker.document.data.get("schema_version")
    if version is None:
        checker.add("KQ102", "Required field 'schema_version' is missing.", (),
                    hint=f"Add 'schema_version: {SCHEMA_VERSION}' at the top of the file.")
        return True
    if isinstance(version, bool) or not isinstance(version, int):
        checker.add("KQ103", f"schema_version should be a whole number, not '{version}'.",
                    ("schema_version",), hint=f"Write 'schema_version: {SCHEMA_VERSION}'.")
        return False
    if version > SCHEMA_VERSION:
        checker.add("KQ110", f"This file uses quiz format version {version}, which is newer "
                    f"than this ketatraining reads (version {SCHEMA_VERSION}).",
                    ("schema_version",),
                    hint="Upgrade ketatraining (pip install --upgrade ketatraining), "
                    "or ask the quiz's author for a version 1 file.")
        return False
    if version != SCHEMA_VERSION:
        checker.add("KQ110", f"Unknown quiz format version {version}.", ("schema_version",),
                    hint=f"The first and current version is {SCHEMA_VERSION}: "
                    f"write 'schema_version: {SCHEMA_VERSION}'.")
        return False
    return True


def check_quiz(
    document: Document,
    path: str,
    *,
    references: Mapping[str, Reference] | None = None,
    objectives: Mapping[str, Objective] | None = None,
    expected_id: str | None = None,
) -> tuple[Quiz | None, list[Problem]]:
    """Validate a parsed quiz; return the Quiz (None if any error) and all problems."""
    checker = _Checker(document, path)
    if not isinstance(document.data, dict):
        checker.add("KQ015", "The file is empty or is not a mapping of keys to values.", (),
                    hint="Start from the example in quizzes/README.md "
                    "or run 'ketatraining new'.")
        return None, checker.problems
    if not _schema_version(checker):
        return None, checker.problems
    quiz = _structure(checker)
    _content(checker, references, objectives, expected_id)
    problems = _unique(checker.problems)
    if checker.unlisted:
        count = sum(checker.unlisted.values())
        problems.insert(0, Problem(  # first: a file-level note, like KQ015
            max(checker.unlisted, key=checker.unlisted.__getitem__),
            f"{count:,} more problems were found but not listed (only the first "
            f"{MAX_PROBLEMS} are shown).", path,
            hint="Fix the problems above and validate again; is this the file you meant?"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return quiz, problems


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    result = []
    for problem in problems:
        key = (problem.code, problem.line, problem.column, problem.field)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return sorted(result, key=lambda p: (p.line or 0, p.column or 0, p.code))
