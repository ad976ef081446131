"""Sourced blood-pressure and heart-rate values for notebook 05.

Two kinds of number are kept apart on purpose:

- *time-course points* (a change from baseline at a stated time after the start of an
  IV infusion), which the figure may place on a time axis, and
- *pooled mean rises* from a meta-analysis of many studies with different timings,
  which have no single time and are shown separately.

The esketamine label's own timing (SPRAVATO prescribing information, section 5.6: the
rise peaks about 40 minutes after dosing and lasts about 4 hours) is kept here too, so
the notebook, the figure, its caption and its text description all read one number.

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
"""Vankawala 2021 meta-analysis; it took "sub-anesthetic" to mean 0.5 mg/kg or less."""


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
    level itself, and ``"bound"`` for a statement of how long the rise lasts (the time
    by which the source says it is over, not a measurement at that time).
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
LABEL_PEAK_MINUTES = SourcedValue(
    40, "min", "spravato_pi", "esketamine: BP rises peak about 40 min after dosing (section 5.6)"
)
LABEL_RISE_LASTS = SourcedValue(
    4, "h", "spravato_pi", "esketamine: BP rises last about 4 hours (section 5.6)"
)
LABEL_LARGE_RISE_SYSTOLIC = SourcedValue(
    40, "mmHg", "spravato_pi", "rise of at least 40 mmHg systolic and/or 25 diastolic"
)
LABEL_LARGE_RISE_DIASTOLIC = SourcedValue(
    25, "mmHg", "spravato_pi", "rise of at least 40 mmHg systolic and/or 25 diastolic"
)
LABEL_LARGE_RISE_WINDOW = SourcedValue(
    1.5, "h", "spravato_pi", "in the first 1.5 hours after a dose, at least once in 4 weeks"
)
LABEL_LARGE_RISE_ESKETAMINE = (8, 19)
"""Per cent of esketamine-treated patients with such a rise (label section 5.6)."""
LABEL_LARGE_RISE_PLACEBO = (1, 4)
"""Per cent of placebo-treated patients with such a rise (label section 5.6)."""
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
        LABEL_RISE_LASTS.value * 60.0,
        0.0,
        0.0,
        "bound",
        "spravato_pi",
        "Esketamine label: the rise lasts about 4 h",
    ),
)
"""Sourced points for the time-course figure, in time order (x in minutes from dosing).

The IV series' "within 1.5 h" (``RETURN_WITHIN_IV``) is counted from the *end* of the
infusion, so it has no exact place on a from-the-start axis; the figure cites it in
its annotation instead of plotting it as a point. The points come from different
settings (IV ketamine for the 30-minute mean, the esketamine label for how long the
rise lasts), which is one more reason the line between them is only schematic."""

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


# ---------------------------------------------------------------------------
# Words for the figure, generated from the numbers above (never restated by hand)
# ---------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:g}"


def figure_alt() -> str:
    """Short alternative text for the notebook 05 blood-pressure figure."""
    sbp, dbp = pooled_rise("sbp"), pooled_rise("dbp")
    return (
        f"Left: mean blood-pressure change over a session, about +{_n(PEAK_SYSTOLIC.value)} "
        f"mmHg at {_n(PEAK_MINUTES.value)} minutes in an IV series; the esketamine label says "
        f"the rise lasts about {_n(LABEL_RISE_LASTS.value)} hours. Right: pooled mean rises of "
        f"{sbp.mean.value:.2f} systolic and {dbp.mean.value:.2f} diastolic mmHg with "
        "confidence intervals."
    )


def figure_caption() -> str:
    """The caption, naming the source of every number the figure shows."""
    return (
        "Blood pressure after sub-anesthetic ketamine or esketamine. Sources: Riva-Posse et al. "
        f"2018 (mean rise at {_n(PEAK_MINUTES.value)} minutes, IV); SPRAVATO prescribing "
        f"information, section 5.6 (esketamine rises peak at about {_n(LABEL_PEAK_MINUTES.value)} "
        f"minutes and last about {_n(LABEL_RISE_LASTS.value)} hours); Szarmach et al. 2020 "
        f"(back to baseline within {_n(RETURN_WITHIN_IV.value)} h after an IV infusion); "
        "Vankawala et al. 2021 (pooled rises). The dashed line is a schematic connection, "
        "not measured data."
    )


def figure_description() -> str:
    """A full text description of the figure for readers who cannot see it."""
    sbp, dbp, hr = pooled_rise("sbp"), pooled_rise("dbp"), pooled_rise("hr")
    low, high = LABEL_LARGE_RISE_ESKETAMINE
    return (
        "Left panel, minutes from the start of dosing on the horizontal axis and mean change "
        "from baseline in mmHg on the vertical axis. Baseline at 0 minutes is 0. The only "
        f"measured points are at {_n(PEAK_MINUTES.value)} minutes: systolic "
        f"+{_n(PEAK_SYSTOLIC.value)} and diastolic +{_n(PEAK_DIASTOLIC.value)} mmHg "
        f"({_n(RIVAPOSSE_INFUSIONS.value)} IV infusions of 0.5 mg/kg over "
        f"{_n(INFUSION_MINUTES.value)} minutes, shaded). A note marks the esketamine label's "
        f"peak at about {_n(LABEL_PEAK_MINUTES.value)} minutes, and an open marker at "
        f"{_n(LABEL_RISE_LASTS.value * 60)} minutes marks the label statement that the rise "
        f"lasts about {_n(LABEL_RISE_LASTS.value)} hours. Dashed lines join these points and "
        "are labelled schematic. A note cites an inpatient series in which values were back "
        f"to baseline within {_n(RETURN_WITHIN_IV.value)} hours after the infusion ended, "
        f"and the label's finding that {low}% to {high}% of esketamine-treated patients had a "
        f"rise of at least {_n(LABEL_LARGE_RISE_SYSTOLIC.value)} mmHg systolic and/or "
        f"{_n(LABEL_LARGE_RISE_DIASTOLIC.value)} mmHg diastolic in the first "
        f"{_n(LABEL_LARGE_RISE_WINDOW.value)} hours. Right panel: pooled mean rises from a "
        f"meta-analysis of 2,252 treatments, systolic +{sbp.mean.value:.2f} mmHg "
        f"({sbp.ci_low:.2f} to {sbp.ci_high:.2f}) and diastolic +{dbp.mean.value:.2f} mmHg "
        f"({dbp.ci_low:.2f} to {dbp.ci_high:.2f}); they have no single time. Heart rate rose "
        f"by a pooled {hr.mean.value:.2f} beats per minute ({hr.ci_low:.2f} to {hr.ci_high:.2f})."
    )
