"""The monitoring-checklist exercise of notebook 05: a fictional session and its rules.

The scenario follows the esketamine (SPRAVATO) label and REMS, the one ketamine
product with a defined monitoring standard: blood pressure before and about 40 minutes
after dosing, respiratory status with pulse oximetry, at least 2 hours of monitoring,
a stability check before leaving, no driving until the next day after restful sleep.
Each step lists actions; the learner ticks the ones that must be done at that step. The
scenario itself (steps, actions, explanations, sources) lives in ``data/monitoring.yaml``.
``check()`` says, for every missed or wrong tick, why, with its reference key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from pydantic import Field

from ketatraining.clinical.citations import cite
from ketatraining.clinical.datafile import StrictData as _Strict
from ketatraining.clinical.datafile import load_data


class Expected(Enum):
    """What the rules say about an action at a given step."""

    REQUIRED = "required"  # must be ticked
    WRONG = "wrong"  # must not be ticked
    OPTIONAL = "optional"  # clinical judgement: either answer is accepted


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    text: str
    expected: Expected
    explanation: str
    reference: str


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    time: str
    situation: str
    actions: tuple[Action, ...]

    def action(self, action_id: str) -> Action:
        for item in self.actions:
            if item.id == action_id:
                return item
        msg = f"step '{self.id}' has no action '{action_id}'"
        raise KeyError(msg)


class ActionData(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: str
    expected: Literal["required", "wrong", "optional"]
    explanation: str
    reference: str


class StepData(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    time: str
    situation: str
    actions: list[ActionData] = Field(min_length=1)


class MonitoringData(_Strict):
    schema_version: int = Field(ge=1, le=1)
    patient: str = Field(pattern=r"^Fictional patient")
    steps: list[StepData] = Field(min_length=1)


DATA = load_data("monitoring.yaml", MonitoringData)

PATIENT = DATA.patient

SESSION: tuple[Step, ...] = tuple(
    Step(
        s.id,
        s.time,
        s.situation,
        tuple(Action(a.id, a.text, Expected(a.expected), a.explanation, a.reference)
              for a in s.actions),
    )
    for s in DATA.steps
)
"""The session's steps in time order, read from ``data/monitoring.yaml``."""


def step(step_id: str) -> Step:
    for item in SESSION:
        if item.id == step_id:
            return item
    msg = f"no step '{step_id}'; known: {', '.join(s.id for s in SESSION)}"
    raise KeyError(msg)


class Outcome(Enum):
    CORRECT = "correct"
    MISSED = "missed"  # required, not ticked
    WRONG = "wrong"  # ticked, should not be
    OPTIONAL = "optional"  # either way is fine


@dataclass(frozen=True, slots=True)
class Finding:
    step: Step
    action: Action
    ticked: bool
    outcome: Outcome

    def text(self) -> str:
        """One line a learner reads: what happened, why, and the source key."""
        prefix = {
            Outcome.CORRECT: "Correct",
            Outcome.MISSED: "Missed",
            Outcome.WRONG: "Should not be done",
            Outcome.OPTIONAL: "Judgement call",
        }[self.outcome]
        return (
            f"{prefix} ({self.step.time}): {self.action.text}. "
            f"{self.action.explanation} {cite(self.action.reference)}"
        )


@dataclass(frozen=True, slots=True)
class ChecklistResult:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def scored(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome is not Outcome.OPTIONAL)

    @property
    def score(self) -> int:
        return sum(1 for f in self.scored if f.outcome is Outcome.CORRECT)

    @property
    def max_score(self) -> int:
        return len(self.scored)

    @property
    def missed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome is Outcome.MISSED)

    @property
    def wrong(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome is Outcome.WRONG)

    @property
    def all_correct(self) -> bool:
        return not self.missed and not self.wrong

    def summary(self) -> str:
        if self.all_correct:
            return (
                f"All {self.max_score} decisions correct: every required check is in "
                "place and nothing unsafe was ticked."
            )
        missed = f"{len(self.missed)} required action" + ("" if len(self.missed) == 1 else "s")
        wrong = f"{len(self.wrong)} action" + ("" if len(self.wrong) == 1 else "s")
        return (
            f"{self.score} of {self.max_score} decisions correct: {missed} missed, "
            f"{wrong} ticked that should not be done."
        )


def check(ticked: Mapping[str, Collection[str]]) -> ChecklistResult:
    """Grade the learner's ticks: ``{step_id: {action_id, ...}}`` for every ticked action.

    Unknown step or action ids raise ``KeyError`` (a programming error, not a learner's).
    """
    for step_id, action_ids in ticked.items():
        current = step(step_id)
        for action_id in action_ids:
            current.action(action_id)
    findings = []
    for current in SESSION:
        chosen = set(ticked.get(current.id, ()))
        for action in current.actions:
            is_ticked = action.id in chosen
            if action.expected is Expected.OPTIONAL:
                outcome = Outcome.OPTIONAL
            elif action.expected is Expected.REQUIRED:
                outcome = Outcome.CORRECT if is_ticked else Outcome.MISSED
            else:
                outcome = Outcome.WRONG if is_ticked else Outcome.CORRECT
            findings.append(Finding(current, action, is_ticked, outcome))
    return ChecklistResult(tuple(findings))


def model_answer() -> dict[str, set[str]]:
    """The ticks that score full marks (required actions only)."""
    return {s.id: {a.id for a in s.actions if a.expected is Expected.REQUIRED} for s in SESSION}
