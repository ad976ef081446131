"""Monitoring-checklist exercise for notebook 05.

A fictional esketamine session is shown step by step; at each step the learner ticks
what must be done then. Check explains every missed or wrong item with its source.
The rules live in ``ketatraining.clinical.monitoring``; this module only presents them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets

from ketatraining.clinical.citations import short_citation
from ketatraining.clinical.monitoring import (
    PATIENT,
    SESSION,
    ChecklistResult,
    Finding,
    Outcome,
    Step,
    check,
)
from ketatraining.text import markdown_to_html
from ketatraining.widgets.checklist import Checklist, Item, Tick

INSTRUCTIONS = (
    "At each step of the session, tick **every** action that must be done at that time, and "
    "leave unticked anything that should not be done. Then press **Check my checklist**."
)


class MonitoringWidget(widgets.VBox):
    """One checklist (a named group) per session step, a Check and a Reset button, text feedback."""

    def __init__(self, session: Sequence[Step] = SESSION) -> None:
        if not session:
            msg = "MonitoringWidget needs at least one step"
            raise ValueError(msg)
        self.session = tuple(session)
        self.boxes: dict[tuple[str, str], Tick] = {}
        self.checklists: dict[str, Checklist] = {}
        children: list[widgets.Widget] = [
            widgets.HTML(f'<p class="kt-monitoring-patient">{html.escape(PATIENT)}</p>'),
            widgets.HTML(markdown_to_html(INSTRUCTIONS)),
        ]
        for step in self.session:
            group = Checklist(
                step.situation,
                [Item(a.id, a.text, classes=("kt-monitoring-action",
                                             f"kt-monitoring-action-{step.id}-{a.id}"))
                 for a in step.actions],
                lead=step.time, group_class=f"kt-monitoring-step kt-monitoring-step-{step.id}")
            self.checklists[step.id] = group
            self.boxes.update({(step.id, a): tick for a, tick in group.boxes.items()})
            children.append(group)
        self.check_button = widgets.Button(
            description="Check my checklist",
            tooltip="Compare your ticks with the label and REMS requirements",
            button_style="primary",
        )
        self.check_button.add_class("kt-monitoring-check")
        self.reset_button = widgets.Button(
            description="Start again", tooltip="Clear every tick and the feedback"
        )
        self.reset_button.add_class("kt-monitoring-reset")
        self.feedback = widgets.HTML()
        self.feedback.add_class("kt-monitoring-feedback")
        self.result: ChecklistResult | None = None
        self.check_button.on_click(lambda _button: self.check())
        self.reset_button.on_click(lambda _button: self.reset())
        children += [widgets.HBox([self.check_button, self.reset_button]), self.feedback]
        super().__init__(children)
        self.add_class("kt-monitoring")

    def ticked(self) -> dict[str, set[str]]:
        """The learner's ticks as ``{step_id: {action_id, ...}}``."""
        out: dict[str, set[str]] = {}
        for (step_id, action_id), box in self.boxes.items():
            if box.value:
                out.setdefault(step_id, set()).add(action_id)
        return out

    def set_ticks(self, ticks: Mapping[str, set[str]]) -> None:
        """Tick exactly these actions (for kernel-side checks and tests)."""
        wanted = {(s, a) for s, actions in ticks.items() for a in actions}
        unknown = wanted - set(self.boxes)
        if unknown:
            msg = f"unknown step/action(s): {sorted(unknown)}"
            raise KeyError(msg)
        for step_id, group in self.checklists.items():
            group.tick(a for s, a in wanted if s == step_id)

    def check(self) -> ChecklistResult:
        self.result = check(self.ticked())
        self.feedback.value = result_html(self.result)
        return self.result

    def reset(self) -> None:
        self.set_ticks({})
        self.feedback.value = ""
        self.result = None


def _finding_html(finding: Finding) -> str:
    label = {
        Outcome.MISSED: "✗ Missed",
        Outcome.WRONG: "✗ Should not be done",
        Outcome.OPTIONAL: "ℹ Judgement call",
        Outcome.CORRECT: "✓ Correct",
    }[finding.outcome]
    source = short_citation(finding.action.reference)
    return (
        f"<li><strong>{label}</strong> ({html.escape(finding.step.time)}): "
        f"{html.escape(finding.action.text)}. {html.escape(finding.action.explanation)} "
        f"<small>Source: {html.escape(source)}</small></li>"
    )


def result_html(result: ChecklistResult) -> str:
    """Summary, then every missed and wrong item with its reason, then judgement calls."""
    mark = "✓" if result.all_correct else "✗"
    parts = [f"<p><strong>{mark} {html.escape(result.summary())}</strong></p>"]
    problems = [*result.missed, *result.wrong]
    if problems:
        items = "".join(_finding_html(f) for f in problems)
        parts.append(f"<p>What to change, and why:</p><ul>{items}</ul>")
    notes = [f for f in result.findings if f.outcome is Outcome.OPTIONAL]
    if notes:
        items = "".join(_finding_html(f) for f in notes)
        parts.append(f"<p>Not scored:</p><ul>{items}</ul>")
    parts.append(
        "<p><em>Teaching exercise on a fictional patient, based on the esketamine label and "
        "REMS; not a clinical protocol.</em></p>"
    )
    return "".join(parts)


def show_monitoring(session: Sequence[Step] = SESSION) -> None:
    """Display the monitoring-checklist exercise (returns None, so it shows once)."""
    from IPython.display import display

    display(MonitoringWidget(session))
