"""Notebook 04 figures plot exactly the sourced numbers (Agg backend, no pyplot)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.lines import Line2D

from ketatraining.clinical.evidence_data import EFFECT_SIZES, ONSET_SPANS
from ketatraining.figures.evidence import plot_forest, plot_onset_timeline
from ketatraining.figures.style import new_figure


@pytest.fixture
def ax():
    fig, axes = new_figure(9, 5)
    yield axes
    fig.clear()


def test_forest_plots_every_sourced_estimate_and_interval(ax) -> None:
    artists = plot_forest(ax)
    bars = [a for a in artists if isinstance(a, ErrorbarContainer)]
    with_ci = [e for e in EFFECT_SIZES if e.has_ci]
    assert len(bars) == len(with_ci)
    for container, item in zip(bars, with_ci, strict=True):
        line = container.lines[0]
        assert line.get_xdata()[0] == pytest.approx(item.value)
        segments = container.lines[2][0].get_segments()
        (x0, _), (x1, _) = segments[0]
        assert (x0, x1) == pytest.approx((item.ci_low, item.ci_high))


def test_forest_shows_almeida_without_an_interval(ax) -> None:
    artists = plot_forest(ax)
    no_ci = [
        a
        for a in artists
        if isinstance(a, Line2D) and a.get_label() == "Estimate, no interval on this scale in the source"
    ]
    assert len(no_ci) == 1
    assert list(no_ci[0].get_xdata()) == [0.25]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("Almeida" in t and "no interval on this scale" in t for t in labels)


def test_forest_labels_title_legend_and_zero_line(ax) -> None:
    plot_forest(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(EFFECT_SIZES)
    assert "0.20 (-0.08 to 0.48)" in labels[1]
    assert "effect size" in ax.get_xlabel()
    assert ax.get_title()
    legend = ax.get_legend()
    assert legend is not None
    texts = {t.get_text() for t in legend.get_texts()}
    assert {"Estimate with 95% CI", "No difference (0)"} <= texts


def test_timeline_bars_equal_sourced_spans(ax) -> None:
    artists = plot_onset_timeline(ax)
    containers = [a for a in artists if isinstance(a, BarContainer)]
    finite = [s for s in ONSET_SPANS if s.end is not None]
    assert len(containers) == len(finite)
    for container, span in zip(containers, finite, strict=True):
        patch = container.patches[0]
        assert patch.get_x() == pytest.approx(span.start)
        assert patch.get_x() + patch.get_width() == pytest.approx(span.end)
    widths = [c.patches[0].get_width() for c in containers]
    assert widths == pytest.approx([1.0, 14.0, 27.5, 84.0])


def test_timeline_open_ended_row_has_no_number(ax) -> None:
    plot_onset_timeline(ax)
    texts = [t.get_text() for t in ax.texts]
    assert "no exact figure in the source" in texts
    assert "27.5 days (placement schematic)" in texts
    assert any("can take months" in t.get_text() for t in ax.get_yticklabels())
    legend = ax.get_legend()
    assert {t.get_text() for t in legend.get_texts()} == {"Ketamine (IV, trials)", "SSRIs"}
    # Colour is not the only encoding: the SSRI bars are hatched, ketamine bars are not.
    hatches = {p.get_hatch() for p in ax.patches if p.get_width() == 84.0}
    assert hatches == {"//"}
    assert np.isclose(ax.get_xlim()[1], 110.0)
