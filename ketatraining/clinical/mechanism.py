"""The proposed ketamine pathway, step by step, with the source and kind of evidence.

Used by the notebook 03 diagram and its step-through widget. Each step says where its
evidence comes from, because most of it is rodent and depression research, not PTSD.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    label: str
    """Short label for the diagram box."""
    detail: str
    """One or two sentences in the course's own words."""
    evidence: str
    """Where the evidence for this step comes from (species, condition, kind of source)."""
    references: tuple[str, ...]
    established: bool = True
    """False for the last step: an effect on PTSD is a hypothesis."""


PATHWAY: tuple[Step, ...] = (
    Step(
        "nmda",
        "NMDA receptors blocked",
        "Ketamine is a noncompetitive antagonist of the glutamate NMDA receptor. In the "
        "disinhibition model it blocks NMDA receptors on inhibitory (GABAergic) interneurons.",
        "Pharmacology (human and animal); the interneuron site is one of several candidate "
        "mechanisms that are not mutually exclusive.",
        ("feder2021", "molpsych2018"),
    ),
    Step(
        "glutamate",
        "Glutamate surge",
        "With less inhibition, glutamate neurons fire more: a rapid but transient burst of "
        "glutamate release.",
        "Animal research and the esketamine label's mechanism section (a depression product).",
        ("duman2014", "spravato_pi"),
    ),
    Step(
        "ampa",
        "AMPA receptors activated",
        "The released glutamate stimulates AMPA receptors on the receiving neurons.",
        "Esketamine label wording ('evidence within the literature suggests'); animal research.",
        ("spravato_pi", "molpsych2018"),
    ),
    Step(
        "bdnf",
        "BDNF released",
        "AMPA activation is followed by release of brain-derived neurotrophic factor (BDNF), "
        "increasing neurotrophic signalling.",
        "Animal models of stress and depression.",
        ("duman2014",),
    ),
    Step(
        "mtor",
        "mTOR signalling",
        "Downstream signalling activates mTOR. In rats, blocking mTOR abolished both the new "
        "synapses and the antidepressant-like behaviour.",
        "Rat study in depression models (Li 2010).",
        ("li2010",),
    ),
    Step(
        "synapses",
        "New synapses",
        "More synaptic proteins and more, better-functioning spine synapses in the prefrontal "
        "cortex (synaptogenesis). Stress and depression are associated with loss of such "
        "connections.",
        "Rat prefrontal cortex (Li 2010); depression research (Duman 2014).",
        ("li2010", "duman2014"),
    ),
    Step(
        "ptsd",
        "Less PTSD? (hypothesis)",
        "Proposed PTSD rationales: enhanced fear extinction, blocked memory reconsolidation, "
        "a 'catalyst' for psychotherapy. Neuroplastic change has not been shown clinically "
        "in PTSD.",
        "Hypothesis only (review of PTSD rationales).",
        ("krediet2020",),
        established=False,
    ),
)
