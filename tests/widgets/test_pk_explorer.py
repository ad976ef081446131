"""The PK explorer in the kernel: change route, dose and weight, read the text."""

from __future__ import annotations

import pytest

from ketatraining.clinical import pharmacology as pk
from ketatraining.widgets.pk_explorer import WARNING, PKExplorer


@pytest.fixture
def widget() -> PKExplorer:
    return PKExplorer()


def test_starts_with_oral_beside_iv(widget: PKExplorer) -> None:
    assert [c.route.key for c in widget.curves] == ["iv", "oral"]
    assert "dose 35 mg" in widget.summary.value
    assert "bioavailability 20% (Yanagihara et al., Biopharm Drug Dispos 2003)" in widget.summary.value
    assert "about 7 mg reaches the circulation" in widget.summary.value
    assert "Other sources give different figures" in widget.summary.value
    assert "8% (Fanta et al., Eur J Clin Pharmacol 2015)" in widget.summary.value
    assert "not for dosing decisions" in widget.figure.value
    assert "<img" in widget.figure.value
    assert 'alt="Line chart' in widget.figure.value
    assert "Text description." in widget.figure.value


def test_warning_is_shown_as_text():
    widget = PKExplorer()
    html = widget.children[0].value
    assert "not for dosing decisions" in WARNING
    assert "Note" in html  # labelled by a word, not colour alone
    assert "Teaching model only" in html


def test_changing_dose_and_weight_updates_the_numbers(widget: PKExplorer) -> None:
    widget.weight.value = 80
    widget.dose.value = 1.0
    assert "dose 80 mg" in widget.summary.value
    assert "about 16 mg reaches the circulation" in widget.summary.value
    assert widget.curves[-1].dose_mg == 80


def test_changing_route_and_comparison(widget: PKExplorer) -> None:
    widget.route.value = "im"
    assert [c.route.key for c in widget.curves] == ["iv", "im"]
    assert "bioavailability 93% (Clements et al., J Pharm Sci 1982)" in widget.summary.value
    widget.compare.value = False
    assert [c.route.key for c in widget.curves] == ["im"]
    widget.route.value = "iv"
    assert [c.route.key for c in widget.curves] == ["iv"]
    assert "Other sources" not in widget.summary.value


def test_description_states_peaks(widget: PKExplorer) -> None:
    iv = widget.curves[0]
    assert f"peak about {iv.peak_mg:.0f} mg at about 40 minutes" in widget.figure.value


def test_bad_input_gives_a_message_not_a_traceback(widget: PKExplorer) -> None:
    widget.route.options = [*widget.route.options, ("Rectal", "rectal")]
    widget.route.value = "rectal"
    assert "Unknown route &#x27;rectal&#x27;" in widget.summary.value
    assert "Problem" in widget.summary.value
    assert widget.curves == []


def test_controls_have_labels_and_stable_classes(widget: PKExplorer) -> None:
    assert widget.route.description == "Route:"
    assert widget.dose.description == "Dose (mg/kg):"
    assert widget.weight.description == "Body weight (kg):"
    assert widget.compare.description
    for control, css in [
        (widget.route, "kt-pk-route"), (widget.dose, "kt-pk-dose"),
        (widget.weight, "kt-pk-weight"), (widget.compare, "kt-pk-compare"),
        (widget.summary, "kt-pk-summary"), (widget.figure, "kt-pk-figure"),
    ]:
        assert css in control._dom_classes
    assert [key for _, key in widget.route.options] == list(pk.ROUTES)
