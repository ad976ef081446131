"""Plain-language help for the YAML mistakes trainers actually make.

libyaml's messages describe the parser, not the person: "mapping values are not allowed
in this context" for curly quotes pasted from Word, "found a tab character that violates
indentation" without saying "use spaces", a missing colon reported on the line *after*
it. This module turns a YAML error into a sentence about the line the trainer must edit,
names the question it is in, and finds characters that look like ordinary ones but are
not (curly quotes, non-breaking spaces, letters from another alphabet).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ketatraining.quiz.problems import Problem

CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb"
INVISIBLE_SPACES = {
    "\u00a0": "a non-breaking space",
    "\u2007": "a figure space",
    "\u202f": "a narrow non-breaking space",
    "\u2009": "a thin space",
    "\u200a": "a hair space",
    "\u3000": "an ideographic space",
}
INVISIBLE = {
    "\u200b": "a zero-width space",
    "\u200c": "a zero-width non-joiner",
    "\u200d": "a zero-width joiner",
    "\u2060": "a word joiner",
    "\ufeff": "a zero-width no-break space (byte-order mark)",
    "\u00ad": "a soft hyphen",
}
LOOKALIKE_PUNCTUATION = {
    "\uff1a": ("a full-width colon '：'", ":"),
    "\uff02": ("a full-width quote '＂'", '"'),
    "\uff07": ("a full-width apostrophe '＇'", "'"),
    "\u2212": ("a minus sign '−'", "-"),
    "\u2010": ("a Unicode hyphen '‐'", "-"),
    "\u2011": ("a non-breaking hyphen '‑'", "-"),
}
_MIXED_WORD = re.compile(r"\b\w*[A-Za-z]\w*\b")
KQ304 = "KQ304"


def _line_of(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def question_at(text: str, line: int) -> str | None:
    """The id of the question whose block contains ``line`` (1-based), if any."""
    lines = text.splitlines()
    start = next((i for i, t in enumerate(lines) if re.match(r"questions\s*:", t)), None)
    if start is None or line <= start + 1:
        return None
    indent = None
    for t in lines[start + 1:]:
        found = re.match(r"(\s*)- ", t)
        if found:
            indent = len(found.group(1))
            break
    if indent is None:
        return None
    item = None
    for i in range(min(line, len(lines)) - 1, start, -1):
        if re.match(rf" {{{indent}}}- ", lines[i]):
            item = i
            break
    if item is None:
        return None
    first = re.match(rf" {{{indent}}}- +id\s*:\s*['\"]?([^'\"\s#]+)", lines[item])
    if first:
        return first.group(1)
    for t in lines[item + 1:line]:
        found = re.match(rf" {{{indent + 2}}}id\s*:\s*['\"]?([^'\"\s#]+)", t)
        if found:
            return found.group(1)
    return None


def _named(code: str, message: str, path: str, line: int | None, column: int | None,
           hint: str, text: str, severity: str = "error") -> Problem:
    question = question_at(text, line) if line else None
    return Problem(code, message, path, line, column, question=question, hint=hint,
                   severity="warning" if severity == "warning" else "error")


def explain_yaml_error(text: str, error: Any, path: str) -> Problem:
    """One KQ010 problem for a libyaml error: the line to edit, the question, the fix."""
    problem = str(error.problem or "syntax error").rstrip(".")
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    context_line = error.context_mark.line + 1 if error.context_mark else None
    candidates = [n for n in (line, context_line, (line or 1) - 1) if n]
    for number in candidates:
        source = _line_of(text, number)
        leading = source[:len(source) - len(source.lstrip())]
        if "\t" in leading or ("tab" in problem and "\t" in source):
            return _named("KQ010", f"Line {number} is indented with a tab character; YAML "
                          "indentation must use spaces.", path, number,
                          source.index("\t") + 1,
                          "Use spaces: replace the tab with spaces (two per level, lined "
                          "up with the keys above), and set your editor's Tab key to insert "
                          "spaces.", text)
        curly = [c for c in CURLY_QUOTES if c in source]
        if curly and ("mapping values" in problem or "expected" in problem):
            shown = " ".join(curly)
            return _named("KQ010", f"Line {number} uses curly quotes ({shown}), as Word and "
                          "e-mail programs type them; YAML does not read them as quotes, so "
                          "the ': ' in this text looks like the start of a new key.", path,
                          number, source.index(curly[0]) + 1,
                          "Replace the curly quotes around the text with straight ones (\"), "
                          "or put the text on the next lines after '|' (a block needs no "
                          "quotes). Curly quotes inside straight quotes are fine.", text)
        spaces = [name for char, name in INVISIBLE_SPACES.items() if char in leading]
        if spaces:
            return _named("KQ010", f"Line {number} is indented with {spaces[0]}, which "
                          "YAML does not count as a space.", path, number, 1,
                          "Delete the indentation of this line and type it again with "
                          "ordinary spaces.", text)
    if "could not find expected ':'" in problem and context_line:
        source = _line_of(text, context_line).strip()
        return _named("KQ010", f"Line {context_line} ('{source[:60]}') has no ':' after "
                      "its key, so YAML cannot tell where the key ends.", path, context_line,
                      (error.context_mark.column + 1), "Add ': ' after the key (for "
                      "example 'prompt: ...'), or, if this line continues the text above, "
                      "indent it further.", text)
    if "mapping values are not allowed" in problem and line:
        return _named("KQ010", f"Line {line} has a ': ' inside text that is not in quotes, "
                      "so YAML reads it as a second key.", path, line, column,
                      "Put the whole text in straight quotes (\"...\"), or write it on the "
                      "next lines after '|'.", text)
    context = f" ({error.context})" if error.context else ""
    return _named("KQ010", f"YAML syntax error: {problem}{context}.", path, line, column,
                  "Check indentation and quoting on this line and the one above; text "
                  "containing ': ' or starting with a special character needs quotes.", text)


_CURLY_WRAPPED = re.compile(
    r"(?:^\s*(?:-\s+)?(?:[\w-]+:\s+)?|[{,]\s*[\w-]+:\s+)"
    "([\u201c\u2018\u201e\u201a])[^\u201c\u201d\u2018\u2019\u201e\u201a\n]*"
    "[\u201d\u2019\u201c]\\s*(?=[,}]|$)")
"""A value wrapped whole in curly quotes (as Word types them): meant as YAML quotes, but
YAML keeps them, so learners would see them as part of the text."""


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def character_problems(text: str, path: str) -> list[Problem]:
    """KQ304 warnings: invisible or look-alike characters, each with its line and fix."""
    problems: list[Problem] = []
    for number, source in enumerate(text.splitlines(), start=1):
        if len(problems) >= 50:
            break
        if source.isascii():
            continue  # the common case: nothing can look alike
        wrapped = _CURLY_WRAPPED.search(source)
        if wrapped:
            problems.append(_named(
                KQ304, f"Line {number} wraps a text in curly quotes ({wrapped.group(1)} ...), "
                "as Word and e-mail programs type them; YAML does not read them as quotes, "
                "so learners see them as part of the text.", path, number,
                wrapped.start(1) + 1, f"On line {number}, replace them with straight quotes "
                "(\"...\") or remove them.", text, severity="warning"))
            continue
        found: list[tuple[int, str, str]] = []
        for char, name in {**INVISIBLE_SPACES, **INVISIBLE}.items():
            index = source.find(char)
            if index >= 0 and not (char == "\ufeff" and number == 1 and index == 0):
                found.append((index, f"{name} (U+{ord(char):04X})",
                              "delete it and type an ordinary space (or nothing)"))
        for char, (name, plain) in LOOKALIKE_PUNCTUATION.items():
            index = source.find(char)
            if index >= 0:
                found.append((index, f"{name} (U+{ord(char):04X})",
                              f"type an ordinary '{plain}' instead"))
        for word in _MIXED_WORD.finditer(source):
            foreign = [c for c in word.group(0)
                       if c.isalpha() and not c.isascii() and _script(c) in ("CYRILLIC",
                                                                             "GREEK")]
            if foreign:
                char = foreign[0]
                found.append((word.start() + word.group(0).index(char),
                              (f"the {unicodedata.name(char).lower()} '{char}' (U+"
                              f"{ord(char):04X}) inside the word '{word.group(0)}'"),
                              ("retype the word with Latin letters: it looks the same but "
                              "search, spell-checking and screen readers treat it as "
                              "another word")))
        for index, what, fix in sorted(found)[:1]:
            problems.append(_named(KQ304, f"Line {number} contains {what}, which looks like "
                                   "an ordinary character but is not.", path, number,
                                   index + 1, f"On line {number}, {fix}.", text,
                                   severity="warning"))
    return problems
