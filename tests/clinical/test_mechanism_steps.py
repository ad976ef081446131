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


def test_caption_and_description_are_generated_from_the_steps(tmp_path) -> None:
    from ketatraining.clinical import mechanism
    from ketatraining.clinical.citations import cite

    caption = mechanism.pathway_caption()
    assert cite(mechanism.DATA.caption_sources) in caption
    assert "Step 7 is a hypothesis (Krediet et al., Int J Neuropsychopharmacol 2020)" in caption
    description = mechanism.pathway_description()
    assert description.startswith(f"{len(PATHWAY)} boxes joined by arrows: 1. ")
    for step in PATHWAY:
        assert step.label in description
    assert "step 7 is a hypothesis" in description
