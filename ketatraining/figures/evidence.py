"""Notebook 04 figures: a forest plot of sourced effect sizes and an onset timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ketatraining.clinical.evidence_data import EFFECT_SIZES, ONSET_SPANS, EffectSize, OnsetSpan
from ketatraining.figures.style import OKABE_ITO

_WITH_CI = {"color": OKABE_ITO[0], "marker": "s"}
_NO_CI = {"color": OKABE_ITO[1], "marker": "D"}


def plot_forest(ax: Any, data: Sequence[EffectSize] = EFFECT_SIZES) -> list[Any]:
    """Forest plot: one row per effect size, point estimate with its 95% CI.

    Rows without a CI in the source get a different marker and no bar, and their
    label says so; nothing is drawn that the source does not give.
    """
    artists: list[Any] = []
    n = len(data)
    labels = []
    for row, item in enumerate(data):
        y = n - 1 - row
        if item.ci_low is not None and item.ci_high is not None:  # item.has_ci
            line = ax.errorbar(
                [item.value],
                [y],
                xerr=[[item.value - item.ci_low], [item.ci_high - item.value]],
                fmt=_WITH_CI["marker"],
                color=_WITH_CI["color"],
                ecolor=_WITH_CI["color"],
                capsize=4,
                markersize=7,
                label="Estimate with 95% CI" if row == 0 else None,
            )
            artists.append(line)
            labels.append(
                f"{item.label}\n{item.value:.2f} ({item.ci_low:.2f} to {item.ci_high:.2f})"
            )
        else:
            point = ax.plot(
                [item.value],
                [y],
                linestyle="none",
                marker=_NO_CI["marker"],
                color=_NO_CI["color"],
                markerfacecolor="white",
                markersize=8,
                label="Estimate, no interval on this scale in the source",
            )[0]
            artists.append(point)
            labels.append(f"{item.label}\n{item.value:.2f} (no interval on this scale)")
    artists.append(
        ax.axvline(0.0, color="black", linewidth=1, linestyle="--", label="No difference (0)")
    )
    ax.set_yticks(range(n - 1, -1, -1), labels, fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("Standardized effect size (Hedges g or Cohen d), ketamine vs control")
    ax.set_title("Ketamine for PTSD: effect sizes from trials and meta-analyses")
    artists.append(ax.legend(loc="lower right", fontsize=8))
    return artists


def plot_onset_timeline(
    ax: Any, data: Sequence[OnsetSpan] = ONSET_SPANS, *, max_days: float = 110.0
) -> list[Any]:
    """Horizontal bars on a days-since-first-dose axis, ketamine rows above SSRI rows.

    Spans with no sourced end are drawn as an open dotted arrow to the axis edge
    with no number attached.
    """
    colours = {"ketamine": OKABE_ITO[0], "ssri": OKABE_ITO[2]}
    hatches = {"ketamine": "", "ssri": "//"}
    artists: list[Any] = []
    n = len(data)
    seen_groups: set[str] = set()
    for row, span in enumerate(data):
        y = n - 1 - row
        colour = colours[span.group]
        if span.end is None:
            arrow = ax.annotate(
                "",
                xy=(max_days, y),
                xytext=(span.start, y),
                arrowprops={"arrowstyle": "->", "linestyle": ":", "color": colour, "lw": 2},
            )
            artists.append(arrow)
            artists.append(
                ax.text(
                    span.start + 1,
                    y + 0.25,
                    "no exact figure in the source",
                    fontsize=8,
                    color="black",
                )
            )
            continue
        group_label = None
        if span.group not in seen_groups:
            group_label = "Ketamine (IV, trials)" if span.group == "ketamine" else "SSRIs"
            seen_groups.add(span.group)
        bars = ax.barh(
            [y],
            [span.end - span.start],
            left=[span.start],
            height=0.5,
            color=colour,
            hatch=hatches[span.group],
            edgecolor="black",
            label=group_label,
        )
        artists.append(bars)
        artists.append(
            ax.text(
                min(span.end + 1, max_days - 1),
                y,
                _span_value_text(span),
                va="center",
                ha="left",
                fontsize=8,
            )
        )
    ax.set_yticks(range(n - 1, -1, -1), [s.label for s in data], fontsize=8)
    ax.set_xlim(0, max_days)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("Days from the first dose")
    ax.set_title("How fast and for how long: ketamine trials vs SSRIs")
    artists.append(ax.legend(loc="upper right", fontsize=8))
    return artists


def _span_value_text(span: OnsetSpan) -> str:
    if span.source is None:
        return ""
    text = f"{span.source.value:g} {span.source.unit}"
    if span.placement_note:
        text += " (placement schematic)"
    return text
