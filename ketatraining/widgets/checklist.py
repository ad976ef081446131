"""Checklists of stock checkboxes that wrap instead of cutting their labels off.

ipywidgets gives every Checkbox a fixed height and a one-line label with an ellipsis, so
"Blood pressure above 140/90 before dos…" lost its end. The boxes stay native
``<input type="checkbox">`` with their text inside the ``<label>`` (keyboard: Tab and
Space, as everywhere); this style, shipped with the widget that uses it, lets each label
wrap to as many lines as it needs, from 320 px up, in JupyterLab and in Voila alike.
"""

from __future__ import annotations

import ipywidgets as widgets

CHECKLIST_CLASS = "kt-checklist"
_CSS = """
.kt-checklist .widget-checkbox {
  width: auto; max-width: 100%; height: auto;
  min-height: var(--jp-widgets-inline-height, 28px); margin: 2px 0;
}
.kt-checklist .widget-checkbox .widget-label-basic {
  display: flex; align-items: flex-start; gap: 0.5em; max-width: 100%; height: auto;
  padding: 0.2em 0; line-height: 1.4; white-space: normal; overflow: visible;
  text-overflow: clip; cursor: pointer;
}
.kt-checklist .widget-checkbox .widget-label-basic span {
  min-width: 0; white-space: normal; overflow: visible; text-overflow: clip;
  overflow-wrap: break-word;
}
.kt-checklist .widget-checkbox input[type="checkbox"] {
  flex: none; align-self: flex-start; width: 1.1em; height: 1.1em; margin: 0.15em 0 0;
  font-size: inherit; line-height: normal;
}
.kt-checklist .widget-checkbox input[type="checkbox"]:focus-visible {
  outline: 3px solid #1a1a1a; outline-offset: 2px;
}
.kt-wrap-select.widget-dropdown {
  flex-wrap: wrap; width: auto; max-width: 100%; height: auto; row-gap: 0.25em;
}
.kt-wrap-select.widget-dropdown > select {
  flex: 1 1 16em; min-width: 0; max-width: 100%;
}
"""


def checklist_style() -> widgets.HTML:
    """A <style> for the checklists inside the widget that shows it (no request, no JS)."""
    style = widgets.HTML(f"<style>{_CSS}</style>")
    style.add_class("kt-checklist-style")
    return style
