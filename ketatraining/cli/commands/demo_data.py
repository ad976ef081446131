"""``ketatraining demo-data``: fill an empty store with a synthetic cohort."""

from __future__ import annotations

import argparse
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples

DEFAULT_DEMO_DB = "sqlite:///ketatraining-demo.db"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"'{text}' is not a whole number of 1 or more"
        raise argparse.ArgumentTypeError(msg)
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo-data",
        help="fill an empty progress store with a realistic synthetic cohort",
        description="Write a synthetic cohort into an empty progress store: learners of "
        "varying ability answer the course's real quizzes (marked by the real grading "
        "code), some questions are harder, some wrong options attractive, a few learners "
        "retry or stop mid-quiz. Every attempt is started, answered and finished through "
        "the same assessment interface the quiz widget uses, so the answers are graded "
        "and stored as learners' would be (with --service: by the course server), "
        "back-dated to the cohort's days. The same --seed always gives the same answers, "
        "marks and times. For the dashboard, the docs and the benchmarks; never mix it "
        "with real learners' data (it refuses a store that already holds attempts).",
        epilog=examples(
            "ketatraining demo-data --learners 200 --seed 1",
            "ketatraining demo-data --learners 50 --seed 7 --db sqlite:///demo.db",
            "ketatraining demo-data --learners 20 --seed 1 --service "
            "https://hub.example.org/services/ketatraining-demo/",
            "ketatraining stats contraindications --db sqlite:///ketatraining-demo.db",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("--learners", type=_positive, required=True, metavar="N",
                        help="how many synthetic learners")
    parser.add_argument("--seed", type=int, required=True, metavar="S",
                        help="random seed (same seed, same cohort)")
    parser.add_argument("--db", metavar="URL",
                        help="the store to fill (default: $KETATRAINING_DB like every other "
                        f"command, else {DEFAULT_DEMO_DB}, a file in the current folder; "
                        "never this computer's own progress store); it must be empty")
    parser.add_argument("--service", metavar="URL",
                        help="write through the course server at this address instead, with "
                        "your trainer's hub token ($KETATRAINING_HUB_TOKEN or "
                        "$JUPYTERHUB_API_TOKEN); the server must be started with "
                        "--allow-demo and have a database of its own")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    from ketatraining.analysis.demo import answer_through, demo_cohort
    from ketatraining.assessment.protocol import AssessmentError
    from ketatraining.cli import EXIT_OK
    from ketatraining.errors import KetaTrainingError

    cohort = demo_cohort(args.learners, args.seed)
    if args.service:
        if args.db:
            msg = "Give --service or --db, not both: the course server keeps its own database."
            raise KetaTrainingError(msg)
        from ketatraining.cli.commands import _remote

        with _remote.client(args.service) as service:
            try:
                answers = answer_through(service, cohort)
            except AssessmentError as error:
                msg = f"The course server refused the demo data: {error}"
                raise KetaTrainingError(msg) from None
        where = f"the course server {args.service}"
        follow = f"ketatraining results --service {args.service}"
    else:
        from ketatraining.assessment.local import LocalAssessment
        from ketatraining.progress.store import ProgressStore

        url = args.db or os.environ.get("KETATRAINING_DB", "").strip() or DEFAULT_DEMO_DB
        with ProgressStore(url, create_folder=False) as store:
            existing = len(store.attempts())
            if existing:
                msg = (f"The progress store {store.display_url} already holds {existing} "
                       "attempt(s); demo data goes into an empty store (choose another --db).")
                raise KetaTrainingError(msg)
            local = LocalAssessment(store, learner_id="demo-trainer")
            for quiz in cohort.banks:
                local.add_quiz(quiz)
            try:
                answers = answer_through(local, cohort)
            except AssessmentError as error:
                msg = f"The demo data could not be written: {error}"
                raise KetaTrainingError(msg) from None
            where = store.display_url
        follow = f"ketatraining results --db {url}"
    print(f"Wrote a demo cohort to {where}: {len(cohort.learners)} learners, "
          f"{sum(1 for p in cohort.plans if p.answers)} attempts, {answers} answers on "
          f"{len(cohort.quizzes)} quizzes (seed {args.seed}).")
    print(f"Next: {follow}")
    return EXIT_OK
