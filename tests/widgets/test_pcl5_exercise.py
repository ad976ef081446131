"""The PCL-5 exercise in the kernel: enter a scoring, click Check, read the feedback."""

from __future__ import annotations

import pytest

from ketatraining.clinical import pcl5
from ketatraining.widgets.pcl5_exercise import PCL5Exercise, ratings_table_html


@pytest.fixture
def widget() -> PCL5Exercise:
    return PCL5Exercise()


def test_shows_the_fictional_patient_and_ratings(widget: PCL5Exercise) -> None:
    assert widget.patient.id == "sam"
    assert "Sam (fictional)" in widget.ratings.value
    assert "item 1: 3" in widget.ratings.value
    assert "item 20: 2" in widget.ratings.value
    assert widget.feedback.value == ""


def test_correct_scoring_is_confirmed(widget: PCL5Exercise) -> None:
    widget.fill(total=36, subscores={"B": 11, "C": 5, "D": 8, "E": 12}, band="above",
                meets_rule=True)
    widget.check_button.click()
    assert "7 of 7 parts correct" in widget.feedback.value
    assert "✓ Total: Correct." in widget.feedback.value
    assert "the rule is met" in widget.feedback.value
    assert "confirm with a structured clinical interview such as the CAPS-5" in (
        widget.feedback.value
    )


def test_mistakes_are_explained(widget: PCL5Exercise) -> None:
    widget.fill(total=35, subscores={"B": 11, "C": 5, "D": 9, "E": 12}, band="within",
                meets_rule=False)
    widget.check_button.click()
    text = widget.feedback.value
    assert "3 of 7 parts correct" in text
    assert "✗ Total: Not correct. The total is the sum of all 20 ratings: 36 of 80." in text
    assert "✗ Cluster D (Negative alterations in cognitions and mood): Not correct." in text
    assert "✗ Cut-point: Not correct. A total of 36 is above 33" in text
    assert "✗ DSM-5 cluster rule: Not correct." in text


def test_unanswered_dropdowns_count_as_wrong(widget: PCL5Exercise) -> None:
    widget.total.value = "36"
    checks = widget.check()
    assert checks[0].correct
    assert not checks[-1].correct
    assert not checks[-2].correct


def test_switching_patient_resets_answers(widget: PCL5Exercise) -> None:
    widget.fill(total=36, subscores={"B": 11, "C": 5, "D": 8, "E": 12}, band="above",
                meets_rule=True)
    widget.check()
    widget.select.value = "alex"
    assert "Alex (fictional)" in widget.ratings.value
    assert widget.total.value == ""
    assert widget.rule.value is None
    assert widget.feedback.value == ""
    widget.fill(total=41, subscores={"B": 13, "C": 2, "D": 13, "E": 13}, band="above",
                meets_rule=False)
    widget.check_button.click()
    assert "7 of 7 parts correct" in widget.feedback.value
    assert "C 0 of 1 needed" in widget.feedback.value


def test_score_boxes_start_empty_and_say_what_goes_in(widget: PCL5Exercise) -> None:
    """look L10: boxes showing 0 looked filled in; an empty one counts as not answered."""
    boxes = [widget.total, *widget.subscores.values()]
    assert [b.value for b in boxes] == [""] * 5
    assert widget.total.placeholder == "a whole number, 0-80"
    assert widget.subscores["B"].placeholder == "a whole number, 0-20"  # items 1-5
    assert widget.subscores["C"].placeholder == "a whole number, 0-8"  # items 6-7
    widget.fill(total=36, subscores={"B": 11, "C": 5, "D": 8, "E": 12}, band="above",
                meets_rule=True)
    widget.subscores["C"].value = "  "
    widget.total.value = "thirty-six"
    checks = widget.check()
    assert [c.correct for c in checks[:3]] == [False, True, False]
    assert sum(c.correct for c in checks) == 5


def test_controls_have_labels_and_stable_classes(widget: PCL5Exercise) -> None:
    assert widget.select.description == "Fictional patient:"
    assert widget.total.description == "Total score (0-80):"
    assert [b.description for b in widget.subscores.values()] == [
        f"Cluster {k} sub-score:" for k in "BCDE"
    ]
    assert "cut-point" in widget.band.description
    assert "DSM-5" in widget.rule.description
    assert widget.check_button.description == "Check my scoring"
    for control, css in [
        (widget.select, "kt-pcl5-select"), (widget.total, "kt-pcl5-total"),
        (widget.band, "kt-pcl5-band"), (widget.rule, "kt-pcl5-rule"),
        (widget.check_button, "kt-pcl5-check"), (widget.feedback, "kt-pcl5-feedback"),
        (widget.subscores["C"], "kt-pcl5-subscore-C"),
    ]:
        assert css in control._dom_classes


def test_ratings_table_groups_items_by_cluster() -> None:
    table = ratings_table_html(pcl5.PATIENTS[0])
    assert table.count("<tr>") == 5  # header + 4 clusters
    assert "<caption>" in table
    assert "C - Avoidance (items 6-7)" in table


def test_needs_a_patient() -> None:
    with pytest.raises(ValueError, match="at least one fictional patient"):
        PCL5Exercise(())
