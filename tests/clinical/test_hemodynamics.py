"""Blood-pressure values of notebook 05 equal the sourced means."""

from __future__ import annotations

import pytest

from ketatraining.clinical import hemodynamics as hd


@pytest.mark.parametrize(
    ("key", "mean", "low", "high", "unit"),
    [
        ("sbp", 12.61, 10.40, 14.82, "mmHg"),
        ("dbp", 8.49, 6.89, 10.09, "mmHg"),
        ("hr", 4.09, 0.55, 7.63, "bpm"),
    ],
)
def test_pooled_rises_match_vankawala(
    key: str, mean: float, low: float, high: float, unit: str
) -> None:
    item = hd.pooled_rise(key)
    assert (item.mean.value, item.ci_low, item.ci_high, item.mean.unit) == (mean, low, high, unit)
    assert item.mean.reference == "vankawala2021"


def test_unknown_pooled_rise_raises() -> None:
    with pytest.raises(KeyError, match="sbp"):
        hd.pooled_rise("map")


def test_time_course_has_only_sourced_points() -> None:
    points = [(p.minutes, p.systolic, p.diastolic, p.kind) for p in hd.TIME_COURSE]
    assert points == [
        (0.0, 0.0, 0.0, "baseline"),
        (30, 3.28, 3.17, "measured"),
        (240.0, 0.0, 0.0, "bound"),
    ]
    assert [p.reference for p in hd.TIME_COURSE] == [
        "rivaposse2018",
        "rivaposse2018",
        "spravato_pi",
    ]


def test_time_course_is_in_time_order() -> None:
    minutes = [p.minutes for p in hd.TIME_COURSE]
    assert minutes == sorted(minutes)


def test_return_to_baseline_values() -> None:
    assert hd.RETURN_WITHIN_IV.value == 1.5


def test_label_timing_is_the_label_s_own() -> None:
    # SPRAVATO PI, blood-pressure warning: peak about 40 minutes, lasts about 4 hours; 8-19% (placebo
    # 1-4%) rose by >= 40 systolic and/or 25 diastolic in the first 1.5 hours.
    assert (hd.LABEL_PEAK_MINUTES.value, hd.LABEL_RISE_LASTS.value) == (40, 4)
    assert (hd.LABEL_LARGE_RISE_SYSTOLIC.value, hd.LABEL_LARGE_RISE_DIASTOLIC.value) == (40, 25)
    assert hd.LABEL_LARGE_RISE_WINDOW.value == 1.5
    assert hd.LABEL_LARGE_RISE_ESKETAMINE == (8, 19)
    assert hd.LABEL_LARGE_RISE_PLACEBO == (1, 4)
    assert not hasattr(hd, "RETURN_WITHIN_LABEL")


def test_figure_words_come_from_the_numbers() -> None:
    caption, description = hd.figure_caption(), hd.figure_description()
    assert "last about 4 hours" in caption and "2 h)" not in caption
    assert "at 240 minutes" in description and "lasts about 4 hours" in description
    assert "8% to 19%" in description
    assert "+12.61 mmHg (10.40 to 14.82)" in description
    assert "within 2 hours" not in caption + description + hd.figure_alt()


@pytest.mark.parametrize(
    ("systolic", "diastolic", "above"),
    [
        (128, 80, False),
        (140, 90, False),  # "above 140/90": the guide itself is not above
        (141, 80, True),
        (130, 91, True),
        (152, 96, True),
    ],
)
def test_delay_guide(systolic: float, diastolic: float, above: bool) -> None:
    assert hd.above_delay_guide(systolic, diastolic) is above
