"""The one-compartment teaching model and the sourced pharmacology values."""

from __future__ import annotations

import dataclasses
import math

import pytest

from ketatraining.clinical import pharmacology as pk
from ketatraining.clinical.citations import cite
from ketatraining.clinical.sourced import SourcedValue
from ketatraining.errors import KetaTrainingError


def test_sourced_value_is_frozen_and_needs_a_reference():
    value = SourcedValue(120, "min", "yanagihara2003", "note")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.value = 1  # type: ignore[misc]
    assert str(value) == "120 min"
    assert value.cite() == "120 min (Yanagihara et al., Biopharm Drug Dispos 2003)"
    with pytest.raises(ValueError, match="reference key is required"):
        SourcedValue(1, "mg", " ")


def test_sourced_values_match_the_evidence_file():
    assert pk.SYNTHESIS_YEAR.value == 1962
    assert pk.FDA_APPROVAL_YEAR.value == 1970
    assert pk.SCHEDULE_III_PROPOSED_YEAR.value == 1999
    assert pk.SCHEDULE_III_FINAL_YEAR.reference == "dea1999final"
    assert pk.HALF_LIFE_MIN.value == 120
    assert pk.SUBANESTHETIC_MAX.value == 0.5
    assert pk.PTSD_TRIAL_DOSE.value == 0.5
    assert pk.PTSD_TRIAL_INFUSION_MIN.value == 40
    assert (pk.ESKETAMINE_HALF_LIFE_LOW_H.value, pk.ESKETAMINE_HALF_LIFE_HIGH_H.value) == (7, 12)
    assert {k: r.bioavailability.value for k, r in pk.ROUTES.items()} == {
        "iv": 100, "im": 93, "intranasal": 45, "sublingual": 30, "oral": 20,
    }
    oral_others = {v.reference: v.value for v in pk.ROUTES["oral"].other_estimates}
    assert oral_others == {"clements1982": 17, "andrade2019": 25, "fanta2015": 8}


def test_every_sourced_value_cites_a_known_reference():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    keys = set(yaml.safe_load((root / "quizzes/references.yaml").read_text())["references"])
    values = [v for v in vars(pk).values() if isinstance(v, SourcedValue)]
    for r in pk.ROUTES.values():
        values += [r.bioavailability, *r.other_estimates]
    assert len(values) > 20
    missing = {v.reference for v in values} - keys
    assert not missing, f"references.yaml lacks {missing}"


def test_weight_based_dose():
    assert pk.weight_based_dose_mg(0.5, 80) == 40
    assert pk.weight_based_dose_mg(0.5, 70) == 35


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.0, 70), "dose must be between 0.05 and 7 mg/kg"),
        ((8.0, 70), "got 8 mg/kg"),
        ((0.5, 10), "weight must be between 30 and 250 kg"),
        ((float("nan"), 70), "dose must be a number"),
        ((True, 70), "dose must be a number"),
    ],
)
def test_weight_based_dose_rejects_bad_input(args, message):
    with pytest.raises(pk.PKInputError, match=message) as info:
        pk.weight_based_dose_mg(*args)
    assert isinstance(info.value, KetaTrainingError)


def test_unknown_route_lists_valid_ones():
    with pytest.raises(pk.PKInputError, match="Unknown route 'rectal'.*iv, im, intranasal"):
        pk.simulate("rectal", 0.5, 70)


def test_iv_infusion_peaks_at_end_of_infusion_and_halves_each_half_life():
    curve = pk.simulate("iv", 0.5, 80, step_min=1)
    assert curve.dose_mg == 40
    assert curve.time_of_peak_min == 40
    k = math.log(2) / 120
    expected_peak = 1.0 * (1 - math.exp(-k * 40)) / k  # rate 1 mg/min
    assert curve.peak_mg == pytest.approx(expected_peak)
    at = dict(zip(curve.times_min, curve.amounts_mg, strict=True))
    assert at[160] == pytest.approx(at[40] / 2)
    assert at[280] == pytest.approx(at[40] / 4)
    assert at[0] == 0


def test_exposure_scales_with_bioavailability():
    """Total exposure (AUC to infinity ~ F x dose / k) is proportional to F."""
    long = {"duration_min": 3000, "step_min": 1}
    auc = {key: pk.area_under_curve(pk.simulate(key, 0.5, 70, **long)) for key in pk.ROUTES}
    k = math.log(2) / 120
    for key, r in pk.ROUTES.items():
        assert auc[key] == pytest.approx(r.fraction * 35 / k, rel=2e-3)
    assert auc["iv"] > auc["im"] > auc["intranasal"] > auc["sublingual"] > auc["oral"]


def test_oral_curve_is_lower_and_later_than_im():
    oral = pk.simulate("oral", 0.5, 70)
    im = pk.simulate("im", 0.5, 70)
    assert oral.peak_mg < im.peak_mg
    assert oral.peak_mg / im.peak_mg == pytest.approx(20 / 93)
    assert oral.time_of_peak_min == im.time_of_peak_min  # same illustrative absorption
    assert oral.amounts_mg[0] == 0
    assert all(a >= 0 for a in oral.amounts_mg)


def test_summary_states_dose_bioavailability_and_source():
    text = pk.simulate("oral", 0.5, 80).summary()
    assert "dose 40 mg" in text
    assert "bioavailability 20% (Yanagihara et al., Biopharm Drug Dispos 2003)" in text
    assert "about 8 mg reaches the circulation" in text
    assert "teaching model" in text


def test_simulate_rejects_bad_grid():
    with pytest.raises(pk.PKInputError, match="step_min"):
        pk.simulate("iv", 0.5, 70, step_min=0)
    with pytest.raises(pk.PKInputError, match="positive"):
        pk.simulate("iv", 0.5, 70, half_life_min=0)


def test_bioavailability_words_come_from_the_routes() -> None:
    caption, description = pk.bioavailability_caption(), pk.bioavailability_description()
    for route in pk.ROUTES.values():
        assert f"{route.bioavailability.value:g}%" in caption
        for other in route.other_estimates:
            assert f"{other.value:g}% {cite(other.reference)}" in caption
            assert f"{other.value:g}% ({other.note})" in description
