"""Notebook 05 figure: the BP plot shows only sourced points, with the line labelled schematic."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.container import ErrorbarContainer

from ketatraining.clinical.hemodynamics import POOLED_RISES, TIME_COURSE
from ketatraining.figures.safety import new_bp_figure, plot_bp_time_course, plot_pooled_rises


@pytest.fixture
def axes():
    fig, ax_time, ax_pooled = new_bp_figure()
    yield ax_time, ax_pooled
    fig.clear()


def _line(ax, label):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return line


def test_measured_markers_are_the_riva_posse_means(axes) -> None:
    ax, _ = axes
    plot_bp_time_course(ax)
    sbp = _line(ax, "Systolic: sourced mean")
    dbp = _line(ax, "Diastolic: sourced mean")
    assert list(sbp.get_xdata()) == [30]
    assert list(sbp.get_ydata()) == [3.28]
    assert list(dbp.get_ydata()) == [3.17]


def test_baseline_and_bound_points(axes) -> None:
    ax, _ = axes
    plot_bp_time_course(ax)
    bounds = _line(ax, "Systolic: baseline / end-of-rise bound")
    assert list(bounds.get_xdata()) == [0.0, 240.0]
    assert list(bounds.get_ydata()) == [0.0, 0.0]


def test_connection_is_labelled_schematic_and_joins_only_sourced_points(axes) -> None:
    ax, _ = axes
    plot_bp_time_course(ax)
    line = _line(ax, "Systolic: schematic connection (not measured)")
    assert list(line.get_xdata()) == [p.minutes for p in TIME_COURSE]
    assert list(line.get_ydata()) == [p.systolic for p in TIME_COURSE]
    assert line.get_linestyle() != "-"


def test_time_course_cites_sources_in_annotations(axes) -> None:
    ax, _ = axes
    plot_bp_time_course(ax)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "(Riva-Posse et al. 2018)" in texts
    assert texts.count("esketamine label") + texts.count("Esketamine label") == 3
    assert "(Szarmach et al. 2020)" in texts
    assert "1.5 h" in texts
    assert ax.get_xlabel() == "Minutes from the start of dosing"
    assert "mmHg" in ax.get_ylabel()


def test_pooled_rises_equal_vankawala(axes) -> None:
    _, ax = axes
    artists = plot_pooled_rises(ax)
    bars = [a for a in artists if isinstance(a, ErrorbarContainer)]
    mmhg = [p for p in POOLED_RISES if p.mean.unit == "mmHg"]
    assert len(bars) == len(mmhg) == 2
    for container, item in zip(bars, mmhg, strict=True):
        assert container.lines[0].get_ydata()[0] == pytest.approx(item.mean.value)
        (_, y0), (_, y1) = container.lines[2][0].get_segments()[0]
        assert (y0, y1) == pytest.approx((item.ci_low, item.ci_high))
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "+12.61 (10.40 to 14.82)" in legend
    assert "+8.49 (6.89 to 10.09)" in legend
    assert "(Vankawala et al. 2021)" in legend
