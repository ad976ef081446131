"""Notebook 01 widget: how route and dose change exposure, in a one-compartment teaching model.

The learner picks a route, a dose in mg/kg and a body weight; the widget redraws the
curve (optionally beside IV at the same dose) and states the numbers in text. The model
and its sourced inputs live in ``ketatraining.clinical.pharmacology``; this module only
presents them. It is labelled everywhere as a teaching model, not for dosing decisions.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ketatraining.clinical import pharmacology as pk
from ketatraining.clinical.citations import cite
from ketatraining.figures.pharmacokinetics import TEACHING_LABEL, plot_pk_curves
from ketatraining.figures.style import new_figure
from ketatraining.widgets.checks import drawing_wanted
from ketatraining.widgets.figure import figure_html
from ketatraining.widgets.fit import fit, wrapping_row
from ketatraining.widgets.messages import friendly, message_html

WARNING = (
    "Teaching model only - not for dosing decisions. It uses one sourced half-life and one "
    "sourced bioavailability per route; it ignores distribution, metabolites (norketamine), "
    "individual variation and every clinical factor. Absorption speed for non-IV routes is "
    "an assumption, the same for all routes."
)


class PKExplorer(widgets.VBox):
    """Route, dose and weight controls; a redrawn figure; a plain-text summary."""

    def __init__(self, route: str = "oral", mg_per_kg: float = 0.5, weight_kg: float = 70) -> None:
        self.route = widgets.Dropdown(
            options=[(r.label, r.key) for r in pk.ROUTES.values()],
            value=pk.route(route).key,
            description="Route:",
            style={"description_width": "initial"},
        )
        self.route.add_class("kt-pk-route")
        self.dose = widgets.BoundedFloatText(
            value=mg_per_kg, min=pk.MIN_DOSE_MG_PER_KG, max=3.0, step=0.05,
            description="Dose (mg/kg):", style={"description_width": "initial"},
        )
        self.dose.add_class("kt-pk-dose")
        self.weight = widgets.BoundedFloatText(
            value=weight_kg, min=pk.MIN_WEIGHT_KG, max=pk.MAX_WEIGHT_KG, step=1,
            description="Body weight (kg):", style={"description_width": "initial"},
        )
        self.weight.add_class("kt-pk-weight")
        self.compare = widgets.Checkbox(
            value=True, description="Also show IV infusion at the same dose", indent=False
        )
        self.compare.add_class("kt-pk-compare")
        warning = widgets.HTML(message_html("notice", WARNING))
        warning.add_class("kt-pk-warning")
        self.figure = widgets.HTML()
        self.figure.add_class("kt-pk-figure")
        self.summary = widgets.HTML()
        self.summary.add_class("kt-pk-summary")
        self.curves: list[pk.PKCurve] = []
        for control in (self.route, self.dose, self.weight, self.compare):
            control.observe(self._on_change, names="value")
        super().__init__(
            [
                warning,
                wrapping_row([fit(self.route), fit(self.compare)]),
                wrapping_row([fit(self.dose), fit(self.weight)]),
                self.summary,
                self.figure,
            ]
        )
        self.add_class("kt-pk-explorer")
        self.update()

    @friendly(lambda self: self.summary)
    def update(self) -> list[pk.PKCurve]:
        """Recompute the curves from the controls and redraw; returns the curves."""
        try:
            chosen = pk.simulate(self.route.value, self.dose.value, self.weight.value)
        except pk.PKInputError as error:
            self.summary.value = message_html("error", str(error))
            self.curves = []
            return []
        curves = [chosen]
        if self.compare.value and chosen.route.key != "iv":
            curves.insert(0, pk.simulate("iv", self.dose.value, self.weight.value))
        self.curves = curves
        self.summary.value = summary_html(curves)
        if not drawing_wanted():
            return curves
        fig, ax = new_figure(8, 4.2)
        plot_pk_curves(ax, curves)
        self.figure.value = figure_html(
            fig, alt=alt_text(curves), caption=caption(curves), description=description(curves)
        )
        return curves

    def _on_change(self, _change: object) -> None:
        self.update()


def summary_html(curves: list[pk.PKCurve]) -> str:
    lines = [c.summary() for c in curves]
    others = curves[-1].route.other_estimates
    if others:
        listed = ", ".join(f"{v.value:g}% {cite(v.reference)} ({v.note})" for v in others)
        lines.append(f"Other sources give different figures for this route: {listed}.")
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f'<ul class="kt-pk-lines">{items}</ul>'


def alt_text(curves: list[pk.PKCurve]) -> str:
    names = " and ".join(c.route.label for c in curves)
    return f"Line chart of ketamine in the body over 8 hours for {names} ({TEACHING_LABEL})."


def caption(curves: list[pk.PKCurve]) -> str:
    refs = sorted({c.route.bioavailability.reference for c in curves}
                  - {pk.HALF_LIFE_MIN.reference})
    sources = f" and {cite(refs)}" if refs else ""
    return (
        f"{TEACHING_LABEL}. One-compartment model, half-life {pk.HALF_LIFE_MIN.value:g} min "
        f"{cite(pk.HALF_LIFE_MIN.reference)}; bioavailability by route from the same "
        f"source{sources}."
    )


def description(curves: list[pk.PKCurve]) -> str:
    parts = [
        f"{c.route.label}: peak about {c.peak_mg:.0f} mg at about {c.time_of_peak_min:.0f} "
        f"minutes, falling by half every {pk.HALF_LIFE_MIN.value:g} minutes"
        for c in curves
    ]
    return "; ".join(parts) + "."


def show_pk_explorer(route: str = "oral", mg_per_kg: float = 0.5, weight_kg: float = 70) -> None:
    """Display the explorer in a notebook."""
    from IPython.display import display

    display(PKExplorer(route, mg_per_kg, weight_kg))
