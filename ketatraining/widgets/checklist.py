"""A teaching checklist: one fieldset with a legend and a native, labelled checkbox per item.

Stock ipywidgets Checkboxes are separate widgets with one-line labels cut off by an
ellipsis ("Blood pressure above 140/90 before dos…") and no group around them, so a
screen reader met a loose run of checkboxes. This anywidget (front-end in
``static/checklist.js`` and ``static/checklist.css``, shipped in the package) draws one
``<fieldset>`` named by its ``<legend>``, each item a ``<label>`` around its checkbox,
wrapping from 320 px up, in JupyterLab and in Voila alike. All text is sent as text.

``checklist.boxes[item_id].value`` reads and sets one tick, as the stock widgets did, so
kernel-side checks and tests keep their shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import anywidget
import traitlets

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True, slots=True)
class Item:
    """One checkbox: its id (what the kernel sees), its label, and a hover hint."""

    id: str
    text: str
    hint: str = ""
    classes: tuple[str, ...] = field(default=())


class Tick:
    """One item's tick, read and set as ``.value`` (the shape of a stock Checkbox)."""

    def __init__(self, checklist: Checklist, item: Item) -> None:
        self.checklist, self.item = checklist, item

    @property
    def value(self) -> bool:
        return self.item.id in self.checklist.checked

    @value.setter
    def value(self, ticked: bool) -> None:
        current = [i for i in self.checklist.checked if i != self.item.id]
        if ticked:
            current.append(self.item.id)
        order = [i.id for i in self.checklist.entries]
        self.checklist.checked = sorted(current, key=order.index)


class Checklist(anywidget.AnyWidget):
    """A named group of checkboxes whose ticked item ids sync with the kernel."""

    _esm = STATIC / "checklist.js"
    _css = STATIC / "checklist.css"

    legend = traitlets.Unicode("").tag(sync=True)
    legend_lead = traitlets.Unicode("").tag(sync=True)
    """Shown in bold before the legend (a step's time), part of the group's name."""
    group_class = traitlets.Unicode("").tag(sync=True)
    items: traitlets.List[dict[str, object]] = traitlets.List().tag(sync=True)
    checked: traitlets.List[str] = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, legend: str, items: Sequence[Item], *, lead: str = "",
                 group_class: str = "") -> None:
        ids = [i.id for i in items]
        if not items or len(set(ids)) != len(ids):
            msg = f"a checklist needs items with distinct ids, got {ids}"
            raise ValueError(msg)
        super().__init__(
            legend=legend, legend_lead=lead, group_class=group_class,
            items=[{"id": i.id, "text": i.text, "hint": i.hint, "classes": list(i.classes)}
                   for i in items])
        self.entries = tuple(items)
        self.boxes = {i.id: Tick(self, i) for i in items}

    @traitlets.validate("checked")
    def _known_ids(self, proposal: dict[str, list[str]]) -> list[str]:
        known = [i["id"] for i in self.items]
        value = list(dict.fromkeys(proposal["value"]))
        unknown = [i for i in value if i not in known]
        if unknown:  # a front-end can only send ids it was given
            msg = f"unknown checklist item(s): {', '.join(unknown)}"
            raise traitlets.TraitError(msg)
        return value

    def tick(self, ids: Iterable[str]) -> None:
        """Tick exactly these items."""
        wanted = set(ids)
        self.checked = [i.id for i in self.entries if i.id in wanted]
