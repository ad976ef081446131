"""Sourced efficacy data for notebook 04: effect sizes, onset figures, claim-vs-evidence.

Every number comes from ``../shared/clinical/evidence.md`` (or a primary source recorded
in the claims register) and carries the key of its primary reference in
``quizzes/references.yaml``. The numbers and texts live in ``data/evidence.yaml``;
figures, captions, descriptions and widgets read them from here, so a number is written
down once, next to its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from pydantic import Field

from ketatraining.clinical.citations import author_year
from ketatraining.clinical.datafile import StrictData as _Strict
from ketatraining.clinical.datafile import ValueData, load_data, value_lookup
from ketatraining.clinical.sourced import SourcedValue


class EffectData(_Strict):
    key: str
    label: str
    value: float
    measure: str
    reference: str
    note: str
    ci_low: float | None
    ci_high: float | None
    comparison: str


class SpanData(_Strict):
    key: str
    label: str
    group: Literal["ketamine", "ssri"]
    reference: str
    source: str | None
    starts_after: str | None = None
    placement_note: str = ""
    also: list[str] = Field(default_factory=list)


class ClaimData(_Strict):
    key: str
    title: str
    guide_says: str
    evidence: str
    verdict: str
    references: list[str] = Field(min_length=1)
    teaching_point: str


class EvidenceData(_Strict):
    schema_version: int = Field(ge=1, le=1)
    values: dict[str, ValueData]
    effect_sizes: list[EffectData]
    onset_spans: list[SpanData]
    verdicts: dict[str, str]
    claims: list[ClaimData]


DATA = load_data("evidence.yaml", EvidenceData)


_value = value_lookup(DATA.values, "evidence.yaml")


# ---------------------------------------------------------------------------
# Effect sizes (forest plot)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EffectSize:
    """One standardized effect of ketamine against a control, as the source reports it.

    ``ci_low``/``ci_high`` are the 95% confidence interval; both are ``None`` when the
    source gives no interval on the effect-size scale, so a figure can show the point
    without inventing one.
    """

    key: str
    label: str
    estimate: SourcedValue
    ci_low: float | None
    ci_high: float | None
    comparison: str

    @property
    def reference(self) -> str:
        return self.estimate.reference

    @property
    def value(self) -> float:
        return self.estimate.value

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None

    @property
    def ci_crosses_zero(self) -> bool | None:
        """True when the interval includes 0 (not significant); None without a CI."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low <= 0.0 <= self.ci_high


EFFECT_SIZES: tuple[EffectSize, ...] = tuple(
    EffectSize(e.key, e.label, SourcedValue(e.value, e.measure, e.reference, e.note),
               e.ci_low, e.ci_high, e.comparison)
    for e in DATA.effect_sizes
)
"""Effect sizes in the order the forest plot draws them (top to bottom)."""


def effect_size(key: str) -> EffectSize:
    for item in EFFECT_SIZES:
        if item.key == key:
            return item
    msg = f"no effect size '{key}'; known: {', '.join(e.key for e in EFFECT_SIZES)}"
    raise KeyError(msg)


# ---------------------------------------------------------------------------
# Key trial facts (numbers quoted in the notebook and quizzes)
# ---------------------------------------------------------------------------

FEDER2021_CAPS5_DIFFERENCE = _value("FEDER2021_CAPS5_DIFFERENCE")
FEDER2021_RESPONSE_KETAMINE = _value("FEDER2021_RESPONSE_KETAMINE")
FEDER2021_RESPONSE_MIDAZOLAM = _value("FEDER2021_RESPONSE_MIDAZOLAM")
FEDER2021_N = _value("FEDER2021_N")
ABDALLAH2022_N = _value("ABDALLAH2022_N")
ABDALLAH2022_INFUSIONS = _value("ABDALLAH2022_INFUSIONS")
FEDER2014_N = _value("FEDER2014_N")
MIDAZOLAM_24H_REDUCTION = _value("MIDAZOLAM_24H_REDUCTION")
WET_OPEN_LABEL_D = _value("WET_OPEN_LABEL_D")
WET_RESPONDERS = _value("WET_RESPONDERS")

# ---------------------------------------------------------------------------
# Onset and duration (timeline figure)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OnsetSpan:
    """A span on a days-since-first-dose axis, with what exactly is sourced about it.

    ``start``/``end`` are in days. ``end`` is ``None`` when the source gives no end
    (e.g. "can take months"); the figure then draws an open arrow, not a number.
    ``placement_note`` says when the position (not the length) is a drawing choice.
    """

    key: str
    label: str
    group: str  # "ketamine" or "ssri"
    start: float
    end: float | None
    source: SourcedValue | None
    reference: str
    placement_note: str = ""
    also: tuple[str, ...] = ()
    """Further reference keys when one span rests on several sources."""

    @property
    def references(self) -> tuple[str, ...]:
        return (self.reference, *(key for key in self.also if key != self.reference))


KETAMINE_24H_EFFECT = _value("KETAMINE_24H_EFFECT")
KETAMINE_COURSE = _value("KETAMINE_COURSE")
LOSS_OF_RESPONSE_MEDIAN = _value("LOSS_OF_RESPONSE_MEDIAN")
SSRI_TRIAL_LENGTH = _value("SSRI_TRIAL_LENGTH")
SSRI_TRIAL_REFERENCES = ("brady2000", "davidson2001", "marshall2001", "tucker2001")
"""The four 12-week placebo-controlled trials: two of sertraline, two of paroxetine."""
SSRI_RESPONSE = _value("SSRI_RESPONSE")

_DAYS_PER = {"h": 1 / 24, "days": 1.0, "weeks": 7.0}


def _spans(data: EvidenceData) -> tuple[OnsetSpan, ...]:
    """Spans with lengths computed from their source values (never restated by hand)."""
    ends: dict[str, float | None] = {}
    out = []
    for item in data.onset_spans:
        start = ends[item.starts_after] or 0.0 if item.starts_after else 0.0
        source = _value(item.source) if item.source else None
        end = start + source.value * _DAYS_PER[source.unit] if source else None
        ends[item.key] = end
        out.append(OnsetSpan(item.key, item.label, item.group, start, end, source,
                             item.reference, item.placement_note, tuple(item.also)))
    return tuple(out)


ONSET_SPANS: tuple[OnsetSpan, ...] = _spans(DATA)


# ---------------------------------------------------------------------------
# The guide's claims set against the evidence (claim explorer, notebook 04)
# ---------------------------------------------------------------------------


class Verdict(Enum):
    """How far the sources found support a claim. The value is what learners read."""

    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly supported"
    NOT_SUPPORTED = "not supported"
    NOT_ESTABLISHED = "not established"
    NO_SOURCE_FOUND = "no source found"

    @property
    def explanation(self) -> str:
        return _VERDICT_EXPLANATIONS[self]


_VERDICT_EXPLANATIONS = {Verdict(k): v for k, v in DATA.verdicts.items()}


@dataclass(frozen=True, slots=True)
class Claim:
    """One benefit the guide claims, paraphrased, with the evidence and a verdict."""

    key: str
    title: str
    guide_says: str
    evidence: str
    verdict: Verdict
    references: tuple[str, ...]
    teaching_point: str


CLAIMS: tuple[Claim, ...] = tuple(
    Claim(c.key, c.title, c.guide_says, c.evidence, Verdict(c.verdict), tuple(c.references),
          c.teaching_point)
    for c in DATA.claims
)
"""The seven benefits the guide lists, in the guide's order."""


def claim(key: str) -> Claim:
    for item in CLAIMS:
        if item.key == key:
            return item
    msg = f"no claim '{key}'; known: {', '.join(c.key for c in CLAIMS)}"
    raise KeyError(msg)


def check_verdict(claim_key: str, guess: Verdict | str) -> tuple[bool, str]:
    """Compare a learner's verdict with the course's, returning (correct, feedback text)."""
    item = claim(claim_key)
    chosen = guess if isinstance(guess, Verdict) else Verdict(guess)
    if chosen is item.verdict:
        return True, f"Correct: the course rates this claim '{item.verdict.value}'."
    return False, (
        f"Not quite: you chose '{chosen.value}', the course rates this claim "
        f"'{item.verdict.value}'. {item.verdict.explanation}"
    )




# ---------------------------------------------------------------------------
# Words for the notebook 04 figures, generated from the numbers above
# ---------------------------------------------------------------------------

_MEASURE = {"Hedges g": "g", "Cohen d": "d"}


def _effect_text(item: EffectSize) -> str:
    measure = _MEASURE.get(item.estimate.unit, item.estimate.unit)
    text = f"{item.label}: {measure} {item.value:.2f}"
    if item.ci_low is None or item.ci_high is None:
        return text + (
            ", drawn as an open diamond without an interval because the only interval the "
            "source reports is not on the effect-size scale"
        )
    text += f" ({item.ci_low:.2f} to {item.ci_high:.2f})"
    if item.ci_low == 0.0 or item.ci_high == 0.0:
        text += ", touches zero"
    elif item.ci_crosses_zero:
        text += ", crosses zero"
    return text


def forest_alt() -> str:
    crossing = sum(1 for e in EFFECT_SIZES if e.ci_crosses_zero)
    return (
        f"Forest plot of {len(EFFECT_SIZES)} effect sizes of ketamine versus control in PTSD, "
        f"most small, {crossing} with intervals that include zero."
    )


def forest_caption() -> str:
    """The caption; its sources are the effect sizes' references, cited from the bibliography."""
    sources = []
    for key in dict.fromkeys(e.estimate.reference for e in EFFECT_SIZES):
        text = author_year(key)
        if any(e.estimate.reference == key and not e.has_ci for e in EFFECT_SIZES):
            text += " (no interval on the effect-size scale)"
        sources.append(text)
    return "Effect sizes (Hedges g or Cohen d) with 95% CIs. Sources: " + "; ".join(sources) + "."


def forest_description() -> str:
    rows = "; ".join(_effect_text(e) for e in EFFECT_SIZES)
    return (
        f"{len(EFFECT_SIZES)} rows, top to bottom. {rows}. Most pooled effects are small, and "
        "the fairest comparisons (active control, bias-corrected) are not significant."
    )


def onset_alt() -> str:
    return (
        f"Timeline in days: ketamine effect at {KETAMINE_24H_EFFECT.value:g} hours, a "
        f"{KETAMINE_COURSE.value:g}-week course, then a {LOSS_OF_RESPONSE_MEDIAN.value:g}-day "
        f"median response; SSRI trials {SSRI_TRIAL_LENGTH.value:g} weeks; SSRI maximal "
        "improvement open-ended."
    )


def onset_caption() -> str:
    spans = "; ".join(
        f"{s.label} ({', '.join(author_year(k) for k in s.references)})"
        for s in ONSET_SPANS
    )
    return (
        f"Onset and duration from the sourced figures. Sources, row by row: {spans}. The "
        f"{LOSS_OF_RESPONSE_MEDIAN.value:g}-day bar is drawn from the end of the course; only "
        "its length is sourced."
    )


def onset_description() -> str:
    parts = []
    for span in ONSET_SPANS:
        if span.end is None:
            parts.append(
                f"{span.label}, drawn as an open dotted arrow because the source gives no number"
            )
        else:
            parts.append(f"{span.label} (day {span.start:g} to {span.end:g})")
    return (
        f"{len(ONSET_SPANS)} rows on an axis of days from the first dose, 0 to 110. "
        + "; ".join(parts)
        + "."
    )
