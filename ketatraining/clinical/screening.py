"""Screening rules for contraindications and cautions before ketamine treatment.

The guide the course teaches lists three contraindications (uncontrolled high blood
pressure, heart disease, a history of substance abuse). The product labels list more,
and they distinguish *absolute* contraindications (do not give) from *cautions*
(assess, weigh benefit against risk, or "not recommended"). The rules, thresholds,
condition codes and fictional vignettes live in ``data/screening.yaml`` (clinical content
as reviewed data); this module validates them and screens the vignettes with them.

It is teaching logic for a course, not a clinical decision tool: the verdicts describe
what the cited labels say, not what to do for a real patient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from ketatraining.clinical.datafile import StrictData as _Strict
from ketatraining.clinical.datafile import load_data


class Level(StrEnum):
    """How strongly a source restricts use."""

    ABSOLUTE = "absolute"
    """A listed contraindication in a product label: the label says do not give."""
    CAUTION = "caution"
    """A relative contraindication: assess, weigh benefit and risk, or 'not recommended'."""

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.ABSOLUTE: "absolute contraindication",
    Level.CAUTION: "caution (relative contraindication)",
}

class Threshold(_Strict):
    systolic: int = Field(gt=0, lt=300)
    diastolic: int = Field(gt=0, lt=200)
    reference: str
    meaning: str


class TriggerData(_Strict):
    """Either condition codes, or a blood-pressure threshold (with the words of the fact)."""

    conditions: list[str] = Field(default_factory=list)
    bp_above: str | None = None
    fact: str | None = None
    unless: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TriggerData:
        if bool(self.conditions) == bool(self.bp_above):
            msg = "give either 'conditions' or 'bp_above' (with 'fact'), not both or neither"
            raise ValueError(msg)
        if self.bp_above and not self.fact:
            msg = "a blood-pressure trigger needs 'fact', e.g. 'a blood pressure of {bp} (above {limit})'"
            raise ValueError(msg)
        return self


class RuleData(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    level: Literal["absolute", "caution"]
    criterion: str
    why: str
    source: str
    references: list[str] = Field(min_length=1)
    in_guide: bool
    guide_note: str
    trigger: TriggerData


class VignetteData(_Strict):
    id: str = Field(pattern=r"^patient-[a-z]$")
    title: str = Field(pattern=r"^Fictional patient ")
    story: str = Field(pattern=r"^\*Fictional case\.\*")
    age: int = Field(ge=18, le=100)
    systolic: int
    diastolic: int
    conditions: list[str] = Field(default_factory=list)


class ScreeningData(_Strict):
    schema_version: int = Field(ge=1, le=1)
    thresholds: dict[str, Threshold]
    conditions: dict[str, str]
    rules: list[RuleData]
    vignettes: list[VignetteData]

    @model_validator(mode="after")
    def _codes_and_names_resolve(self) -> ScreeningData:
        ids = [r.id for r in self.rules]
        problems = [f"rule '{i}' appears twice" for i in ids if ids.count(i) > 1]
        for r in self.rules:
            problems += [f"rule '{r.id}': unknown condition '{c}'"
                         for c in r.trigger.conditions if c not in self.conditions]
            if r.trigger.bp_above and r.trigger.bp_above not in self.thresholds:
                problems.append(f"rule '{r.id}': unknown threshold '{r.trigger.bp_above}'")
            if r.trigger.unless and r.trigger.unless not in ids:
                problems.append(f"rule '{r.id}': unknown rule '{r.trigger.unless}' in 'unless'")
        for v in self.vignettes:
            problems += [f"vignette '{v.id}': unknown condition '{c}'"
                         for c in v.conditions if c not in self.conditions]
            if f"{v.systolic}/{v.diastolic} mmHg" not in v.story:
                problems.append(f"vignette '{v.id}': the story must state {v.systolic}/{v.diastolic} mmHg")
        if problems:
            raise ValueError("; ".join(problems))
        return self


DATA = load_data("screening.yaml", ScreeningData)

UNCONTROLLED_BP = (DATA.thresholds["uncontrolled_bp"].systolic,
                   DATA.thresholds["uncontrolled_bp"].diastolic)
"""Swiss ketamine label: uncontrolled or untreated hypertension, resting BP above 180/100."""
PREDOSE_BP_GUIDE = (DATA.thresholds["predose_bp_guide"].systolic,
                    DATA.thresholds["predose_bp_guide"].diastolic)
"""SPRAVATO label: above 140/90 before dosing, weigh delaying the session."""

CONDITIONS: dict[str, str] = dict(DATA.conditions)
"""Condition codes a vignette may carry, with the plain words shown to learners."""


@dataclass(frozen=True, slots=True)
class Patient:
    """The structured facts of a (fictional) patient that the rules read."""

    age: int
    systolic: int
    diastolic: int
    conditions: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        unknown = set(self.conditions) - set(CONDITIONS)
        if unknown:
            msg = f"unknown condition code(s): {', '.join(sorted(unknown))}"
            raise ValueError(msg)
        if not (40 <= self.diastolic < self.systolic <= 300):
            msg = f"implausible blood pressure {self.systolic}/{self.diastolic} mmHg"
            raise ValueError(msg)

    @property
    def bp(self) -> str:
        return f"{self.systolic}/{self.diastolic} mmHg"

    def has(self, code: str) -> bool:
        return code in self.conditions


Trigger = Callable[[Patient], "str | None"]
"""Returns the patient fact that raises the rule, in words, or None."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One contraindication or caution, with its source and how the guide treats it."""

    id: str
    name: str
    level: Level
    criterion: str
    why: str
    source: str
    references: tuple[str, ...]
    in_guide: bool
    guide_note: str
    trigger: Trigger

    def applies(self, patient: Patient) -> str | None:
        return self.trigger(patient)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that applies to a patient, with the fact that raised it."""

    rule: Rule
    fact: str

    def explain(self) -> str:
        """One paragraph: rule, level, the triggering fact, why, and the source."""
        r = self.rule
        return (
            f"{r.name}: {r.level.label}. Raised because the patient has {self.fact}. "
            f"{r.why} Source: {r.source}."
        )


def _condition(*codes: str) -> Trigger:
    def trigger(patient: Patient) -> str | None:
        present = [CONDITIONS[c] for c in codes if patient.has(c)]
        return " and ".join(present) or None

    return trigger


def _bp_above(name: str, fact: str, unless: Trigger | None) -> Trigger:
    limit = DATA.thresholds[name]

    def trigger(patient: Patient) -> str | None:
        if unless is not None and unless(patient):
            return None  # the stronger rule already covers it
        if patient.systolic > limit.systolic or patient.diastolic > limit.diastolic:
            return fact.format(bp=patient.bp, limit=f"{limit.systolic}/{limit.diastolic}")
        return None

    return trigger


def _build_rules(data: ScreeningData) -> tuple[Rule, ...]:
    built: dict[str, Rule] = {}
    for item in data.rules:
        t = item.trigger
        if t.bp_above:
            unless = built[t.unless].trigger if t.unless else None
            trigger = _bp_above(t.bp_above, t.fact or "", unless)
        else:
            trigger = _condition(*t.conditions)
        built[item.id] = Rule(
            id=item.id, name=item.name, level=Level(item.level), criterion=item.criterion,
            why=item.why, source=item.source, references=tuple(item.references),
            in_guide=item.in_guide, guide_note=item.guide_note, trigger=trigger,
        )
    return tuple(built.values())


RULES: tuple[Rule, ...] = _build_rules(DATA)
"""Every rule, absolute contraindications before cautions within each topic."""

RULES_BY_ID = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError names the known ids."""
    try:
        return RULES_BY_ID[rule_id]
    except KeyError:
        msg = f"no screening rule '{rule_id}'; known: {', '.join(RULES_BY_ID)}"
        raise KeyError(msg) from None


def screen(patient: Patient) -> tuple[Finding, ...]:
    """Every rule that applies to the patient, in the order of RULES."""
    findings = []
    for r in RULES:
        fact = r.applies(patient)
        if fact:
            findings.append(Finding(r, fact))
    return tuple(findings)


def verdict(findings: Iterable[Finding]) -> str:
    """What the cited sources say overall, in one sentence (teaching, not advice)."""
    levels = {f.rule.level for f in findings}
    if Level.ABSOLUTE in levels:
        return (
            "At least one absolute contraindication: the cited labels say ketamine should "
            "not be given."
        )
    if Level.CAUTION in levels:
        return (
            "Cautions only: the sources ask for careful assessment and a documented "
            "benefit-risk decision before any treatment."
        )
    return (
        "No listed contraindication or caution: screening does not replace a full "
        "psychiatric and medical assessment."
    )


@dataclass(frozen=True, slots=True)
class Vignette:
    """A fictional patient: the story learners read and the facts the rules read."""

    id: str
    title: str
    story: str
    patient: Patient

    def findings(self) -> tuple[Finding, ...]:
        return screen(self.patient)


VIGNETTES: tuple[Vignette, ...] = tuple(
    Vignette(
        id=v.id,
        title=v.title,
        story=v.story,
        patient=Patient(age=v.age, systolic=v.systolic, diastolic=v.diastolic,
                        conditions=frozenset(v.conditions)),
    )
    for v in DATA.vignettes
)
"""Fictional vignettes, each built to raise a different set of flags."""

VIGNETTES_BY_ID = {v.id: v for v in VIGNETTES}


@dataclass(frozen=True, slots=True)
class FlagReview:
    """How a learner's flags compare with the rules' findings for one vignette."""

    vignette: Vignette
    found: tuple[Finding, ...]
    missed: tuple[Finding, ...]
    wrong: tuple[Rule, ...]

    @property
    def all_correct(self) -> bool:
        return not self.missed and not self.wrong

    def summary(self) -> str:
        expected = len(self.found) + len(self.missed)
        text = f"You flagged {len(self.found)} of {expected} that apply"
        if self.wrong:
            text += f", and {len(self.wrong)} that do not apply"
        text += "."
        if self.all_correct:
            text = "All correct. " + text
        return text

    def lines(self) -> list[str]:
        """One line per rule the learner or the rules raised, explaining each."""
        out = [f"Correctly flagged. {f.explain()}" for f in self.found]
        out += [f"Missed. {f.explain()}" for f in self.missed]
        out += [
            f"Does not apply here: {r.name} ({r.level.label}). It applies to: "
            f"{r.criterion[0].lower()}{r.criterion[1:]}"
            for r in self.wrong
        ]
        return out


def review_flags(vignette: Vignette, flagged: Iterable[str]) -> FlagReview:
    """Compare the rule ids a learner flagged with what the rules find."""
    flagged_ids = set(flagged)
    for rule_id in flagged_ids:
        rule(rule_id)  # raises a KeyError naming the known ids
    findings = vignette.findings()
    raised = {f.rule.id for f in findings}
    return FlagReview(
        vignette=vignette,
        found=tuple(f for f in findings if f.rule.id in flagged_ids),
        missed=tuple(f for f in findings if f.rule.id not in flagged_ids),
        wrong=tuple(r for r in RULES if r.id in flagged_ids and r.id not in raised),
    )
