"""``ketatraining keyfree``: write key-free quiz files for learners' servers on a hub."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "keyfree",
        help="write key-free quiz files (no answers, feedback or explanations) for a hub",
        description="Write, for every quiz, a file with only what a learner may see before "
        "answering (titles, prompts, options, units, points). Put these, never the keyed "
        "quizzes/ folder, on learners' servers and in their image; the course server keeps "
        "the keyed files. Refuses to run if any quiz is invalid.",
        epilog=examples("ketatraining keyfree quizzes/ --out build/learner-quizzes"),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("source", type=Path, help="the keyed quiz folder")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder for the key-free files (created if needed)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.assessment.keyfree import write_keyfree
    from ketatraining.cli import EXIT_OK
    from ketatraining.service.main import load_keyed_quizzes

    if args.out.resolve() == args.source.resolve():
        from ketatraining.errors import KetaTrainingError

        msg = "--out must be another folder than the keyed quizzes."
        raise KetaTrainingError(msg)
    written = write_keyfree(list(load_keyed_quizzes(args.source).values()), args.out)
    print(f"Wrote {len(written)} key-free quiz file(s) to {args.out}.")
    return EXIT_OK
