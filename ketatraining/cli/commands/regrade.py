"""``ketatraining regrade QUIZ``: re-score stored answers after fixing a key, with an audit."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketatraining.cli.commands._remote import SERVICE_HELP
from ketatraining.cli.commands._trainer import DB_HELP
from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

if TYPE_CHECKING:
    from ketatraining.progress.regrade import RegradeReport
    from ketatraining.progress.store import ProgressStore

SHOWN = 50
"""Rows listed per table; the counts above them are always complete."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "regrade",
        help="re-score stored answers to a quiz after fixing its key, with an audit trail",
        description="Re-mark every stored answer to QUIZ with the quiz file as it is now "
        "(after fixing a wrong key, a weight or a tolerance) and show what changes: "
        "learner, attempt, old and new score, and every pass/fail that flips. The "
        "original answers are never altered or deleted: each change is appended to an "
        "audit (kt_regrades, kt_attempt_regrades) in one transaction, and results, stats "
        "and completion records use the regraded scores from then on. Regrading again "
        "changes nothing. --dry-run shows the changes without writing anything.",
        epilog=examples(
            "ketatraining regrade risks --dry-run",
            "ketatraining regrade risks",
            "ketatraining regrade quizzes/risks.yaml --db postgresql+psycopg://trainer@db/course",
            "ketatraining regrade risks --dry-run --service "
            "https://hub.example.org/services/ketatraining/",
            "ketatraining regrade risks --history",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("quiz", metavar="QUIZ", help="quiz id or file")
    parser.add_argument("--dry-run", action="store_true",
                        help="only show what would change; write nothing")
    parser.add_argument("--all", action="store_true",
                        help=f"list every changed answer and attempt (without it: the first "
                        f"{SHOWN} of each, then how many more)")
    parser.add_argument("--history", action="store_true",
                        help="list the regrades already applied to QUIZ (the audit: when, "
                        "by whom, how many answers and attempts changed); changes nothing")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--service", metavar="URL", help=SERVICE_HELP + "; the course "
                        "server regrades against the quiz file in its own quiz folder")
    parser.set_defaults(func=run)


def _open(url: str | None, dry_run: bool) -> ProgressStore:
    from sqlalchemy.engine import make_url

    from ketatraining.cli.commands._trainer import open_existing_store, store_url
    from ketatraining.errors import KetaTrainingError, StoreBusyError, StoreUnavailableError
    from ketatraining.progress.store import ProgressStore

    if dry_run:
        return open_existing_store(url)
    url = store_url(url)
    reader = open_existing_store(url)  # the same checks: exists, not from a newer release
    reader.close()
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database and not database.startswith("file:"):
        path = Path(database)
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            msg = (f"The progress store {database} is read-only, so nothing was regraded; "
                   "run regrade with write access to it (or add --dry-run to only see the "
                   "changes).")
            raise KetaTrainingError(msg)
    try:
        return ProgressStore(url, create_folder=False)
    except StoreBusyError:
        msg = (f"The progress store {url} is busy (another regrade, or a long write), so "
               "nothing was regraded; run it again in a minute.")
        raise KetaTrainingError(msg) from None
    except StoreUnavailableError as error:
        msg = f"Nothing was regraded. {error} (--dry-run only reads.)"
        raise KetaTrainingError(msg) from None


def run(args: argparse.Namespace) -> int:
    from ketatraining.cli import EXIT_OK
    from ketatraining.progress.records import current_learner
    from ketatraining.progress.regrade import regrade
    from ketatraining.quiz.loading import load_quiz

    if args.service:
        from ketatraining.cli.commands import _remote
        from ketatraining.errors import KetaTrainingError

        if args.db:
            msg = "Give either --service or --db, not both."
            raise KetaTrainingError(msg)
        quiz_id = Path(args.quiz).stem if args.quiz.endswith((".yaml", ".yml")) else args.quiz
        _remote.write(_remote.regrade(args.service, quiz_id, dry_run=args.dry_run,
                                      history=args.history, every=args.all), None, "")
        return EXIT_OK
    if args.history:
        return _history(args)
    quiz = load_quiz(args.quiz)
    with _open(args.db, args.dry_run) as store:
        report = regrade(store, quiz, dry_run=args.dry_run, by=current_learner())
        where = store.display_url
    print("\n".join(describe(report, f"{quiz.id} ({quiz.title})", where,
                             shown=None if args.all else SHOWN)))
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    """The audit's index for one quiz: every regrade that changed something, oldest first."""
    from ketatraining.analysis.tables import table
    from ketatraining.cli import EXIT_OK
    from ketatraining.cli.commands._trainer import open_existing_store
    from ketatraining.progress.regrade import history

    quiz_id = Path(args.quiz).stem if args.quiz.endswith((".yaml", ".yml")) else args.quiz
    with open_existing_store(args.db) as store:
        runs = history(store, quiz_id)
        where = store.display_url
    if not runs:
        print(f"No regrade of the quiz '{quiz_id}' has changed anything in {where}.")
        return EXIT_OK
    print(f"Regrades of the quiz '{quiz_id}' in {where} (oldest first; each answer's old "
          "and new score are in kt_regrades, each attempt's in kt_attempt_regrades):")
    rows = [[f"{_utc(run['regraded_at']):%Y-%m-%d %H:%M} UTC", str(run["regraded_by"]),
             str(run["answers_changed"]), str(run["attempts_changed"]), str(run["run_id"])]
            for run in runs]
    print("\n".join(table(["when", "by", "answers", "attempts", "audit run"], rows,
                          right=(2, 3))))
    return EXIT_OK


def _utc(when: Any) -> Any:
    """PostgreSQL gives the session's time zone, SQLite a naive UTC time."""
    from datetime import UTC

    return when.astimezone(UTC) if getattr(when, "tzinfo", None) else when


def _score(value: float | None) -> str:
    from ketatraining.analysis.tables import fmt

    return fmt(value, 2)


def describe(report: RegradeReport, label: str, where: str,
             shown: int | None = SHOWN) -> list[str]:
    """The lines the command prints (also used by the dashboard and tests)."""
    from ketatraining.analysis.tables import fmt, table

    lines = [(f"Quiz {label}: {report.answers_checked} stored answer(s) re-marked against "
              "the quiz file as it is now.")]
    if not report.changed:
        lines.append("Nothing changes: every stored score already matches the quiz.")
        return lines
    lines.append(f"{len(report.answers)} answer(s) change, {len(report.attempts)} attempt "
                 f"total(s) change, {len(report.pass_changes)} pass/fail result(s) change.")
    lines.append("")
    rows = [[c.learner_id, str(c.attempt), c.question_id, _score(c.old_score),
             _score(c.new_score), _score(c.max_score)] for c in report.answers[:shown]]
    lines += table(["learner", "attempt", "question", "old", "new", "of"], rows,
                   right=(1, 3, 4, 5))
    if shown is not None and len(report.answers) > shown:
        lines.append(f"... and {len(report.answers) - shown} more answer(s) (--all lists "
                     "them all).")
    passed = {True: "passed", False: "failed", None: "unfinished"}
    if report.attempts:
        lines.append("")
        rows = [[c.learner_id, str(c.attempt), fmt(c.old_percent, 1, "%"),
                 fmt(c.new_percent, 1, "%"),
                 passed[c.old_passed] + (" -> " + passed[c.new_passed]
                                         if c.pass_changed else "")]
                for c in report.attempts[:shown]]
        lines += table(["learner", "attempt", "old %", "new %", "result"], rows,
                       right=(1, 2, 3))
        if shown is not None and len(report.attempts) > shown:
            lines.append(f"... and {len(report.attempts) - shown} more attempt(s) (--all "
                         "lists them all).")
    versions = sorted({(c.question_id, c.question_version) for c in report.answers
                       if c.question_version is not None})
    if versions:
        lines.append("")
        lines.append("Re-marked against: " + ", ".join(f"{q} version {v}" for q, v in versions)
                     + " (the version numbers of 'stats --by-version' and the CSV export).")
    lines.append("")
    if report.dry_run:
        lines.append("Dry run: nothing was written. Run without --dry-run to apply these "
                     "changes.")
    else:
        lines.append(f"Regraded in {where}: audit run {report.run_id}; the original "
                     "answers are kept, and results, stats and completion records now use "
                     "the new scores.")
    return lines
