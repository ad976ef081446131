"""The claim explorer in the kernel: pick a claim, choose a verdict, click, read the text."""

from __future__ import annotations

import pytest

from ketatraining.clinical.citations import short_citation
from ketatraining.clinical.evidence_data import CLAIMS, Verdict
from ketatraining.widgets.claims import ClaimsWidget, evidence_html, show_claims


@pytest.fixture
def widget() -> ClaimsWidget:
    return ClaimsWidget()


def test_starts_on_the_first_claim_with_no_verdict(widget: ClaimsWidget) -> None:
    assert widget.claim.key == CLAIMS[0].key
    assert "What the guide says" in widget.guide.value
    assert widget.guess.value is None
    assert widget.feedback.value == ""


def test_controls_are_labelled_with_stable_classes(widget: ClaimsWidget) -> None:
    assert widget.select.description == "Guide claim:"
    assert widget.guess.description == "Your verdict:"
    assert widget.check_button.description == "Check my verdict"
    assert widget.reveal_button.description == "Show the evidence"
    for control, cls in [
        (widget, "kt-claims"),
        (widget.select, "kt-claims-select"),
        (widget.guess, "kt-claims-guess"),
        (widget.check_button, "kt-claims-check"),
        (widget.reveal_button, "kt-claims-reveal"),
        (widget.feedback, "kt-claims-feedback"),
        (widget.guide, "kt-claims-guide"),
    ]:
        assert cls in control._dom_classes
    assert len(widget.select.options) == 7
    assert [value for _label, value in widget.guess.options] == [v.value for v in Verdict]


def test_correct_verdict_on_treatment_resistant_claim(widget: ClaimsWidget) -> None:
    widget.select.value = "treatment-resistant"
    assert "not responded" in widget.guide.value
    widget.guess.value = "not supported"
    widget.check_button.click()
    text = widget.feedback.value
    assert widget.correct is True
    assert "✓ Correct." in text
    assert "158 veterans" in text
    assert "no significant effect on PTSD" in text
    assert "Course verdict: not supported" in text
    assert "Abdallah et al., Neuropsychopharmacology 2022" in text
    assert "[abdallah2022]" not in text  # learners never see bibliography keys


def test_wrong_verdict_explains_in_words(widget: ClaimsWidget) -> None:
    widget.select.value = "quality-of-life"
    widget.guess.value = "supported"
    widget.check_button.click()
    text = widget.feedback.value
    assert widget.correct is False
    assert "✗ Not correct." in text
    assert "you chose &#x27;supported&#x27;" in text
    assert "Course verdict: no source found" in text
    assert "not supported by any source found" in text


def test_check_without_a_choice_asks_for_one(widget: ClaimsWidget) -> None:
    widget.check_button.click()
    assert widget.correct is None
    assert "Please choose an answer first." in widget.feedback.value


def test_reveal_shows_evidence_without_grading(widget: ClaimsWidget) -> None:
    widget.select.value = "rapid-relief"
    widget.reveal_button.click()
    text = widget.feedback.value
    assert widget.correct is None
    assert "Correct" not in text
    assert "g = 0.35" in text
    assert "Course verdict: partly supported" in text


def test_changing_claim_clears_verdict_and_feedback(widget: ClaimsWidget) -> None:
    widget.guess.value = "supported"
    widget.check_button.click()
    widget.select.value = "neuroplasticity"
    assert widget.guess.value is None
    assert widget.feedback.value == ""
    assert "new connections" in widget.guide.value


def test_every_claim_renders_with_sources() -> None:
    for item in CLAIMS:
        text = evidence_html(item)
        assert f"Course verdict: {item.verdict.value}" in text
        for key in item.references:
            assert short_citation(key) in text and f"[{key}]" not in text


def test_empty_claim_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one claim"):
        ClaimsWidget(())


def test_show_claims_displays_once(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    assert show_claims() is None
    assert len(shown) == 1
    assert isinstance(shown[0], ClaimsWidget)
