"""Notebook 01 figures: bioavailability by route, and teaching-model exposure curves.

Every plotted number comes from ``ketatraining.clinical.pharmacology``; the curves are
from its one-compartment teaching model and say so on the axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from ketatraining.clinical.citations import author_year
from ketatraining.clinical.pharmacology import ROUTES, PKCurve, Route
from ketatraining.figures.style import OKABE_ITO, series_styles

TEACHING_LABEL = "Illustrative teaching model - not for dosing decisions"
_HATCHES = ("", "//", "\\\\", "xx", "..", "++", "--")


def plot_bioavailability(ax: Any, routes: Sequence[Route] | None = None) -> list[Any]:
    """Horizontal bars: the bioavailability the model uses, labelled with its source.

    Other sources' estimates for the same route are drawn as open diamonds, so the
    disagreement between sources is visible. Each bar has its own hatch (not colour alone)
    and a direct text label with the value and the reference key.
    """
    chosen = list(ROUTES.values()) if routes is None else list(routes)
    labels = [r.label for r in chosen]
    values = [r.bioavailability.value for r in chosen]
    positions = list(range(len(chosen)))[::-1]  # first route at the top
    artists: list[Any] = []
    bars = ax.barh(
        positions, values, color=OKABE_ITO[0], alpha=0.75, edgecolor="black",
        label="Value used in the teaching model",
    )
    for bar, hatch in zip(bars, _HATCHES, strict=False):
        bar.set_hatch(hatch)
    artists.append(bars)
    for y, r in zip(positions, chosen, strict=True):
        label = f"{r.bioavailability.value:g}% ({author_year(r.bioavailability.reference)})"
        if r.other_estimates:
            label += "\nother sources: " + ", ".join(
                f"{v.value:g}% ({author_year(v.reference)})" for v in r.other_estimates
            )
        x = max([r.bioavailability.value, *(v.value for v in r.other_estimates)]) + 2
        artists.append(ax.text(x, y, label, va="center", fontsize=8.5))
    others = [(y, v) for y, r in zip(positions, chosen, strict=True) for v in r.other_estimates]
    if others:
        artists.append(
            ax.plot(
                [v.value for _, v in others], [y for y, _ in others], linestyle="none",
                marker="D", markerfacecolor="white", markeredgecolor=OKABE_ITO[1],
                markeredgewidth=2, markersize=8, label="Other sources' estimates",
            )[0]
        )
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 150)
    ax.set_xlabel("Bioavailability: share of the dose reaching the circulation (%)")
    ax.set_title("Ketamine bioavailability by route (sources disagree)")
    artists.append(ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8))
    return artists


def plot_pk_curves(ax: Any, curves: Sequence[PKCurve]) -> list[Any]:
    """Amount of ketamine in the body over time, one line per curve (teaching model).

    Each curve gets its own colour, marker and line style; the legend names route, dose
    and bioavailability with its source.
    """
    if not curves:
        msg = "plot_pk_curves needs at least one curve"
        raise ValueError(msg)
    artists: list[Any] = []
    styles = islice(series_styles(), len(curves))
    for curve, style in zip(curves, styles, strict=True):
        hours = [t / 60 for t in curve.times_min]
        bio = curve.route.bioavailability
        (line,) = ax.plot(
            hours, curve.amounts_mg, markevery=max(1, len(hours) // 12), markersize=6,
            linewidth=2, label=f"{curve.route.label}, {curve.dose_mg:.0f} mg "
            f"(F = {bio.value:g}%, {author_year(bio.reference)})", **style,
        )
        artists.append(line)
    ax.set_xlabel("Time from start of dose (hours)")
    ax.set_ylabel("Ketamine in the body (mg)\n(proportional to plasma level in this model)")
    ax.set_title(f"One-compartment model. {TEACHING_LABEL}", fontsize=10)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    artists.append(ax.legend(loc="upper right", fontsize=8))
    return artists
