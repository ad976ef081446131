"""``ketatraining import gift|jupyterquiz FILE --out quizzes/NAME.yaml``: bring in a bank."""

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
        help="turn a GIFT or jupyterquiz question bank into a quiz file",
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
                         help="refuse the file if any question type is unsupported")
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

    text, problems = decode(args.file.read_bytes(), str(args.file))
    if text is None:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        return EXIT_PROBLEMS
    if args.source_format == "gift":
        from ketatraining.interop.gift import import_gift as importer
    else:
        from ketatraining.interop.jupyterquiz import import_jupyterquiz as importer
    result = importer(text, quiz_id=out.stem, path=str(args.file), strict=args.strict,
                      title=args.title)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr if problem.severity == "error" else sys.stdout)
    if result.data is None:
        errors = len(result.errors)
        print(f"{command}: {errors} problem(s) in '{args.file}'; nothing was written.",
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
