"""``ketatraining stats``: Moodle-style item analysis of a quiz, or of any marks CSV."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ketatraining.cli.commands._remote import SERVICE_HELP
from ketatraining.cli.commands._trainer import DB_HELP
from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

_POLICY_TEXT = {
    "first": "each learner's first finished attempt",
    "last": "each learner's last finished attempt",
    "best": "each learner's best finished attempt",
    "all": "every finished attempt",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="item analysis: facility, discrimination, reliability, problem questions",
        description="Item analysis exactly as Moodle's quiz statistics define it: per "
        "question facility, SD, discrimination index, discriminative efficiency, effective "
        "weight and how often each option was chosen; per quiz mean, median, SD, "
        "skewness, kurtosis, CIC (Cronbach's alpha), error ratio and standard error. "
        "Questions outside the problem bands are flagged (facility below 0.20 or above "
        "0.90, discrimination below 20, negative covariance, a wrong option chosen more "
        "often than the right one). --marks analyses a CSV from any system: a header "
        "'attempt,<question id>,...' and one row per attempt with each mark as a "
        "fraction (0..1) of the question's maximum, empty if unanswered.",
        epilog=examples(
            "ketatraining stats contraindications",
            "ketatraining stats contraindications --attempts all --db sqlite:///hub.db",
            "ketatraining stats risks --json > risks-stats.json",
            "ketatraining stats --marks moodle-marks.csv",
            "ketatraining stats risks --by-version",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("quiz", nargs="?", metavar="QUIZ", help="quiz id or file")
    parser.add_argument("--marks", type=Path, metavar="FILE.csv",
                        help="analyse this marks CSV instead of the progress store")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--service", metavar="URL", help=SERVICE_HELP)
    parser.add_argument("--attempts", choices=("first", "last", "best", "all"),
                        default="first",
                        help="which attempts count (default: first, as these statistics "
                        "assume one attempt each; retries bias them upwards)")
    parser.add_argument("--by-version", action="store_true",
                        help="analyse the answers to each version of a changed question "
                        "apart (e.g. before and after a key fix), one row per version")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.analysis.item_analysis import analyse
    from ketatraining.cli import EXIT_OK, EXIT_USAGE

    if (args.quiz is None) == (args.marks is None):
        print("ketatraining stats: give either a QUIZ or --marks FILE.csv (not both).",
              file=sys.stderr)
        return EXIT_USAGE
    if args.service and args.quiz is not None:
        from ketatraining.cli.commands import _remote

        _remote.write(_remote.report(args.service, "stats", {
            "quiz": args.quiz, "attempts": args.attempts,
            "by_version": "yes" if args.by_version else None,
            "format": "json" if args.json else None}), None, "")
        return EXIT_OK
    if args.marks is not None:
        from ketatraining.analysis.marks import read_marks_csv

        table = read_marks_csv(args.marks)
        source = f"Marks file {args.marks}"
        title = None
    else:
        from ketatraining.analysis.marks import marks_from_store
        from ketatraining.cli.commands._trainer import open_existing_store
        from ketatraining.quiz.loading import load_quiz

        quiz = load_quiz(args.quiz)
        with open_existing_store(args.db) as store:
            table = marks_from_store(store, quiz, args.attempts, by_version=args.by_version)
        source = f"Quiz {quiz.id} ({quiz.title})"
        title = _POLICY_TEXT[args.attempts]
    stats = analyse(table)
    if args.json:
        data = stats.to_dict()
        if args.marks is not None:
            data["attempt_policy"] = None
        print(json.dumps(data, indent=2))
        return EXIT_OK
    print("\n".join(_report(stats, source, title)))
    return EXIT_OK


TYPED_DISTRACTOR = ("a wrong answer was typed more often than the right one (see its "
                    "answers above)")
"""The popular_distractor sentence for a numeric or short-answer question."""


def _report(stats: Any, source: str, policy: str | None) -> list[str]:
    from ketatraining.analysis.item_analysis import (
        DISCRIMINATION_WEAK,
        FACILITY_HIGH,
        FACILITY_LOW,
        FLAGS,
        shown,
    )
    from ketatraining.analysis.tables import fmt, table

    counted = f" ({policy})" if policy else ""
    percent = (100 * stats.mean / stats.max_mark) if stats.max_mark else None
    lines = [
        f"{source}: {stats.attempts} attempt(s){counted}.",
        (f"Mean {fmt(stats.mean, 2)} of {fmt(stats.max_mark, 2)} ({fmt(percent, 1, '%')}), "
        f"median {fmt(stats.median, 2)}, SD {fmt(stats.sd, 2)}, skewness "
        f"{fmt(stats.skewness, 2)}, kurtosis {fmt(stats.kurtosis, 2)}."),
        (f"CIC {fmt(stats.cic, 1, '%')}, error ratio {fmt(stats.error_ratio, 1, '%')}, "
        f"standard error {fmt(stats.standard_error, 2)}."),
        *stats.verdict,
        *([(f"{stats.regraded_answers} of the answers analysed were regraded ('ketatraining "
           "regrade'); their new scores are used.")] if stats.regraded_answers else []),
        "",
    ]
    rows = [[_name(q), str(q.responses), shown(q.facility, 2, (FACILITY_LOW, FACILITY_HIGH)),
             fmt(q.sd, 2), shown(q.discrimination_index, 1, (0.0, DISCRIMINATION_WEAK)),
             fmt(q.discriminative_efficiency, 1),
             fmt(q.effective_weight, 1), ", ".join(q.flags) or "ok"]
            for q in stats.questions]
    if stats.varied:  # pools or versions: how many attempts asked each row's question
        rows = [[row[0], str(q.attempts), *row[1:]] for row, q in zip(rows, stats.questions,
                                                                      strict=True)]
        lines += table(["question", "asked", "n", "facility", "sd", "D", "E", "EW", "flags"],
                       rows, right=(1, 2, 3, 4, 5, 6, 7))
        lines.append("asked = attempts that asked the question (drawn from a pool, or "
                     "answering this version); n = of those, the attempts that answered it.")
    else:
        lines += table(["question", "n", "facility", "sd", "D", "E", "EW", "flags"], rows,
                       right=(1, 2, 3, 4, 5, 6))
    for question in stats.questions:
        if question.answers:
            lines += ["", f"Answers to {_name(question)} (most frequent first):"]
            lines += table(["answer", "n", "share", "credit", "matched"], [
                [a.answer, str(a.count), fmt(100 * a.rate, 0, "%"), fmt(100 * a.credit, 0, "%"),
                 a.matched] for a in question.answers], right=(1, 2, 3))
    problems = stats.problems()
    lines.append("")
    if not problems:
        lines.append("No question is outside the problem bands.")
        return lines
    lines.append(f"{len(problems)} question(s) to review:")
    for question in problems:
        said = [TYPED_DISTRACTOR if f == "popular_distractor" and question.answers
                else FLAGS[f] for f in question.flags]
        lines.append(f"- {_name(question)}: " + "; ".join(said) + ".")
        if question.options and question.responses and not question.answers:
            chosen = ", ".join(
                f"{o.option}{'*' if o.correct else ''} {fmt(100 * (o.rate or 0), 0, '%')}"
                for o in question.options)
            lines.append(f"  options chosen (* = right): {chosen}")
    lines.append("D = discrimination index, E = discriminative efficiency, EW = effective "
                 "weight (all in %); see the trainer guide.")
    return lines


def _name(question: Any) -> str:
    """The row's name: the question id, with its version when split by version."""
    return question.id if question.version is None else f"{question.id} v{question.version}"
