"""The pathway stepper in the kernel: click Next/Previous, read the step text."""

from __future__ import annotations

import pytest

from ketatraining.clinical.mechanism import PATHWAY
from ketatraining.widgets.pathway import PathwayStepper


@pytest.fixture
def widget() -> PathwayStepper:
    return PathwayStepper()


def test_starts_at_step_1(widget: PathwayStepper) -> None:
    assert widget.index == 0
    assert "Step 1 of 7: NMDA receptors blocked" in widget.text.value
    assert widget.previous_button.disabled
    assert not widget.next_button.disabled
    # Learners read short citations, never bibliography keys.
    assert "Sources:</strong> Feder et al., Am J Psychiatry 2021; " in widget.text.value
    assert "feder2021" not in widget.text.value and "molpsych2018" not in widget.text.value
    assert "This step is reported in the research cited below." in widget.text.value
    assert "step 1, NMDA receptors blocked, is marked" in widget.diagram.value


def test_next_and_previous_move_one_step(widget: PathwayStepper) -> None:
    widget.next_button.click()
    widget.next_button.click()
    assert "Step 3 of 7: AMPA receptors activated" in widget.text.value
    assert "AMPA receptors activated, is marked" in widget.diagram.value
    widget.previous_button.click()
    assert "Step 2 of 7: Glutamate surge" in widget.text.value
    assert widget.slider.value == 2


def test_last_step_is_a_hypothesis(widget: PathwayStepper) -> None:
    for _ in range(10):  # more clicks than steps: stops at the last
        widget.next_button.click()
    assert widget.index == len(PATHWAY) - 1
    assert widget.next_button.disabled
    assert "Less PTSD? (hypothesis)" in widget.text.value
    assert "This step is a hypothesis, not shown." in widget.text.value
    assert "has not been shown clinically in PTSD" in widget.text.value


def test_rodent_evidence_is_stated_for_mtor(widget: PathwayStepper) -> None:
    widget.slider.value = 5
    assert "Step 5 of 7: mTOR signalling" in widget.text.value
    assert "Rat study" in widget.text.value
    assert "reported in the research cited below" in widget.text.value


def test_diagram_has_caption_and_description(widget: PathwayStepper) -> None:
    assert "rodent and depression research" in widget.diagram.value
    assert "Text description." in widget.diagram.value
    assert "The last box is dashed because it is a hypothesis." in widget.diagram.value


def test_controls_have_labels_and_stable_classes(widget: PathwayStepper) -> None:
    assert widget.previous_button.description == "Previous step"
    assert widget.next_button.description == "Next step"
    assert widget.slider.description == "Go to step:"
    assert widget.slider.options[0] == ("1. NMDA receptors blocked", 1)  # a named native list
    for control, css in [
        (widget.previous_button, "kt-pathway-previous"), (widget.next_button, "kt-pathway-next"),
        (widget.slider, "kt-pathway-slider"), (widget.text, "kt-pathway-text"),
        (widget.diagram, "kt-pathway-diagram"),
    ]:
        assert css in control._dom_classes
