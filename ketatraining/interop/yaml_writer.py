"""Write an imported quiz as a quiz YAML file that ``validate`` accepts.

Importers build plain data (dicts and lists in the order of ``quiz/model.py``) and
fill what the source format lacks with "TODO: ..." markers, which ``validate``
reports as warnings (KQ301) so a trainer sees exactly what is left to write.
The YAML is block style with a stable key order, and every string that the
course's YAML reader would read as something else (a number, a boolean, null)
is quoted, so the file re-loads to exactly the data written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ketatraining.quiz.model import ID_PATTERN, SCHEMA_VERSION
from ketatraining.quiz.problems import Problem
from ketatraining.quiz.yamlsource import resolve_plain

TODO_EXPLANATION = "TODO: explain why the answer is right (shown after answering)."
TODO_REFERENCE = "TODO: add the key of the primary source from references.yaml"
TODO_OBJECTIVE = "TODO: add the learning objective's key from objectives.yaml"
TODO_FEEDBACK = "TODO: write the feedback for this answer."
TODO_FEEDBACK_CORRECT = "TODO: write the feedback for a right answer."
TODO_FEEDBACK_INCORRECT = "TODO: write the feedback for a wrong answer."

IMPORT_CODES: dict[str, str] = {
    "KI010": "The import file has a syntax error.",
    "KI011": "A question has too few answers for its type.",
    "KI012": "A numeric answer is not a number.",
    "KI013": "A question cannot be expressed in the course's quiz format.",
    "KI014": "Questions are not separated by a blank line (split; Moodle would merge them).",
    "KI020": "A question type the course does not support (skipped).",
    "KI021": "Information the course's format cannot keep was dropped.",
    "KI022": "The file has no question the course can use.",
    "KI023": "Something was kept in another form (e.g. a category became a tag).",
    "KI030": "The JSON file has a syntax error.",
    "KI031": "A JSON value has the wrong type or is missing.",
    "KI040": "The XML file is not well-formed, not safe, or not the expected format.",
    "KI041": "A QTI interaction or element the course cannot import.",
    "KI042": "A QTI item's response processing cannot be read as a score rule.",
}
"""Problem codes of the importers (the quiz codes KQnnn are in quizzes/README.md)."""

_ID_RE = re.compile(ID_PATTERN)


@dataclass
class ImportResult:
    """What an importer made: quiz data (None if it failed) and every problem found."""

    data: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    """Questions of unsupported types left out."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def option_ids(count: int) -> list[str]:
    """a, b, ..., z, aa, ab, ...: the ids importers give to options."""
    ids = []
    for index in range(count):
        name, n = "", index
        while True:
            name = chr(ord("a") + n % 26) + name
            n = n // 26 - 1
            if n < 0:
                break
        ids.append(name)
    return ids


def slug(text: str, fallback: str) -> str:
    """An id-safe version of ``text`` (letters, digits, '-'), or ``fallback``."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.strip()).strip("-_.")[:64].strip("-_.")
    return cleaned if cleaned and _ID_RE.match(cleaned) else fallback


def is_id(text: str) -> bool:
    return bool(_ID_RE.match(text))


def unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``, ... if it is taken; records the result."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = wanted[: 64 - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def quiz_data(
    quiz_id: str,
    title: str,
    questions: Iterable[Mapping[str, Any]],
    *,
    description: str | None = None,
    topic: str = "imported",
    pass_mark: float = 70,
    max_attempts: int | None = None,
    shuffle: bool = False,
) -> dict[str, Any]:
    """A quiz file's data with the keys in the order of quiz/model.py."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "id": quiz_id, "title": title}
    if description:
        data["description"] = description
    data["topic"] = topic
    data["pass_mark"] = pass_mark
    if max_attempts is not None:
        data["max_attempts"] = max_attempts
    data["shuffle"] = shuffle
    data["questions"] = [dict(q) for q in questions]
    return data


class _Dumper(yaml.SafeDumper):
    """Block style; quotes any string the course's YAML 1.2 reader would not read back."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and not value.startswith((" ", "\t")) and value == value.rstrip(" \t"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if value == "" or resolve_plain(value) != value or not isinstance(resolve_plain(value), str):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(float, _represent_float)


def dump_quiz_yaml(data: Mapping[str, Any], *, header: str | None = None) -> str:
    """The YAML text of a quiz (keys in the order given, block style)."""
    body = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=88,
        indent=2,
    )
    lines = ["# yaml-language-server: $schema=../ketatraining/schemas/quiz.schema.json"]
    if header:
        lines += [f"# {line}".rstrip() for line in header.splitlines()]
    return "\n".join(lines) + "\n" + body
