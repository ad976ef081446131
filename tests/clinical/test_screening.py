"""The contraindication screening rules: thresholds, sources, vignettes, flag review."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ketatraining.clinical import screening as sc
from ketatraining.clinical.screening import (
    CONDITIONS,
    RULES,
    VIGNETTES,
    Level,
    Patient,
    review_flags,
    rule,
    screen,
    verdict,
)

ROOT = Path(__file__).resolve().parents[2]


def _ids(patient: Patient) -> list[str]:
    return [f.rule.id for f in screen(patient)]


def test_a_patient_with_nothing_relevant_raises_no_flag() -> None:
    assert _ids(Patient(age=40, systolic=120, diastolic=80)) == []


@pytest.mark.parametrize(
    ("systolic", "diastolic", "expected"),
    [
        (140, 90, []),  # the label's guide is "above" 140/90: equal is not above
        (141, 80, ["elevated-bp"]),
        (130, 91, ["elevated-bp"]),
        (180, 100, ["elevated-bp"]),  # not above 180/100 yet
        (181, 95, ["uncontrolled-hypertension"]),
        (170, 101, ["uncontrolled-hypertension"]),
        (200, 110, ["uncontrolled-hypertension"]),  # never both BP flags at once
    ],
)
def test_blood_pressure_thresholds(systolic: int, diastolic: int, expected: list[str]) -> None:
    assert _ids(Patient(age=40, systolic=systolic, diastolic=diastolic)) == expected


@pytest.mark.parametrize(
    ("code", "rule_id"),
    [
        ("coronary_heart_disease", "heart-disease"),
        ("aneurysm", "aneurysm-avm"),
        ("avm", "aneurysm-avm"),
        ("intracerebral_haemorrhage", "intracerebral-haemorrhage"),
        ("stroke_or_cerebral_trauma", "cerebrovascular-event"),
        ("ketamine_hypersensitivity", "hypersensitivity"),
        ("pre_eclampsia", "pre-eclampsia"),
        ("psychosis_history", "psychosis"),
        ("substance_use_disorder", "substance-use"),
        ("pregnancy", "pregnancy"),
        ("breastfeeding", "breastfeeding"),
    ],
)
def test_each_condition_raises_its_rule(code: str, rule_id: str) -> None:
    assert _ids(Patient(age=40, systolic=120, diastolic=80, conditions=frozenset({code}))) == [
        rule_id
    ]


def test_every_condition_code_is_read_by_some_rule() -> None:
    for code in CONDITIONS:
        patient = Patient(age=40, systolic=120, diastolic=80, conditions=frozenset({code}))
        assert screen(patient), f"condition {code} raises nothing"


def test_aneurysm_and_avm_together_name_both_facts_in_one_finding() -> None:
    patient = Patient(
        age=40, systolic=120, diastolic=80, conditions=frozenset({"aneurysm", "avm"})
    )
    (finding,) = screen(patient)
    assert "aneurysmal vascular disease" in finding.fact
    assert "arteriovenous malformation" in finding.fact


def test_levels_follow_the_labels() -> None:
    absolute = {r.id for r in RULES if r.level is Level.ABSOLUTE}
    caution = {r.id for r in RULES if r.level is Level.CAUTION}
    assert absolute == {
        "uncontrolled-hypertension",
        "heart-disease",
        "aneurysm-avm",
        "intracerebral-haemorrhage",
        "cerebrovascular-event",
        "hypersensitivity",
        "pre-eclampsia",
        "raised-icp",
    }
    # Substance use is "careful consideration" in the label, not a contraindication.
    assert caution == {
        "elevated-bp",
        "other-cardiovascular",
        "hypertensive-encephalopathy",
        "stimulant-or-maoi",
        "psychosis",
        "substance-use",
        "pregnancy",
        "breastfeeding",
    }


def test_screening_includes_what_the_spravato_label_lists() -> None:
    # SPRAVATO PI, warning on increases in blood pressure: contraindicated where a rise in BP *or intracranial pressure*
    # poses a serious risk; close BP monitoring with psychostimulants or MAOIs; more
    # intensive monitoring after hypertensive encephalopathy; careful assessment in other
    # cardiovascular or cerebrovascular conditions.
    assert "intracranial pressure" in rule("raised-icp").why
    assert "intracranial pressure" in rule("uncontrolled-hypertension").why
    assert "psychostimulants or MAOIs" in rule("stimulant-or-maoi").why
    assert "more intensive monitoring" in rule("hypertensive-encephalopathy").why
    assert "carefully assessed" in rule("other-cardiovascular").why
    for rule_id in ("raised-icp", "stimulant-or-maoi", "hypertensive-encephalopathy",
                    "other-cardiovascular"):
        assert "spravato_pi" in rule(rule_id).references
        assert "blood pressure" in rule(rule_id).source


def test_the_guide_lists_three_and_omits_the_rest() -> None:
    assert {r.id for r in RULES if r.in_guide} == {
        "uncontrolled-hypertension",
        "heart-disease",
        "substance-use",
    }
    assert "caution" in rule("substance-use").guide_note


def test_every_rule_cites_known_references() -> None:
    data = yaml.safe_load((ROOT / "quizzes" / "references.yaml").read_text(encoding="utf-8"))
    known = set(data["references"])
    for r in RULES:
        assert r.references, r.id
        assert set(r.references) <= known, (r.id, set(r.references) - known)


def test_rule_ids_are_unique_and_lookup_names_the_known_ids() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    with pytest.raises(KeyError, match="known: uncontrolled-hypertension"):
        rule("no-such-rule")


def test_explanation_names_rule_level_fact_and_source() -> None:
    patient = Patient(age=40, systolic=120, diastolic=80, conditions=frozenset({"pregnancy"}))
    (finding,) = screen(patient)
    text = finding.explain()
    assert text.startswith("Pregnancy: caution (relative contraindication).")
    assert "Raised because the patient has current pregnancy." in text
    assert "not recommended during pregnancy" in text
    assert text.endswith("Source: SPRAVATO prescribing information (section 8).")


def test_bp_explanation_quotes_the_measured_pressure() -> None:
    (finding,) = screen(Patient(age=40, systolic=186, diastolic=104))
    assert "186/104 mmHg (above 180/100)" in finding.explain()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conditions": frozenset({"asthma"})}, "unknown condition code"),
        ({"systolic": 80, "diastolic": 90}, "implausible blood pressure"),
    ],
)
def test_patient_rejects_bad_facts(kwargs: dict, message: str) -> None:
    base = {"age": 40, "systolic": 120, "diastolic": 80}
    with pytest.raises(ValueError, match=message):
        Patient(**(base | kwargs))


def test_verdict_reflects_the_strongest_level() -> None:
    assert "absolute contraindication" in verdict(screen(Patient(40, 190, 100)))
    assert verdict(screen(Patient(40, 150, 80))).startswith("Cautions only")
    assert verdict(()).startswith("No listed contraindication")


EXPECTED = {
    "patient-a": ["uncontrolled-hypertension", "substance-use"],
    "patient-b": ["pregnancy"],
    "patient-c": ["elevated-bp", "heart-disease"],
    "patient-d": ["aneurysm-avm", "psychosis"],
    "patient-e": ["intracerebral-haemorrhage"],
    "patient-f": ["hypersensitivity", "breastfeeding"],
    "patient-g": [],
    "patient-h": ["hypertensive-encephalopathy", "stimulant-or-maoi"],
}


def test_vignettes_raise_the_intended_flags() -> None:
    assert {v.id: [f.rule.id for f in v.findings()] for v in VIGNETTES} == EXPECTED


def test_vignettes_are_labelled_fictional_and_state_their_blood_pressure() -> None:
    for v in VIGNETTES:
        assert v.title.startswith("Fictional patient"), v.id
        assert v.story.startswith("*Fictional case.*"), v.id
        assert f"{v.patient.systolic}/{v.patient.diastolic} mmHg" in v.story, v.id
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)


def test_vignettes_together_exercise_both_levels_and_the_omitted_rules() -> None:
    raised = {f.rule for v in VIGNETTES for f in v.findings()}
    assert {r.level for r in raised} == {Level.ABSOLUTE, Level.CAUTION}
    assert {r.id for r in raised if not r.in_guide} >= {
        "aneurysm-avm",
        "intracerebral-haemorrhage",
        "hypersensitivity",
        "psychosis",
        "pregnancy",
        "breastfeeding",
    }


def test_review_all_correct() -> None:
    v = sc.VIGNETTES_BY_ID["patient-d"]
    result = review_flags(v, ["psychosis", "aneurysm-avm"])
    assert result.all_correct
    assert result.summary() == "All correct. You flagged 2 of 2 that apply."
    assert [line.split(".")[0] for line in result.lines()] == ["Correctly flagged"] * 2


def test_review_missed_and_wrong_flags_are_explained() -> None:
    v = sc.VIGNETTES_BY_ID["patient-a"]
    result = review_flags(v, ["substance-use", "heart-disease"])
    assert not result.all_correct
    assert [f.rule.id for f in result.found] == ["substance-use"]
    assert [f.rule.id for f in result.missed] == ["uncontrolled-hypertension"]
    assert [r.id for r in result.wrong] == ["heart-disease"]
    assert result.summary() == "You flagged 1 of 2 that apply, and 1 that do not apply."
    lines = result.lines()
    assert lines[1].startswith("Missed. Uncontrolled hypertension: absolute contraindication.")
    assert lines[2].startswith("Does not apply here: Severe coronary or myocardial disease")


def test_review_of_a_patient_without_flags() -> None:
    v = sc.VIGNETTES_BY_ID["patient-g"]
    assert review_flags(v, []).all_correct
    assert review_flags(v, []).summary() == "All correct. You flagged 0 of 0 that apply."
    assert not review_flags(v, ["pregnancy"]).all_correct


def test_review_rejects_unknown_rule_ids() -> None:
    with pytest.raises(KeyError, match="no screening rule 'typo'"):
        review_flags(VIGNETTES[0], ["typo"])
