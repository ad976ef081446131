"""The proposed pathway data used by the notebook 03 diagram and widget."""

from __future__ import annotations

from pathlib import Path

import yaml

from ketatraining.clinical.mechanism import PATHWAY

ROOT = Path(__file__).resolve().parents[2]


def test_pathway_order_matches_the_proposed_model():
    assert [s.key for s in PATHWAY] == [
        "nmda", "glutamate", "ampa", "bdnf", "mtor", "synapses", "ptsd"
    ]


def test_only_the_ptsd_step_is_a_hypothesis_and_says_so():
    assert [s.key for s in PATHWAY if not s.established] == ["ptsd"]
    assert "hypothesis" in PATHWAY[-1].label.lower()
    assert "not been shown" in PATHWAY[-1].detail


def test_every_step_states_its_evidence_and_cites_known_references():
    keys = set(yaml.safe_load((ROOT / "quizzes/references.yaml").read_text())["references"])
    for step in PATHWAY:
        assert step.evidence
        assert step.references
        assert set(step.references) <= keys, step.key
