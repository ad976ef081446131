"""A figure shown in the course holds all of its text: nothing is cut at the image's edge."""

from __future__ import annotations

import base64
import re
import struct

import pytest

from ketatraining.figures.pharmacokinetics import plot_bioavailability
from ketatraining.figures.style import new_figure
from ketatraining.widgets.figure import figure_html

matplotlib = pytest.importorskip("matplotlib")


def _png_size(html: str) -> tuple[int, int]:
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))
    return struct.unpack(">II", data[16:24])  # the PNG header's width and height


def test_the_bioavailability_figure_keeps_its_longest_label_inside_the_image() -> None:
    fig, ax = new_figure(9, 4.6)  # as notebook 01 draws it
    plot_bioavailability(ax)
    html = figure_html(fig, alt="a", caption="c", description="d")
    width, height = _png_size(html)
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
    left = min(t.get_window_extent().x0 for t in texts)
    right = max(t.get_window_extent().x1 for t in texts)
    assert "Fanta" in " ".join(t.get_text() for t in texts)
    assert right - left <= width, "a label runs past the image's edge"
    assert height > 0
