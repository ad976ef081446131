"""The proposed ketamine pathway, step by step, with the source and kind of evidence.

Used by the notebook 03 diagram and its step-through widget. The steps live in
``data/mechanism.yaml`` (a clinical reviewer edits text, not code); the figure's caption
and description are generated from the same data. Each step says where its evidence
comes from, because most of it is rodent and depression research, not PTSD.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ketatraining.clinical.citations import cite
from ketatraining.clinical.datafile import load_data


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=3, description="Short label for the diagram box.")
    detail: str = Field(min_length=10, description="One or two sentences, own words.")
    evidence: str = Field(
        min_length=5,
        description="Where the evidence for this step comes from (species, condition, kind).",
    )
    references: tuple[str, ...] = Field(min_length=1)
    established: bool = Field(
        default=True, description="False for a hypothesis (an effect on PTSD): drawn dashed."
    )


class MechanismData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(ge=1, le=1)
    steps: tuple[Step, ...] = Field(min_length=2)
    caption_sources: tuple[str, ...] = Field(min_length=1)


DATA = load_data("mechanism.yaml", MechanismData)
PATHWAY: tuple[Step, ...] = DATA.steps


def pathway_alt() -> str:
    return (f"Flow diagram of the proposed ketamine pathway in {len(PATHWAY)} boxes from top "
            "to bottom.")


def pathway_caption() -> str:
    """The caption, citing the sources of the established steps and of the hypothesis."""
    text = f"The proposed pathway {cite(DATA.caption_sources)}."
    for number, step in enumerate(PATHWAY, start=1):
        if not step.established:
            text += (f" Step {number} is a hypothesis {cite(step.references)} and is drawn "
                     "dashed.")
    return text


def pathway_description() -> str:
    """Text description of the diagram for readers who cannot see it."""
    established = [i for i, s in enumerate(PATHWAY, start=1) if s.established]
    hypothesis = [i for i, s in enumerate(PATHWAY, start=1) if not s.established]
    text = (f"{len(PATHWAY)} boxes joined by arrows: "
            + "; ".join(f"{i}. {s.label}" for i, s in enumerate(PATHWAY, start=1)) + ".")
    if established:
        text += (f" Steps {established[0]} to {established[-1]} come mostly from rodent and "
                 "depression research")
    if hypothesis:
        text += "; step " + " and ".join(map(str, hypothesis)) + " is a hypothesis"
    return text + "."
