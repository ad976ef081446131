"""``ketatraining validate PATH...``: check quiz files and report every problem."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check quiz files and folders, reporting every problem at once",
        description="Check quiz files (and the references.yaml and objectives.yaml next to "
        "them). Every problem is reported with file, line, question, field, a stable code "
        "(KQnnn, listed in quizzes/README.md) and how to fix it.",
        epilog=examples(
            "ketatraining validate quizzes/",
            "ketatraining validate quizzes/mechanism.yaml quizzes/risks.yaml",
            "ketatraining validate --format json quizzes/ > problems.json",
            "ketatraining validate --review quizzes/",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="quiz files or folders")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (such as TODO markers) as problems too")
    parser.add_argument("--review", action="store_true",
                        help="also run the item-writing checks of 'ketatraining review' "
                        "(warnings KQ4nn) on the files that validate")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from ketatraining.quiz.loading import validate_paths

    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"ketatraining validate: '{path}' does not exist.", file=sys.stderr)
    if missing:
        return EXIT_USAGE
    results = validate_paths(args.paths)
    if args.review:
        from ketatraining.quiz.review import review_paths

        for path, found in review_paths(args.paths).items():
            known = results.setdefault(path, [])
            known.extend(p for p in found if p.severity == "warning")
    if not results:  # "all clean" would hide a wrong path or an empty folder
        names = ", ".join(f"'{p}'" for p in args.paths)
        print(f"ketatraining validate: no quiz files (.yaml, .yml) found in {names}.",
              file=sys.stderr)
        return EXIT_USAGE
    problems = [p for found in results.values() for p in found]
    errors = [p for p in problems if p.severity == "error"]
    failing = errors + ([p for p in problems if p.severity == "warning"] if args.strict else [])
    if args.format == "json":
        json.dump(
            {"files": len(results), "problems": [p.as_dict() for p in problems]},
            sys.stdout,
            indent=2,
        )
        print()
    else:
        for problem in problems:
            print(problem.format())
        warnings = len(problems) - len(errors)
        bad_files = len({p.path for p in failing})
        summary = (
            f"{len(results)} file(s) checked: {len(errors)} error(s), {warnings} warning(s)"
        )
        if failing:
            summary += f" in {bad_files} file(s)."
        else:
            summary += "." if problems else "; all clean."
        print(summary, file=sys.stderr if failing else sys.stdout)
    return EXIT_PROBLEMS if failing else EXIT_OK
