"""The screening widget in the kernel: pick a vignette, tick flags, click, read the text."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

from ketatraining.clinical.screening import RULES, VIGNETTES, Vignette
from ketatraining.widgets.screening import ScreeningWidget, rules_table_html, show_screening


@pytest.fixture
def widget() -> ScreeningWidget:
    return ScreeningWidget()


def test_starts_on_the_first_vignette_with_nothing_ticked(widget: ScreeningWidget) -> None:
    assert widget.vignette.id == VIGNETTES[0].id
    assert "Fictional case." in widget.story.value
    assert "186/104 mmHg" in widget.story.value
    assert widget.flagged() == []
    assert widget.feedback.value == ""


def test_one_named_checklist_with_a_labelled_box_per_rule(widget: ScreeningWidget) -> None:
    assert list(widget.flags) == [r.id for r in RULES]
    group = widget.checklist
    assert group in widget.children and group.legend  # one fieldset, named by its legend
    assert [(i["id"], i["text"], i["hint"]) for i in group.items] == [
        (r.id, r.name, r.criterion) for r in RULES]
    for item in group.items:
        assert item["classes"] == ["kt-screening-flag", f"kt-screening-flag-{item['id']}"]


def test_ticks_from_the_page_are_the_flags(widget: ScreeningWidget) -> None:
    widget.checklist.checked = ["substance-use", "uncontrolled-hypertension"]
    assert widget.flagged() == ["uncontrolled-hypertension", "substance-use"]
    assert widget.flags["substance-use"].value is True
    widget.select.value = VIGNETTES[1].id  # another patient starts with nothing ticked
    assert widget.checklist.checked == []


def test_controls_have_descriptions_and_stable_classes(widget: ScreeningWidget) -> None:
    assert widget.select.description == "Fictional patient:"
    assert widget.check_button.description == "Check my flags"
    assert "kt-screening-select" in widget.select._dom_classes
    assert "kt-screening-check" in widget.check_button._dom_classes
    assert "kt-screening-feedback" in widget.feedback._dom_classes
    assert "kt-screening-vignette" in widget.story._dom_classes
    assert "kt-screening" in widget._dom_classes


def test_click_with_correct_flags_reports_all_correct_and_explains_each(
    widget: ScreeningWidget,
) -> None:
    widget.flags["uncontrolled-hypertension"].value = True
    widget.flags["substance-use"].value = True
    widget.check_button.click()
    text = widget.feedback.value
    assert "All correct. You flagged 2 of 2 that apply." in text
    assert "Correctly flagged. Uncontrolled hypertension: absolute contraindication." in text
    assert "Correctly flagged. History of substance use disorder: caution" in text
    assert "careful consideration" in text
    assert "Sanacora 2017." in text and "Source: " in text
    assert "At least one absolute contraindication" in text
    assert widget.review is not None
    assert widget.review.all_correct


def test_click_with_missed_and_wrong_flags_explains_both(widget: ScreeningWidget) -> None:
    widget.select.value = "patient-c"
    widget.set_flags(["elevated-bp", "psychosis"])
    widget.check_button.click()
    text = widget.feedback.value
    assert "You flagged 1 of 2 that apply, and 1 that do not apply." in text
    assert "Missed. Severe coronary or myocardial disease: absolute contraindication." in text
    assert "Does not apply here: History of psychosis" in text
    assert "All correct" not in text


def test_nothing_ticked_on_a_patient_without_flags_is_correct(widget: ScreeningWidget) -> None:
    widget.select.value = "patient-g"
    widget.check_button.click()
    assert "All correct. You flagged 0 of 0 that apply." in widget.feedback.value
    assert "No listed contraindication or caution" in widget.feedback.value


def test_choosing_another_vignette_resets_ticks_and_feedback(widget: ScreeningWidget) -> None:
    widget.set_flags(["pregnancy"])
    widget.check_button.click()
    assert widget.feedback.value
    widget.select.value = "patient-b"
    assert widget.flagged() == []
    assert widget.feedback.value == ""
    assert widget.review is None
    assert "14 weeks pregnant" in widget.story.value


def test_story_markdown_is_rendered_and_escaped() -> None:
    hostile = Vignette(
        id="x",
        title="Fictional patient X",
        story="*Fictional case.* <script>alert(1)</script> BP 120/80 mmHg.",
        patient=VIGNETTES[-1].patient,
    )
    widget = ScreeningWidget([hostile])
    assert "<em>Fictional case.</em>" in widget.story.value
    assert "<script>" not in widget.story.value


def test_set_flags_rejects_unknown_ids(widget: ScreeningWidget) -> None:
    with pytest.raises(KeyError, match="unknown flag"):
        widget.set_flags(["nope"])


def test_needs_a_vignette() -> None:
    with pytest.raises(ValueError, match="at least one vignette"):
        ScreeningWidget([])


def test_show_screening_displays_one_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **_kw: shown.extend(objs))
    assert show_screening() is None
    assert len(shown) == 1
    assert isinstance(shown[0], ScreeningWidget)
    assert isinstance(shown[0], widgets.VBox)


def test_rules_table_lists_every_rule_with_level_source_and_guide_status() -> None:
    labelled = rules_table_html()
    # every cell names its column, shown before it when the table stacks on a phone
    assert labelled.count('<td data-label="Source">') == len(RULES)
    table = re.sub(r' data-label="[^"]*"', "", labelled)
    assert table.count("<tr>") == len(RULES) + 1  # header row + one per rule
    assert "<td>Aneurysmal vascular disease or AVM</td><td>absolute contraindication</td>" in table
    assert "<td>History of substance use disorder</td><td>caution (relative contraindication)" in (
        table
    )
    assert "(section 9); Sanacora 2017</td><td>Yes: The guide lists it" in table
    assert table.count("<td>No: Omitted by the guide.</td>") == 11
