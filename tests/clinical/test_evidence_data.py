"""The efficacy data of notebook 04: numbers equal the sourced values, keys resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ketatraining.clinical import evidence_data as ev
from ketatraining.clinical.citations import short_citation
from ketatraining.clinical.evidence_data import Verdict

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bibliography() -> set[str]:
    data = yaml.safe_load((ROOT / "quizzes" / "references.yaml").read_text(encoding="utf-8"))
    return set(data["references"])


def _all_reference_keys() -> set[str]:
    keys = {e.reference for e in ev.EFFECT_SIZES}
    keys |= {s.reference for s in ev.ONSET_SPANS}
    keys |= {s.source.reference for s in ev.ONSET_SPANS if s.source is not None}
    for c in ev.CLAIMS:
        keys |= set(c.references)
    keys |= {v.reference for v in vars(ev).values() if isinstance(v, ev.SourcedValue)}
    return keys


def test_every_reference_key_is_in_the_bibliography(bibliography: set[str]) -> None:
    missing = _all_reference_keys() - bibliography
    assert not missing, f"keys missing from quizzes/references.yaml: {sorted(missing)}"


def test_short_citations_come_from_the_one_bibliography(bibliography: set[str]) -> None:
    assert not hasattr(ev, "SHORT_CITATIONS")
    assert short_citation("feder2021") == "Feder et al., Am J Psychiatry 2021"
    assert short_citation("spravato_pi") == "SPRAVATO prescribing information (FDA label)"
    assert short_citation("andrade2019") == "Andrade, J Clin Psychiatry 2019"
    assert short_citation("unknown-key") == "unknown-key"
    assert {short_citation(key) for key in bibliography} and "feder2021" in bibliography


@pytest.mark.parametrize(
    ("key", "value", "low", "high"),
    [
        ("borgogna-overall", 0.27, 0.03, 0.51),
        ("borgogna-bias-corrected", 0.20, -0.08, 0.48),
        ("borgogna-24h", 0.35, 0.06, 0.64),
        ("borgogna-24h-passive", 0.44, 0.03, 0.85),
        ("borgogna-24h-active", 0.24, -0.30, 0.78),
        ("borgogna-1week", 0.24, 0.00, 0.48),
        ("feder2021-week2", 1.13, 0.36, 1.91),
    ],
)
def test_effect_sizes_match_the_sources(key: str, value: float, low: float, high: float) -> None:
    item = ev.effect_size(key)
    assert (item.value, item.ci_low, item.ci_high) == (value, low, high)
    assert item.ci_low <= item.value <= item.ci_high


def test_almeida_has_no_invented_interval() -> None:
    item = ev.effect_size("almeida-endpoint")
    assert item.value == 0.25
    assert not item.has_ci
    assert item.ci_crosses_zero is None
    assert "not on the effect-size scale" in item.estimate.note


def test_which_intervals_cross_zero() -> None:
    crossing = {e.key for e in ev.EFFECT_SIZES if e.ci_crosses_zero}
    assert crossing == {"borgogna-bias-corrected", "borgogna-24h-active", "borgogna-1week"}


def test_unknown_effect_size_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="borgogna-overall"):
        ev.effect_size("nope")


def test_onset_spans_use_the_sourced_numbers() -> None:
    spans = {s.key: s for s in ev.ONSET_SPANS}
    assert spans["ketamine-24h"].end == 1.0
    assert spans["ketamine-course"].end == 14.0
    loss = spans["ketamine-loss"]
    assert loss.end - loss.start == 27.5
    assert "drawn from" in loss.placement_note
    assert spans["ssri-trials"].end == 84.0
    # Each drug's own pivotal trials, not one sertraline trial for both approvals.
    assert spans["ssri-trials"].references == (
        "brady2000", "davidson2001", "marshall2001", "tucker2001"
    )
    assert spans["ssri-maximal"].end is None
    assert spans["ssri-maximal"].source is None


def test_claims_cover_the_seven_benefits_of_the_guide() -> None:
    assert [c.key for c in ev.CLAIMS] == [
        "rapid-relief",
        "short-course",
        "reduced-medication",
        "treatment-resistant",
        "neuroplasticity",
        "complementary",
        "quality-of-life",
    ]
    for item in ev.CLAIMS:
        assert item.references, item.key
        assert item.guide_says
        assert item.evidence
        assert item.teaching_point


def test_verdicts_follow_the_evidence_file() -> None:
    assert ev.claim("treatment-resistant").verdict is Verdict.NOT_SUPPORTED
    assert ev.claim("reduced-medication").verdict is Verdict.NO_SOURCE_FOUND
    assert ev.claim("quality-of-life").verdict is Verdict.NO_SOURCE_FOUND
    assert ev.claim("rapid-relief").verdict is Verdict.PARTLY_SUPPORTED
    assert "158" in ev.claim("treatment-resistant").evidence
    assert "no significant effect on PTSD" in ev.claim("treatment-resistant").evidence


def test_no_source_claims_say_so_plainly() -> None:
    for item in ev.CLAIMS:
        if item.verdict is Verdict.NO_SOURCE_FOUND:
            assert "not supported by any source found" in item.teaching_point


def test_check_verdict_gives_feedback_both_ways() -> None:
    ok, text = ev.check_verdict("treatment-resistant", "not supported")
    assert ok
    assert "not supported" in text
    ok, text = ev.check_verdict("treatment-resistant", Verdict.SUPPORTED)
    assert not ok
    assert "you chose 'supported'" in text
    assert Verdict.NOT_SUPPORTED.explanation in text


def test_unknown_claim_raises() -> None:
    with pytest.raises(KeyError, match="rapid-relief"):
        ev.claim("cures-everything")
