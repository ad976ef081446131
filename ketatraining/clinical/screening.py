"""Screening rules for contraindications and cautions before ketamine treatment.

The guide the course teaches lists three contraindications (uncontrolled high blood
pressure, heart disease, a history of substance abuse). The product labels list more,
and they distinguish *absolute* contraindications (do not give) from *cautions*
(assess, weigh benefit against risk, or "not recommended"). This module holds those
rules as data, each with its source, and screens fictional patient vignettes with them.

It is teaching logic for a course, not a clinical decision tool: the verdicts describe
what the cited labels say, not what to do for a real patient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum


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

# Blood-pressure thresholds, each from its own label.
UNCONTROLLED_BP = (180, 100)
"""Swiss ketamine label: uncontrolled or untreated hypertension, resting BP above 180/100."""
PREDOSE_BP_GUIDE = (140, 90)
"""SPRAVATO label: above 140/90 before dosing, weigh delaying the session."""

CONDITIONS: dict[str, str] = {
    "coronary_heart_disease": "severe coronary heart disease",
    "aneurysm": "aneurysmal vascular disease (aorta, intracranial or peripheral arteries)",
    "avm": "arteriovenous malformation (AVM)",
    "intracerebral_haemorrhage": "a history of intracerebral haemorrhage",
    "stroke_or_cerebral_trauma": "a previous stroke (cerebrovascular accident) or cerebral trauma",
    "ketamine_hypersensitivity": "a previous hypersensitivity reaction to ketamine or esketamine",
    "psychosis_history": "a history of psychosis (for example schizophrenia)",
    "substance_use_disorder": "a history of substance use disorder, including alcohol",
    "pregnancy": "current pregnancy",
    "breastfeeding": "breastfeeding",
    "pre_eclampsia": "eclampsia or pre-eclampsia",
    "raised_intracranial_pressure": "raised intracranial pressure or an intracranial mass",
    "psychostimulant": "current treatment with a psychostimulant",
    "maoi": "current treatment with a monoamine oxidase inhibitor (MAOI)",
    "hypertensive_encephalopathy_history": "a history of hypertensive encephalopathy",
    "other_cardio_cerebrovascular": "another cardiovascular or cerebrovascular condition",
}
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
            f"{r.why} Source: {r.source} [{', '.join(r.references)}]."
        )


def _condition(*codes: str) -> Trigger:
    def trigger(patient: Patient) -> str | None:
        present = [CONDITIONS[c] for c in codes if patient.has(c)]
        return " and ".join(present) or None

    return trigger


def _uncontrolled_bp(patient: Patient) -> str | None:
    sys_limit, dia_limit = UNCONTROLLED_BP
    if patient.systolic > sys_limit or patient.diastolic > dia_limit:
        return f"a resting blood pressure of {patient.bp} (above {sys_limit}/{dia_limit})"
    return None


def _elevated_bp(patient: Patient) -> str | None:
    if _uncontrolled_bp(patient):
        return None  # the stronger rule already covers it
    sys_limit, dia_limit = PREDOSE_BP_GUIDE
    if patient.systolic > sys_limit or patient.diastolic > dia_limit:
        return f"a blood pressure of {patient.bp} before dosing (above {sys_limit}/{dia_limit})"
    return None


RULES: tuple[Rule, ...] = (
    Rule(
        id="uncontrolled-hypertension",
        name="Uncontrolled hypertension",
        level=Level.ABSOLUTE,
        criterion=(
            "Resting blood pressure above 180/100 mmHg, or hypertension that is "
            "untreated or poorly controlled."
        ),
        why=(
            "Ketamine transiently raises blood pressure and heart rate. The US Ketalar label "
            "contraindicates it where a significant rise in blood pressure would be a serious "
            "hazard, and the SPRAVATO label contraindicates esketamine where a rise in blood "
            "pressure or intracranial pressure poses a serious risk (section 5.6). A Swiss "
            "ketamine label names uncontrolled or untreated hypertension and defines it as a "
            "resting pressure above 180/100 mmHg."
        ),
        source="US Ketalar label; SPRAVATO label (section 5.6); Swiss ketamine label",
        references=("ketalar_pi", "spravato_pi", "ketamine_ch_label"),
        in_guide=True,
        guide_note="Listed in the guide as uncontrolled high blood pressure; consistent with the labels.",
        trigger=_uncontrolled_bp,
    ),
    Rule(
        id="elevated-bp",
        name="Blood pressure above 140/90 before dosing",
        level=Level.CAUTION,
        criterion="Blood pressure above 140/90 mmHg (but not above 180/100) before a session.",
        why=(
            "For esketamine the label's general guide is that a pressure above 140/90 mmHg "
            "before dosing should prompt a benefit-risk decision about delaying the session; "
            "blood pressure is checked before dosing and again about 40 minutes after."
        ),
        source="SPRAVATO prescribing information (blood pressure before dosing)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Not in the guide, which mentions only uncontrolled high blood pressure.",
        trigger=_elevated_bp,
    ),
    Rule(
        id="heart-disease",
        name="Severe coronary or myocardial disease",
        level=Level.ABSOLUTE,
        criterion="Severe coronary or myocardial disease.",
        why=(
            "The UK Ketalar summary of product characteristics says not to use ketamine in "
            "severe coronary or myocardial disease."
        ),
        source="UK Ketalar SmPC (section 4.3)",
        references=("ketalar_smpc_uk",),
        in_guide=True,
        guide_note="Listed in the guide as heart disease; consistent with the labels.",
        trigger=_condition("coronary_heart_disease"),
    ),
    Rule(
        id="aneurysm-avm",
        name="Aneurysmal vascular disease or AVM",
        level=Level.ABSOLUTE,
        criterion=(
            "Aneurysmal vascular disease (thoracic or abdominal aorta, intracranial or "
            "peripheral arteries) or an arteriovenous malformation."
        ),
        why=(
            "The SPRAVATO label lists aneurysmal vascular disease (thoracic and abdominal "
            "aorta, intracranial and peripheral arterial vessels) and AVM as contraindications."
        ),
        source="SPRAVATO prescribing information (contraindications)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("aneurysm", "avm"),
    ),
    Rule(
        id="intracerebral-haemorrhage",
        name="History of intracerebral haemorrhage",
        level=Level.ABSOLUTE,
        criterion="Any previous intracerebral haemorrhage.",
        why=(
            "The SPRAVATO label lists a history of intracerebral haemorrhage as a "
            "contraindication."
        ),
        source="SPRAVATO prescribing information (contraindications)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("intracerebral_haemorrhage"),
    ),
    Rule(
        id="cerebrovascular-event",
        name="Previous stroke or cerebral trauma",
        level=Level.ABSOLUTE,
        criterion="A previous cerebrovascular accident (stroke) or cerebral trauma.",
        why=(
            "The UK Ketalar summary of product characteristics says not to use ketamine after "
            "a cerebrovascular accident or with cerebral trauma."
        ),
        source="UK Ketalar SmPC (section 4.3)",
        references=("ketalar_smpc_uk",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("stroke_or_cerebral_trauma"),
    ),
    Rule(
        id="hypersensitivity",
        name="Hypersensitivity to ketamine or esketamine",
        level=Level.ABSOLUTE,
        criterion="A previous hypersensitivity reaction to ketamine, esketamine or an excipient.",
        why=(
            "Both the SPRAVATO label (esketamine, ketamine or any excipient) and the US "
            "Ketalar label list hypersensitivity as a contraindication."
        ),
        source="SPRAVATO prescribing information; US Ketalar label (contraindications)",
        references=("spravato_pi", "ketalar_pi"),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("ketamine_hypersensitivity"),
    ),
    Rule(
        id="raised-icp",
        name="Raised intracranial pressure",
        level=Level.ABSOLUTE,
        criterion=(
            "A condition in which a rise in intracranial pressure poses a serious risk, such as "
            "raised intracranial pressure or an intracranial mass."
        ),
        why=(
            "The SPRAVATO label contraindicates esketamine in patients for whom an increase in "
            "blood pressure or intracranial pressure poses a serious risk (section 5.6)."
        ),
        source="SPRAVATO prescribing information (section 5.6)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("raised_intracranial_pressure"),
    ),
    Rule(
        id="pre-eclampsia",
        name="Eclampsia or pre-eclampsia",
        level=Level.ABSOLUTE,
        criterion="Current eclampsia or pre-eclampsia.",
        why=(
            "The UK Ketalar summary of product characteristics says not to use ketamine in "
            "eclampsia or pre-eclampsia."
        ),
        source="UK Ketalar SmPC (section 4.3)",
        references=("ketalar_smpc_uk",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("pre_eclampsia"),
    ),
    Rule(
        id="other-cardiovascular",
        name="Other cardiovascular or cerebrovascular disease",
        level=Level.CAUTION,
        criterion=(
            "A cardiovascular or cerebrovascular condition that is not itself a listed "
            "contraindication."
        ),
        why=(
            "The SPRAVATO label asks that patients with other cardiovascular and "
            "cerebrovascular conditions be carefully assessed, to decide whether the potential "
            "benefit of esketamine outweighs its risks (section 5.6)."
        ),
        source="SPRAVATO prescribing information (section 5.6)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="The guide says only 'heart disease'; the label asks for careful assessment.",
        trigger=_condition("other_cardio_cerebrovascular"),
    ),
    Rule(
        id="hypertensive-encephalopathy",
        name="History of hypertensive encephalopathy",
        level=Level.CAUTION,
        criterion="Any previous hypertensive encephalopathy.",
        why=(
            "The SPRAVATO label asks for more intensive monitoring, with more frequent "
            "blood-pressure and symptom checks, because these patients can develop "
            "encephalopathy with even small rises in blood pressure (section 5.6)."
        ),
        source="SPRAVATO prescribing information (section 5.6)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("hypertensive_encephalopathy_history"),
    ),
    Rule(
        id="stimulant-or-maoi",
        name="Psychostimulant or MAOI treatment",
        level=Level.CAUTION,
        criterion="Current treatment with a psychostimulant or a monoamine oxidase inhibitor (MAOI).",
        why=(
            "The SPRAVATO label asks for close blood-pressure monitoring when esketamine is "
            "used together with psychostimulants or MAOIs (sections 5.6 and 7)."
        ),
        source="SPRAVATO prescribing information (sections 5.6 and 7)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("psychostimulant", "maoi"),
    ),
    Rule(
        id="psychosis",
        name="History of psychosis",
        level=Level.CAUTION,
        criterion="A current or past psychotic disorder, such as schizophrenia.",
        why=(
            "Ketamine can worsen psychotic symptoms: in one study 70% of people with "
            "schizophrenia reported a return of positive symptoms they had had before. The "
            "SPRAVATO label asks prescribers to assess patients with psychosis carefully and "
            "to start only if benefit outweighs risk; the American Psychiatric Association "
            "consensus statement asks for particular attention to psychosis history."
        ),
        source="SPRAVATO prescribing information; Lahti 2001; Sanacora 2017",
        references=("spravato_pi", "lahti2001", "sanacora2017"),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("psychosis_history"),
    ),
    Rule(
        id="substance-use",
        name="History of substance use disorder",
        level=Level.CAUTION,
        criterion="A past or current substance use disorder, including alcohol.",
        why=(
            "Ketamine is a Schedule III drug with abuse potential. The SPRAVATO label asks for "
            "'careful consideration' before use in people with a history of substance use "
            "disorder: a caution, not a formal contraindication. The American Psychiatric "
            "Association consensus statement asks for particular attention to substance use "
            "history."
        ),
        source="SPRAVATO prescribing information (section 9); Sanacora 2017",
        references=("spravato_pi", "sanacora2017"),
        in_guide=True,
        guide_note=(
            "The guide lists it among contraindications; the label treats it as a caution "
            "('careful consideration'), not a formal contraindication."
        ),
        trigger=_condition("substance_use_disorder"),
    ),
    Rule(
        id="pregnancy",
        name="Pregnancy",
        level=Level.CAUTION,
        criterion="Current pregnancy.",
        why=(
            "The SPRAVATO label says it is not recommended during pregnancy: animal data "
            "suggest it may cause fetal harm."
        ),
        source="SPRAVATO prescribing information (section 8)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("pregnancy"),
    ),
    Rule(
        id="breastfeeding",
        name="Breastfeeding",
        level=Level.CAUTION,
        criterion="Currently breastfeeding.",
        why=(
            "The SPRAVATO label does not recommend breastfeeding during treatment because of "
            "potential neurotoxicity in the infant."
        ),
        source="SPRAVATO prescribing information (section 8)",
        references=("spravato_pi",),
        in_guide=False,
        guide_note="Omitted by the guide.",
        trigger=_condition("breastfeeding"),
    ),
)
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


VIGNETTES: tuple[Vignette, ...] = (
    Vignette(
        id="patient-a",
        title="Fictional patient A: 46-year-old veteran",
        story=(
            "*Fictional case.* A 46-year-old veteran with chronic PTSD after combat asks about "
            "ketamine infusions. Two trials of SSRIs helped little. He has alcohol use "
            "disorder, in remission for three years. He stopped his blood-pressure tablets "
            "last year; today his resting blood pressure is 186/104 mmHg on repeated "
            "readings. No heart, brain or vascular disease is known."
        ),
        patient=Patient(
            age=46,
            systolic=186,
            diastolic=104,
            conditions=frozenset({"substance_use_disorder"}),
        ),
    ),
    Vignette(
        id="patient-b",
        title="Fictional patient B: 29-year-old, 14 weeks pregnant",
        story=(
            "*Fictional case.* A 29-year-old woman with PTSD after a car crash has read "
            "about rapid relief from ketamine. She is 14 weeks pregnant, with no "
            "complications so far. Blood pressure 118/76 mmHg. No other medical or "
            "psychiatric history."
        ),
        patient=Patient(age=29, systolic=118, diastolic=76, conditions=frozenset({"pregnancy"})),
    ),
    Vignette(
        id="patient-c",
        title="Fictional patient C: 58-year-old with severe coronary heart disease",
        story=(
            "*Fictional case.* A 58-year-old paramedic with PTSD has severe coronary heart "
            "disease with angina, treated by his cardiologist. His blood pressure at the "
            "screening visit is 146/88 mmHg. He has no psychiatric history other than PTSD "
            "and depression."
        ),
        patient=Patient(
            age=58,
            systolic=146,
            diastolic=88,
            conditions=frozenset({"coronary_heart_disease"}),
        ),
    ),
    Vignette(
        id="patient-d",
        title="Fictional patient D: 37-year-old with a past psychotic episode",
        story=(
            "*Fictional case.* A 37-year-old woman with PTSD after an assault had one "
            "psychotic episode in her twenties, diagnosed as schizophreniform disorder; she "
            "has been well since. A brain scan after a migraine last year showed a small "
            "intracranial aneurysm, now under surveillance. Blood pressure 122/80 mmHg."
        ),
        patient=Patient(
            age=37,
            systolic=122,
            diastolic=80,
            conditions=frozenset({"psychosis_history", "aneurysm"}),
        ),
    ),
    Vignette(
        id="patient-e",
        title="Fictional patient E: 51-year-old after a brain haemorrhage",
        story=(
            "*Fictional case.* A 51-year-old man developed PTSD after a bleed into the brain "
            "(intracerebral haemorrhage) five years ago, from which he recovered well. His "
            "hypertension is now treated; blood pressure 132/84 mmHg."
        ),
        patient=Patient(
            age=51,
            systolic=132,
            diastolic=84,
            conditions=frozenset({"intracerebral_haemorrhage"}),
        ),
    ),
    Vignette(
        id="patient-f",
        title="Fictional patient F: 31-year-old, breastfeeding",
        story=(
            "*Fictional case.* A 31-year-old woman with PTSD after a traumatic birth is "
            "breastfeeding her four-month-old. During surgery two years ago she had a "
            "documented hypersensitivity reaction to ketamine. Blood pressure 116/72 mmHg."
        ),
        patient=Patient(
            age=31,
            systolic=116,
            diastolic=72,
            conditions=frozenset({"breastfeeding", "ketamine_hypersensitivity"}),
        ),
    ),
    Vignette(
        id="patient-g",
        title="Fictional patient G: 26-year-old on sertraline",
        story=(
            "*Fictional case.* A 26-year-old man with PTSD after a workplace accident takes "
            "sertraline and has started trauma-focused therapy. He has no cardiovascular, "
            "neurological or psychotic history, no substance use disorder and no known "
            "allergies. Blood pressure 124/78 mmHg."
        ),
        patient=Patient(age=26, systolic=124, diastolic=78),
    ),
    Vignette(
        id="patient-h",
        title="Fictional patient H: 42-year-old taking a stimulant",
        story=(
            "*Fictional case.* A 42-year-old woman with PTSD after a house fire takes "
            "methylphenidate, a psychostimulant, for ADHD. Three years ago she was admitted "
            "with hypertensive encephalopathy; her blood pressure has been treated since. "
            "Blood pressure 134/86 mmHg. No other medical or psychiatric history."
        ),
        patient=Patient(
            age=42,
            systolic=134,
            diastolic=86,
            conditions=frozenset({"psychostimulant", "hypertensive_encephalopathy_history"}),
        ),
    ),
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
