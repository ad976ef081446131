"""Sourced blood-pressure and heart-rate values for notebook 05.

Two kinds of number are kept apart on purpose:

- *time-course points* (a change from baseline at a stated time after the start of an
  IV infusion), which the figure may place on a time axis, and
- *pooled mean rises* from a meta-analysis of many studies with different timings,
  which have no single time and are shown separately.

Anything between sourced points in a figure is a schematic connection, not data.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketatraining.clinical.sourced import SourcedValue


@dataclass(frozen=True, slots=True)
class PooledRise:
    """A pooled mean rise with its 95% confidence interval (no time attached)."""

    key: str
    label: str
    mean: SourcedValue
    ci_low: float
    ci_high: float


POOLED_RISES: tuple[PooledRise, ...] = (
    PooledRise(
        "sbp",
        "Systolic BP",
        SourcedValue(
            12.61, "mmHg", "vankawala2021", "pooled mean rise, 15 articles, 2,252 treatments"
        ),
        10.40,
        14.82,
    ),
    PooledRise(
        "dbp",
        "Diastolic BP",
        SourcedValue(
            8.49, "mmHg", "vankawala2021", "pooled mean rise, 15 articles, 2,252 treatments"
        ),
        6.89,
        10.09,
    ),
    PooledRise(
        "hr",
        "Heart rate",
        SourcedValue(4.09, "bpm", "vankawala2021", "pooled mean rise"),
        0.55,
        7.63,
    ),
)
"""Vankawala 2021 meta-analysis of sub-anesthetic (<= 0.5 mg/kg) ketamine or esketamine."""


def pooled_rise(key: str) -> PooledRise:
    for item in POOLED_RISES:
        if item.key == key:
            return item
    msg = f"no pooled rise '{key}'; known: {', '.join(p.key for p in POOLED_RISES)}"
    raise KeyError(msg)


@dataclass(frozen=True, slots=True)
class TimePoint:
    """A change from baseline (mmHg) at ``minutes`` after the infusion starts.

    ``kind`` is ``"measured"`` for a reported mean, ``"baseline"`` for the reference
    level itself, and ``"bound"`` for a "back to baseline within ..." statement (the
    latest time by which the change was reported gone, not a measurement at that time).
    """

    minutes: float
    systolic: float
    diastolic: float
    kind: str
    reference: str
    label: str


PEAK_MINUTES = SourcedValue(
    30, "min", "rivaposse2018", "time of the largest mean BP rise, 684 infusions of 0.5 mg/kg"
)
PEAK_SYSTOLIC = SourcedValue(3.28, "mmHg", "rivaposse2018", "mean systolic rise at 30 min")
PEAK_DIASTOLIC = SourcedValue(3.17, "mmHg", "rivaposse2018", "mean diastolic rise at 30 min")
INFUSION_MINUTES = SourcedValue(40, "min", "rivaposse2018", "0.5 mg/kg infused over 40 min")
RETURN_WITHIN_IV = SourcedValue(
    1.5, "h", "szarmach2020", "BP and HR back to baseline within 1.5 h after infusion (49 pts)"
)
RETURN_WITHIN_LABEL = SourcedValue(
    2, "h", "spravato_pi", "BP 'typically returns to predose values within 2 hours' (esketamine)"
)
RIVAPOSSE_INFUSIONS = SourcedValue(684, "infusions", "rivaposse2018", "66 patients; none stopped")

TIME_COURSE: tuple[TimePoint, ...] = (
    TimePoint(0.0, 0.0, 0.0, "baseline", "rivaposse2018", "Baseline (before the infusion)"),
    TimePoint(
        PEAK_MINUTES.value,
        PEAK_SYSTOLIC.value,
        PEAK_DIASTOLIC.value,
        "measured",
        "rivaposse2018",
        "Largest mean rise, 30 min (Riva-Posse 2018)",
    ),
    TimePoint(
        RETURN_WITHIN_LABEL.value * 60.0,
        0.0,
        0.0,
        "bound",
        "spravato_pi",
        "Typically back to predose within 2 h (esketamine label)",
    ),
)
"""Sourced points for the time-course figure, in time order (x in minutes from dosing).

The IV series' "within 1.5 h" (``RETURN_WITHIN_IV``) is counted from the *end* of the
infusion, so it has no exact place on a from-the-start axis; the figure cites it in
its annotation instead of plotting it as a point. The points come from different
settings (IV ketamine for the peak, esketamine for the return), which is one more
reason the line between them is only schematic."""

BP_DELAY_GUIDE_SYSTOLIC = SourcedValue(
    140, "mmHg", "spravato_pi", "general guide: weigh delaying SPRAVATO if BP above 140/90"
)
BP_DELAY_GUIDE_DIASTOLIC = SourcedValue(
    90, "mmHg", "spravato_pi", "general guide: weigh delaying SPRAVATO if BP above 140/90"
)


def above_delay_guide(systolic: float, diastolic: float) -> bool:
    """Whether a pre-dose reading exceeds the label's general guide (>140/90 mmHg).

    Above the guide the label asks for a benefit-risk decision about delaying; it is
    not an automatic stop.
    """
    return systolic > BP_DELAY_GUIDE_SYSTOLIC.value or diastolic > BP_DELAY_GUIDE_DIASTOLIC.value
