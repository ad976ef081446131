"""Sourced efficacy data for notebook 04: effect sizes, onset figures, claim-vs-evidence.

Every number here comes from ``../shared/clinical/evidence.md`` and carries the key of
its primary reference in ``quizzes/references.yaml``. Figures and widgets read from
this module so that a number is written down once, next to its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ketatraining.clinical.sourced import SourcedValue
from ketatraining.quiz.loading import load_references

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


def _g(value: float, note: str) -> SourcedValue:
    return SourcedValue(value, "Hedges g", "borgogna2024", note)


EFFECT_SIZES: tuple[EffectSize, ...] = (
    EffectSize(
        "borgogna-overall",
        "Meta-analysis, all timepoints (6 RCTs, n = 221)",
        _g(0.27, "omnibus estimate from 52 effect sizes across 6 RCTs"),
        0.03,
        0.51,
        "ketamine vs any control",
    ),
    EffectSize(
        "borgogna-bias-corrected",
        "Meta-analysis, bias-corrected",
        _g(0.20, "after correction for small-study bias; not significant"),
        -0.08,
        0.48,
        "ketamine vs any control",
    ),
    EffectSize(
        "borgogna-24h",
        "Meta-analysis, 24 h after first infusion",
        _g(0.35, "the only timepoint all RCTs shared"),
        0.06,
        0.64,
        "ketamine vs any control",
    ),
    EffectSize(
        "borgogna-24h-passive",
        "24 h, passive controls only",
        _g(0.44, "post-hoc analysis at 24 h"),
        0.03,
        0.85,
        "ketamine vs passive control",
    ),
    EffectSize(
        "borgogna-24h-active",
        "24 h, active controls only",
        _g(0.24, "post-hoc analysis at 24 h; not significant"),
        -0.30,
        0.78,
        "ketamine vs active control (midazolam)",
    ),
    EffectSize(
        "borgogna-1week",
        "Meta-analysis, 1 week into treatment",
        _g(0.24, "'no meaningful group differences'"),
        0.00,
        0.48,
        "ketamine vs any control",
    ),
    EffectSize(
        "feder2021-week2",
        "Feder 2021, CAPS-5 at week 2 (n = 30)",
        SourcedValue(1.13, "Cohen d", "feder2021", "6 infusions over 2 weeks vs midazolam"),
        0.36,
        1.91,
        "ketamine vs midazolam (active control)",
    ),
    EffectSize(
        "almeida-endpoint",
        "Almeida 2024, PCL-5 at endpoint (1-4 weeks)",
        SourcedValue(
            0.25,
            "standardized effect size",
            "almeida2024",
            "10 studies incl. 3 non-randomized; high heterogeneity; the only interval the "
            "source reports is not on the effect-size scale",
        ),
        None,
        None,
        "ketamine vs control, mixed designs",
    ),
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

FEDER2021_CAPS5_DIFFERENCE = SourcedValue(
    11.88, "CAPS-5 points", "feder2021", "lower with ketamine than midazolam at week 2 (SE 3.96)"
)
FEDER2021_RESPONSE_KETAMINE = SourcedValue(
    67, "%", "feder2021", "responders (>= 30% CAPS-5 reduction) at week 2, ketamine"
)
FEDER2021_RESPONSE_MIDAZOLAM = SourcedValue(
    20, "%", "feder2021", "responders (>= 30% CAPS-5 reduction) at week 2, midazolam"
)
FEDER2021_N = SourcedValue(30, "patients", "feder2021", "chronic PTSD, randomized 1:1")
ABDALLAH2022_N = SourcedValue(
    158, "patients", "abdallah2022", "antidepressant-resistant veterans and service members"
)
ABDALLAH2022_INFUSIONS = SourcedValue(8, "infusions", "abdallah2022", "twice weekly")
FEDER2014_N = SourcedValue(41, "patients", "feder2014", "single-infusion crossover")
MIDAZOLAM_24H_REDUCTION = SourcedValue(
    50,
    "%",
    "letter2015",
    "approximate reduction in PTSD severity with midazolam alone at 24 h (Feder 2014 data)",
)
WET_OPEN_LABEL_D = SourcedValue(
    1.9,
    "Cohen d (within-group, pre-post)",
    "feder2025",
    "open-label, no control group, n = 14 started; CI 1.0-2.8; not comparable with "
    "between-group effects",
)
WET_RESPONDERS = SourcedValue(69, "%", "feder2025", "9 of 13 completers, >= 30% CAPS-5 drop")

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


KETAMINE_24H_EFFECT = SourcedValue(
    24, "h", "feder2014", "PTSD severity lower than with midazolam 24 h after one IV infusion"
)
KETAMINE_COURSE = SourcedValue(
    2, "weeks", "feder2021", "6 IV infusions, three a week; primary outcome at week 2"
)
LOSS_OF_RESPONSE_MEDIAN = SourcedValue(
    27.5, "days", "feder2021", "median time to loss of response among ketamine responders"
)
SSRI_TRIAL_LENGTH = SourcedValue(
    12,
    "weeks",
    "brady2000",
    "length of each large placebo-controlled trial of sertraline (Brady 2000, Davidson 2001) "
    "and of paroxetine (Marshall 2001, Tucker 2001) in PTSD",
)
SSRI_TRIAL_REFERENCES = ("brady2000", "davidson2001", "marshall2001", "tucker2001")
"""The four 12-week placebo-controlled trials: two of sertraline, two of paroxetine."""
SSRI_RESPONSE = SourcedValue(60, "%", "feder2021", "about 60% respond to SSRIs")

ONSET_SPANS: tuple[OnsetSpan, ...] = (
    OnsetSpan(
        "ketamine-24h",
        "Ketamine, single IV infusion: effect measured at 24 h",
        "ketamine",
        0.0,
        KETAMINE_24H_EFFECT.value / 24.0,
        KETAMINE_24H_EFFECT,
        "feder2014",
    ),
    OnsetSpan(
        "ketamine-course",
        "Ketamine, repeated IV course: 6 infusions over 2 weeks",
        "ketamine",
        0.0,
        KETAMINE_COURSE.value * 7.0,
        KETAMINE_COURSE,
        "feder2021",
    ),
    OnsetSpan(
        "ketamine-loss",
        "Ketamine responders: median 27.5 days to loss of response",
        "ketamine",
        KETAMINE_COURSE.value * 7.0,
        KETAMINE_COURSE.value * 7.0 + LOSS_OF_RESPONSE_MEDIAN.value,
        LOSS_OF_RESPONSE_MEDIAN,
        "feder2021",
        "drawn from the end of the 2-week course; the source gives the median length only",
    ),
    OnsetSpan(
        "ssri-trials",
        "SSRIs: 12-week placebo-controlled trials (sertraline, paroxetine)",
        "ssri",
        0.0,
        SSRI_TRIAL_LENGTH.value * 7.0,
        SSRI_TRIAL_LENGTH,
        "brady2000",
        also=SSRI_TRIAL_REFERENCES,
    ),
    OnsetSpan(
        "ssri-maximal",
        'SSRIs: maximal improvement "can take months" (no exact figure)',
        "ssri",
        0.0,
        None,
        None,
        "feder2021",
        "open-ended: the source gives no number",
    ),
)


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


_VERDICT_EXPLANATIONS = {
    Verdict.SUPPORTED: "The trials and reviews found back the claim as the guide states it.",
    Verdict.PARTLY_SUPPORTED: (
        "Some evidence backs part of the claim, but the guide states it more broadly or "
        "more strongly than the evidence allows."
    ),
    Verdict.NOT_SUPPORTED: "The best available evidence points against the claim.",
    Verdict.NOT_ESTABLISHED: (
        "The claim rests on hypotheses, animal work or uncontrolled studies; it has not "
        "been shown in people with PTSD."
    ),
    Verdict.NO_SOURCE_FOUND: (
        "No source reviewed for this course measured it, so the claim is not supported "
        "by any source found. That is not proof it is false."
    ),
}


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


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "rapid-relief",
        "Rapid symptom relief",
        "The guide presents speed as the main benefit: patients notice improvement within "
        "hours or days of the first infusion, where usual medicines need weeks or months.",
        "A single IV infusion (0.5 mg/kg) lowered PTSD severity more than midazolam at "
        "24 hours in a 41-patient crossover trial (Feder 2014). But across 6 RCTs the "
        "24-hour effect is small (g = 0.35, 95% CI 0.06 to 0.64), and against active "
        "controls it is not significant (g = 0.24, CI -0.30 to 0.78) (Borgogna 2024). "
        "Midazolam alone was followed by roughly 50% lower PTSD scores at 24 hours "
        "(2015 letter), so part of the early change may be nonspecific.",
        Verdict.PARTLY_SUPPORTED,
        ("feder2014", "borgogna2024", "letter2015"),
        "A fast change at 24 h is real in trials, but it is small on average and not "
        "clearly larger than an active placebo.",
    ),
    Claim(
        "short-course",
        "Shorter treatment course",
        "The guide says a few weeks of infusions is a short commitment compared with "
        "therapies that can last months or years.",
        "The positive repeated-dose RCT gave 6 infusions over 2 weeks (Feder 2021), "
        "but among responders the benefit was lost after a median of 27.5 days. The "
        "consensus statement notes a 'lack of longer-term data' (Sanacora 2017), and no "
        "maintenance evidence for PTSD was found.",
        Verdict.PARTLY_SUPPORTED,
        ("feder2021", "sanacora2017"),
        "The course is short, but so is the response; what happens after the course is not known.",
    ),
    Claim(
        "reduced-medication",
        "Reduced reliance on medication",
        "The guide suggests that lasting relief may mean some patients need less ongoing "
        "medication.",
        "No source reviewed for this course measured medication use after ketamine in "
        "PTSD. In Feder 2021 nearly half the participants were still taking other "
        "psychotropic medicines during the trial.",
        Verdict.NO_SOURCE_FOUND,
        ("feder2021",),
        "The claim is not supported by any source found; do not repeat it to patients.",
    ),
    Claim(
        "treatment-resistant",
        "Works for treatment-resistant PTSD",
        "The guide says ketamine has shown promise for people whose PTSD has not "
        "responded to other therapies and medicines.",
        "The largest RCT, in 158 veterans and service members whose PTSD had not "
        "responded to antidepressants, gave 8 twice-weekly infusions of placebo, 0.2 or "
        "0.5 mg/kg and found no significant effect on PTSD (PCL-5 or CAPS-5). The "
        "standard dose did improve depression (Abdallah 2022).",
        Verdict.NOT_SUPPORTED,
        ("abdallah2022",),
        "In the one large trial of exactly this population, ketamine did not reduce "
        "PTSD symptoms more than placebo.",
    ),
    Claim(
        "neuroplasticity",
        "Enhances neuroplasticity",
        "The guide says ketamine promotes new connections between neurons and that this "
        "may address brain changes behind PTSD.",
        "The mechanistic evidence (glutamate surge, BDNF, mTOR, new spine synapses) comes "
        "mostly from rodent studies and from depression research; blocking mTOR in rats "
        "abolished both the synapse growth and the behavioural effect (Li 2010). A "
        "neuroplastic change that explains clinical benefit has not been shown in PTSD.",
        Verdict.NOT_ESTABLISHED,
        ("li2010",),
        "A plausible hypothesis from animal and depression research, not a demonstrated "
        "effect in PTSD.",
    ),
    Claim(
        "complementary",
        "Complementary to psychotherapy",
        "The guide says combining ketamine with other therapies may improve outcomes.",
        "The only reported combination study is an open-label pilot without a control "
        "group: 6 infusions plus written exposure therapy in 14 patients; CAPS-5 fell "
        "from 41.6 to 20.8 at week 12 and 9 of 13 completers responded (Feder 2025). "
        "The authors say RCTs are needed. A systematic review rated the evidence for "
        "ketamine with psychotherapy as 'low' (GRADE; Varker 2021).",
        Verdict.NOT_ESTABLISHED,
        ("feder2025", "varker2021"),
        "Encouraging but uncontrolled; without a control group the share due to "
        "ketamine cannot be known.",
    ),
    Claim(
        "quality-of-life",
        "Improved quality of life",
        "The guide says patients report better sleep, less anxiety, more social activity "
        "and a greater sense of well-being.",
        "No quality-of-life outcome from a PTSD RCT of ketamine was found in the sources "
        "reviewed for this course. The guide's statement rests on patient reports, not "
        "on measured outcomes.",
        Verdict.NO_SOURCE_FOUND,
        ("borgogna2024",),
        "The claim is not supported by any source found.",
    ),
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


def short_citation(key: str) -> str:
    """The in-text label for a reference key, derived from ``quizzes/references.yaml``.

    There is one bibliography; a key it does not hold is returned as it is, so a typo
    shows up on the page instead of disappearing.
    """
    reference = load_references().get(key)
    return reference.short_citation() if reference else key


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
    return (
        "Effect sizes (Hedges g or Cohen d) with 95% CIs. Sources: Borgogna et al. 2024; "
        "Feder et al. 2021; Almeida et al. 2024 (no interval on the effect-size scale)."
    )


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
    return (
        "Onset and duration from the sourced figures. Sources: Feder et al. 2014 and 2021; the "
        f"{SSRI_TRIAL_LENGTH.value:g}-week placebo-controlled trials of sertraline (Brady et al. "
        "2000; Davidson et al. 2001) and paroxetine (Marshall et al. 2001; Tucker et al. 2001). "
        f"The {LOSS_OF_RESPONSE_MEDIAN.value:g}-day bar is drawn from the end of the course; "
        "only its length is sourced."
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
