"""Trainer dashboard figures: cohort scores, pass rates, item map, distractors, mastery.

Each function draws on an ``ax`` it is given and returns the artists it made; none
calls ``show()``. Values are written next to bars and problem questions are named on
the plot, so no figure relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ketatraining.figures.style import OKABE_ITO

if TYPE_CHECKING:
    from ketatraining.analysis.item_analysis import QuestionStats, QuizStats
    from ketatraining.analysis.results import ObjectiveMastery, QuizSummary

_BLUE, _VERMILLION, _GREEN, _PURPLE, _ORANGE, _SKY, _BLACK = OKABE_ITO


def _empty(ax: Any, message: str) -> list[Any]:
    ax.set_axis_off()
    return [ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)]


def plot_score_distribution(ax: Any, percents: Sequence[float], *,
                            pass_mark: float | None = None, bins: int = 10,
                            title: str = "Best score per learner") -> list[Any]:
    """Histogram of scores (0-100 %) with the pass mark as a dashed line."""
    if not percents:
        return _empty(ax, "No finished attempts yet.")
    edges = [100 * i / bins for i in range(bins + 1)]
    _, _, patches = ax.hist(list(percents), bins=edges, color=_BLUE, edgecolor="white",
                            label=f"learners ({len(percents)})")
    artists: list[Any] = list(patches)
    if pass_mark is not None:
        artists.append(ax.axvline(pass_mark, color=_VERMILLION, linestyle="--", linewidth=2,
                                  label=f"pass mark {pass_mark:g} %"))
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (%)")
    ax.set_ylabel("Learners")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return artists


def plot_pass_rates(ax: Any, summaries: Sequence[QuizSummary]) -> list[Any]:
    """Horizontal bars: share of learners who passed, among those who finished."""
    rows = [s for s in summaries if s.pass_rate is not None]
    if not rows:
        return _empty(ax, "Nobody has finished a quiz yet.")
    labels = [s.quiz_id for s in rows]
    values = [100 * (s.pass_rate or 0.0) for s in rows]
    positions = list(range(len(rows)))[::-1]
    bars = ax.barh(positions, values, color=_GREEN, edgecolor=_BLACK, linewidth=0.5)
    artists: list[Any] = list(bars)
    for y, value, summary in zip(positions, values, rows, strict=True):
        artists.append(ax.text(min(value, 100) + 1, y, f"{value:.0f}% of "
                               f"{summary.finished_learners}", va="center"))
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 118)
    ax.set_xlabel("Learners who passed (% of those who finished)")
    ax.set_title("Pass rate per quiz")
    return artists


def plot_item_map(ax: Any, stats: QuizStats, *, facility_band: tuple[float, float] = (0.2, 0.9),
                  weak: float = 20.0) -> list[Any]:
    """Facility (x) against discrimination index (y); problem questions named.

    The shaded rectangle is where questions should be; circles are questions without
    flags, triangles questions with at least one (their ids are written beside them).
    """
    points = [q for q in stats.questions
              if q.facility is not None and q.discrimination_index is not None]
    if not points:
        return _empty(ax, "Not enough attempts to compute discrimination.")
    artists: list[Any] = [ax.fill_betweenx([weak, 100], facility_band[0], facility_band[1],
                                           color=_GREEN, alpha=0.12, label="target band")]
    ok = [q for q in points if not q.flags]
    flagged = [q for q in points if q.flags]
    if ok:
        artists.append(ax.scatter([q.facility for q in ok],
                                  [q.discrimination_index for q in ok], marker="o",
                                  color=_BLUE, label=f"no flag ({len(ok)})", zorder=3))
    if flagged:
        artists.append(ax.scatter([q.facility for q in flagged],
                                  [q.discrimination_index for q in flagged], marker="^",
                                  s=60, color=_VERMILLION, label=f"to review ({len(flagged)})",
                                  zorder=3))
        for q in flagged:
            artists.append(ax.annotate(q.id, (q.facility, q.discrimination_index),
                                       xytext=(5, 4), textcoords="offset points", fontsize=8))
    artists.append(ax.axhline(0, color=_BLACK, linewidth=0.8))
    low = min(-10.0, min(q.discrimination_index or 0.0 for q in points) - 10)
    ax.set_xlim(0, 1.05)
    ax.set_ylim(low, 100)
    ax.set_xlabel("Facility (share of marks earned)")
    ax.set_ylabel("Discrimination index")
    ax.set_title(f"Questions of {stats.quiz}" if stats.quiz else "Questions")
    ax.legend(loc="lower left", fontsize=8)
    return artists


def plot_distractors(ax: Any, question: QuestionStats) -> list[Any]:
    """How often each option was chosen; the right option(s) hatched and marked."""
    options = list(question.options)
    if not options or not question.responses:
        return _empty(ax, f"No option data for {question.id}.")
    positions = list(range(len(options)))[::-1]
    values = [100 * (o.rate or 0.0) for o in options]
    colours = [_GREEN if o.correct else _ORANGE for o in options]
    bars = ax.barh(positions, values, color=colours, edgecolor=_BLACK, linewidth=0.5)
    artists: list[Any] = list(bars)
    for bar, option in zip(bars, options, strict=True):
        if option.correct:
            bar.set_hatch("//")
    for y, value, option in zip(positions, values, options, strict=True):
        artists.append(ax.text(value + 1, y, f"{value:.0f}%{' (right)' if option.correct else ''}",
                               va="center"))
    labels = [_short(f"{o.option}: {o.label}") for o in options]
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 120)
    ax.set_xlabel(f"Chosen by (% of {question.responses} answers)")
    ax.set_title(f"Options of {question.id}")
    return artists


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plot_objective_mastery(ax: Any, rows: Sequence[ObjectiveMastery]) -> list[Any]:
    """Mean mark per objective (bars) and the share of learners who mastered it (marks)."""
    shown = [r for r in rows if r.mean is not None]
    if not shown:
        return _empty(ax, "No answers yet.")
    positions = list(range(len(shown)))[::-1]
    means = [100 * (r.mean or 0.0) for r in shown]
    mastered = [100 * (r.mastered or 0.0) for r in shown]
    bars = ax.barh(positions, means, color=_SKY, edgecolor=_BLACK, linewidth=0.5,
                   label="mean mark")
    artists: list[Any] = list(bars)
    artists.append(ax.scatter(mastered, positions, marker="D", color=_BLACK, zorder=3,
                              label="learners at 80 % or more"))
    for y, mean, share in zip(positions, means, mastered, strict=True):
        artists.append(ax.text(102, y, f"{mean:.0f}% / {share:.0f}%", va="center",
                               fontsize=8))
    ax.set_yticks(positions, [r.objective for r in shown], fontsize=8)
    ax.set_xlim(0, 125)
    ax.set_xlabel("Mean mark (bars) / learners who mastered it (diamonds), %")
    ax.set_title("Mastery per learning objective")
    ax.legend(loc="lower right", fontsize=8)
    return artists
