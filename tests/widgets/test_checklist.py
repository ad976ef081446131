"""The checklist component in the kernel: its items, ticks both ways, refusals."""

from __future__ import annotations

import pytest
import traitlets

from ketatraining.widgets.checklist import Checklist, Item

ITEMS = [Item("a", "Blood pressure above 140/90 before dosing, measured twice",
              hint="why"), Item("b", "Pregnancy < 12 weeks & no contraception"), Item("c", "C")]


def test_items_go_to_the_page_as_text_with_legend_and_classes() -> None:
    group = Checklist("Which apply?", [*ITEMS[:1], Item("b", "B", classes=("x", "y"))],
                      lead="09:00", group_class="kt-g")
    state = group.get_state()
    assert (state["legend"], state["legend_lead"], state["group_class"]) == (
        "Which apply?", "09:00", "kt-g")
    assert state["items"] == [
        {"id": "a", "text": ITEMS[0].text, "hint": "why", "classes": []},
        {"id": "b", "text": "B", "hint": "", "classes": ["x", "y"]}]
    assert state["checked"] == []


def test_ticks_set_by_value_keep_the_items_order() -> None:
    group = Checklist("L", ITEMS)
    group.boxes["c"].value = True
    group.boxes["a"].value = True
    assert group.checked == ["a", "c"]
    assert group.boxes["a"].value and not group.boxes["b"].value
    group.boxes["a"].value = False
    assert group.checked == ["c"]
    group.tick(["b", "a"])
    assert group.checked == ["a", "b"]


def test_the_page_can_only_tick_items_it_was_given() -> None:
    group = Checklist("L", ITEMS)
    with pytest.raises(traitlets.TraitError, match="unknown checklist item"):
        group.checked = ["a", "zzz"]
    assert group.checked == []


def test_a_checklist_needs_distinct_items() -> None:
    with pytest.raises(ValueError, match="distinct ids"):
        Checklist("L", [Item("a", "A"), Item("a", "B")])
    with pytest.raises(ValueError, match="distinct ids"):
        Checklist("L", [])
