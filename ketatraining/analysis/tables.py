"""Plain-text numbers and tables for trainer reports, shared by the CLI and the dashboard.

One definition, so ``ketatraining results`` in a terminal and the trainer dashboard
notebook print the same figures the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["duration", "fmt", "quiz_label", "table"]


def fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    """A number for a table; '-' when it is undefined."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.{digits}f}{suffix}"


def duration(seconds: float | None) -> str:
    """'12m05s' or '1h02m'; '-' when unknown."""
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]],
          right: Sequence[int] = ()) -> list[str]:
    """Lines of a plain-text table with aligned columns (columns in ``right`` align right)."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [str(c).rjust(w) if i in right else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def quiz_label(quizzes: Mapping[str, Any], quiz_id: str) -> str:
    """'risks (Risks and monitoring)', or the bare id for a quiz no longer in the course."""
    quiz = quizzes.get(quiz_id)
    return f"{quiz_id} ({quiz.title})" if quiz else quiz_id
