"""Notebook 03 widget: step through the proposed ketamine pathway on a diagram.

Previous/Next buttons (and a list of the steps) move through the steps; the diagram marks the
current step and the text below says what happens, where the evidence comes from and
which references support it. The steps live in ``ketatraining.clinical.mechanism``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from ketatraining.clinical.citations import cite, short_citation
from ketatraining.clinical.mechanism import PATHWAY, Step
from ketatraining.figures.mechanism import new_pathway_figure, plot_pathway
from ketatraining.widgets.checks import drawing_wanted
from ketatraining.widgets.figure import figure_html
from ketatraining.widgets.fit import fit, wrapping_row
from ketatraining.widgets.messages import friendly


class PathwayStepper(widgets.VBox):
    """A diagram of the pathway with Previous/Next buttons and a text panel per step."""

    def __init__(self, steps: Sequence[Step] = PATHWAY) -> None:
        if not steps:
            msg = "PathwayStepper needs at least one step"
            raise ValueError(msg)
        self.steps = tuple(steps)
        self.previous_button = widgets.Button(
            description="Previous step", icon="arrow-left", tooltip="Go back one step"
        )
        self.previous_button.add_class("kt-pathway-previous")
        self.next_button = widgets.Button(
            description="Next step", icon="arrow-right", tooltip="Go forward one step",
            button_style="primary",
        )
        self.next_button.add_class("kt-pathway-next")
        for button in (self.previous_button, self.next_button):
            button.layout = widgets.Layout(width="auto", flex="0 0 auto")
        # A labelled list of steps (a native <select>), not a slider: screen readers
        # name it and keyboards choose from it (ipywidgets' slider handle has no name).
        self.slider = widgets.Dropdown(
            options=[(f"{n}. {s.label}", n) for n, s in enumerate(self.steps, start=1)],
            value=1, description="Go to step:", style={"description_width": "initial"},
        )
        self.slider.add_class("kt-pathway-slider")
        self.text = widgets.HTML()
        self.text.add_class("kt-pathway-text")
        self.diagram = widgets.HTML()
        self.diagram.add_class("kt-pathway-diagram")
        self.previous_button.on_click(lambda _b: self.go(self.index - 1))
        self.next_button.on_click(lambda _b: self.go(self.index + 1))
        self.slider.observe(self._on_slider, names="value")
        super().__init__(
            [
                # The buttons keep their words at 390 px (the text above names them);
                # "Go to step" wraps below them instead of squeezing them to their icons.
                wrapping_row([self.previous_button, self.next_button, fit(self.slider)]),
                self.text,
                self.diagram,
            ]
        )
        self.add_class("kt-pathway")
        self._render()

    @property
    def index(self) -> int:
        """The current step, 0-based."""
        return self.slider.value - 1

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def go(self, index: int) -> None:
        """Move to a step (0-based); out-of-range moves stop at the first or last step."""
        self.slider.value = min(max(index, 0), len(self.steps) - 1) + 1

    def _on_slider(self, _change: object) -> None:
        self._render()

    @friendly(lambda self: self.text)
    def _render(self) -> None:
        self.previous_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.steps) - 1
        self.text.value = step_html(self.step, self.index, len(self.steps))
        if not drawing_wanted():
            return
        fig, ax = new_pathway_figure()
        plot_pathway(ax, self.steps, current=self.index)
        self.diagram.value = figure_html(
            fig,
            alt=f"Pathway diagram with {len(self.steps)} steps; step {self.index + 1}, "
            f"{self.step.label}, is marked 'You are here'.",
            caption="Proposed pathway, based mostly on rodent and depression research "
            + cite(["duman2014", "li2010", "spravato_pi", "molpsych2018", "krediet2020"]) + ".",
            description="Boxes from top to bottom: "
            + "; ".join(f"{i}. {s.label}" for i, s in enumerate(self.steps, start=1))
            + ". The last box is dashed because it is a hypothesis.",
        )


def step_html(step: Step, index: int, total: int) -> str:
    status = ("This step is reported in the research cited below." if step.established
              else "This step is a hypothesis, not shown.")
    sources = "; ".join(short_citation(key) for key in step.references)
    return (
        f'<div role="status"><p><strong>Step {index + 1} of {total}: '
        f"{html.escape(step.label)}</strong></p><p>{html.escape(step.detail)}</p>"
        f"<p><strong>Evidence:</strong> {html.escape(step.evidence)} "
        f"{html.escape(status)}</p>"
        f"<p><strong>Sources:</strong> {html.escape(sources)}</p></div>"
    )


def show_pathway(steps: Sequence[Step] = PATHWAY) -> None:
    """Display the pathway stepper in a notebook."""
    from IPython.display import display

    display(PathwayStepper(steps))
