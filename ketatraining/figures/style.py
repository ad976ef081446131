"""One colour-blind-safe look for every course figure.

Colours are the Okabe-Ito palette; every series also gets its own marker and line
style, so no figure relies on colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import cycle
from typing import Any

OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)))


def series_styles() -> Iterator[dict[str, Any]]:
    """Endless colour + marker + line-style combinations, one per plotted series."""
    return cycle(
        {"color": c, "marker": m, "linestyle": ls}
        for c, m, ls in zip(OKABE_ITO, MARKERS, LINESTYLES, strict=True)
    )


def new_figure(width: float = 7.0, height: float = 4.0) -> tuple[Any, Any]:
    """A Figure and Axes not attached to pyplot's global state (no leaks, no show())."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(visible=True, alpha=0.3)
    return fig, ax
