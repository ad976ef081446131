"""Notebook 03 figure: the proposed pathway from NMDA blockade to synapses, as boxes.

The current step is marked three ways (thick border, bold text, a "You are here" label),
steps already covered are filled and later ones are pale, and the final PTSD step is a
dashed box because it is a hypothesis. Nothing relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ketatraining.clinical.mechanism import PATHWAY, Step
from ketatraining.figures.style import OKABE_ITO

_BOX_W, _BOX_H, _GAP = 1.0, 0.62, 0.1


def new_pathway_figure(width: float = 6.5, height: float = 7.0) -> tuple[Any, Any]:
    """A Figure and Axes sized for the vertical pathway (outside pyplot's global state)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def step_state(index: int, current: int | None) -> str:
    """'current', 'done', 'todo' (before/after the current step) or 'all' (no step chosen)."""
    if current is None:
        return "all"
    if index == current:
        return "current"
    return "done" if index < current else "todo"


def plot_pathway(ax: Any, steps: Sequence[Step] = PATHWAY, current: int | None = None) -> list[Any]:
    """Draw the steps top to bottom with arrows; ``current`` (0-based) marks one step.

    Returns the box patches, texts and arrows it drew.
    """
    from matplotlib.patches import FancyBboxPatch

    if current is not None and not 0 <= current < len(steps):
        msg = f"current must be between 0 and {len(steps) - 1}; got {current}"
        raise ValueError(msg)
    artists: list[Any] = []
    n = len(steps)
    for i, step in enumerate(steps):
        y = (n - 1 - i) * (_BOX_H + _GAP + 0.25)
        state = step_state(i, current)
        face = {"current": OKABE_ITO[5], "done": "#cfe8f7", "todo": "#f2f2f2", "all": "#cfe8f7"}
        box = FancyBboxPatch(
            (0, y), _BOX_W * 4, _BOX_H, boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=face[state], edgecolor="black",
            linewidth=3.5 if state == "current" else 1.2,
            linestyle="-" if step.established else (0, (4, 2)),
        )
        box.set_gid(f"kt-pathway-step-{step.key}")
        ax.add_patch(box)
        artists.append(box)
        text = ax.text(
            _BOX_W * 2, y + _BOX_H / 2, f"{i + 1}. {step.label}", ha="center", va="center",
            fontsize=12, fontweight="bold" if state == "current" else "normal",
            color="#555555" if state == "todo" else "black",
        )
        artists.append(text)
        if state == "current":
            artists.append(
                ax.text(_BOX_W * 4 + 0.12, y + _BOX_H / 2, "<- You are here", ha="left",
                        va="center", fontsize=10, fontweight="bold")
            )
        if i < n - 1:
            arrow = ax.annotate(
                "", xy=(_BOX_W * 2, y - 0.3), xytext=(_BOX_W * 2, y - 0.02),
                arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.5,
                            "linestyle": "-" if steps[i + 1].established else "--"},
            )
            artists.append(arrow)
    ax.set_xlim(-0.2, _BOX_W * 4 + 1.9)
    ax.set_ylim(-0.3, (n - 1) * (_BOX_H + _GAP + 0.25) + _BOX_H + 0.2)
    ax.set_axis_off()
    ax.set_title("Proposed ketamine pathway (mostly rodent and depression research)",
                 fontsize=11)
    return artists
