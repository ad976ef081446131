"""Teaching-widget layout that fits a phone: rows wrap, controls never run off screen.

ipywidgets rows (HBox) are single-line flex boxes and a control with a long label keeps
its fixed inline width, so at 320-390 px the route explorer, the PCL-5 exercise and the
patient pickers ran past the screen edge and only scrolled sideways.
"""

from __future__ import annotations

from typing import TypeVar

import ipywidgets as widgets

W = TypeVar("W", bound=widgets.DOMWidget)


def fit(control: W) -> W:
    """Let a labelled control shrink to the screen and put its label above it when narrow."""
    control.layout.flex_flow = "row wrap"
    control.layout.width = "auto"
    control.layout.max_width = "100%"
    control.layout.height = "auto"
    return control


def wrapping_row(children: list[widgets.Widget]) -> widgets.HBox:
    """A row of controls that continues on the next line instead of leaving the screen."""
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", max_width="100%"))
