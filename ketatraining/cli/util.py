"""Small helpers shared by the CLI commands."""

from __future__ import annotations

import argparse

EXAMPLES_FORMATTER = argparse.RawDescriptionHelpFormatter


def examples(*lines: str) -> str:
    """An 'examples:' block for a command's --help."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)
