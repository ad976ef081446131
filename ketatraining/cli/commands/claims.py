"""``ketatraining claims``: the reviewer's table of every clinical claim and its source."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "claims",
        help="print the claims register: claim, source, location, last reviewed",
        description="Print the course's claims register (ketatraining/clinical/data/"
        "claims.yaml) as the table an accreditation reviewer or a pharmacy and therapeutics "
        "committee reads: each clinical claim, its sources from the one bibliography "
        "(quizzes/references.yaml), where it appears, and when it was last reviewed.",
        epilog=examples(
            "ketatraining claims --format csv > claims.csv",
            "ketatraining claims --format html --output claims.html",
            "ketatraining claims --references --format csv > references.csv",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("--format", choices=("csv", "html"), default="csv")
    parser.add_argument("--references", action="store_true",
                        help="print the reviewer's reference report instead: each entry of "
                        "quizzes/references.yaml as learners see it, with the fields not yet "
                        "verified and the review notes (never shown to learners)")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write to FILE instead of standard output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS
    from ketatraining.clinical.citations import short_citation
    from ketatraining.clinical.claims_register import load_register, rows, to_csv, to_html
    from ketatraining.clinical.datafile import ClinicalDataError

    if args.references:
        return _references(args)
    try:
        register = load_register()
    except ClinicalDataError as error:
        print(f"ketatraining claims: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    table = rows(register, short_citation)
    _emit(args, to_csv(table) if args.format == "csv" else to_html(table), len(table),
          "claims")
    return EXIT_OK


def _emit(args: argparse.Namespace, text: str, count: int, what: str) -> None:
    """The table to ``--output`` (saying how many rows it holds) or to standard output."""
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {count} {what} to {args.output}.")
    else:
        sys.stdout.write(text)


def _references(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS
    from ketatraining.clinical.claims_register import (
        REFERENCE_HEADINGS,
        reference_rows,
        to_csv,
        to_html,
    )
    from ketatraining.quiz.loading import load_references

    bibliography = load_references()
    if not bibliography:
        print("ketatraining claims: quizzes/references.yaml cannot be read; run "
              "'ketatraining validate quizzes/' to see why.", file=sys.stderr)
        return EXIT_PROBLEMS
    table = reference_rows(bibliography)
    _emit(args, to_csv(table, REFERENCE_HEADINGS) if args.format == "csv" else to_html(
        table, "Reference report", REFERENCE_HEADINGS, "Every entry of the bibliography as "
        "learners see it, and what is still to verify"), len(table), "references")
    return EXIT_OK
