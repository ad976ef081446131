"""Notebook 05 figure: blood pressure over a session, sourced points vs schematic line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ketatraining.clinical.citations import author_year
from ketatraining.clinical.hemodynamics import (
    LABEL_LARGE_RISE_DIASTOLIC,
    LABEL_LARGE_RISE_ESKETAMINE,
    LABEL_LARGE_RISE_SYSTOLIC,
    LABEL_PEAK_MINUTES,
    POOLED_RISES,
    RETURN_WITHIN_IV,
    TIME_COURSE,
    PooledRise,
    TimePoint,
)
from ketatraining.figures.style import OKABE_ITO

_SBP = {"color": OKABE_ITO[1], "marker": "o"}
_DBP = {"color": OKABE_ITO[0], "marker": "s"}


def new_bp_figure(width: float = 10.0, height: float = 5.2) -> tuple[Any, Any, Any]:
    """A two-panel Figure (time course, pooled rises) outside pyplot's global state."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    ax_time, ax_pooled = fig.subplots(1, 2, width_ratios=[2.2, 1])
    for ax in (ax_time, ax_pooled):
        ax.grid(visible=True, alpha=0.3)
    return fig, ax_time, ax_pooled


def plot_bp_time_course(ax: Any, data: Sequence[TimePoint] = TIME_COURSE) -> list[Any]:
    """Sourced mean changes from baseline as markers; a dashed schematic line joins them.

    Measured means are filled markers, the baseline and the label's "the rise lasts
    about ..." bound are open markers, and the joining line is labelled as schematic.
    """
    artists: list[Any] = []
    minutes = [p.minutes for p in data]
    for series, style, name in (
        ([p.systolic for p in data], _SBP, "Systolic"),
        ([p.diastolic for p in data], _DBP, "Diastolic"),
    ):
        artists.append(
            ax.plot(
                minutes,
                series,
                linestyle=(0, (4, 3)),
                color=style["color"],
                alpha=0.6,
                label=f"{name}: schematic connection (not measured)",
            )[0]
        )
        measured = [
            (p.minutes, v) for p, v in zip(data, series, strict=True) if p.kind == "measured"
        ]
        artists.append(
            ax.plot(
                [m for m, _ in measured],
                [v for _, v in measured],
                linestyle="none",
                marker=style["marker"],
                color=style["color"],
                markersize=8,
                label=f"{name}: sourced mean",
            )[0]
        )
        others = [(p.minutes, v) for p, v in zip(data, series, strict=True) if p.kind != "measured"]
        artists.append(
            ax.plot(
                [m for m, _ in others],
                [v for _, v in others],
                linestyle="none",
                marker=style["marker"],
                color=style["color"],
                markerfacecolor="white",
                markersize=8,
                label=f"{name}: baseline / end-of-rise bound",
            )[0]
        )
    for p in data:
        if p.kind == "measured":
            text = f"{p.minutes:g} min: +{p.systolic:g} / +{p.diastolic:g} mmHg\n({author_year(p.reference)})"
            artists.append(
                ax.annotate(
                    text,
                    xy=(p.minutes, p.systolic),
                    # Right of the point and above the falling line, below the peak label.
                    xytext=(p.minutes + 30, p.systolic + 0.15),
                    fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": "grey"},
                )
            )
        elif p.kind == "bound":
            text = f"esketamine label: rise\nlasts about {p.minutes / 60:g} h"
            artists.append(
                ax.annotate(
                    text,
                    xy=(p.minutes, 0),
                    xytext=(p.minutes - 60, 1.6),
                    fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": "grey"},
                )
            )
    artists.append(
        ax.axvspan(0, 40, color="grey", alpha=0.12, label="IV infusion, 0.5 mg/kg over 40 min")
    )
    artists.append(
        ax.annotate(
            f"esketamine label: peak about {LABEL_PEAK_MINUTES.value:g} min",
            xy=(LABEL_PEAK_MINUTES.value, 4.2),
            xytext=(LABEL_PEAK_MINUTES.value + 8, 4.2),
            verticalalignment="center",
            fontsize=7,
            arrowprops={"arrowstyle": "-", "color": "grey"},
        )
    )
    low, high = LABEL_LARGE_RISE_ESKETAMINE
    artists.append(
        ax.text(
            # Two short lines inside the axes: one long line ran across the panel and
            # collapsed the constrained layout (legends and labels cut at the edges).
            45,
            -0.85,
            f"IV series: back to baseline within {RETURN_WITHIN_IV.value:g} h after the "
            f"infusion ended ({author_year(RETURN_WITHIN_IV.reference)}).\nEsketamine label: {low}-{high}% had "
            f"a rise of >= {LABEL_LARGE_RISE_SYSTOLIC.value:g}/{LABEL_LARGE_RISE_DIASTOLIC.value:g}"
            " mmHg",
            fontsize=7,
        )
    )
    ax.set_xlim(-5, 255)
    ax.set_ylim(-1.0, 4.5)
    ax.set_xlabel("Minutes from the start of dosing")
    ax.set_ylabel("Mean change from baseline (mmHg)")
    ax.set_title("Time course: sourced points only")
    artists.append(ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=7))
    return artists


def plot_pooled_rises(ax: Any, data: Sequence[PooledRise] = POOLED_RISES) -> list[Any]:
    """Pooled mean rises (mmHg only) with 95% CIs, as separate values with no time."""
    artists: list[Any] = []
    rows = [p for p in data if p.mean.unit == "mmHg"]
    styles = {"sbp": _SBP, "dbp": _DBP}
    for x, item in enumerate(rows):
        style = styles.get(item.key, {"color": OKABE_ITO[2], "marker": "^"})
        artists.append(
            ax.errorbar(
                [x],
                [item.mean.value],
                yerr=[[item.mean.value - item.ci_low], [item.ci_high - item.mean.value]],
                fmt=style["marker"],
                color=style["color"],
                capsize=5,
                markersize=8,
                label=(
                    f"{item.label}: +{item.mean.value:.2f} "
                    f"({item.ci_low:.2f} to {item.ci_high:.2f})\n({author_year(item.mean.reference)})"
                ),
            )
        )
    ax.set_xticks(range(len(rows)), [r.label for r in rows])
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(0, 16)
    ax.set_ylabel("Pooled mean rise (mmHg), 95% CI")
    ax.set_title("Pooled mean rises\n(meta-analysis, no single time)", fontsize=10)
    artists.append(ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=1, fontsize=7))
    return artists
