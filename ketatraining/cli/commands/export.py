"""``ketatraining export``: results as CSV or xAPI statements; a quiz as GIFT or QTI."""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from pathlib import Path
from typing import Any

from ketatraining.cli.commands._remote import SERVICE_HELP
from ketatraining.cli.commands._trainer import DB_HELP
from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

_QUIZ_FORMATS = {
    "gift": ("ketatraining.interop.gift", "gift_export", "GIFT (Moodle)"),
    "qti": ("ketatraining.interop.qti", "write_qti_package", "QTI 3.0 package"),
    "moodle-xml": ("ketatraining.interop.moodle_xml_export", "moodle_xml_export", "Moodle XML"),
    "jupyterquiz": ("ketatraining.interop.jupyterquiz_export", "jupyterquiz_export",
                    "jupyterquiz JSON"),
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="results as CSV or xAPI; a quiz as GIFT, Moodle XML, QTI or jupyterquiz",
        description="Hand results to a spreadsheet, an LMS or a Learning Record Store. "
        "--format csv writes one row per answered question (attempt, response, each "
        "option chosen or not, mark, time). --format xapi writes xAPI 1.0.3 statements "
        "as a JSON array: 'answered' per question, 'attempted', 'completed' and "
        "'passed'/'failed' per quiz attempt, learners as account {homePage, name}. "
        "Statement ids are derived from the records, so exporting again gives the same "
        "ids and an LRS stores nothing twice. 'export gift|moodle-xml|qti|jupyterquiz "
        "QUIZ' writes a quiz itself for Moodle (GIFT or the lossless Moodle XML), a QTI 3.0 "
        "system, or jupyterquiz's display_quiz. Weights Moodle cannot express are refused "
        "(KE001, naming the question and the nearest grades) unless --round-weights; what "
        "a format cannot carry is listed (KE002). README.md lists each format's limits.",
        epilog=examples(
            "ketatraining export --format csv --out answers.csv",
            "ketatraining export --format xapi --out statements.json "
            "--home-page https://hub.example.org",
            "ketatraining export --format csv --quiz risks --db sqlite:///hub.db",
            "ketatraining export gift contraindications --out contraindications.gift",
            "ketatraining export qti contraindications --out contraindications.zip",
            "ketatraining export moodle-xml risks --out risks.xml",
            "ketatraining export moodle-xml risks --out risks.xml --round-weights",
            "ketatraining export jupyterquiz welcome --out welcome.json",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("target", nargs="?", choices=tuple(_QUIZ_FORMATS),
                        metavar="{gift,moodle-xml,qti,jupyterquiz}",
                        help="export a quiz instead of results")
    parser.add_argument("quiz_name", nargs="?", metavar="QUIZ",
                        help="with a quiz format: the quiz id or file")
    parser.add_argument("--format", choices=("csv", "xapi"), help="results format")
    parser.add_argument("--round-weights", action="store_true",
                        help="gift/moodle-xml: write the nearest grade Moodle accepts for a "
                        "weight it cannot express, and list each change (default: refuse)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="file to write (results: default the terminal)")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--service", metavar="URL", help=SERVICE_HELP)
    parser.add_argument("--learner", metavar="L", help="only this learner's records")
    parser.add_argument("--quiz", metavar="Q", help="only this quiz's records")
    parser.add_argument("--home-page", metavar="URL", default=None,
                        help="xapi: the learners' account homePage, i.e. the hub's address "
                        "(default: a placeholder, https://ketatraining.invalid)")
    parser.add_argument("--activity-base", metavar="IRI", default=None,
                        help="xapi: the IRI quiz and question activity ids start with "
                        "(default: <home page>/course)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_USAGE

    if args.target is not None:
        if args.quiz_name is None or args.out is None or args.format is not None:
            print(f"ketatraining export: write 'export {args.target} QUIZ --out FILE'.",
                  file=sys.stderr)
            return EXIT_USAGE
        return _export_quiz(args.target, args.quiz_name, args.out, args.round_weights)
    if args.quiz_name is not None:
        print(f"ketatraining export: unexpected '{args.quiz_name}'; to export a quiz write "
              "'export gift QUIZ --out FILE' or 'export qti QUIZ --out FILE'.",
              file=sys.stderr)
        return EXIT_USAGE
    for value in (args.home_page, args.activity_base):
        if value is not None and not value.startswith(("https://", "http://")):
            option = "--home-page" if value == args.home_page else "--activity-base"
            print(f"ketatraining export: {option} must be a web address starting with "
                  "https:// or http://, e.g. https://hub.example.org.", file=sys.stderr)
            return EXIT_USAGE
    if args.format is None:
        print("ketatraining export: choose --format csv or --format xapi (or 'export gift "
              "QUIZ --out FILE').", file=sys.stderr)
        return EXIT_USAGE
    return _export_results(args)


def _export_quiz(target: str, name: str, out: Path, round_weights: bool) -> int:
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS
    from ketatraining.cli.commands import _trainer as t
    from ketatraining.interop.common import ExportRefused, check_output_folder
    from ketatraining.quiz.loading import load_quiz

    module_name, function_name, label = _QUIZ_FORMATS[target]
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError):
        print(f"ketatraining: {label} export is not available in this installation "
              f"({module_name}.{function_name} is missing).", file=sys.stderr)
        return EXIT_PROBLEMS
    quiz = load_quiz(name)
    check_output_folder(str(out))
    try:
        if target == "qti":
            problems = function(quiz, out) or []
        else:
            text, problems = function(quiz, round_weights=round_weights, path=str(out))
            if not any(p.severity == "error" for p in problems):
                t.write_output(text, out)
    except ExportRefused as refused:
        problems = refused.problems
    for problem in problems:
        print(problem.format(), file=sys.stderr if problem.severity == "error" else sys.stdout)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        print(f"ketatraining export {target}: {len(errors)} problem(s) in quiz '{quiz.id}'; "
              "nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote {out}: quiz '{quiz.id}' as {label}.")
    return EXIT_OK


def _export_results(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK
    from ketatraining.cli.commands import _trainer as t
    from ketatraining.errors import KetaTrainingError

    if args.service:
        from ketatraining.cli.commands import _remote

        text = _remote.report(args.service, "export", {
            "learner": args.learner, "quiz": args.quiz, "format": args.format})
        _remote.write(text, args.out, f"{args.format} export")
        return EXIT_OK

    with t.open_existing_store(args.db) as store:
        quizzes = t.course_quizzes()
        t.check_learner(store, args.learner)
        t.check_quiz(store, args.quiz, quizzes)
        attempts = store.attempts(args.learner, args.quiz)
        submissions = store.responses(args.learner, args.quiz)
        where = store.display_url
    if not submissions and not attempts:
        msg = f"Nothing to export: no attempts match in the progress store {where}."
        raise KetaTrainingError(msg)
    if args.format == "csv":
        from ketatraining.interop.csv_export import write_csv

        buffer = io.StringIO()
        count = write_csv(buffer, attempts, submissions, quizzes)
        text, what = buffer.getvalue(), f"{count} answer row(s)"
    else:
        from ketatraining.interop import xapi

        home = args.home_page or xapi.DEFAULT_HOME_PAGE
        base = args.activity_base or f"{home.rstrip('/')}/course"
        statements = xapi.build_statements(attempts, submissions, quizzes, home_page=home,
                                           activity_base=base)
        text, what = xapi.dumps(statements), f"{len(statements)} xAPI statement(s)"
    t.write_output(text, args.out)
    if args.out is not None:
        print(f"Wrote {args.out}: {what}.")
    return EXIT_OK
