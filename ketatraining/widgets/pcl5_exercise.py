"""Notebook 02 widget: score a fictional patient's PCL-5 by hand, then check each step.

The learner reads the 20 ratings, enters the total and the four cluster sub-scores,
places the total against the 31-33 cut-point and decides whether the DSM-5 cluster rule
is met. Checking explains every part in text (never colour alone). Scoring logic lives
in ``ketatraining.clinical.pcl5``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from ketatraining.clinical import pcl5
from ketatraining.widgets.fit import fit, wrapping_row
from ketatraining.widgets.messages import friendly

INSTRUCTIONS = (
    "Score the fictional patient's PCL-5 below by hand: add the ratings, work out the four "
    "cluster sub-scores, compare the total with the suggested cut-point, and count the items "
    "rated 2 or more in each cluster. Then press <strong>Check my scoring</strong>."
)
_NOT_ANSWERED = None


def _score_box(description: str, top: int) -> widgets.Text:
    """An answer box that starts empty (a 0 read as an answer already given: look L10),
    with a placeholder that says what goes in it."""
    return widgets.Text(value="", placeholder=f"a whole number, 0-{top}",
                        description=description, style={"description_width": "initial"})


def _whole_number(text: object) -> int | None:
    """What the learner typed, as a whole number; None when empty or not a number."""
    typed = str(text).strip()
    return int(typed) if typed.isdigit() else None


def ratings_table_html(patient: pcl5.FictionalPatient) -> str:
    """The 20 ratings grouped by cluster, as an accessible HTML table."""
    rows = []
    for c in pcl5.CLUSTERS:
        ratings = ", ".join(
            f"item {i}: {patient.responses[i - 1]}" for i in c.items
        )
        rows.append(
            f"<tr><th scope='row'>{c.key} - {html.escape(c.name)} (items {c.first_item}-"
            f"{c.last_item})</th><td>{ratings}</td></tr>"
        )
    return (
        f"<p><strong>{html.escape(patient.name)}.</strong> {html.escape(patient.story)}</p>"
        "<table class='kt-pcl5-ratings'><caption>PCL-5 ratings (0 = not at all, "
        "4 = extremely)</caption><thead><tr><th scope='col'>Cluster</th>"
        "<th scope='col'>Ratings</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


class PCL5Exercise(widgets.VBox):
    """Patient picker, ratings table, answer fields, a Check button and text feedback."""

    def __init__(self, patients: Sequence[pcl5.FictionalPatient] = pcl5.PATIENTS) -> None:
        if not patients:
            msg = "PCL5Exercise needs at least one fictional patient"
            raise ValueError(msg)
        self.patients = {p.id: p for p in patients}
        style = {"description_width": "initial"}
        self.select = widgets.Dropdown(
            options=[(p.name, p.id) for p in patients], value=patients[0].id,
            description="Fictional patient:", style=style,
        )
        self.select.add_class("kt-pcl5-select")
        self.ratings = widgets.HTML()
        self.ratings.add_class("kt-pcl5-patient")
        self.total = _score_box(f"Total score (0-{pcl5.MAX_TOTAL}):", pcl5.MAX_TOTAL)
        self.total.add_class("kt-pcl5-total")
        self.subscores = {}
        for c in pcl5.CLUSTERS:
            box = _score_box(f"Cluster {c.key} sub-score:",
                             4 * (c.last_item - c.first_item + 1))
            box.add_class("kt-pcl5-subscore")
            box.add_class(f"kt-pcl5-subscore-{c.key}")
            self.subscores[c.key] = box
        self.band = widgets.Dropdown(
            options=[("(choose)", _NOT_ANSWERED)]
            + [(f"Total is {label}", key) for key, label in pcl5.BAND_LABELS.items()],
            value=_NOT_ANSWERED,
            description="Compared with the 31-33 cut-point:", style=style,
        )
        self.band.add_class("kt-pcl5-band")
        self.rule = widgets.Dropdown(
            options=[("(choose)", _NOT_ANSWERED), ("Met", True), ("Not met", False)],
            value=_NOT_ANSWERED,
            description="DSM-5 cluster rule (items rated 2 or more):", style=style,
        )
        self.rule.add_class("kt-pcl5-rule")
        self.check_button = widgets.Button(
            description="Check my scoring", button_style="primary",
            tooltip="Compare your scoring with the PCL-5 scoring rules",
        )
        self.check_button.add_class("kt-pcl5-check")
        self.feedback = widgets.HTML()
        self.feedback.add_class("kt-pcl5-feedback")
        self.checks: list[pcl5.AnswerCheck] = []

        self.select.observe(self._on_select, names="value")
        self.check_button.on_click(lambda _button: self.check())
        super().__init__(
            [
                fit(self.select),
                widgets.HTML(f"<p>{INSTRUCTIONS}</p>"),
                self.ratings,
                fit(self.total),
                wrapping_row([fit(box) for box in self.subscores.values()]),
                fit(self.band),
                fit(self.rule),
                self.check_button,
                self.feedback,
            ]
        )
        self.add_class("kt-pcl5-exercise")
        self._show(self.patient)

    @property
    def patient(self) -> pcl5.FictionalPatient:
        return self.patients[self.select.value]

    @property
    def result(self) -> pcl5.PCL5Result:
        return pcl5.score(self.patient.responses)

    def fill(self, *, total: int, subscores: dict[str, int], band: str, meets_rule: bool) -> None:
        """Enter answers programmatically (used by tests and kernel-side checks)."""
        self.total.value = str(total)
        for key, value in subscores.items():
            self.subscores[key].value = str(value)
        self.band.value = band
        self.rule.value = meets_rule

    @friendly(lambda self: self.feedback)
    def check(self) -> list[pcl5.AnswerCheck]:
        """Check the entered answers and show an explanation for each part."""
        self.checks = pcl5.check_answers(
            self.result,
            total=_whole_number(self.total.value),
            subscores={k: _whole_number(box.value) for k, box in self.subscores.items()},
            band=self.band.value,
            meets_rule=self.rule.value,
        )
        self.feedback.value = feedback_html(self.checks, self.result)
        return self.checks

    def _on_select(self, _change: object) -> None:
        self._show(self.patient)

    def _show(self, patient: pcl5.FictionalPatient) -> None:
        self.ratings.value = ratings_table_html(patient)
        self.total.value = ""
        for box in self.subscores.values():
            box.value = ""
        self.band.value = _NOT_ANSWERED
        self.rule.value = _NOT_ANSWERED
        self.feedback.value = ""
        self.checks = []


def feedback_html(checks: Sequence[pcl5.AnswerCheck], result: pcl5.PCL5Result) -> str:
    right = sum(c.correct for c in checks)
    items = "".join(
        f"<li>{'✓' if c.correct else '✗'} {html.escape(c.text())}</li>" for c in checks
    )
    return (
        f'<div role="status"><p><strong>{right} of {len(checks)} parts correct.</strong></p>'
        f"<ul>{items}</ul><p><strong>Interpretation.</strong> {html.escape(result.summary())}"
        "</p></div>"
    )


def show_pcl5_exercise(patients: Sequence[pcl5.FictionalPatient] = pcl5.PATIENTS) -> None:
    """Display the PCL-5 scoring exercise in a notebook."""
    from IPython.display import display

    display(PCL5Exercise(patients))
