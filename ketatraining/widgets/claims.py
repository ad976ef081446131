"""Claim-vs-evidence explorer for notebook 04.

The learner picks one of the guide's claimed benefits, reads it paraphrased, chooses a
verdict, and presses Check (or Show the evidence). The widget then shows what the
trials and reviews found, the course's verdict with what that verdict means, and the
sources. The content lives in ``ketatraining.clinical.evidence_data``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from ketatraining.clinical.citations import short_citation
from ketatraining.clinical.evidence_data import (
    CLAIMS,
    Claim,
    Verdict,
    check_verdict,
)
from ketatraining.text import markdown_to_html
from ketatraining.widgets import wording
from ketatraining.widgets.fit import fit, wrapping_row

INSTRUCTIONS = (
    "Choose a claim from the guide. Decide how well you think the evidence supports it, "
    "then press **Check my verdict**, or press **Show the evidence** to read it straight away."
)


class ClaimsWidget(widgets.VBox):
    """A claim picker, a verdict choice, Check/Show buttons and a text panel."""

    def __init__(self, claims: Sequence[Claim] = CLAIMS) -> None:
        if not claims:
            msg = "ClaimsWidget needs at least one claim"
            raise ValueError(msg)
        self.claims = {c.key: c for c in claims}
        self.select = widgets.Dropdown(
            options=[(c.title, c.key) for c in claims],
            value=claims[0].key,
            description="Guide claim:",
            style={"description_width": "initial"},
        )
        self.select.add_class("kt-claims-select")
        self.guide = widgets.HTML()
        self.guide.add_class("kt-claims-guide")
        question = widgets.HTML(
            # The radio group below is labelled "Your verdict:"; saying it here too made a
            # screen reader read the label twice.
            "<p><strong>How well is this claim supported?</strong></p>"
        )
        self.guess = widgets.RadioButtons(
            options=[(v.value.capitalize(), v.value) for v in Verdict],
            value=None,
            description="Your verdict:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="max-content"),
        )
        self.guess.add_class("kt-claims-guess")
        self.check_button = widgets.Button(
            description="Check my verdict",
            tooltip="Compare your verdict with the evidence",
            button_style="primary",
        )
        self.check_button.add_class("kt-claims-check")
        self.reveal_button = widgets.Button(
            description="Show the evidence",
            tooltip="Show the evidence and the course's verdict without choosing",
        )
        self.reveal_button.add_class("kt-claims-reveal")
        self.feedback = widgets.HTML()
        self.feedback.add_class("kt-claims-feedback")
        self.correct: bool | None = None

        self.select.observe(lambda _change: self._show_claim(), names="value")
        self.check_button.on_click(lambda _button: self.check())
        self.reveal_button.on_click(lambda _button: self.reveal())
        super().__init__(
            [
                widgets.HTML(markdown_to_html(INSTRUCTIONS)),
                fit(self.select),
                self.guide,
                question,
                self.guess,
                wrapping_row([self.check_button, self.reveal_button]),
                self.feedback,
            ]
        )
        self.add_class("kt-claims")
        self._show_claim()

    @property
    def claim(self) -> Claim:
        return self.claims[self.select.value]

    def check(self) -> bool | None:
        """Grade the chosen verdict and show the evidence; None if nothing was chosen."""
        if self.guess.value is None:
            self.correct = None
            self.feedback.value = f"<p>{html.escape(wording.CHOOSE_FIRST)}</p>"
            return None
        self.correct, message = check_verdict(self.claim.key, self.guess.value)
        mark = wording.CORRECT if self.correct else wording.INCORRECT
        self.feedback.value = (
            f"<p><strong>{html.escape(mark)}</strong> {html.escape(message)}</p>"
            + evidence_html(self.claim)
        )
        return self.correct

    def reveal(self) -> None:
        """Show the evidence and verdict without grading."""
        self.correct = None
        self.feedback.value = evidence_html(self.claim)

    def _show_claim(self) -> None:
        self.guide.value = (
            "<p><strong>What the guide says</strong> (in the course's words): "
            f"{html.escape(self.claim.guide_says)}</p>"
        )
        self.guess.value = None
        self.feedback.value = ""
        self.correct = None


def evidence_html(item: Claim) -> str:
    """The evidence, verdict, teaching point and sources for one claim, as plain HTML."""
    sources = "".join(
        f"<li>{html.escape(short_citation(key))}</li>"
        for key in item.references
    )
    return (
        f"<p><strong>What the evidence shows:</strong> {html.escape(item.evidence)}</p>"
        f'<p class="kt-claims-verdict"><strong>Course verdict: {html.escape(item.verdict.value)}'
        f"</strong>. {html.escape(item.verdict.explanation)}</p>"
        f"<p><strong>Take-away:</strong> {html.escape(item.teaching_point)}</p>"
        f"<p><strong>{html.escape(wording.REFERENCES)}:</strong></p><ul>{sources}</ul>"
    )


def show_claims(claims: Sequence[Claim] = CLAIMS) -> None:
    """Display the claim-vs-evidence explorer (returns None, so it shows once)."""
    from IPython.display import display

    display(ClaimsWidget(claims))
