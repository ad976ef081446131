"""The learner's own results per topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ketatraining.figures.style import OKABE_ITO


def plot_topic_scores(ax: Any, topics: Sequence[str], best_percent: Sequence[float],
                      pass_marks: Sequence[float]) -> list[Any]:
    """Horizontal bars of the best score per topic, with the pass mark as a marker.

    Passed bars are solid and labelled "passed"; others hatched and labelled "not yet",
    so the figure does not rely on colour.
    """
    positions = list(range(len(topics)))
    artists: list[Any] = []
    for y, score, mark in zip(positions, best_percent, pass_marks, strict=True):
        passed = score >= mark
        bar = ax.barh(y, score, color=OKABE_ITO[0] if passed else "#ffffff",
                      edgecolor=OKABE_ITO[0], hatch=None if passed else "//", height=0.6)
        artists.extend(bar)
        artists.append(ax.text(min(score, 100) + 1, y, f"{score:.0f}% "
                               + ("passed" if passed else "not yet"), va="center"))
    markers = ax.plot(list(pass_marks), positions, linestyle="none", marker="|",
                      markersize=18, markeredgewidth=3, color=OKABE_ITO[1], label="pass mark")
    artists.extend(markers)
    ax.set_yticks(positions, labels=list(topics))
    ax.set_xlim(0, 125)
    ax.set_xlabel("Best score (%)")
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    return artists
