"""``ketatraining review PATH...``: item-writing checks (cues for the test-wise, wording)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "review",
        help="item-writing checks: longest-option cues, 'none of the above', negative "
        "stems, absolute words, repeated stem words, near-duplicate options, key positions",
        description="Review valid quiz files against published item-writing principles "
        "(the NBME item-writing guide's technical flaws): the right option is the longest "
        "(per question, and across a quiz compared with chance), 'all/none of the above', "
        "a negative question without emphasis, absolute words only in wrong options, words "
        "of the question repeated only in the right option, duplicate or near-duplicate "
        "options, and the right option kept at one position. Each finding is a warning "
        "with a code (KQ4nn, listed in quizzes/README.md), the question and a fix. A file "
        "with validation errors reports those instead (run 'ketatraining validate').",
        epilog=examples(
            "ketatraining review quizzes/",
            "ketatraining review quizzes/risks.yaml --format json",
            "ketatraining validate --review quizzes/",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="quiz files or folders")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--strict", action="store_true",
                        help="exit with 1 when there is any finding (for CI)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from ketatraining.quiz.review import review_with_shares

    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"ketatraining review: '{path}' does not exist.", file=sys.stderr)
    if missing:
        return EXIT_USAGE
    results, shares = review_with_shares(args.paths)
    if not results:
        names = ", ".join(f"'{p}'" for p in args.paths)
        print(f"ketatraining review: no quiz files (.yaml, .yml) found in {names}.",
              file=sys.stderr)
        return EXIT_USAGE
    problems = [p for found in results.values() for p in found]
    errors = [p for p in problems if p.severity == "error"]
    counts = Counter(p.code for p in problems if p.severity == "warning")
    if args.format == "json":
        json.dump({"files": len(results), "counts": dict(sorted(counts.items())),
                   "problems": [p.as_dict() for p in problems],
                   "longest_key": {str(path): share.as_dict()
                                   for path, share in shares.items()}},
                  sys.stdout, indent=2)
        print()
    else:
        for problem in problems:
            print(problem.format())
        for path, share in shares.items():
            print(f"{path}: {share.sentence()}.")
        print(summary(len(results), counts, len(errors)))
    failing = errors or (args.strict and counts)
    return EXIT_PROBLEMS if failing else EXIT_OK


def summary(files: int, counts: Counter[str], errors: int) -> str:
    """'3 file(s) reviewed: 5 finding(s) (KQ401 3, KQ404 2).' and any blocking errors."""
    total = sum(counts.values())
    detail = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
    text = f"{files} file(s) reviewed: {total} finding(s)"
    text += f" ({detail})." if detail else "; no item-writing flaw found."
    if errors:
        text += (f" {errors} validation error(s) stopped the review of some files: run "
                 "'ketatraining validate' first.")
    return text
