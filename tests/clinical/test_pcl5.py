"""PCL-5 scoring: totals, cluster sub-scores, the cut-point band and the DSM-5 rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketatraining.clinical import pcl5
from ketatraining.errors import KetaTrainingError

ratings = st.lists(st.integers(0, 4), min_size=20, max_size=20)


def test_clusters_cover_items_1_to_20_once_in_dsm5_order():
    items = [i for c in pcl5.CLUSTERS for i in c.items]
    assert items == list(range(1, 21))
    assert [(c.key, c.first_item, c.last_item, c.required) for c in pcl5.CLUSTERS] == [
        ("B", 1, 5, 1), ("C", 6, 7, 1), ("D", 8, 14, 2), ("E", 15, 20, 2)
    ]


def test_fictional_patient_scores_as_documented():
    result = pcl5.score(pcl5.FICTIONAL_PATIENT["responses"])
    assert result.total == 36
    assert [c.score for c in result.clusters] == [11, 5, 8, 12]
    assert [c.symptoms for c in result.clusters] == [4, 2, 2, 4]
    assert result.cut_point_band == "above"
    assert result.meets_dsm5_rule
    assert "Total 36 of 80" in result.summary()
    assert "meets the DSM-5 cluster rule" in result.summary()


def test_extremes():
    assert pcl5.score([0] * 20).total == 0
    assert pcl5.score([4] * 20).total == 80
    assert not pcl5.score([0] * 20).meets_dsm5_rule
    assert pcl5.score([4] * 20).meets_dsm5_rule


@pytest.mark.parametrize(
    ("total", "band"),
    [(30, "below"), (31, "within"), (32, "within"), (33, "within"), (34, "above")],
)
def test_cut_point_band_edges(total, band):
    responses = [0] * 20
    for i in range(total):  # spread the points over the items, 4 at most each
        responses[i % 20] += 1
    assert sum(responses) == total
    assert pcl5.score(responses).cut_point_band == band


def test_dsm5_rule_needs_every_cluster():
    # High total but no avoidance item rated 2 or more: fails the rule.
    responses = [4] * 20
    responses[5] = responses[6] = 1
    result = pcl5.score(responses)
    assert result.total == 74
    assert result.cut_point_band == "above"
    assert not result.cluster("C").met
    assert not result.meets_dsm5_rule
    assert "does not meet" in result.summary()


def test_rule_uses_threshold_2_not_1():
    # Exactly the minimum number of items rated 2 in each cluster: meets.
    responses = [0] * 20
    for item in (1, 6, 8, 9, 15, 16):
        responses[item - 1] = 2
    assert pcl5.score(responses).meets_dsm5_rule
    # The same items rated 1 do not count as symptoms.
    responses = [1 if r else 0 for r in responses]
    result = pcl5.score(responses)
    assert [c.symptoms for c in result.clusters] == [0, 0, 0, 0]
    assert not result.meets_dsm5_rule


@given(ratings)
def test_total_is_sum_of_cluster_scores(responses):
    result = pcl5.score(responses)
    assert result.total == sum(c.score for c in result.clusters) == sum(responses)
    assert 0 <= result.total <= 80


@given(ratings)
def test_rule_is_monotone(responses):
    """Raising any rating never turns a met rule into an unmet one."""
    before = pcl5.score(responses).meets_dsm5_rule
    raised = [min(4, r + 1) for r in responses]
    assert pcl5.score(raised).meets_dsm5_rule or not before


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ([0] * 19, "got 19 rating"),
        ([0] * 21, "got 21 rating"),
        ([0] * 19 + [5], "Item 20: 5 is out of range"),
        ([-1] + [0] * 19, "Item 1: -1 is out of range"),
        ([0, 2.5] + [0] * 18, "Item 2: 2.5 is not a whole number"),
        ([0, 0, "3"] + [0] * 17, "Item 3: '3' is not a rating"),
        ([True] + [0] * 19, "Item 1: True is not a rating"),
        ([None] * 20, "Item 1: None is not a rating"),
        ("0" * 20, "list of 20 ratings"),
    ],
)
def test_invalid_input_names_the_item(responses, message):
    with pytest.raises(pcl5.PCL5InputError, match=message) as info:
        pcl5.score(responses)
    assert isinstance(info.value, KetaTrainingError)
    assert isinstance(info.value, ValueError)


def test_whole_floats_are_accepted():
    assert pcl5.score([2.0] * 20).total == 40


def test_cluster_of_item():
    assert pcl5.cluster_of_item(1).key == "B"
    assert pcl5.cluster_of_item(7).key == "C"
    assert pcl5.cluster_of_item(14).key == "D"
    assert pcl5.cluster_of_item(20).key == "E"
    with pytest.raises(pcl5.PCL5InputError, match="numbered 1 to 20"):
        pcl5.cluster_of_item(21)


def test_unknown_cluster_key():
    with pytest.raises(KeyError, match="No PCL-5 cluster 'F'"):
        pcl5.score([0] * 20).cluster("F")


def test_second_patient_shows_total_and_rule_can_disagree():
    alex = {p.id: p for p in pcl5.PATIENTS}["alex"]
    result = pcl5.score(alex.responses)
    assert result.total == 41
    assert result.cut_point_band == "above"
    assert result.cluster("C").symptoms == 0
    assert not result.meets_dsm5_rule
    assert all("(fictional)" in p.name for p in pcl5.PATIENTS)


def test_check_answers_all_right():
    result = pcl5.score(pcl5.FICTIONAL_PATIENT["responses"])
    checks = pcl5.check_answers(
        result, total=36, subscores={"B": 11, "C": 5, "D": 8, "E": 12},
        band="above", meets_rule=True,
    )
    assert [c.field for c in checks] == [
        "Total",
        "Cluster B (Intrusion)",
        "Cluster C (Avoidance)",
        "Cluster D (Negative alterations in cognitions and mood)",
        "Cluster E (Alterations in arousal and reactivity)",
        "Cut-point",
        "DSM-5 cluster rule",
    ]
    assert all(c.correct for c in checks)
    assert checks[0].text() == "Total: Correct. All 20 ratings add up to 36."


def test_check_answers_explains_each_mistake():
    result = pcl5.score(pcl5.PATIENTS[1].responses)
    checks = pcl5.check_answers(
        result, total=40, subscores={"B": 13, "C": None, "D": 13, "E": 12},
        band="within", meets_rule=True,
    )
    wrong = {c.field.split(" (")[0]: c for c in checks if not c.correct}
    assert set(wrong) == {"Total", "Cluster C", "Cluster E", "Cut-point", "DSM-5 cluster rule"}
    assert "sum of all 20 ratings: 41 of 80" in wrong["Total"].message
    assert wrong["Cluster E"].message == "Sum of items 15-20: 13."
    assert "above 33" in wrong["Cut-point"].message
    assert "C 0 of 1 needed" in wrong["DSM-5 cluster rule"].message
    assert "the rule is not met" in wrong["DSM-5 cluster rule"].text()
    assert wrong["Total"].text().startswith("Total: Not correct.")
