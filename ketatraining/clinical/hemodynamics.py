"""Sourced blood-pressure and heart-rate values for notebook 05.

Two kinds of number are kept apart on purpose:

- *time-course points* (a change from baseline at a stated time after the start of an
  IV infusion), which the figure may place on a time axis, and
- *pooled mean rises* from a meta-analysis of many studies with different timings,
  which have no single time and are shown separately.

The esketamine label's own timing (SPRAVATO prescribing information, warning on increases in blood pressure: the
rise peaks about 40 minutes after dosing and lasts about 4 hours) is kept here too, so
the notebook, the figure, its caption and its text description all read one number.

Anything between sourced points in a figure is a schematic connection, not data.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from ketatraining.clinical.citations import author_year
from ketatraining.clinical.datafile import StrictData as _Strict
from ketatraining.clinical.datafile import ValueData as _Value
from ketatraining.clinical.datafile import load_data, value_lookup
from ketatraining.clinical.sourced import SourcedValue


class _Pooled(_Strict):
    key: str
    label: str
    value: float
    unit: str
    reference: str
    note: str
    ci_low: float
    ci_high: float


class _Percent(_Strict):
    esketamine: tuple[int, int]
    placebo: tuple[int, int]
    reference: str


class HemodynamicsData(_Strict):
    schema_version: int = Field(ge=1, le=1)
    values: dict[str, _Value]
    label_large_rise_percent: _Percent
    pooled_rises: list[_Pooled]


DATA = load_data("hemodynamics.yaml", HemodynamicsData)


_value = value_lookup(DATA.values, "hemodynamics.yaml")


@dataclass(frozen=True, slots=True)
class PooledRise:
    """A pooled mean rise with its 95% confidence interval (no time attached)."""

    key: str
    label: str
    mean: SourcedValue
    ci_low: float
    ci_high: float


POOLED_RISES: tuple[PooledRise, ...] = tuple(
    PooledRise(p.key, p.label, SourcedValue(p.value, p.unit, p.reference, p.note),
               p.ci_low, p.ci_high)
    for p in DATA.pooled_rises
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


PEAK_MINUTES = _value("PEAK_MINUTES")
PEAK_SYSTOLIC = _value("PEAK_SYSTOLIC")
PEAK_DIASTOLIC = _value("PEAK_DIASTOLIC")
INFUSION_MINUTES = _value("INFUSION_MINUTES")
RETURN_WITHIN_IV = _value("RETURN_WITHIN_IV")
LABEL_PEAK_MINUTES = _value("LABEL_PEAK_MINUTES")
LABEL_RISE_LASTS = _value("LABEL_RISE_LASTS")
LABEL_LARGE_RISE_SYSTOLIC = _value("LABEL_LARGE_RISE_SYSTOLIC")
LABEL_LARGE_RISE_DIASTOLIC = _value("LABEL_LARGE_RISE_DIASTOLIC")
LABEL_LARGE_RISE_WINDOW = _value("LABEL_LARGE_RISE_WINDOW")
LABEL_LARGE_RISE_ESKETAMINE = DATA.label_large_rise_percent.esketamine
"""Per cent of esketamine-treated patients with such a rise (the label's blood-pressure warning)."""
LABEL_LARGE_RISE_PLACEBO = DATA.label_large_rise_percent.placebo
"""Per cent of placebo-treated patients with such a rise (the label's blood-pressure warning)."""
RIVAPOSSE_INFUSIONS = _value("RIVAPOSSE_INFUSIONS")

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

BP_DELAY_GUIDE_SYSTOLIC = _value("BP_DELAY_GUIDE_SYSTOLIC")
BP_DELAY_GUIDE_DIASTOLIC = _value("BP_DELAY_GUIDE_DIASTOLIC")


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
        "Blood pressure after sub-anesthetic ketamine or esketamine. Sources: "
        f"{author_year(PEAK_MINUTES.reference)} (mean rise at {_n(PEAK_MINUTES.value)} minutes, "
        f"IV); {author_year(LABEL_PEAK_MINUTES.reference)}, blood-pressure warning (esketamine rises peak "
        f"at about {_n(LABEL_PEAK_MINUTES.value)} minutes and last about "
        f"{_n(LABEL_RISE_LASTS.value)} hours); {author_year(RETURN_WITHIN_IV.reference)} (back "
        f"to baseline within {_n(RETURN_WITHIN_IV.value)} h after an IV infusion); "
        f"{author_year(POOLED_RISES[0].mean.reference)} (pooled rises). The dashed line is a "
        "schematic connection, not measured data."
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
