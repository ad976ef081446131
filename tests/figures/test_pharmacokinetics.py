"""Notebook 01 figures plot exactly the sourced values, with labels and legends."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from ketatraining.clinical import pharmacology as pk
from ketatraining.clinical.citations import author_year
from ketatraining.figures.pharmacokinetics import (
    TEACHING_LABEL,
    plot_bioavailability,
    plot_pk_curves,
)
from ketatraining.figures.style import new_figure


def test_bioavailability_bars_equal_the_sourced_values():
    fig, ax = new_figure()
    artists = plot_bioavailability(ax)
    bars = artists[0]
    routes = list(pk.ROUTES.values())
    assert [b.get_width() for b in bars] == [r.bioavailability.value for r in routes]
    # first route at the top
    assert [t.get_text() for t in ax.get_yticklabels()] == [r.label for r in routes]
    assert bars[0].get_y() > bars[-1].get_y()
    # every bar has a direct label with value and reference key
    texts = [a.get_text() for a in artists if hasattr(a, "get_text")]
    for r in routes:
        assert any(t.startswith(f"{r.bioavailability.value:g}% ({author_year(r.bioavailability.reference)})")
                   for t in texts)
    assert any("8% (Fanta et al. 2015)" in t for t in texts)
    # distinct hatches: not colour alone
    assert len({b.get_hatch() for b in bars}) == len(routes)
    fig.clear()


def test_other_estimates_are_plotted_as_markers():
    _fig, ax = new_figure()
    plot_bioavailability(ax)
    (diamonds,) = [line for line in ax.get_lines() if line.get_marker() == "D"]
    expected = sorted(v.value for r in pk.ROUTES.values() for v in r.other_estimates)
    assert sorted(diamonds.get_xdata()) == expected == [8, 17, 25, 29]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(legend) == ["Other sources' estimates", "Value used in the teaching model"]
    assert "Bioavailability" in ax.get_xlabel()


def test_pk_curves_plot_the_model_output_in_hours():
    curves = [pk.simulate("iv", 0.5, 70), pk.simulate("oral", 0.5, 70)]
    _fig, ax = new_figure()
    artists = plot_pk_curves(ax, curves)
    lines = ax.get_lines()
    assert len(lines) == 2
    for line, curve in zip(lines, curves, strict=True):
        assert list(line.get_ydata()) == list(curve.amounts_mg)
        assert list(line.get_xdata()) == pytest.approx([t / 60 for t in curve.times_min])
    # a second encoding besides colour
    assert lines[0].get_marker() != lines[1].get_marker()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1] == "Oral (swallowed) tablet, 35 mg (F = 20%, Yanagihara et al. 2003)"
    assert TEACHING_LABEL in ax.get_title()
    assert "hours" in ax.get_xlabel()
    assert artists[-1] is ax.get_legend()


def test_pk_curves_need_a_curve():
    _fig, ax = new_figure()
    with pytest.raises(ValueError, match="at least one curve"):
        plot_pk_curves(ax, [])
