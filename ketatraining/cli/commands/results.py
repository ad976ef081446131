"""``ketatraining results``: best and last score, pass/fail, attempts and time, per learner."""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from ketatraining.analysis import tables
from ketatraining.cli.commands._remote import SERVICE_HELP
from ketatraining.cli.commands._trainer import DB_HELP
from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "results",
        help="results per learner and per quiz: best/last score, pass/fail, attempts, time",
        description="Show how learners did: one row per learner and quiz (attempts "
        "started and finished, best and last finished score, passed, time on finished "
        "attempts), then one summary per quiz (pass rate among learners who finished, "
        "mean best score, median time). 'passed' is yes once any finished attempt "
        "reached the pass mark; an attempt in progress adds no time until it is "
        "finished. The learner's own progress view and the completion record show the "
        "same figures.",
        epilog=examples(
            "ketatraining results",
            "ketatraining results --quiz contraindications",
            "ketatraining results --learner u123 --db sqlite:///hub-progress.db",
            "ketatraining results --format csv > results.csv",
            "ketatraining results --by-attempt --quiz final-assessment",
            "ketatraining results --service https://hub.example.org/services/ketatraining/",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("--learner", metavar="L", help="only this learner")
    parser.add_argument("--quiz", metavar="Q", help="only this quiz (its id)")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--service", metavar="URL", help=SERVICE_HELP)
    parser.add_argument("--by-attempt", action="store_true",
                        help="one row per attempt instead: its score, pass and, for a quiz "
                        "with pools, the questions it drew")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.analysis.results import quiz_summaries
    from ketatraining.cli import EXIT_OK
    from ketatraining.cli.commands import _trainer as t
    from ketatraining.errors import KetaTrainingError
    from ketatraining.progress.summary import load_results

    if args.service:
        from ketatraining.cli.commands import _remote

        _remote.write(_remote.report(args.service, "results", {
            "learner": args.learner, "quiz": args.quiz, "format": args.format,
            "by_attempt": "yes" if args.by_attempt else None}), None, "")
        return EXIT_OK
    with t.open_existing_store(args.db) as store:
        quizzes = t.course_quizzes()
        t.check_learner(store, args.learner)
        t.check_quiz(store, args.quiz, quizzes)
        if args.by_attempt:
            return _by_attempt(store.attempts(args.learner, args.quiz), args.format)
        rows = load_results(store, args.learner, args.quiz, quizzes)
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
    lines = tables.table(
        ["learner", "quiz", "attempts", "finished", "best %", "last %", "passed", "time"],
        [[r.learner_id, r.quiz_id, str(r.attempts), str(r.finished),
          tables.fmt(r.best_percent) + mark[r.regraded and r.best_percent is not None],
          tables.fmt(r.last_percent) + mark[r.regraded and r.last_percent is not None],
          passed[r.passed],
          tables.duration(r.time_spent_seconds)]
         for r in rows],
        right=(2, 3, 4, 5, 7))
    if any(r.regraded for r in rows):
        lines.append("* regraded: scores after 'ketatraining regrade' (originals are kept).")
    lines.append("time: on finished attempts, from the first question shown to Finish.")
    lines += ["", *tables.table(
        ["quiz", "learners", "finished", "passed", "pass rate", "mean best %", "median time"],
        [[s.quiz_id, str(s.learners), str(s.finished_learners), str(s.passed_learners),
          tables.fmt(None if s.pass_rate is None else 100 * s.pass_rate, 0, "%"),
          tables.fmt(s.mean_best_percent), tables.duration(s.median_time_seconds)]
         for s in summaries],
        right=(1, 2, 3, 4, 5, 6))]
    print("\n".join(lines))
    return EXIT_OK


def _by_attempt(attempts: list[Any], form: str) -> int:
    """One row per attempt, with the questions a quiz with pools drew for it."""
    from ketatraining.cli import EXIT_OK

    rows = [{"learner_id": a.learner_id, "quiz_id": a.quiz_id, "attempt": a.attempt,
             "started_at": a.started_at.isoformat(),
             "finished_at": a.finished_at.isoformat() if a.finished_at else None,
             "score": a.score, "max_score": a.max_score, "percent": a.percent,
             "passed": a.passed, "regraded": a.regraded,
             "drawn": None if a.drawn is None else list(a.drawn),
             "draw_seed": a.draw_seed} for a in attempts]
    if form == "json":
        print(json.dumps({"attempts": rows}, indent=2))
        return EXIT_OK
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(rows[0]) if rows else ["learner_id"])
        for row in rows:
            writer.writerow([_cell(" ".join(v) if isinstance(v, list) else v)
                             for v in row.values()])
        print(out.getvalue(), end="")
        return EXIT_OK
    passed = {True: "yes", False: "no", None: "-"}
    lines = tables.table(
        ["learner", "quiz", "attempt", "score", "%", "passed", "questions drawn"],
        [[a.learner_id, a.quiz_id, str(a.attempt),
          f"{tables.fmt(a.score)} of {tables.fmt(a.max_score)}" + ("*" if a.regraded else ""),
          tables.fmt(a.percent), passed[a.passed],
          "all" if a.drawn is None else ", ".join(a.drawn)] for a in attempts],
        right=(2, 3, 4))
    if not attempts:
        lines = ["No attempts yet."]
    if any(a.regraded for a in attempts):
        lines.append("* regraded: scores after 'ketatraining regrade' (originals are kept).")
    print("\n".join(lines))
    return EXIT_OK


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
