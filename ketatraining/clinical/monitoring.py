"""The monitoring-checklist exercise of notebook 05: a fictional session and its rules.

The scenario follows the esketamine (SPRAVATO) label and REMS, the one ketamine
product with a defined monitoring standard: blood pressure before and about 40 minutes
after dosing, respiratory status with pulse oximetry, at least 2 hours of monitoring,
a stability check before leaving, no driving until the next day after restful sleep.
Each step lists actions; the learner ticks the ones that must be done at that step.
``check()`` says, for every missed or wrong tick, why, with its reference key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum


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


PATIENT = (
    "Fictional patient: Alex, 44, has PTSD and treatment-resistant depression (two "
    "antidepressants at adequate dose and duration without response). Alex starts "
    "esketamine nasal spray (SPRAVATO) with an oral antidepressant for the depression, "
    "its approved use; it is not approved for PTSD. This is session 1 (56 mg)."
)

_BP = "Measure blood pressure"

SESSION: tuple[Step, ...] = (
    Step(
        "arrival",
        "08:30, before dosing",
        "Alex arrives at the treatment centre. Seated blood pressure is 128/80 mmHg (fictional).",
        (
            Action(
                "rems-check",
                "Confirm the setting is REMS-certified and Alex is enrolled in the REMS",
                Expected.REQUIRED,
                "Esketamine may only be given in a certified setting to an enrolled "
                "patient; this is confirmed before the first dose.",
                "spravato_rems",
            ),
            Action(
                "bp",
                _BP,
                Expected.REQUIRED,
                "The label asks for blood pressure before dosing, so that a rise can be "
                "judged against Alex's own baseline.",
                "spravato_pi",
            ),
            Action(
                "delay",
                "Delay the dose because blood pressure is above the label's general guide",
                Expected.WRONG,
                "128/80 mmHg is below the general guide of 140/90 mmHg. Above that guide "
                "the label asks for a benefit-risk decision about delaying; here there is "
                "no reason to delay on blood pressure.",
                "spravato_pi",
            ),
            Action(
                "take-home",
                "Hand Alex a second device to take home for the evening",
                Expected.WRONG,
                "Under the REMS every dose is given in a certified setting and followed "
                "by at least 2 hours of monitoring there; no dose goes home.",
                "spravato_rems",
            ),
        ),
    ),
    Step(
        "dosing",
        "08:40-09:20, dosing and the first 40 minutes",
        "Alex takes the dose in the treatment room. Ten minutes later Alex says the "
        "room feels unreal and is a little drowsy.",
        (
            Action(
                "resp",
                "Monitor respiratory status, including pulse oximetry",
                Expected.REQUIRED,
                "Respiratory status, with pulse oximetry, is monitored at each session; "
                "respiratory depression is a listed serious risk.",
                "spravato_pi",
            ),
            Action(
                "sed-diss",
                "Observe for sedation and dissociation",
                Expected.REQUIRED,
                "Sedation and dissociation are boxed warnings: in the label trials 48-61% "
                "had sedation and 61-75% dissociative or perceptual changes on the CADSS.",
                "spravato_pi",
            ),
            Action(
                "leave-alone",
                "Leave Alex unobserved in the waiting room until the unreal feeling passes",
                Expected.WRONG,
                "Monitoring by a health-care provider continues for the whole session; "
                "a dissociating or sedated patient is not left unobserved.",
                "spravato_pi",
            ),
            Action(
                "benzo",
                "Give a benzodiazepine routinely to stop the dissociation",
                Expected.WRONG,
                "No source in this course supports routine sedatives for expected "
                "dissociation, and combining ketamine with benzodiazepines, opioids or "
                "other CNS depressants may cause profound sedation and respiratory "
                "depression (Ketalar label).",
                "ketalar_pi",
            ),
        ),
    ),
    Step(
        "forty",
        "09:20, about 40 minutes after dosing",
        "Alex is calm and answering questions.",
        (
            Action(
                "bp",
                _BP,
                Expected.REQUIRED,
                "The label asks for blood pressure again about 40 minutes after dosing, "
                "then as clinically warranted.",
                "spravato_pi",
            ),
            Action(
                "discharge",
                "Discharge Alex now, since Alex feels well",
                Expected.WRONG,
                "Patients are monitored for at least 2 hours after every dose; feeling "
                "well at 40 minutes does not end monitoring.",
                "spravato_pi",
            ),
        ),
    ),
    Step(
        "one-hour",
        "09:40, one hour after dosing",
        "Alex says the effects have worn off and asks to leave for work.",
        (
            Action(
                "continue",
                "Keep monitoring: the minimum is 2 hours",
                Expected.REQUIRED,
                "The REMS requires monitoring for at least 2 hours at each session, "
                "whatever the patient reports.",
                "spravato_pi",
            ),
            Action(
                "bp",
                _BP,
                Expected.OPTIONAL,
                "Not fixed at this time: after the 40-minute check the label asks for "
                "further readings as clinically warranted.",
                "spravato_pi",
            ),
            Action(
                "discharge",
                "Let Alex go, as the effects have worn off",
                Expected.WRONG,
                "Leaving at 1 hour breaks the 2-hour minimum. The label says esketamine's "
                "blood-pressure rise peaks at about 40 minutes and lasts about 4 hours, so "
                "feeling well at 1 hour says little.",
                "spravato_pi",
            ),
        ),
    ),
    Step(
        "discharge",
        "10:40, two hours after dosing",
        "Alex is alert; the last blood pressure was back near baseline. A friend can collect Alex.",
        (
            Action(
                "stable",
                "Assess whether Alex is clinically stable and ready to leave",
                Expected.REQUIRED,
                "After the 2-hour minimum, a clinical assessment decides when the patient "
                "is stable and ready to leave; 2 hours is a floor, not an automatic "
                "discharge time.",
                "spravato_pi",
            ),
            Action(
                "no-drive",
                "Tell Alex not to drive or operate machinery until the next day, after a "
                "restful sleep",
                Expected.REQUIRED,
                "The label forbids driving and operating machinery until the next day "
                "after a restful sleep.",
                "spravato_pi",
            ),
            Action(
                "drive-ok",
                "Allow Alex to drive home because blood pressure is back to baseline",
                Expected.WRONG,
                "Normal vital signs do not lift the driving restriction: no driving until "
                "the next day after a restful sleep.",
                "spravato_pi",
            ),
        ),
    ),
    Step(
        "after",
        "Within the week after the session",
        "Alex has gone home.",
        (
            Action(
                "form",
                "Submit the REMS patient monitoring form within 7 days",
                Expected.REQUIRED,
                "A patient monitoring form is submitted to the REMS within 7 days of each session.",
                "spravato_rems",
            ),
            Action(
                "home-oral",
                "Offer compounded oral ketamine for home use between sessions",
                Expected.WRONG,
                "The FDA warned on 10 October 2023 that compounded ketamine is not "
                "subject to REMS monitoring and that home use lacks onsite monitoring; "
                "ketamine is not FDA-approved for any psychiatric disorder.",
                "fda2023",
            ),
        ),
    ),
)


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
            f"{self.action.explanation} [{self.action.reference}]"
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
