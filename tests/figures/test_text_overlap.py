"""No two pieces of text in a course figure are drawn on top of each other.

Each figure is built exactly as its notebook (or the route explorer) builds it, drawn
once, and the window extents of its labels, tick labels, annotations and legends are
compared pairwise. Notebook 05's blood-pressure figure printed one annotation over
another and its two x tick labels over each other ("SystoDiastolic BP").
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from matplotlib.text import Text

from ketatraining.clinical import pharmacology as pk
from ketatraining.figures.evidence import plot_forest, plot_onset_timeline
from ketatraining.figures.mechanism import new_pathway_figure, plot_pathway
from ketatraining.figures.pharmacokinetics import plot_bioavailability, plot_pk_curves
from ketatraining.figures.progress import plot_topic_scores
from ketatraining.figures.safety import (
    new_bp_figure,
    plot_bp_time_course,
    plot_pooled_rises,
)
from ketatraining.figures.style import new_figure


def _bp() -> Any:
    fig, ax_time, ax_pooled = new_bp_figure()
    plot_bp_time_course(ax_time)
    plot_pooled_rises(ax_pooled)
    return fig


def _single(size: tuple[float, float], plot: Callable[[Any], object]) -> Callable[[], Any]:
    def build() -> Any:
        fig, ax = new_figure(*size)
        plot(ax)
        return fig

    return build


def _pathway() -> Any:
    fig, ax = new_pathway_figure()
    plot_pathway(ax)
    return fig


def _pk_compare() -> Any:  # the explorer's default route with "also show IV" ticked
    curves = [pk.simulate("iv", 0.5, 70), pk.simulate("oral", 0.5, 70)]
    return _single((8, 4.2), lambda ax: plot_pk_curves(ax, curves))()


def _progress() -> Any:  # the learner's progress chart, as widgets/progress.py sizes it
    titles = ["Practice quiz: how the quizzes work (assessment)",
              "What is ketamine? (pharmacology)", "Final assessment (final)"]
    fig, ax = new_figure(7, 0.6 * len(titles) + 1.5)
    plot_topic_scores(ax, titles, [100.0, 62.5, 40.0], [50.0, 70.0, 80.0])
    return fig


FIGURES = {
    "05 blood pressure": _bp,
    "01 bioavailability": _single((9, 4.6), plot_bioavailability),
    "01 route explorer": _pk_compare,
    "03 pathway": _pathway,
    "04 forest plot": _single((9, 5.5), plot_forest),
    "04 onset timeline": _single((10, 4), plot_onset_timeline),
    "learner progress": _progress,
}


def text_boxes(fig: Any) -> list[tuple[str, Any]]:
    """(text, window extent) of every drawn text; a legend counts as one box."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes: list[tuple[str, Any]] = []
    skip: set[int] = set()
    for legend in fig.findobj(Legend):
        skip.update(id(t) for t in legend.findobj(Text))
        boxes.append(("legend", legend.get_window_extent(renderer)))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    skip.add(id(label))
                    shown = ax.axison and axis.get_visible() and label.get_visible()
                    if shown and label.get_text().strip() and low <= tick.get_loc() <= high:
                        boxes.append((label.get_text(), label.get_window_extent(renderer)))
    for text in fig.findobj(Text):
        if id(text) not in skip and text.get_visible() and text.get_text().strip():
            boxes.append((text.get_text(), text.get_window_extent(renderer)))
    return boxes


@pytest.mark.parametrize("name", FIGURES)
def test_no_two_texts_of_a_course_figure_overlap(name: str) -> None:
    fig = FIGURES[name]()
    boxes = text_boxes(fig)
    assert len(boxes) > 5, "the figure drew its labels"
    overlapping = [
        (a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)
    ]
    assert overlapping == [], f"{name}: text drawn over other text: {overlapping}"
