"""``ketatraining import gift|moodle-xml|qti|jupyterquiz FILE --out quizzes/NAME.yaml``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

_FORMATS = {
    "gift": (
        "a Moodle GIFT file",
        ("Read a Moodle GIFT file as Moodle does and write it as a course quiz. Multiple "
        "choice (single and select-all), true/false and numerical questions are imported "
        "with their feedback; essay, matching, short-answer, missing-word and description "
        "questions are listed with their line and skipped (--strict refuses them). What "
        "GIFT lacks (references, objective, explanations) is marked 'TODO: ...'; "
        "'ketatraining validate' lists every TODO left."),
        (
            "ketatraining import gift moodle-bank.gift --out quizzes/safety.yaml",
            "ketatraining import gift bank.txt --out quizzes/safety.yaml --strict",
            "ketatraining import gift bank.gift --out quizzes/safety.yaml --title 'Safety'",
        ),
    ),
    "moodle-xml": (
        "a Moodle XML question bank",
        ("Read a Moodle XML export (question bank > Export > Moodle XML format) as Moodle's "
        "own importer does and write it as a course quiz. Multiple choice (single and "
        "multiple answer, with fractions), true/false, numerical (tolerance, units, graded "
        "answers), matching, short answer and one-gap drag-and-drop/select-missing-words "
        "questions are imported with their marks, feedback, tags and idnumbers; categories "
        "become tags 'category:NAME'. Description, essay, Cloze and calculated questions "
        "are listed with their line and skipped; whatever the course cannot keep (images, "
        "hints, combined feedback, extra units) is listed too, and --strict refuses the "
        "file if anything would be lost."),
        (
            "ketatraining import moodle-xml questions-safety.xml --out quizzes/safety.yaml",
            "ketatraining import moodle-xml bank.xml --out quizzes/safety.yaml --strict",
        ),
    ),
    "qti": (
        "a QTI 3.0 package (.zip) or item (.xml)",
        ("Read a QTI 3.0 content package or one qti-assessment-item file and write it as a "
        "course quiz: choice (single and multiple), text entry (numeric with tolerance, or "
        "text), match and order interactions, with their feedback; a qti-assessment-test "
        "gives the order, shuffle and pass mark. Other interactions are listed with the "
        "file, line and element and skipped (--strict refuses them)."),
        (
            "ketatraining import qti safety-qti.zip --out quizzes/safety.yaml",
            "ketatraining import qti item-0042.xml --out quizzes/one-item.yaml",
        ),
    ),
    "jupyterquiz": (
        "a jupyterquiz JSON question list",
        ("Read a jupyterquiz JSON file (multiple_choice, many_choice and numeric questions, "
        "numeric answers with precision or ranges) and write it as a course quiz. Other "
        "question types are listed and skipped (--strict refuses them). References, "
        "objectives and explanations are marked 'TODO: ...' for you to fill in."),
        (
            "ketatraining import jupyterquiz questions.json --out quizzes/basics.yaml",
        ),
    ),
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="turn a GIFT, Moodle XML, QTI 3.0 or jupyterquiz bank into a quiz file",
        description="Turn another system's question bank into a quiz file in quizzes/. "
        "The result passes 'ketatraining validate'; what the source lacks is marked "
        "'TODO: ...' (reported as warnings) for you to fill in.",
        epilog=examples(*(line for spec in _FORMATS.values() for line in spec[2])),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.set_defaults(func=lambda args: _no_format(parser))
    formats = parser.add_subparsers(dest="source_format", metavar="FORMAT")
    for name, (summary, description, lines) in _FORMATS.items():
        sub = formats.add_parser(name, help=f"import {summary}", description=description,
                                 epilog=examples(*lines), formatter_class=EXAMPLES_FORMATTER)
        sub.add_argument("file", type=Path, metavar="FILE", help=f"{summary} to read")
        sub.add_argument("--out", type=Path, required=True, metavar="quizzes/NAME.yaml",
                         help="the quiz file to write; NAME becomes the quiz id")
        sub.add_argument("--title", help="the quiz title (default: from the file)")
        sub.add_argument("--strict", action="store_true",
                         help="refuse the file if anything in it would be lost (an "
                         "unsupported question, or a part the course cannot keep)")
        sub.add_argument("--force", action="store_true",
                         help="replace the output file if it exists")
        sub.set_defaults(func=run)


def _no_format(parser: argparse.ArgumentParser) -> int:
    from ketatraining.cli import EXIT_USAGE

    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _write(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder so a failure leaves no half file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _importer(name: str) -> Any:
    if name == "gift":
        from ketatraining.interop.gift import import_gift

        return import_gift
    if name == "moodle-xml":
        from ketatraining.interop.moodle_xml import import_moodle_xml

        return import_moodle_xml
    if name == "qti":
        from ketatraining.interop.qti_import import import_qti

        return import_qti
    from ketatraining.interop.jupyterquiz import import_jupyterquiz

    return import_jupyterquiz


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from ketatraining.interop.yaml_writer import dump_quiz_yaml, is_id
    from ketatraining.quiz.loading import QUIZ_SUFFIXES, check_file
    from ketatraining.quiz.yamlsource import decode

    command = f"ketatraining import {args.source_format}"
    out: Path = args.out
    if out.suffix not in QUIZ_SUFFIXES:
        print(f"{command}: --out must name a .yaml file, such as quizzes/{out.stem}.yaml.",
              file=sys.stderr)
        return EXIT_USAGE
    if not is_id(out.stem):
        print(f"{command}: the file name '{out.name}' cannot be a quiz id; use letters, digits, "
              "'-', '_' and '.' only (e.g. quizzes/safety-basics.yaml).", file=sys.stderr)
        return EXIT_USAGE
    if not args.file.is_file():
        what = "is a folder, not a file" if args.file.is_dir() else "does not exist"
        print(f"{command}: '{args.file}' {what}.", file=sys.stderr)
        return EXIT_USAGE
    if not out.parent.is_dir():
        print(f"{command}: the folder '{out.parent}' does not exist; create it or choose "
              "another --out.", file=sys.stderr)
        return EXIT_USAGE
    if out.exists() and not args.force:
        print(f"{command}: '{out}' already exists; add --force to replace it, or choose "
              "another --out.", file=sys.stderr)
        return EXIT_PROBLEMS

    raw = args.file.read_bytes()
    source: str | bytes
    if args.source_format == "qti":
        source = raw
    else:
        text, problems = decode(raw, str(args.file))
        if text is None:
            for problem in problems:
                print(problem.format(), file=sys.stderr)
            return EXIT_PROBLEMS
        source = text
    result = _importer(args.source_format)(source, quiz_id=out.stem, path=str(args.file),
                                           strict=args.strict, title=args.title)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr if problem.severity == "error" else sys.stdout)
    if result.data is None:
        count = len(result.errors)
        print(f"{command}: {count} problem(s) in '{args.file}'; nothing was written.",
              file=sys.stderr)
        return EXIT_PROBLEMS

    header = f"Imported from {args.file.name} by 'ketatraining import {args.source_format}'."
    _write(out, dump_quiz_yaml(result.data, header=header))
    _, found = check_file(out)
    errors = [p for p in found if p.severity == "error"]
    todos = sum(p.code == "KQ301" for p in found)
    for problem in errors:
        print(problem.format(), file=sys.stderr)
    count = len(result.data["questions"])
    skipped = f" ({result.skipped} skipped)" if result.skipped else ""
    print(f"Wrote {out}: {count} question(s){skipped}, {todos} TODO marker(s) to replace.")
    if errors:
        print(f"{command}: the written quiz has {len(errors)} error(s) (above); fix them, then "
              f"run 'ketatraining validate {out}'.", file=sys.stderr)
        return EXIT_PROBLEMS
    if todos:
        print(f"Next: replace the TODOs; 'ketatraining validate {out}' lists each one.")
    return EXIT_OK
