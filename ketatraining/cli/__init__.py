"""The trainer's command line: ``ketatraining COMMAND ...``.

Each command is a module in ``ketatraining/cli/commands/`` with ``register(subparsers)``
that adds its parser and sets ``func``; they are found automatically. Exit codes:
0 success, 1 problems found (or the command failed), 2 usage error. A trainer never
sees a traceback: ``KetaTrainingError`` and OS errors become one sentence on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from ketatraining import __version__
from ketatraining.errors import KetaTrainingError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ketatraining",
        description="Write, check and analyse the quizzes of the ketatraining course.",
        epilog="Run 'ketatraining COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"ketatraining {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from ketatraining.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except KetaTrainingError as error:
        print(f"ketatraining: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"ketatraining: {error.strerror or error}{where}.", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("ketatraining: interrupted.", file=sys.stderr)
        return 130
