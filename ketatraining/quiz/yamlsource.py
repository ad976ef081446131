"""Read a YAML file safely, keeping the line and column of every key.

Quiz files come from many hands, so reading one must never run code, never blow up
memory and always say where a problem is. We let libyaml (PyYAML's C parser)
tokenize and build plain dicts and lists from its events ourselves, which lets us:

- refuse every YAML tag (``!!python/object`` and friends construct objects),
- refuse anchors and aliases (the "billion laughs" alias bomb needs them),
- stop at a fixed nesting depth and a fixed file size,
- report duplicate keys (PyYAML silently keeps the last one),
- resolve scalars by the YAML 1.2 core schema, so ``no`` stays the text "no".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from ketatraining.quiz.problems import MAX_PROBLEMS, Problem

MAX_BYTES = 2 * 1024 * 1024
"""Largest file read: 2 MiB, about 3,000 questions. Bigger banks are split into several
quizzes; the limit keeps the worst hostile file that fits under it to about a second."""
MAX_ENTRIES = 10_000
"""Most keys in one mapping or items in one list: stops key floods in a few milliseconds."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences; quiz files need 5."""
MAX_NUMBER = 10**15
"""Largest number a quiz file may hold (points, pass marks, numeric answers need far less).
Bigger literals in any YAML form (a 309-digit integer, ``0x`` and 4,000 ``f``, ``1e999``)
are refused as KQ017 where they stand, so no later step converts, sums or prints them."""
_MAX_DIGITS = len(str(MAX_NUMBER)) + 1  # longer digit strings are too large without parsing

Path_ = tuple[Any, ...]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INFS = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
_NEG_INFS = frozenset({"-.inf", "-.Inf", "-.INF"})
_NANS = frozenset({".nan", ".NaN", ".NAN"})
_DUPLICATE = object()


@dataclass
class Document:
    """Plain data plus the 1-based (line, column) of every key and sequence item."""

    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_) -> tuple[int | None, int | None]:
        """Where ``path`` is; for a missing key, where its nearest parent is."""
        path = tuple(path)
        while True:
            found = self.positions.get(path)
            if found is not None:
                return found
            if not path:
                return None, None
            path = path[:-1]


class TooLarge(str):
    """The text of a number literal beyond MAX_NUMBER, kept as text (reported as KQ017)."""

    __slots__ = ()

    def shown(self) -> str:
        """The literal shortened for a message: a 4,000-digit number is not worth printing."""
        if len(self) <= 24:
            return str(self)
        return f"{self[:12]}…{self[-4:]} ({len(self):,} characters)"


def resolve_plain(value: str) -> Any:
    """YAML 1.2 core-schema resolution of an unquoted scalar.

    Numbers beyond MAX_NUMBER come back as TooLarge text, whatever their form: decimal,
    ``0x`` hex or ``0o`` octal integers, or floats whose exponent overflows. Forms that
    YAML 1.2 does not read as numbers (``0b101``, ``1:30``, ``1_000``) stay text.
    """
    first = value[:1]
    if first.isalpha() and first not in "tTfFnN":
        return value  # the common case: ordinary text
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    if _INT.match(value):
        digits = value.lstrip("+-").lstrip("0")
        if len(digits) > _MAX_DIGITS:
            return TooLarge(value)
        return _bounded(int(value), value)
    if _HEX.match(value):
        return _bounded(int(value, 16), value) if len(value) <= _MAX_DIGITS + 2 else TooLarge(value)
    if _OCT.match(value):
        return _bounded(int(value, 0), value) if len(value) <= _MAX_DIGITS + 4 else TooLarge(value)
    if _FLOAT.match(value):
        return _bounded(float(value), value)
    if value in _INFS:
        return float("inf")
    if value in _NEG_INFS:
        return float("-inf")
    if value in _NANS:
        return float("nan")
    return value


def _bounded(number: float, text: str) -> Any:
    """The number, or TooLarge text when its magnitude passes MAX_NUMBER (or overflows)."""
    if abs(number) > MAX_NUMBER:  # float('inf') from 1e999 is caught here too
        return TooLarge(text)
    return number


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text, refusing oversized, non-UTF-8, binary or bidi-tricked input."""
    if len(raw) > MAX_BYTES:
        return None, [
            Problem(
                "KQ002",
                f"The file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes.",
                path,
                hint="Split the quiz into several files.",
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_col(raw, error.start)
        return None, [
            Problem(
                "KQ003",
                f"Byte 0x{raw[error.start]:02x} is not valid UTF-8.",
                path,
                line,
                column,
                hint="Save the file as UTF-8 in your editor.",
            )
        ]
    for pattern, code, message, hint in (
        (
            _CONTROL,
            "KQ004",
            "Control character U+{0:04X} found: this does not look like a text file.",
            "Remove the character, or check that this is the quiz file you meant.",
        ),
        (
            _BIDI,
            "KQ005",
            (
                "Invisible text-direction character U+{0:04X} found; it can make text "
                "display differently from what it says."
            ),
            "Delete the character (it is invisible in most editors).",
        ),
    ):
        match = pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return None, [
                Problem(code, message.format(ord(match.group())), path, line, column, hint=hint)
            ]
    return text, []


class _TooManyEntries(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _Builder:
    """Turns libyaml events into plain Python data with positions."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.unlisted = 0
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.root: Any = None
        self.has_root = False
        # Each frame: [container, path, pending_key, key_lines, entries seen]
        self.stack: list[list[Any]] = []

    def fail(self, code: str, message: str, mark: Any, hint: str) -> None:
        if code in ("KQ011", "KQ103") and len(self.problems) >= MAX_PROBLEMS:
            # e.g. a million duplicate keys: count them; fatal problems are always listed
            self.unlisted += 1
            return
        self.problems.append(
            Problem(code, message, self.path, mark.line + 1, mark.column + 1, hint=hint)
        )

    def attach(self, value: Any, mark: Any) -> Path_ | None:
        """Put ``value`` into the current container; return its path (None if dropped)."""
        where = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.root, self.has_root = value, True
            self.positions[()] = where
            return ()
        frame = self.stack[-1]
        container, parent = frame[0], frame[1]
        if isinstance(container, list) or frame[2] is None:  # an item, or a key
            frame[4] += 1
            if frame[4] > MAX_ENTRIES:
                raise _TooManyEntries(mark)
        if isinstance(container, list):
            item_path = (*parent, len(container))
            container.append(value)
            self.positions[item_path] = where
            return item_path
        key = frame[2]
        if key is None:  # this scalar is a key
            if isinstance(value, (dict, list)):
                self.fail("KQ103", "A key must be plain text.", mark, "Write the key as a word.")
                frame[2] = _DUPLICATE
                return None
            if value in container or value in frame[3]:
                first = frame[3].get(value, (None, None))[0]
                self.fail(
                    "KQ011",
                    f"Key '{value}' appears twice in this mapping (first on line {first}).",
                    mark,
                    "Delete or rename one of them; only one value can be kept.",
                )
                frame[2] = _DUPLICATE
                return None
            frame[2] = value
            frame[3][value] = where
            self.positions[(*parent, value)] = where
            return None
        frame[2] = None
        if key is _DUPLICATE:
            return None
        container[key] = value
        return (*parent, key)

    def too_large(self, value: TooLarge, mark: Any, path: Path_ | None) -> None:
        """KQ017 where the key of the value stands, the place later checks report too."""
        line, column = self.positions.get(path, (mark.line + 1, mark.column + 1)) if (
            path is not None) else (mark.line + 1, mark.column + 1)
        self.problems.append(Problem(
            "KQ017",
            f"The number {value.shown()} is too large: numbers in a quiz file lie "
            f"between -{MAX_NUMBER:,} and {MAX_NUMBER:,}.",
            self.path, line, column,
            hint="Give a smaller number, or put the value in quotes if it is text."))

    def refuse_decorations(self, event: Any) -> bool:
        if getattr(event, "anchor", None):
            self.fail(
                "KQ013",
                f"Anchor '&{event.anchor}' found; anchors and aliases are not allowed.",
                event.start_mark,
                "Write the text out in full where it is needed.",
            )
            return True
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag not in (None, "!") and not (
            implicit is True or (isinstance(implicit, tuple) and implicit[0])
        )
        if explicit:
            self.fail(
                "KQ012",
                f"YAML tag '{tag}' found; tags are not allowed in quiz files.",
                event.start_mark,
                "Remove the tag (the part starting with '!').",
            )
            return True
        return False

    def build(self, text: str) -> Document | None:
        documents = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if self.refuse_decorations(event):
                    return None
                scalar = cast("yaml.ScalarEvent", event)  # type() is faster than isinstance
                value = resolve_plain(scalar.value) if scalar.implicit[0] else scalar.value
                where = self.attach(value, event.start_mark)
                if isinstance(value, TooLarge):
                    self.too_large(value, event.start_mark, where)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if self.refuse_decorations(event):
                    return None
                if len(self.stack) >= MAX_DEPTH:
                    self.fail(
                        "KQ014",
                        f"More than {MAX_DEPTH} levels of nesting.",
                        event.start_mark,
                        "Quiz files need only a few levels; check the indentation.",
                    )
                    return None
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = self.attach(container, event.start_mark)
                # A container used as a key or under a duplicate key is parsed but dropped.
                self.stack.append(
                    [container, path if path is not None else ("?",), None, {}, 0])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.stack.pop()
            elif kind is yaml.AliasEvent:
                self.fail(
                    "KQ013",
                    f"Alias '*{cast('yaml.AliasEvent', event).anchor}' found; anchors and "
                    "aliases are not allowed.",
                    event.start_mark,
                    "Write the text out in full where it is needed.",
                )
                return None
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.fail(
                        "KQ015",
                        "The file holds more than one YAML document ('---').",
                        event.start_mark,
                        "Put one quiz in each file.",
                    )
                    return None
        return Document(self.root if self.has_root else None, self.positions)


def parse_yaml(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document; problems instead of exceptions."""
    builder = _Builder(path)
    try:
        document = builder.build(text)
    except _TooManyEntries as error:
        builder.fail(
            "KQ016",
            f"A mapping or list holds more than {MAX_ENTRIES:,} entries.",
            error.mark,
            "Quiz files need far fewer; split a large bank into several quizzes.",
        )
        return None, builder.problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "nesting depth" in str(error.problem):  # libyaml's own limit, for flow [[[...
            builder.problems.append(Problem(
                "KQ014", f"More than {MAX_DEPTH} levels of nesting.", path,
                mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                hint="Quiz files need only a few levels; check the brackets."))
            return None, builder.problems
        from ketatraining.quiz.yamlhelp import explain_yaml_error

        builder.problems.append(explain_yaml_error(text, error, path))
        return None, builder.problems
    except yaml.YAMLError as error:  # reader errors carry no mark object
        builder.problems.append(
            Problem("KQ010", f"YAML could not be read: {error}.", path, hint="Check the file.")
        )
        return None, builder.problems
    if builder.unlisted:
        builder.problems.insert(0, Problem(
            builder.problems[-1].code,
            f"{builder.unlisted:,} more problems were found but not listed (only the first "
            f"{MAX_PROBLEMS} are shown).", path,
            hint="Fix the problems above and validate again; is this the file you meant?"))
    if builder.problems:
        return (document if document is not None else None), builder.problems
    return document, []


def read_yaml(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Bytes to a Document, or the problems that prevent it."""
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    return parse_yaml(text, path)
