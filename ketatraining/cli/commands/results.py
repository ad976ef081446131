"""``ketatraining results``: best and last score, pass/fail, attempts and time, per learner."""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from ketatraining.cli.commands._remote import SERVICE_HELP
from ketatraining.cli.commands._trainer import DB_HELP
from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "results",
        help="results per learner and per quiz: best/last score, pass/fail, attempts, time",
        description="Show how learners did: one row per learner and quiz (attempts, best "
        "and last finished score, passed, time spent), then one summary per quiz (pass "
        "rate among learners who finished, mean best score). 'passed' is yes once any "
        "finished attempt reached the pass mark.",
        epilog=examples(
            "ketatraining results",
            "ketatraining results --quiz contraindications",
            "ketatraining results --learner u123 --db sqlite:///hub-progress.db",
            "ketatraining results --format csv > results.csv",
            "ketatraining results --service https://hub.example.org/services/ketatraining/",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("--learner", metavar="L", help="only this learner")
    parser.add_argument("--quiz", metavar="Q", help="only this quiz (its id)")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--service", metavar="URL", help=SERVICE_HELP)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.analysis.results import load_results, quiz_summaries
    from ketatraining.cli import EXIT_OK
    from ketatraining.cli.commands import _trainer as t
    from ketatraining.errors import KetaTrainingError

    if args.service:
        from ketatraining.cli.commands import _remote

        _remote.write(_remote.report(args.service, "results", {
            "learner": args.learner, "quiz": args.quiz, "format": args.format}), None, "")
        return EXIT_OK
    with t.open_existing_store(args.db) as store:
        quizzes = t.course_quizzes()
        t.check_learner(store, args.learner)
        t.check_quiz(store, args.quiz, quizzes)
        rows = load_results(store, args.learner, args.quiz)
        where = store.display_url
    if not rows:
        who = f" for learner '{args.learner}'" if args.learner else ""
        which = f" on the quiz '{args.quiz}'" if args.quiz else ""
        msg = f"No attempts{who}{which} in the progress store {where} yet."
        raise KetaTrainingError(msg)
    summaries = quiz_summaries(rows)
    if args.format == "json":
        print(json.dumps({"learners": [r.to_dict() for r in rows],
                          "quizzes": [s.to_dict() for s in summaries]}, indent=2))
        return EXIT_OK
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        columns = list(rows[0].to_dict())
        writer.writerow(columns)
        for row in rows:
            data = row.to_dict()
            writer.writerow([_cell(data[c]) for c in columns])
        print(out.getvalue(), end="")
        return EXIT_OK
    passed = {True: "yes", False: "no", None: "-"}
    mark = {True: "*", False: ""}
    lines = t.table(
        ["learner", "quiz", "attempts", "best %", "last %", "passed", "time"],
        [[r.learner_id, r.quiz_id, str(r.attempts), t.fmt(r.best_percent) + mark[r.regraded],
          t.fmt(r.last_percent) + mark[r.regraded], passed[r.passed],
          t.duration(r.time_spent_seconds)]
         for r in rows],
        right=(2, 3, 4, 6))
    if any(r.regraded for r in rows):
        lines.append("* regraded: scores after 'ketatraining regrade' (originals are kept).")
    lines += ["", *t.table(
        ["quiz", "learners", "finished", "passed", "pass rate", "mean best %", "median time"],
        [[s.quiz_id, str(s.learners), str(s.finished_learners), str(s.passed_learners),
          t.fmt(None if s.pass_rate is None else 100 * s.pass_rate, 0, "%"),
          t.fmt(s.mean_best_percent), t.duration(s.median_time_seconds)]
         for s in summaries],
        right=(1, 2, 3, 4, 5, 6))]
    print("\n".join(lines))
    return EXIT_OK


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
