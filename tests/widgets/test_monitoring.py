"""The monitoring checklist in the kernel: tick, click, read every explanation."""

from __future__ import annotations

import pytest

from ketatraining.clinical.monitoring import SESSION, model_answer
from ketatraining.widgets.monitoring import MonitoringWidget, show_monitoring


@pytest.fixture
def widget() -> MonitoringWidget:
    return MonitoringWidget()


def test_one_named_checklist_per_step_with_a_labelled_box_per_action(
        widget: MonitoringWidget) -> None:
    expected = [(s.id, a.id) for s in SESSION for a in s.actions]
    assert list(widget.boxes) == expected
    assert list(widget.checklists) == [s.id for s in SESSION]
    for step in SESSION:
        group = widget.checklists[step.id]
        assert group in widget.children  # drawn as one fieldset, named by its legend
        assert (group.legend_lead, group.legend) == (step.time, step.situation)
        assert f"kt-monitoring-step-{step.id}" in group.group_class
        assert [(i["id"], i["text"]) for i in group.items] == [
            (a.id, a.text) for a in step.actions]
        for item in group.items:
            assert item["classes"] == ["kt-monitoring-action",
                                       f"kt-monitoring-action-{step.id}-{item['id']}"]
    assert "kt-monitoring" in widget._dom_classes
    assert "kt-monitoring-check" in widget.check_button._dom_classes
    assert "kt-monitoring-reset" in widget.reset_button._dom_classes
    assert "kt-monitoring-feedback" in widget.feedback._dom_classes
    assert widget.check_button.description == "Check my checklist"


def test_full_marks_with_the_model_answer(widget: MonitoringWidget) -> None:
    widget.set_ticks(model_answer())
    widget.check_button.click()
    text = widget.feedback.value
    assert widget.result is not None
    assert widget.result.all_correct
    assert "✓ All 17 decisions correct" in text
    assert "What to change" not in text


def test_clicking_real_checkboxes_then_check(widget: MonitoringWidget) -> None:
    widget.checklists["arrival"].checked = ["bp"]  # what the front-end sends on a tick
    widget.boxes[("forty", "discharge")].value = True
    assert widget.checklists["forty"].checked == ["discharge"]
    widget.check_button.click()
    text = widget.feedback.value
    assert (
        "✗ Missed</strong> (09:20, about 40 minutes after dosing): Measure blood pressure" in text
    )
    assert "✗ Should not be done</strong> (09:20, about 40 minutes after dosing)" in text
    assert "at least 2 hours" in text
    assert "Source: SPRAVATO prescribing information" in text
    assert "Source: SPRAVATO REMS" in text  # the missed REMS enrolment check
    assert "[spravato_pi]" not in text  # learners never see bibliography keys


def test_home_oral_ketamine_is_explained_with_the_fda_warning(widget: MonitoringWidget) -> None:
    ticks = model_answer()
    ticks["after"] = ticks["after"] | {"home-oral"}
    widget.set_ticks(ticks)
    widget.check_button.click()
    text = widget.feedback.value
    assert "0 required actions missed, 1 action ticked that should not be done" in text
    assert "10 October 2023" in text
    assert "[fda2023]" not in text  # learners never see bibliography keys


def test_optional_items_are_explained_but_not_scored(widget: MonitoringWidget) -> None:
    widget.set_ticks(model_answer())
    widget.check_button.click()
    assert "Not scored:" in widget.feedback.value
    assert "clinically warranted" in widget.feedback.value


def test_reset_clears_everything(widget: MonitoringWidget) -> None:
    widget.set_ticks(model_answer())
    widget.check_button.click()
    widget.reset_button.click()
    assert widget.ticked() == {}
    assert widget.feedback.value == ""
    assert widget.result is None


def test_unknown_ticks_are_refused(widget: MonitoringWidget) -> None:
    with pytest.raises(KeyError, match="unknown"):
        widget.set_ticks({"arrival": {"coffee"}})


def test_fictional_patient_is_shown(widget: MonitoringWidget) -> None:
    first = widget.children[0]
    assert "Fictional patient" in first.value
    assert "not approved for PTSD" in first.value


def test_show_monitoring_displays_once(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    assert show_monitoring() is None
    assert len(shown) == 1
    assert isinstance(shown[0], MonitoringWidget)
