"""Clinical content is reviewed data: every file validates, and a broken one says where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ketatraining.clinical import (
    evidence_data,
    hemodynamics,
    mechanism,
    monitoring,
    pcl5,
    pharmacology,
    screening,
)
from ketatraining.clinical.claims_register import Register
from ketatraining.clinical.datafile import DATA_DIR, ClinicalDataError, load_data
from ketatraining.quiz.loading import load_references

ROOT = Path(__file__).resolve().parents[2]
MODELS = {
    "screening.yaml": screening.ScreeningData,
    "monitoring.yaml": monitoring.MonitoringData,
    "evidence.yaml": evidence_data.EvidenceData,
    "claims.yaml": Register,
    "hemodynamics.yaml": hemodynamics.HemodynamicsData,
    "mechanism.yaml": mechanism.MechanismData,
    "pcl5.yaml": pcl5.PCL5Data,
    "pharmacology.yaml": pharmacology.PharmacologyData,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_data_file_validates(name: str) -> None:
    load_data(name, MODELS[name])


def test_the_python_modules_hold_no_clinical_literals() -> None:
    # The rules, vignettes, steps and claims come from the data files.
    for module in (screening, monitoring, evidence_data, hemodynamics, mechanism, pcl5,
                   pharmacology):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "*Fictional case.*" not in source.replace('r"^\\\\*Fictional case\\\\.\\\\*"', "")
        assert "careful consideration" not in source, module.__name__
        assert "12.61" not in source and "27.5" not in source.split("def forest_alt")[0]
        assert "noncompetitive antagonist" not in source and "Li 2010" not in source
        assert "clements1982" not in source and "yanagihara2003" not in source
        assert "paramedic" not in source and "= 31" not in source and '"Avoidance"' not in source


def test_every_reference_key_in_the_data_is_in_the_bibliography() -> None:
    known = set(load_references(ROOT / "quizzes"))
    keys = {k for r in screening.RULES for k in r.references}
    keys |= {a.reference for s in monitoring.SESSION for a in s.actions}
    keys |= {e.reference for e in evidence_data.EFFECT_SIZES}
    keys |= {k for c in evidence_data.CLAIMS for k in c.references}
    keys |= {v.reference for v in evidence_data.DATA.values.values()}
    keys |= {t.reference for t in screening.DATA.thresholds.values()}
    keys |= {v.reference for v in hemodynamics.DATA.values.values()}
    keys |= {pcl5.REFERENCE} | {v.reference for v in pharmacology.DATA.values.values()}
    keys |= {v.reference for r in pharmacology.ROUTES.values()
             for v in (r.bioavailability, *r.other_estimates)}
    keys |= {k for s in mechanism.PATHWAY for k in s.references} | set(
        mechanism.DATA.caption_sources)
    assert keys <= known, keys - known


def _copy(tmp_path: Path, name: str) -> Path:
    shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path / name


def test_an_unknown_condition_code_is_refused_with_its_rule(tmp_path: Path) -> None:
    path = _copy(tmp_path, "screening.yaml")
    text = path.read_text(encoding="utf-8").replace("- pre_eclampsia\n", "- preeclampsia\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClinicalDataError, match="rule 'pre-eclampsia': unknown condition 'preeclampsia'"):
        load_data("screening.yaml", screening.ScreeningData, tmp_path)


def test_a_wrong_field_names_the_file_and_line(tmp_path: Path) -> None:
    path = _copy(tmp_path, "monitoring.yaml")
    text = path.read_text(encoding="utf-8").replace("    expected: required", "    expected: must", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClinicalDataError, match=r"monitoring\.yaml:\d+: 'steps\.0\.actions\.0\.expected'"):
        load_data("monitoring.yaml", monitoring.MonitoringData, tmp_path)


def test_a_yaml_tag_is_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path, "evidence.yaml")
    path.write_text("!!python/object:os.system\n" + path.read_text(encoding="utf-8"))
    with pytest.raises(ClinicalDataError):
        load_data("evidence.yaml", evidence_data.EvidenceData, tmp_path)


def test_onset_spans_are_computed_from_their_source_values() -> None:
    spans = {s.key: s for s in evidence_data.ONSET_SPANS}
    course = evidence_data.KETAMINE_COURSE
    assert spans["ketamine-course"].end == course.value * 7
    loss = spans["ketamine-loss"]
    assert loss.start == spans["ketamine-course"].end
    assert loss.end == loss.start + evidence_data.LOSS_OF_RESPONSE_MEDIAN.value


def test_pcl5_clusters_must_cover_every_item_once(tmp_path: Path) -> None:
    path = _copy(tmp_path, "pcl5.yaml")
    text = path.read_text(encoding="utf-8").replace("first_item: 6, last_item: 7",
                                                    "first_item: 6, last_item: 8", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClinicalDataError, match="pcl5.yaml.*cover items 1-20 once each"):
        load_data("pcl5.yaml", pcl5.PCL5Data, tmp_path)


def test_a_value_the_data_file_lacks_names_the_file_and_the_key() -> None:
    from ketatraining.clinical.datafile import value_lookup

    lookup = value_lookup(pharmacology.DATA.values, "pharmacology.yaml")
    assert lookup("HALF_LIFE_MIN") == pharmacology.HALF_LIFE_MIN
    with pytest.raises(ClinicalDataError) as caught:
        lookup("HALF_LIFE_MINS")
    assert "pharmacology.yaml" in str(caught.value) and "'HALF_LIFE_MINS'" in str(caught.value)
