"""Screening exercise: flag contraindications and cautions in fictional patient vignettes.

The learner reads a vignette, ticks every flag that applies and presses Check; the
widget then explains every flag the rules raise (the rule, absolute or caution, the
patient fact behind it, the source) and every tick that does not apply. The rules live
in ``ketatraining.clinical.screening``; this module only presents them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import ipywidgets as widgets

from ketatraining.clinical.screening import (
    RULES,
    VIGNETTES,
    FlagReview,
    Vignette,
    review_flags,
    verdict,
)
from ketatraining.text import markdown_to_html
from ketatraining.widgets.checklist import Checklist, Item, Tick
from ketatraining.widgets.fit import fit

INSTRUCTIONS = (
    "Read the fictional case. Tick every contraindication or caution that applies, then "
    "press **Check my flags**. If you think none applies, press it with nothing ticked."
)
FLAGS_LEGEND = "Contraindications and cautions that apply to this patient"


class ScreeningWidget(widgets.VBox):
    """A vignette picker, one checklist of the rules, a Check button and text feedback."""

    def __init__(self, vignettes: Sequence[Vignette] = VIGNETTES) -> None:
        if not vignettes:
            msg = "ScreeningWidget needs at least one vignette"
            raise ValueError(msg)
        self.vignettes = {v.id: v for v in vignettes}
        self.select = widgets.Dropdown(
            options=[(v.title, v.id) for v in vignettes],
            value=vignettes[0].id,
            description="Fictional patient:",
            style={"description_width": "initial"},
        )
        self.select.add_class("kt-screening-select")
        self.select.add_class("kt-wrap-select")
        self.story = widgets.HTML()
        self.story.add_class("kt-screening-vignette")
        instructions = widgets.HTML(markdown_to_html(INSTRUCTIONS))
        self.checklist = Checklist(
            FLAGS_LEGEND,
            [Item(r.id, r.name, hint=r.criterion,
                  classes=("kt-screening-flag", f"kt-screening-flag-{r.id}")) for r in RULES],
            group_class="kt-screening-flags")
        self.flags: dict[str, Tick] = self.checklist.boxes
        self.check_button = widgets.Button(
            description="Check my flags",
            tooltip="Compare your flags with the label-based rules",
            button_style="primary",
        )
        self.check_button.add_class("kt-screening-check")
        self.feedback = widgets.HTML()
        self.feedback.add_class("kt-screening-feedback")
        self.review: FlagReview | None = None

        self.select.observe(self._on_select, names="value")
        self.check_button.on_click(lambda _button: self.check())
        super().__init__(
            [
                fit(self.select),
                self.story,
                instructions,
                self.checklist,
                self.check_button,
                self.feedback,
            ]
        )
        self.add_class("kt-screening")
        self._show(self.vignette)

    @property
    def vignette(self) -> Vignette:
        return self.vignettes[self.select.value]

    def flagged(self) -> list[str]:
        """Ids of the rules the learner has ticked."""
        return [rule_id for rule_id, box in self.flags.items() if box.value]

    def set_flags(self, rule_ids: Iterable[str]) -> None:
        """Tick exactly these rules (for kernel-side checks and tests)."""
        wanted = set(rule_ids)
        unknown = wanted - set(self.flags)
        if unknown:
            msg = f"unknown flag(s): {', '.join(sorted(unknown))}"
            raise KeyError(msg)
        self.checklist.tick(wanted)

    def check(self) -> FlagReview:
        """Compare the ticks with the rules and show every explanation."""
        self.review = review_flags(self.vignette, self.flagged())
        self.feedback.value = _review_html(self.review)
        return self.review

    def _on_select(self, _change: object) -> None:
        self._show(self.vignette)

    def _show(self, vignette: Vignette) -> None:
        self.story.value = markdown_to_html(vignette.story)
        self.set_flags(())
        self.feedback.value = ""
        self.review = None


def _review_html(review: FlagReview) -> str:
    findings = [*review.found, *review.missed]
    items = "".join(f"<li>{html.escape(line)}</li>" for line in review.lines())
    return (
        f"<p><strong>{html.escape(review.summary())}</strong></p>"
        f"<p>{html.escape(verdict(findings))}</p>"
        + (f"<ul>{items}</ul>" if items else "")
        + "<p><em>Teaching exercise on fictional patients; not a clinical decision tool.</em></p>"
    )


def rules_table_html() -> str:
    """All screening rules as an HTML table: condition, level, source, and the guide's view."""
    headers = ("Condition", "Level", "Source", "In the guide?")
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{header}">{html.escape(cell)}</td>'
            for header, cell in zip(
                headers,
                (r.name, r.level.label, r.source,
                 f"{'Yes' if r.in_guide else 'No'}: {r.guide_note}"),
                strict=True,
            )
        )
        + "</tr>"
        for r in RULES
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    return (
        f"<style>{_NARROW_TABLE_CSS}</style>"
        '<table class="kt-screening-rules">'
        "<caption>Contraindications and cautions in the sources, and whether the guide "
        "lists them</caption>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


# Four columns do not fit a phone: below 600 px each row becomes a block and each cell
# one line led by its column name (the header row is then hidden), instead of a table
# cut at the right edge. The rule travels with the table, so it holds in the app and in
# JupyterLab alike.
_NARROW_TABLE_CSS = (
    "@media (max-width: 600px) {"
    "table.kt-screening-rules, table.kt-screening-rules caption, table.kt-screening-rules tbody,"
    " table.kt-screening-rules tr, table.kt-screening-rules td"
    " { display: block; width: auto; max-width: 100%; text-align: left; }"
    " .kt-screening-rules thead { display: none; }"
    " .kt-screening-rules tr { margin: 0 0 0.75em 0; border-top: 1px solid #767676; }"
    " table.kt-screening-rules td { border: none; padding: 0.15em 0; overflow-wrap: break-word; }"
    ' .kt-screening-rules td::before { content: attr(data-label) ": "; font-weight: 600; }'
    "}"
)


def show_rules_table() -> None:
    """Display the rules table (deterministic output, compared by nbval)."""
    from IPython.display import HTML, display

    display(HTML(rules_table_html()))


def show_screening(vignettes: Sequence[Vignette] = VIGNETTES) -> None:
    """Display the screening exercise in a notebook.

    Returns None so that a cell ending in ``show_screening()`` shows the widget once.
    """
    from IPython.display import display

    display(ScreeningWidget(vignettes))
