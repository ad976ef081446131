"""The notebook 03 pathway diagram: one box per step, the current step marked in text."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.patches import FancyBboxPatch

from ketatraining.clinical.mechanism import PATHWAY
from ketatraining.figures.mechanism import (
    new_pathway_figure,
    plot_pathway,
    step_state,
)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_one_box_and_label_per_step_in_order():
    _fig, ax = new_pathway_figure()
    artists = plot_pathway(ax)
    boxes = [a for a in artists if isinstance(a, FancyBboxPatch)]
    assert [b.get_gid() for b in boxes] == [f"kt-pathway-step-{s.key}" for s in PATHWAY]
    labels = [t for t in _texts(ax) if t[:1].isdigit()]
    assert labels == [f"{i}. {s.label}" for i, s in enumerate(PATHWAY, start=1)]
    # top to bottom
    ys = [b.get_y() for b in boxes]
    assert ys == sorted(ys, reverse=True)
    assert "You are here" not in " ".join(_texts(ax))
    assert "rodent and depression" in ax.get_title()


def test_current_step_is_marked_by_text_weight_and_border():
    _fig, ax = new_pathway_figure()
    artists = plot_pathway(ax, current=2)
    boxes = [a for a in artists if isinstance(a, FancyBboxPatch)]
    assert boxes[2].get_linewidth() > boxes[1].get_linewidth()
    bold = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    assert "3. AMPA receptors activated" in bold
    assert "<- You are here" in bold


def test_hypothesis_step_is_dashed():
    _fig, ax = new_pathway_figure()
    artists = plot_pathway(ax)
    boxes = [a for a in artists if isinstance(a, FancyBboxPatch)]
    assert boxes[-1].get_linestyle() != "-"
    assert boxes[0].get_linestyle() == "-"


def test_step_state_and_bounds():
    assert step_state(0, None) == "all"
    assert [step_state(i, 1) for i in range(3)] == ["done", "current", "todo"]
    _fig, ax = new_pathway_figure()
    with pytest.raises(ValueError, match="between 0 and 6"):
        plot_pathway(ax, current=7)
