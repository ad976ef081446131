"""Sourced ketamine pharmacology and a one-compartment *teaching* model.

Every number a notebook, figure or widget shows about ketamine's history, doses and
pharmacokinetics is defined once, with its bibliography key, in ``data/pharmacology.yaml``
(a clinical reviewer edits data, not code), so captions can cite it and tests can check
that figures plot exactly these values.

The model is for teaching how route and bioavailability change exposure. It is not a
dosing tool: it ignores the distribution phase, metabolites (norketamine), individual
variation and every clinical factor. Its only sourced inputs are the half-life and the
bioavailability of each route; the absorption speed is an illustrative assumption.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import Field

from ketatraining.clinical.citations import cite
from ketatraining.clinical.datafile import StrictData as _Strict
from ketatraining.clinical.datafile import ValueData as _Value
from ketatraining.clinical.datafile import load_data, value_lookup
from ketatraining.clinical.sourced import SourcedValue
from ketatraining.errors import KetaTrainingError


class _Route(_Strict):
    key: str = Field(pattern=r"^[a-z_]+$")
    label: str
    bioavailability: _Value
    other_estimates: list[_Value] = Field(default_factory=list)
    infusion: bool = False


class _TeachingModel(_Strict):
    illustrative_absorption_half_life_min: float = Field(gt=0)
    min_dose_mg_per_kg: float = Field(gt=0)
    max_dose_mg_per_kg: float = Field(gt=0)
    min_weight_kg: float = Field(gt=0)
    max_weight_kg: float = Field(gt=0)


class PharmacologyData(_Strict):
    schema_version: int = Field(ge=1, le=1)
    values: dict[str, _Value]
    routes: list[_Route] = Field(min_length=1)
    teaching_model: _TeachingModel


DATA = load_data("pharmacology.yaml", PharmacologyData)


_value = value_lookup(DATA.values, "pharmacology.yaml")


# --- History and regulation, doses, pharmacokinetics (data/pharmacology.yaml) ------------
SYNTHESIS_YEAR = _value("SYNTHESIS_YEAR")
FIRST_HUMAN_USE_YEAR = _value("FIRST_HUMAN_USE_YEAR")
FDA_APPROVAL_YEAR = _value("FDA_APPROVAL_YEAR")
SCHEDULE_III_PROPOSED_YEAR = _value("SCHEDULE_III_PROPOSED_YEAR")
SCHEDULE_III_FINAL_YEAR = _value("SCHEDULE_III_FINAL_YEAR")
ESKETAMINE_APPROVAL_YEAR = _value("ESKETAMINE_APPROVAL_YEAR")
ANESTHETIC_IV_INDUCTION_LOW = _value("ANESTHETIC_IV_INDUCTION_LOW")
ANESTHETIC_IV_INDUCTION_HIGH = _value("ANESTHETIC_IV_INDUCTION_HIGH")
ANESTHETIC_IV_AVERAGE = _value("ANESTHETIC_IV_AVERAGE")
ANESTHETIC_IM_LOW = _value("ANESTHETIC_IM_LOW")
ANESTHETIC_IM_HIGH = _value("ANESTHETIC_IM_HIGH")
SUBANESTHETIC_MAX = _value("SUBANESTHETIC_MAX")
PTSD_TRIAL_DOSE = _value("PTSD_TRIAL_DOSE")
PTSD_TRIAL_INFUSION_MIN = _value("PTSD_TRIAL_INFUSION_MIN")
ESKETAMINE_DEVICE_MG = _value("ESKETAMINE_DEVICE_MG")
ESKETAMINE_DAY1_MG = _value("ESKETAMINE_DAY1_MG")
HALF_LIFE_MIN = _value("HALF_LIFE_MIN")
ESKETAMINE_HALF_LIFE_LOW_H = _value("ESKETAMINE_HALF_LIFE_LOW_H")
ESKETAMINE_HALF_LIFE_HIGH_H = _value("ESKETAMINE_HALF_LIFE_HIGH_H")
ESKETAMINE_NASAL_BIOAVAILABILITY = _value("ESKETAMINE_NASAL_BIOAVAILABILITY")

ILLUSTRATIVE_ABSORPTION_HALF_LIFE_MIN = DATA.teaching_model.illustrative_absorption_half_life_min
"""NOT a sourced value: one assumed absorption half-life for every non-IV route, so that
the curves differ only by the sourced bioavailability. Real absorption differs by route,
formulation and person."""

MIN_DOSE_MG_PER_KG = DATA.teaching_model.min_dose_mg_per_kg
MAX_DOSE_MG_PER_KG = DATA.teaching_model.max_dose_mg_per_kg  # top of the reported oral range
MIN_WEIGHT_KG = DATA.teaching_model.min_weight_kg
MAX_WEIGHT_KG = DATA.teaching_model.max_weight_kg


@dataclass(frozen=True, slots=True)
class Route:
    """A route of administration with the bioavailability the model uses and the others.

    ``other_estimates`` keeps the figures other sources give, because the sources
    disagree and the course teaches that disagreement.
    """

    key: str
    label: str
    bioavailability: SourcedValue
    other_estimates: tuple[SourcedValue, ...] = ()
    infusion: bool = False

    @property
    def fraction(self) -> float:
        """Bioavailability as a fraction (0-1)."""
        return self.bioavailability.value / 100.0


ROUTES: dict[str, Route] = {
    r.key: Route(r.key, r.label, r.bioavailability.sourced(),
                 tuple(o.sourced() for o in r.other_estimates), r.infusion)
    for r in DATA.routes
}
"""Routes in the order the course shows them (highest to lowest bioavailability)."""


class PKInputError(KetaTrainingError, ValueError):
    """A dose, weight or route the teaching model cannot use; the message says why."""


@dataclass(frozen=True, slots=True)
class PKCurve:
    """Ketamine in the body over time for one route and dose (teaching model)."""

    route: Route
    dose_mg: float
    times_min: tuple[float, ...]
    amounts_mg: tuple[float, ...]

    @property
    def absorbed_mg(self) -> float:
        """Dose that reaches the circulation: dose x bioavailability."""
        return self.dose_mg * self.route.fraction

    @property
    def peak_mg(self) -> float:
        return max(self.amounts_mg)

    @property
    def time_of_peak_min(self) -> float:
        return self.times_min[self.amounts_mg.index(self.peak_mg)]

    def summary(self) -> str:
        """One sentence for the widget and the notebook (plain text, numbers included)."""
        return (
            f"{self.route.label}: dose {self.dose_mg:.0f} mg, bioavailability "
            f"{self.route.bioavailability.value:g}% {cite(self.route.bioavailability.reference)}, "
            f"so about {self.absorbed_mg:.0f} mg reaches the circulation. In this teaching "
            f"model the amount in the body peaks at about {self.peak_mg:.0f} mg, "
            f"{self.time_of_peak_min:.0f} min after the start."
        )


def weight_based_dose_mg(mg_per_kg: float, weight_kg: float) -> float:
    """Dose in mg for a weight-based dose (e.g. 0.5 mg/kg x 80 kg = 40 mg)."""
    _check_range("dose", mg_per_kg, MIN_DOSE_MG_PER_KG, MAX_DOSE_MG_PER_KG, "mg/kg")
    _check_range("weight", weight_kg, MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg")
    return mg_per_kg * weight_kg


def route(key: str) -> Route:
    """The route with this key; a clear error lists the valid keys."""
    try:
        return ROUTES[key]
    except KeyError:
        valid = ", ".join(ROUTES)
        msg = f"Unknown route '{key}'. Choose one of: {valid}."
        raise PKInputError(msg) from None


def simulate(
    route_key: str,
    mg_per_kg: float,
    weight_kg: float,
    *,
    duration_min: float = 480.0,
    step_min: float = 2.0,
    half_life_min: float = HALF_LIFE_MIN.value,
    infusion_min: float = PTSD_TRIAL_INFUSION_MIN.value,
) -> PKCurve:
    """Amount of ketamine in the body (mg) over time in a one-compartment model.

    IV: constant-rate infusion over ``infusion_min`` with first-order elimination.
    Other routes: first-order absorption (illustrative half-life) of dose x F.
    In a one-compartment model plasma concentration is this amount divided by a
    constant volume, so the curve's shape is that of the concentration.
    """
    chosen = route(route_key)
    dose = weight_based_dose_mg(mg_per_kg, weight_kg)
    if not 0 < step_min <= duration_min:
        msg = f"step_min must be between 0 and duration_min ({duration_min}); got {step_min}."
        raise PKInputError(msg)
    if half_life_min <= 0 or infusion_min <= 0:
        msg = "half_life_min and infusion_min must be positive."
        raise PKInputError(msg)
    k = math.log(2) / half_life_min
    n = round(duration_min / step_min)
    times = tuple(i * step_min for i in range(n + 1))
    if chosen.infusion:
        amounts = tuple(_infusion_amount(t, dose, k, infusion_min) for t in times)
    else:
        ka = math.log(2) / ILLUSTRATIVE_ABSORPTION_HALF_LIFE_MIN
        absorbed = dose * chosen.fraction
        amounts = tuple(absorbed * ka / (ka - k) * (math.exp(-k * t) - math.exp(-ka * t))
                        for t in times)
    return PKCurve(route=chosen, dose_mg=dose, times_min=times, amounts_mg=amounts)


def area_under_curve(curve: PKCurve) -> float:
    """Trapezoidal area (mg x min) over the simulated window: a proxy for exposure."""
    t, a = curve.times_min, curve.amounts_mg
    return sum((t[i + 1] - t[i]) * (a[i + 1] + a[i]) / 2 for i in range(len(t) - 1))


def _infusion_amount(t: float, dose: float, k: float, infusion_min: float) -> float:
    rate = dose / infusion_min
    if t <= infusion_min:
        return rate / k * (1 - math.exp(-k * t))
    at_end = rate / k * (1 - math.exp(-k * infusion_min))
    return at_end * math.exp(-k * (t - infusion_min))


def _check_range(name: str, value: float, low: float, high: float, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        msg = f"The {name} must be a number in {unit}; got {value!r}."
        raise PKInputError(msg)
    if not low <= value <= high:
        msg = (
            f"The {name} must be between {low:g} and {high:g} {unit} for this teaching "
            f"model; got {value:g} {unit}."
        )
        raise PKInputError(msg)


# --- Words for the notebook 01 bioavailability figure, generated from ROUTES ---------------


def bioavailability_caption() -> str:
    """Caption naming the value and source of every bar and diamond."""
    bars = []
    for route in ROUTES.values():
        value = f"{route.bioavailability.value:g}%"
        bars.append(f"{route.key.upper() if len(route.key) == 2 else route.key} {value}"
                    + ("" if route.key == "iv" else f" {cite(route.bioavailability.reference)}"))
    others = [f"{route.key} {o.value:g}% {cite(o.reference)}"
              for route in ROUTES.values() for o in route.other_estimates]
    return ("Bioavailability by route. Bars: the value the teaching model uses ("
            + "; ".join(bars) + "). Diamonds: other sources (" + "; ".join(others) + ").")


def bioavailability_description() -> str:
    """Text description of the same figure, for readers who cannot see it."""
    parts = []
    for route in ROUTES.values():
        text = f"{route.label}: {route.bioavailability.value:g}%"
        if route.other_estimates:
            text += " (other sources: " + ", ".join(
                f"{o.value:g}% ({o.note})" for o in route.other_estimates) + ")"
        parts.append(text)
    return ("; ".join(parts) + ". Oral bioavailability is the lowest and the most disputed.")
